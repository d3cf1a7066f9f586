"""Field maps, the expression language, value formats, stand-in forms and filling on stand-ins.

These tests need nothing outside the repository: without an installed official
PDF the filler uses the generated stand-in, which has the official field names.
The tests against the real I-131 are in test_forms_official.py.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import subprocess
import time
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

from packetgen.case.load import load_case
from packetgen.errors import FormError
from packetgen.forms.fieldmap import (Expr, format_value, load_formdef, load_formdef_file, looks_like_signature,
                                to_form_charset)
from packetgen.forms.fill import (FilledForm, fill_case_forms, fill_form, i131_context, i134_context, template_for)
from packetgen.forms.library import identify, read_widgets
from packetgen.forms.standin import MARK, build_standin, standin_pdf

from .conftest import assert_values_drawn_for_pdfium, norm

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "samples" / "child-surgery" / "case.json"
MAPS = REPO / "forms"


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    """No installed forms, a private cache: the stand-ins are used."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("PACKETGEN_FORMS_DIR", raising=False)


@pytest.fixture
def case():
    return load_case(SAMPLE)


@pytest.fixture(scope="module")
def sample_forms(tmp_path_factory):
    """The child-surgery sample filled once (on stand-ins) for the read-only tests."""
    mp = pytest.MonkeyPatch()
    mp.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("xdg")))
    mp.delenv("PACKETGEN_FORMS_DIR", raising=False)
    try:
        yield load_case(SAMPLE), fill_case_forms(load_case(SAMPLE))
    finally:
        mp.undo()


def fill_i131(case, index=0, **kw):
    fd = load_formdef("I-131")
    template, official, _ = template_for(fd)
    b = case.beneficiaries[index]
    return fill_form(fd, i131_context(case, b), template=template, official=official, root_name=f"i131_{b.id}",
                     title=f"Form I-131 \u2014 {b.name.full}", beneficiary_id=b.id, **kw)


def fill_i134(case, index=0, **kw):
    fd = load_formdef("I-134")
    template, official, _ = template_for(fd)
    s, b = case.supporter_pairs()[index]
    return fill_form(fd, i134_context(case, s, b), template=template, official=official,
                     root_name=f"i134_{s.id}_{b.id}", title="Form I-134", beneficiary_id=b.id, supporter_id=s.id, **kw)


def fields_of(pdf: bytes) -> dict:
    return PdfReader(io.BytesIO(pdf)).get_fields() or {}


def value_of(fields: dict, name: str):
    f = fields.get(name)
    return None if f is None else f.get("/V")




# --------------------------------------------------------------------------- the field maps

def test_i131_map_covers_the_parts_a_parole_filing_uses():
    fd = load_formdef("I-131", "01/20/25")
    have = {(e.part, e.item) for e in fd.model.entries}
    wanted = ([("1", "7"), ("1", "G-28")] + [("2", str(i)) for i in range(1, 28)]
              + [("3", str(i)) for i in range(1, 7)] + [("4", "1"), ("4", "2.a"), ("4", "3.a")]
              + [("8", "1"), ("8", "2"), ("8", "3.a"), ("8", "3.b")] + [("10", str(i)) for i in (1, 2, 3)]
              + [("11", str(i)) for i in range(1, 6)] + [("11", "Certification")]
              + [("12", str(i)) for i in range(1, 6)] + [("13", "1"), ("13", "2")])
    assert [w for w in wanted if w not in have] == []
    item7 = next(e for e in fd.model.entries if (e.part, e.item) == ("1", "7"))
    assert (item7.field, item7.on, item7.page) == ("form1[0].P3[0].CB_AppType[5]", "/23", 3)
    g28 = next(e for e in fd.model.entries if e.item == "G-28")
    assert (g28.field, g28.on, g28.value) == ("form1[0].P1[0].G28_Attached[0]", "/Y", "g28")
    # items 16-27 only when someone else files
    assert all(e.when and "for_other" in e.when for e in fd.model.entries
               if e.part == "2" and e.item.isdigit() and int(e.item) >= 16 and e.value)
    assert fd.model.overflow.part == "13" and len(fd.model.overflow.rows) == 5
    assert fd.model.page_count == 14 and fd.model.barcode.value_pattern == "I-131|01/20/25|{page}"
    assert len(fd.model.inventory) == 339


def test_i134_map_covers_supporter_beneficiary_support_and_contact():
    fd = load_formdef("I-134")
    parts = {e.part for e in fd.model.entries}
    assert parts >= {"1", "2", "3", "4", "5", "6", "7", "8"}
    items = {(e.part, e.item) for e in fd.model.entries}
    for want in [("2", "1"), ("2", "3"), ("2", "7"), ("2", "10"), ("2", "11"), ("2", "12"), ("2", "16"), ("2", "17"),
                 ("2", "18"), ("2", "19"), ("3", "1"), ("3", "3"), ("3", "4"), ("3", "8"), ("3", "9"), ("3", "12"),
                 ("5", "3"), ("5", "4"), ("5", "5")]:
        assert want in items, want
    assert fd.model.source.status == "derived"
    assert fd.model.overflow.part == "8" and len(fd.model.overflow.rows) == 4
    assert len(fd.model.inventory) == 250


@pytest.mark.parametrize("form", ["I-131", "I-134"])
def test_no_entry_writes_a_signature_field(form):
    fd = load_formdef(form)
    names = []
    for e in fd.model.entries:
        names += [e.field] if e.field else []
        names += [f.name for o in (e.options or {}).values() for f in
                  ([fd.fields[o.field]] if o.field else fd.group_members(o.group))]
    assert names and not [n for n in names if looks_like_signature(n) or fd.fields[n].signature]
    sig_fields = [s.field for s in fd.model.signatures]
    assert sig_fields and all(looks_like_signature(n) for n in sig_fields)


def test_map_contexts_are_what_the_filler_provides(case):
    assert set(i131_context(case, case.beneficiaries[0])) - {"_paths"} == set(load_formdef("I-131").model.context)
    s, b = case.supporter_pairs()[0]
    assert set(i134_context(case, s, b)) - {"_paths"} == set(load_formdef("I-134").model.context)


def _edited_map(tmp_path, edit) -> Path:
    data = json.loads((MAPS / "i-131_2025-01-20.json").read_text(encoding="utf-8"))
    edit(data)
    p = tmp_path / "i-131_2025-01-20.json"
    p.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return p


def test_a_map_that_targets_a_signature_field_is_refused(tmp_path):
    def edit(d):
        e = next(e for e in d["entries"] if e["part"] == "10" and e["item"] == "1")
        e["field"] = "form1[0].#subform[10].Part10_Line4_ApplicantSignature[0]"
        e["page"] = 11
    with pytest.raises(FormError) as err:
        load_formdef_file(_edited_map(tmp_path, edit))
    assert "signature" in str(err.value) and "Part10_Line4_ApplicantSignature" in str(err.value)


def test_a_map_with_an_unknown_checkbox_state_is_refused(tmp_path):
    def edit(d):
        next(e for e in d["entries"] if e["item"] == "7")["on"] = "/7"
    with pytest.raises(FormError) as err:
        load_formdef_file(_edited_map(tmp_path, edit))
    assert "/7" in str(err.value) and "CB_AppType[5]" in str(err.value)


# --------------------------------------------------------------------------- expressions and formats

def test_expressions_propagate_none_and_catch_typos(case):
    ctx = {"applicant": case.petitioner, "beneficiary": case.beneficiaries[0]}
    assert Expr("applicant.name.family", where="t", context=ctx).evaluate(ctx, where="t") == "Reyes"
    assert Expr("applicant.physical_address.street", where="t", context=ctx).evaluate(ctx, where="t") is None
    assert Expr("applicant.other_names[5].family", where="t", context=ctx).evaluate(ctx, where="t") is None
    assert Expr("'white' in beneficiary.biographics.race", where="t", context=ctx).evaluate(ctx, where="t") is True
    assert Expr("beneficiary.sex if beneficiary.sex else None", where="t", context=ctx).evaluate(ctx, where="t") == "M"
    with pytest.raises(FormError, match="has no 'mailing_adress'"):
        Expr("applicant.mailing_adress.city", where="t", context=ctx).evaluate(ctx, where="t")
    for bad in ["__import__('os')", "applicant._source", "(lambda: 1)()", "applicant.name.family * 3", "[x for x in y]"]:
        with pytest.raises(FormError):
            Expr(bad, where="t", context=ctx)
    with pytest.raises(FormError, match="not in the map's context"):
        Expr("petitioner.name", where="t", context=ctx)


def test_values_are_formatted_the_way_the_form_expects():
    assert format_value("date", dt.date(2019, 7, 2)) == "07/02/2019"
    assert format_value("a_number", "A-012-345-678") == "012345678"
    assert format_value("a_number", "A12345678") == "012345678"
    with pytest.raises(ValueError):
        format_value("a_number", "A-12")
    assert format_value("phone", "(713) 555-0148") == "7135550148"
    assert format_value("phone", "+504 9555 0101") == "+504 9555 0101"
    assert format_value("phone", "+504 9555 0101", {"plus": False}) == "01150495550101"
    assert format_value("phone", "(713) 555-0148") == "7135550148"
    assert [format_value("digits", 38, {"width": 3, "index": i}) for i in range(3)] == ["0", "3", "8"]
    assert format_value("money", 92400) == "$92,400" and format_value("money", 10.5) == "$10.50"
    assert format_value("zip", "77004-1234") == "77004"
    assert format_value("state", "tx") == "TX"
    assert format_value("paragraphs", "a  b\n\n c") == "a b\nc"


def test_text_is_made_showable_in_the_forms_winansi_font():
    assert to_form_charset("Lucía Andrés Peña — “ok”") == ("Lucía Andrés Peña — “ok”", [])
    text, replaced = to_form_charset("Андрей Ξένια Łukasz Nguyễn 王")
    assert text == "Andrey Xenia Lukasz Nguyen ?"
    assert len(replaced) == 14 and "王→?" in replaced


# --------------------------------------------------------------------------- stand-ins

@pytest.mark.parametrize("form", ["I-131", "I-134"])
def test_standin_has_the_maps_fields_and_is_marked_on_every_page(form, tmp_path):
    fd = load_formdef(form)
    t0 = time.perf_counter()
    data = build_standin(fd)
    took = time.perf_counter() - t0
    assert took < 2.0  # typically 0.15-0.3 s; cached afterwards
    pdf = pikepdf.open(io.BytesIO(data))
    assert len(pdf.pages) == fd.model.page_count
    widgets = {w["name"]: w for w in read_widgets(pdf)}
    expected = {f.name: f for f in fd.model.inventory if not f.barcode}
    assert set(widgets) == set(expected)
    for name, f in expected.items():
        w = widgets[name]
        assert w["type"] == f.type, name
        assert w["page"] == f.page, name
        assert w.get("maxlen") == f.maxlen, name
        if f.type == "checkbox":
            assert w["on"] == f.on[:1], name
        if f.rect:
            assert w["rect"] == pytest.approx(f.rect, abs=0.1), name
    assert identify(tmp_path / "x.pdf", pdf)["standin"] is True
    import pypdfium2 as pdfium
    doc = pdfium.PdfDocument(data)
    for i in range(len(doc)):
        text = doc[i].get_textpage().get_text_range()
        assert "STAND-IN" in text and "NOT FOR FILING" in text and "packetgen forms add" in text, f"page {i + 1}"
    assert MARK.endswith("'packetgen forms add'")


def test_standin_is_cached_by_field_map_hash(tmp_path, monkeypatch):
    import packetgen.forms.standin

    monkeypatch.setattr(packetgen.forms.standin, "_memory", {})   # earlier tests filled the in-process cache
    fd = load_formdef("I-134")
    first = standin_pdf(fd)
    cached = list((tmp_path / "xdg" / "packetgen" / "cache").glob("standin-i-134_2025-01-20-*.pdf"))
    assert len(cached) == 1 and fd.sha256[:16] in cached[0].name
    assert standin_pdf(fd) == first
    monkeypatch.setattr(packetgen.forms.standin, "_memory", {})
    monkeypatch.setattr(packetgen.forms.standin, "build_standin", lambda fd: pytest.fail("not read from the disk cache"))
    assert standin_pdf(fd) == first


@pytest.mark.parametrize("form", ["I-131", "I-134"])
def test_standin_labels_overlap_nothing(form):
    """Every printed label sits in free space: not on a box, a heading, another label, or off the page."""
    from reportlab.pdfgen import canvas

    import packetgen.forms.standin as si

    fd = load_formdef(form)
    w, h = fd.model.page_size
    c = canvas.Canvas(io.BytesIO(), pagesize=(w, h))
    labelled = drawn_total = 0
    for pno, (placed, flow) in si._layout(fd).items():
        boxes = si._draw_page(c, fd, pno, placed, flow)
        c.showPage()
        rects = [p.rect for p in placed if p.rect]
        if not flow:
            for f in fd.model.inventory:
                if f.page == pno and f.rect and not f.barcode:
                    assert next(p.rect for p in placed if p.f is f) == tuple(f.rect), f.name   # official rects kept

        def hit(a, b, eps=0.05):
            return a[0] < b[2] - eps and a[2] > b[0] + eps and a[1] < b[3] - eps and a[3] > b[1] + eps

        for i, a in enumerate(boxes):
            assert 0 <= a[0] and a[2] <= w and 50 <= a[1] and a[3] <= h - 60, (pno, a)
            for b in boxes[i + 1:]:
                assert not hit(a, b), (pno, a, b)
            for r in rects:
                assert not hit(a, r), (pno, a, r)
        labelled += sum(1 for p in placed if p.rect and p.label)
        drawn_total += len(boxes)
    assert drawn_total >= 0.95 * labelled   # nearly every field keeps a visible caption


def test_standin_is_deterministic_and_versioned():
    import packetgen.forms.standin as si

    fd = load_formdef("I-134")
    data = build_standin(fd)
    assert build_standin(fd) == data
    assert f"v{si.STANDIN_VERSION}".encode() in data


# --------------------------------------------------------------------------- filling on stand-ins

def test_sample_fills_one_i131_per_beneficiary_then_one_i134_per_pair(sample_forms):
    case, forms = sample_forms
    assert [(f.form_id, f.beneficiary_id, f.supporter_id) for f in forms] == [
        ("I-131", "mateo", None), ("I-131", "ana", None), ("I-134", "mateo", "lucia"), ("I-134", "ana", "lucia")]
    assert [f.title for f in forms] == [
        "Form I-131 \u2014 Mateo Andrés Reyes Castillo", "Form I-131 \u2014 Ana Gabriela Castillo Mejía",
        "Form I-134 \u2014 Lucía Reyes for Mateo Reyes Castillo", "Form I-134 \u2014 Lucía Reyes for Ana Castillo Mejía"]
    assert all(f.seconds < 10 for f in forms)
    assert all(isinstance(f, FilledForm) and not f.official and f.edition == "01/20/25" for f in forms)
    roots = set()
    for f in forms:
        pdf = pikepdf.open(io.BytesIO(f.pdf))
        assert len(pdf.pages) == f.page_count
        af = pdf.Root.AcroForm
        assert "/XFA" not in af and "/NeedAppearances" not in af and "/Perms" not in pdf.Root
        roots |= {str(x.T) for x in af.Fields}
        fields = fields_of(f.pdf)
        for v in f.values:
            got = value_of(fields, v["field"])
            assert got == v["value"], v
            assert v["field"].startswith(f.root_name + ".")
    assert roots == {"i131_mateo", "i131_ana", "i134_lucia_mateo", "i134_lucia_ana"}


def test_i131_standin_values(sample_forms):
    case, forms = sample_forms
    f = forms[0]
    vals = {(v["part"], v["item"], v["label"]): v["value"] for v in f.values}
    assert vals[("1", "7", next(k[2] for k in vals if k[:2] == ("1", "7")))] == "/23"
    assert vals[("2", "1", "Your family name")] == "Reyes"
    assert vals[("2", "1", "Your given name")] == "Lucía"
    assert vals[("2", "9", "Your date of birth")] == "03/12/1984"
    assert vals[("2", "16", "Their family name")] == "Reyes Castillo"
    assert vals[("2", "18", "Their date of birth")] == "07/02/2019"
    assert vals[("2", "21", "Their daytime telephone number")] == "+504 9555 0101"
    assert vals[("2", "3", "Your mailing address: state")] == "TX"
    assert vals[("2", "3", "Your mailing address: apartment, suite or floor: Apt.")] == "/ APT "
    assert vals[("8", "2", "Expected length of stay in the United States")] == "6 months"
    assert vals[("8", "3.a", "Date of intended arrival in the United States")] == "01/25/2027"
    assert vals[("10", "1", "Applicant's daytime telephone number")] == "7135550148"
    assert vals[("3", "4", "Weight in pounds, digit 1")] == "0"
    # the sample's street, written as a paralegal fits it to the 34-character field, is whole in its box
    assert vals[("2", "24", "Their mailing address: street number and name")] == "Av. Rep. Chile 1520, Col. Palmira"
    assert not [o for o in f.overflow if (o["part"], o["item"]) in {("2", "24"), ("2", "25")}]
    assert vals[("4", "2.a", "Have you ever been issued a Reentry Permit or Refugee Travel Document?: No")] == "/N"
    assert vals[("4", "3.a", "Have you ever been issued an Advance Parole Document?: No")] == "/N"


def test_a_street_too_long_for_its_box_is_continued_whole_in_part_13(case):
    long = "Colonia Palmira, Avenida República de Chile 1520"      # 48 characters, the field holds 34
    for b in case.beneficiaries:
        b.mailing_address.street = long
    f = fill_i131(case)
    moved = [o for o in f.overflow if (o["part"], o["item"]) == ("2", "24")]
    assert moved and moved[0]["where"].startswith("Part 13 row 3")
    fields = fields_of(f.pdf)
    # the box shows the beginning of the street (never just a reference), the full value is in Part 13
    box = value_of(fields, "i131_mateo.P6[0].P2_Line24_StreetNumberName[0]")
    assert long.startswith(box) and len(box) >= 20
    assert "See Part" not in box
    assert value_of(fields, "i131_mateo.#subform[13].Part13_Line3_ItemNumber[0]") == "24"
    assert long in norm(value_of(fields, "i131_mateo.#subform[13].Part13_Line3_AdditionalInfo[0]"))


def test_unanswered_questions_are_left_blank_never_guessed(case):
    case.beneficiaries[0].ever_issued_advance_parole = None
    case.beneficiaries[0].in_removal_proceedings = None
    f = fill_i131(case)
    assert not [v for v in f.values if (v["part"], v["item"]) in {("4", "3.a"), ("4", "1")}]
    asked = {(u["part"], u["item"]): u["set"] for u in f.unanswered}
    assert asked[("4", "3.a")] == "beneficiaries[0].ever_issued_advance_parole"
    assert asked[("4", "1")] == "beneficiaries[0].in_removal_proceedings"
    fields = fields_of(f.pdf)
    for name in ("i131_mateo.P7[0].P4_Line1_YesNo[0]", "i131_mateo.P7[0].P4_Line1_YesNo[1]",
                 "i131_mateo.P7[0].P4_Line3a_YesNo[0]", "i131_mateo.P7[0].P4_Line3a_YesNo[1]"):
        assert str(fields[name].get("/V", "/Off")) in {"/Off", "None", ""}, name


def test_attorney_interpreter_and_preparer(case):
    from packetgen.case.model import Helper, Name

    case.attorney = Helper(name=Name(family="Okafor", given="Grace"), organization="Okafor Immigration Law PLLC",
                           phone="(713) 555-0199", email="grace@okafor.example", bar_number="TX24012345", g28=True)
    case.interpreter = Helper(name=Name(family="López", given="María José"), phone="(713) 555-0190", language="Spanish")
    case.supporters[0].reads_english = False
    f = fill_i131(case)
    vals = {v["label"]: v["value"] for v in f.values}
    assert vals["G-28 attached (attorney or accredited representative)"] == "/Y"
    assert vals["Preparer's family name"] == "Okafor" and vals["Preparer's business or organization"] == "Okafor Immigration Law PLLC"
    assert vals["Interpreter's family name"] == "López" and vals["Language the interpreter is fluent in"] == "Spanish"
    assert vals["Interpreter's daytime telephone number"] == "7135550190"
    assert [(s["part"], s["item"], s["who"]) for s in f.signatures] == [
        ("10", "4", "petitioner"), ("11", "6", "interpreter"), ("12", "6", "preparer")]
    i134 = fill_i134(case)
    v134 = {v["label"]: v["value"] for v in i134.values}
    assert v134["Supporter's statement: English or interpreter: 1.b The interpreter named in Part 6 read it to me"] == "/B"
    assert v134["Name of the preparer"] == "Grace Okafor" and v134["Preparer's family name"] == "Okafor"
    assert [(s["part"], s["who"]) for s in i134.signatures] == [("5", "supporter"), ("6", "interpreter"), ("7", "preparer")]


def test_i134_standin_values(sample_forms):
    case, forms = sample_forms
    f = forms[2]
    vals = {v["label"]: v["value"] for v in f.values}
    assert vals["I am filing this form on behalf of: Another individual who is the beneficiary"] == "/PD"
    assert vals["Your family name"] == "Reyes" and vals["Beneficiary's family name"] == "Reyes Castillo"
    assert vals["Your immigration status: U.S. citizen"] == "/C"
    assert vals["Your relationship to the beneficiary"] == case.supporters[0].relationship["mateo"]
    assert vals["Employed: name of employer"] == case.supporters[0].employment.employer
    assert vals["Your current individual annual income"] == "$92,400"
    assert vals["Asset 1: type"] == "Savings - Bank Account" and vals["Asset 1: amount"] == "$61,250"
    assert vals["Total value of assets"] == "$70,180"
    assert vals["Support period: from (date of intended arrival)"] == "01/25/2027"
    assert vals["Support period: to (end of the requested stay)"] == "07/25/2027"
    assert vals["Beneficiary's sex: Male"] == "/M"
    assert vals["Supporter's daytime telephone number"] == "7135550148"
    assert f.signatures == [{"page": 8, "part": "5", "item": "6", "who": "supporter", "name": "Lucía Isabel Reyes"}]


def test_items_16_to_27_only_when_someone_else_files(case, sample_forms):
    assert any(v["item"] == "16" for v in sample_forms[1][0].values)
    case.petitioner.is_beneficiary = "mateo"
    mateo, ana = fill_i131(case, 0), fill_i131(case, 1)
    assert not [v for v in mateo.values if v["part"] == "2" and v["item"].isdigit() and int(v["item"]) >= 16]
    assert not [n for n, f in fields_of(mateo.pdf).items() if "P2_Line16" in n and f.get("/V")]
    # Ana's I-131 is still filed by someone else (the petitioner is Mateo's)
    assert any(v["item"] == "16" for v in ana.values)


def test_yes_no_boxes_are_exclusive(case):
    def states(pdf):
        out = {}
        for page in pikepdf.open(io.BytesIO(pdf)).pages:
            for a in page.obj.get("/Annots", []):
                if "P4_Line1_YesNo" in str(a.get("/T", "")):
                    out[str(a.T)] = str(a.get("/AS"))
        return out
    assert states(fill_i131(case).pdf) == {"P4_Line1_YesNo[0]": "/Off", "P4_Line1_YesNo[1]": "/N"}
    case.beneficiaries[0].in_removal_proceedings = True
    assert states(fill_i131(case).pdf) == {"P4_Line1_YesNo[0]": "/Y", "P4_Line1_YesNo[1]": "/Off"}


def test_unknown_checkbox_state_raises_instead_of_writing_off(case, tmp_path):
    # A map that believes CB_AppType[5] also has a state /7, filled on a PDF where it has only /23:
    # pypdf would silently write /Off; the filler refuses.
    def edit(d):
        inv = next(f for f in d["inventory"] if f["name"] == "form1[0].P3[0].CB_AppType[5]")
        inv["on"] = ["/23", "/7"]
        next(e for e in d["entries"] if e["item"] == "7")["on"] = "/7"
    fd_bad = load_formdef_file(_edited_map(tmp_path, edit))
    template, official, _ = template_for(load_formdef("I-131"))
    with pytest.raises(FormError) as err:
        fill_form(fd_bad, i131_context(case, case.beneficiaries[0]), template=template, official=official,
                  root_name="i131_x", title="t", beneficiary_id="mateo")
    msg = str(err.value)
    assert "CB_AppType[5]" in msg and "/7" in msg and "/23" in msg and "/Off" in msg


def test_characters_the_font_cannot_show_are_left_blank_never_transliterated(case):
    case.beneficiaries[0].name.middle = "Андрей"
    f = fill_i131(case)
    assert value_of(fields_of(f.pdf), "i131_mateo.P6[0].P2_Line16_MiddleName[0]") in (None, "")
    assert any("Part 2, Item 16 (Their middle name)" in w and "Cyrillic" in w and "latin_name" in w for w in f.warnings)
    assert not [w for w in f.warnings if "Andrey" in w]


def test_readonly_is_cleared_on_filled_fields(sample_forms):
    f = sample_forms[1][0]
    pdf = pikepdf.open(io.BytesIO(f.pdf))
    seen = 0
    for page in pdf.pages:
        for a in page.obj.get("/Annots", []):
            t = str(a.get("/T", ""))
            if t in {"P2_Line18_DateOfBirth[0]", "P2_Line19_CountryOfBirth[0]", "Part2_Line1_FamilyName[0]"}:
                seen += 1
                assert int(a.get("/Ff", 0)) & 1 == 0 and int(a.get("/F", 0)) & 64 == 0, t
            if t == "Part10_Line4_ApplicantSignature[0]":
                assert "/V" not in a  # never written
    assert seen == 4  # Part 2 Item 1 and its Part 13 copy, Items 18 and 19


def test_long_i134_text_goes_to_part8_then_continuation_sheets(case):
    long = " ".join(f"Support item {i}: housing, food and transport for the whole stay." for i in range(60))
    case.supporters[0].will_provide = long
    case.supporters[0].contributions = None          # Item 19 prints will_provide then
    f = fill_i134(case)
    moved = [o for o in f.overflow if (o["part"], o["item"]) == ("2", "19")]
    assert moved and "Part 8 rows" in moved[0]["where"] and "continuation sheet" in moved[0]["where"]
    assert f.page_count > 10
    fields = fields_of(f.pdf)
    rows = [value_of(fields, f"i134_lucia_mateo.P13[0].Pt9Line3d_AdditionalInfo[{k}]") or "" for k in range(4)]
    assert value_of(fields, "i134_lucia_mateo.P13[0].Pt9Line3a_PageNumber[0]") == "4"
    assert value_of(fields, "i134_lucia_mateo.P13[0].Pt9Line4b_PartNumber[0]") == "2"
    reader = PdfReader(io.BytesIO(f.pdf))
    sheets = [reader.pages[i].extract_text() for i in range(10, len(reader.pages))]
    assert all("Part 8. Additional Information" in s and "Signature of the supporter" in s for s in sheets)
    body = []
    for s in sheets:
        for line in s.splitlines():
            if line.startswith(("Form I-134", "Name:", "A-Number", "Reyes, ", "None", "Page Number", "Signature",
                                "Date of signature", "STAND-IN", "install the official")):
                continue
            body.append(line)
    assert norm(" ".join(rows + body)) == norm(long)
    assert any(s["item"].startswith("continuation sheet") and s["who"] == "supporter" for s in f.signatures)


def test_flatten_leaves_values_drawn_and_no_live_fields(case):
    f = fill_i131(case, flatten=True)
    pdf = pikepdf.open(io.BytesIO(f.pdf))
    assert "/AcroForm" not in pdf.Root
    assert not [a for p in pdf.pages for a in p.obj.get("/Annots", []) if a.get("/Subtype") == "/Widget"]
    import pypdfium2 as pdfium
    text = pdfium.PdfDocument(f.pdf)[5].get_textpage().get_text_range()
    assert "Reyes Castillo" in text and "07/02/2019" in text


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) not installed")
def test_standin_values_are_visible_to_poppler(sample_forms, tmp_path):
    case, forms = sample_forms
    for f in forms:
        p = tmp_path / f"{f.root_name}.pdf"
        p.write_bytes(f.pdf)
        text = norm(subprocess.run(["pdftotext", str(p), "-"], capture_output=True, text=True, check=True).stdout)
        shown = [v for v in f.values if v["kind"] in {"text", "combo"}]
        assert shown
        for v in shown:
            for line in v["value"].split("\n"):   # the diagonal mark may interleave with wrapped lines
                assert norm(line) in text, (f.title, v)


def test_standin_values_are_read_by_pdfium_from_the_appearances(sample_forms):
    for f in sample_forms[1]:
        assert_values_drawn_for_pdfium(f)


def test_i134_of_a_beneficiary_who_supports_themself(case):
    ana = case.beneficiaries[1]
    s = case.supporters[0]
    s.name, s.date_of_birth, s.supports = ana.name.model_copy(), ana.date_of_birth, ["ana"]
    f = fill_i134(case)
    vals = {v["label"]: v["value"] for v in f.values}
    assert vals["I am filing this form on behalf of: Myself as the beneficiary"] == "/WD"
    assert not [v for v in f.values if v["part"] in {"3", "5"}]
    assert vals["Your daytime telephone number"] == "7135550148" and vals["I can read and understand English"] == "/Y"
    assert [(x["part"], x["item"], x["who"]) for x in f.signatures] == [("4", "6", "supporter")]


# --------------------------------------------------------------------------- speed: parse once, cache, write once

def test_filling_is_deterministic_and_parses_each_template_once(case, monkeypatch):
    import os

    import packetgen.forms.template as ff

    monkeypatch.setattr(ff, "_infos", {})   # earlier tests filled the in-process cache
    first = fill_i131(case)
    monkeypatch.setattr(ff, "_read_widgets", lambda pdf: pytest.fail("the template's widgets were read again"))
    again = fill_i131(case)
    assert again.pdf == first.pdf and again.values == first.values
    # a new process: the widgets come from the disk cache, keyed by the template's SHA-256
    monkeypatch.setattr(ff, "_infos", {})
    cached = list((Path(os.environ["XDG_DATA_HOME"]) / "packetgen" / "cache").glob("widgets-*.json"))
    assert cached
    assert fill_i131(case).pdf == first.pdf


def test_a_damaged_widget_cache_is_rebuilt(case, monkeypatch):
    import os

    import packetgen.forms.template as ff

    monkeypatch.setattr(ff, "_infos", {})
    first = fill_i131(case)
    damaged = list((Path(os.environ["XDG_DATA_HOME"]) / "packetgen" / "cache").glob("widgets-*.json"))
    assert damaged
    for p in damaged:
        p.write_text("{not json", encoding="utf-8")
    monkeypatch.setattr(ff, "_infos", {})
    assert fill_i131(case).pdf == first.pdf


def test_appearance_geometry_alignment_comb_border_and_rotation():
    """The appearance generator places text as pypdf 7 did (what `fits` measures) and honours /Q, comb and /MK."""
    import re as _re

    from packetgen.forms.template import Widget, _Font
    from packetgen.forms.write import _text_appearance

    font = _Font(first=32, widths=[600.0] * 224, default=600.0, ascent=1221.0)

    def gen(w, text, mk=None):
        data, (bw, bh, matrix) = _text_appearance(w, text, font_name="F", font=font, color="0 g",
                                                   mk=pikepdf.Dictionary(mk or {}))
        return data.decode("latin-1"), (bw, bh), matrix

    base = dict(name="x", page=1, ff=0, maxlen=None, size=10.0, states=[], options=[])
    left = Widget(rect=(0, 0, 100, 18), ftype="text", align=0, **base)
    data, bbox, matrix = gen(left, "AB(C)")
    assert bbox == (100, 18) and matrix is None
    assert "2.000 2.895 Td (AB\\(C\\)) Tj" in data and "/F 10 Tf 0 g" in data and "0 0 100.000 18.000 re W n" in data
    centred = Widget(rect=(0, 0, 12, 18), ftype="text", align=1, **base)
    assert "3.000 2.895 Td (0) Tj" in gen(centred, "0")[0]
    right = Widget(rect=(0, 0, 100, 18), ftype="text", align=2, **base)
    assert "86.000 2.895 Td (AB) Tj" in gen(right, "AB")[0]      # 100 - 2 - 2 x 6 pt
    comb = Widget(rect=(0, 0, 90, 18), ftype="text", align=0, **{**base, "ff": 1 << 24, "maxlen": 9})
    tds = [float(m) for m in _re.findall(r"([-\d.]+) [-\d.]+ Td", gen(comb, "123")[0])]
    assert tds == [2.0, 10.0, 10.0]                                # one 10 pt cell per character, centred
    boxed = gen(left, "A", {"/BG": [0.9], "/BC": [1, 0, 0]})[0]
    assert "0.9 g 0 0 100.000 18.000 re f" in boxed and "1 0 0 RG" in boxed and "1 1 98.000 16.000 re W n" in boxed
    data, bbox, matrix = gen(left, "A", {"/R": 90})
    assert bbox == (18, 100) and matrix == [0, 1, -1, 0, 100, 0]
    multi = Widget(rect=(0, 0, 200, 54), ftype="text", align=0, **{**base, "ff": 1 << 12})
    data = gen(multi, "one\ntwo\nthree")[0]
    assert data.count(" Tj") == 3 and "0 -18.00 Td" in data


def test_a_rotated_field_with_a_background_shows_its_value(case, tmp_path):
    """A /MK /R 90 field (none in today's forms; an official I-134 may have some) is drawn turned, inside its box."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    fd = load_formdef("I-131")
    template, official, _ = template_for(fd)
    pdf = pikepdf.open(io.BytesIO(template))
    target = None
    for page in pdf.pages:
        for a in page.obj.get("/Annots", []):
            if str(a.get("/T", "")) == "P2_Line16_FamilyName[0]":
                a.MK = pikepdf.Dictionary(R=90, BG=[0.85])
                target = a
    assert target is not None
    buf = io.BytesIO()
    pdf.save(buf)
    b = case.beneficiaries[0]
    f = fill_form(fd, i131_context(case, b), template=buf.getvalue(), official=official, root_name="i131_x",
                  title="t", beneficiary_id=b.id)
    out = pikepdf.open(io.BytesIO(f.pdf))
    ap = next(a for p in out.pages for a in p.obj.get("/Annots", [])
              if str(a.get("/T", "")) == "P2_Line16_FamilyName[0]").AP.N
    w, h = float(ap.BBox[2]), float(ap.BBox[3])
    assert h > w and [float(x) for x in ap.Matrix] == [0, 1, -1, 0, h, 0]
    doc = pdfium.PdfDocument(f.pdf)
    page = doc[5]
    assert raw.FPDFPage_Flatten(page.raw, raw.FLAT_NORMALDISPLAY) == raw.FLATTEN_SUCCESS
    page.close()
    assert "Reyes Castillo" in doc[5].get_textpage().get_text_range()


def test_i134_item_19_gives_type_amount_and_duration_when_the_case_has_them():
    """A third attorney's read: Item 19 asks for the type, amount and duration of each contribution and printed only
    the type (will_provide, which the letter quotes). supporters[].contributions fills it; will_provide otherwise."""
    from packetgen.case.load import load_case
    from packetgen.forms.fill import fill_case_forms

    from .conftest import SAMPLES

    case = load_case(SAMPLES / "dying-parent" / "case.json")
    s = case.supporters[0]
    i134 = next(f for f in fill_case_forms(case) if f.form_id == "I-134")
    item = " ".join(next(v["value"] for v in i134.values if (v["part"], v["item"]) == ("2", "19")).split())
    assert item == s.contributions and "$412.50" in item and "April 4, 2027" in item
    s.contributions = None
    i134 = next(f for f in fill_case_forms(case) if f.form_id == "I-134")
    item = " ".join(next(v["value"] for v in i134.values if (v["part"], v["item"]) == ("2", "19")).split())
    assert item == s.will_provide
