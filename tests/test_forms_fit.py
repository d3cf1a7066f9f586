"""Identity boxes hold their value (issue 12 §3): the font shrinks to a 6 pt floor; only what still does not fit
continues in Part 13, and the box then shows the beginning of a name or address line, never just a reference; a
number, date or e-mail address that does not fit is never cut: its box stays blank (see ATOMIC_FORMATS)."""

from __future__ import annotations

import io

import pikepdf

from packetgen.case.load import load_case
from packetgen.forms.fill import fill_case_forms
from packetgen.forms.plan import FLOOR_SIZE, fit_size, head_that_fits, single_line_room, text_width
from packetgen.forms.template import Widget

from .conftest import SAMPLES

SAMPLE = SAMPLES / "child-surgery" / "case.json"


def _w(width=200.0, maxlen=None, size=10.0):
    return Widget(name="x", page=1, rect=(0, 0, width, 18), ftype="text", ff=0, maxlen=maxlen, size=size,
                  states=[], options=[])


def test_fit_size_shrinks_to_the_floor_and_no_further():
    w = _w(200)
    assert fit_size("Reyes", w) == 10.0
    long = "Reyes Castillo de la Santisima Trinidad"          # 39 chars: 234 pt at 10 pt
    size = fit_size(long, w)
    assert size is not None and FLOOR_SIZE <= size < 10 and text_width(long, size) <= single_line_room(w)
    assert text_width(long, size + 0.5) > single_line_room(w)
    assert fit_size("x" * 80, w) is None                     # 288 pt even at 6 pt
    assert fit_size("123456", _w(200, maxlen=5)) is None      # /MaxLen is a hard limit
    head, hsize = head_that_fits("Colonia Palmira, Avenida Republica de Chile 1520", _w(400, maxlen=34))
    assert head == "Colonia Palmira, Avenida" or "Colonia Palmira, Avenida Republica".startswith(head)
    assert len(head) <= 34 and hsize is not None


def _long_case():
    case = load_case(SAMPLE)
    b = case.beneficiaries[0]
    b.name.family = "Reyes Castillo de la Santísima Trinidad Villanueva"
    b.name.given = "Mateo Alejandro Maximiliano"
    b.email = "mateo.alejandro.maximiliano.reyes.castillo@correo-hondureno.example.hn"
    case.petitioner.mobile_phone = "+504 9555 0101"
    return case


def test_long_names_emails_and_phones_stay_in_their_boxes():
    f = fill_case_forms(_long_case())[0]
    vals = {(v["part"], v["item"], v["label"]): v["value"] for v in f.values}
    assert vals[("2", "16", "Their family name")] == "Reyes Castillo de la Santísima Trinidad Villanueva"
    assert vals[("2", "16", "Their given name")] == "Mateo Alejandro Maximiliano"
    assert vals[("2", "22", "Their email address")].endswith("example.hn")
    assert vals[("2", "21", "Their daytime telephone number")] == "+504 9555 0101"     # '+' and grouping kept
    assert not [v for v in f.values if "See Part" in str(v["value"])]
    moved = {(o["part"], o["item"]) for o in f.overflow}
    assert ("2", "16") not in moved and ("2", "22") not in moved
    # the shrunk size is in the appearance stream and in the field's /DA
    pdf = pikepdf.open(io.BytesIO(f.pdf))
    for page in pdf.pages:
        for a in page.obj.get("/Annots", []):
            if str(a.get("/T", "")) == "P2_Line16_FamilyName[0]":
                da = str(a.DA)
                size = float(da.split(" Tf")[0].split()[-1])
                assert FLOOR_SIZE <= size < 10
                assert f"{size:g} Tf".encode() in a.AP.N.read_bytes()
                break
        else:
            continue
        break
    else:
        raise AssertionError("family-name widget not found")


def test_a_phone_too_long_for_its_box_leaves_the_box_blank_and_continues_whole_in_part_13():
    """The beginning of a phone number is another phone number, which the intake clerk would key ("+639175550"
    for +63 917 555 0108): the box stays blank, Part 13 holds the number whole with its item, and the build says
    so.  (Issue 12 had the box hold "what fits"; an attorney's read found the cut number wrong under oath.)"""
    f = fill_case_forms(_long_case())[0]
    assert not [v for v in f.values if (v["part"], v["item"]) == ("10", "2") and v["kind"] == "text"]
    moved = [o for o in f.overflow if (o["part"], o["item"]) == ("10", "2")]
    assert moved and moved[0]["where"].startswith("Part 13")
    pdf = pikepdf.open(io.BytesIO(f.pdf))
    values = [str(a.get("/V", a.get("/Parent", {}).get("/V", ""))) for page in pdf.pages
              for a in page.obj.get("/Annots", [])]
    assert "Applicant's mobile telephone number: +504 9555 0101" in values, "Part 13 should hold the whole number"
    assert any("Part 10, Item 2" in w and "left blank" in w and "+504" not in w for w in f.warnings)


def test_names_and_address_lines_keep_their_beginning_in_the_box():
    """Only atomic values (numbers, dates, e-mail addresses) are left blank; a long name or street keeps its
    beginning in the box (issue 12 §3), the whole in Part 13."""
    from packetgen.forms.plan import ATOMIC_FORMATS

    assert {"phone", "email", "a_number", "date", "zip"} <= ATOMIC_FORMATS
    assert not {"name", "text", "paragraphs"} & ATOMIC_FORMATS
    case = load_case(SAMPLE)
    case.beneficiaries[0].mailing_address.street = "Colonia Palmira, Avenida Republica de Chile 1520, Bloque Norte"
    f = fill_case_forms(case)[0]
    assert [o for o in f.overflow if (o["part"], o["item"]) == ("2", "24")]
    heads = [v["value"] for v in f.values if str(v["value"]).startswith("Colonia Palmira")]
    assert heads and all(len(h) < len(case.beneficiaries[0].mailing_address.street) for h in heads)


def test_stand_in_check_marks_are_drawn_without_a_dingbats_font(tmp_path):
    """Check marks are paths: poppler without a ZapfDingbats font used to show every stand-in box empty."""
    import shutil
    import subprocess

    import pytest
    from PIL import Image

    if shutil.which("pdftoppm") is None:
        pytest.skip("poppler-utils (pdftoppm) not installed")
    f = fill_case_forms(load_case(SAMPLE))[0]
    assert not f.official
    pdf = tmp_path / "i131.pdf"
    pdf.write_bytes(f.pdf)
    subprocess.run(["pdftoppm", "-r", "72", "-gray", "-f", "7", "-l", "7", "-png", str(pdf), str(tmp_path / "p")],
                   check=True)
    img = Image.open(next(tmp_path.glob("p*.png"))).convert("L")
    rects = {}
    doc = pikepdf.open(io.BytesIO(f.pdf))
    for a in doc.pages[6].obj.Annots:
        if str(a.get("/T", "")) in {"P4_Line1_YesNo[0]", "P4_Line1_YesNo[1]"}:
            rects[str(a.T)] = [float(x) for x in a.Rect]

    def ink(r):
        x0, y0, x1, y1 = r
        box = img.crop((int(x0) + 2, int(792 - y1) + 2, int(x1) - 2, int(792 - y0) - 2))
        return sum(1 for p in box.getdata() if p < 128)

    assert ink(rects["P4_Line1_YesNo[1]"]) > 5          # 'No' is checked and visible
    assert ink(rects["P4_Line1_YesNo[0]"]) == 0          # 'Yes' stays empty


def test_a_number_too_long_for_its_comb_boxes_is_never_cut():
    """The comb branch (one character per box: A-Number, SSN) follows the same rule as the others: a number that
    does not fit leaves its boxes blank, never its first digits (here the boxes are narrowed to 8)."""
    import dataclasses

    from packetgen.forms.fill import _template_info, i131_context
    from packetgen.forms.fieldmap import load_formdef
    from packetgen.forms.plan import _Plan
    from packetgen.forms.template import template_for

    case = load_case(SAMPLE)
    case.beneficiaries[0].a_number = "A123456789"
    fd = load_formdef("I-131")
    widgets = dict(_template_info(template_for(fd, None)[0]).widgets)
    name = next(n for n in widgets if n.endswith("P2_Line23_AlienNumber[0]"))
    assert widgets[name].comb
    widgets[name] = dataclasses.replace(widgets[name], maxlen=8)
    plan = _Plan(fd, i131_context(case, case.beneficiaries[0]), widgets, "I-131")
    for i, e in enumerate(fd.model.entries):
        plan.plan_entry(i, e)
    assert not [w for w in plan.writes if w.field == name]
    assert [m for m in plan.moved if (m.part, m.item) == ("2", "23")]
    assert any("Part 2, Item 23" in w and "left blank" in w for w in plan.warnings)

def test_check_names_each_value_cut_at_its_box_without_the_value(tmp_path):
    """``packetgen check`` plans the forms as the build fills them: a street too long for its box is a warning
    (shorten it), a phone number left blank is a note; messages name form, item and label, never the value.
    A build's own check does not plan them twice (the build reports the same from the filled forms)."""
    from packetgen import api

    case = _long_case()
    street = "Colonia Palmira, Avenida Republica de Chile 1520"
    for b in case.beneficiaries:
        b.mailing_address.street = street
    family = "Reyes Castillo de la Santisima Trinidad Villanueva y Montenegro Alvarez de Toledo Bustamante"
    case.beneficiaries[0].name.family = family        # too long for the box even at 6 pt
    _, findings = api.check(case, boxes=True, forms_dir=tmp_path)
    cut = [f for f in findings if f.code == "form.box_cut" and f.severity == "warning"]
    assert any("Form I-131 for mateo, Part 2 Item 24" in f.message for f in cut)
    assert all(street not in f.message and "Colonia" not in f.message for f in cut)
    assert "abbreviations" in cut[0].fix
    blank = [f for f in findings if f.code == "form.box_blank"]
    assert any("Part 10 Item 2" in f.message and "left blank" in f.message and "+504" not in f.message
               for f in blank)
    names = [f for f in findings if f.code == "form.box_cut" and f.severity == "info"]
    assert any("Part 2 Item 16" in f.message and "passport spelling" in f.fix for f in names)
    assert all("Villanueva" not in f.message for f in findings if f.code.startswith("form.box_"))
    _, plain = api.check(case, forms_dir=tmp_path)
    assert not [f for f in plain if f.code.startswith("form.box_")]


def test_part_8_item_1_refers_to_the_cover_letter_and_the_sets_exhibits(tmp_path):
    """An attorney's read: the one-sentence Part 8 answer should point the officer to the letter and the exhibits."""
    from packetgen import api

    case = load_case(SAMPLE)

    def item_8_1(f):
        return " ".join(next(v["value"] for v in f.values if (v["part"], v["item"]) == ("8", "1")).split())
    assert item_8_1(fill_case_forms(case, exhibits_text={"mateo": "Exhibits A\u2013O"})[0]) == \
        f"{case.request.summary} See the cover letter and Exhibits A\u2013O."
    assert item_8_1(fill_case_forms(case)[0]) == f"{case.request.summary} See the cover letter."
    (tmp_path / "forms").mkdir()
    result = api.build(SAMPLE, outdir=tmp_path / "out", forms_dir=tmp_path / "forms", force=True)
    for st in result.sets:             # each set's own exhibits (15 in each child-surgery set)
        with pikepdf.open(st.path) as pdf:
            values = [str(a.get("/V", "")) for page in pdf.pages for a in page.obj.get("/Annots", [])]
        assert sum("See the cover letter and Exhibits A\u2013O." in " ".join(v.split()) for v in values) == 1
