"""Filling the real Form I-131 (edition 01/20/25) from ../shared/uscis-forms.

The official PDF is a U.S. government form and is never committed to this
repository; these tests read it from the shared folder next to the checkout and
are skipped (with that reason) when it is absent.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

from packetgen.case.load import load_case
from packetgen.errors import FormError
from packetgen.forms.fieldmap import load_formdef, load_formdef_file
from packetgen.forms.fill import fill_case_forms, fill_form, i131_context, template_for
from packetgen.forms.library import compare_fields, identify, open_pdf, read_widgets

from .conftest import SHARED, assert_values_drawn_for_pdfium, norm

USCIS = SHARED / "uscis-forms"
OFFICIAL = USCIS / "i-131_edition-2025-01-20_official.pdf"
REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "samples" / "child-surgery" / "case.json"

pytestmark = pytest.mark.skipif(
    not OFFICIAL.is_file(),
    reason="official I-131 not found in ../shared/uscis-forms (USCIS PDFs are never committed to the repository)")
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) not installed")


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("PACKETGEN_FORMS_DIR", raising=False)


@pytest.fixture(scope="module")
def forms_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("forms")
    shutil.copy(OFFICIAL, d / OFFICIAL.name)   # found by its barcode, whatever its name
    return d


@pytest.fixture(scope="module")
def filled(forms_dir, tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("xdg")))
    mp.delenv("PACKETGEN_FORMS_DIR", raising=False)
    try:
        case = load_case(SAMPLE)
        yield case, fill_case_forms(case, forms_dir=forms_dir)
    finally:
        mp.undo()


def fill_i131(case, forms_dir, **kw):
    fd = load_formdef("I-131")
    template, official, _ = template_for(fd, forms_dir)
    assert official
    b = case.beneficiaries[0]
    return fill_form(fd, i131_context(case, b), template=template, official=official, root_name=f"i131_{b.id}",
                     title=f"Form I-131 \u2014 {b.name.full}", beneficiary_id=b.id, **kw)




def pdftotext(pdf: bytes, tmp_path: Path, page: int | None = None) -> str:
    p = tmp_path / "out.pdf"
    p.write_bytes(pdf)
    args = ["pdftotext"] + (["-f", str(page), "-l", str(page)] if page else []) + [str(p), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


# --------------------------------------------------------------------------- the map against the real PDF

def test_every_mapped_field_exists_with_its_type_and_on_state():
    fd = load_formdef("I-131")
    pdf = open_pdf(OFFICIAL)
    widgets = {w["name"]: w for w in read_widgets(pdf)}
    assert len(widgets) == 339
    for e in fd.model.entries:
        if e.field:
            w = widgets.get(e.field)
            assert w is not None, e.field
            assert w["type"] == e.type, e.field
            assert w["page"] == e.page, e.field
            assert w.get("maxlen") == e.maxlen, e.field
            if e.type == "checkbox":
                assert e.on in w["on"], (e.field, e.on, w["on"])
        for key, o in (e.options or {}).items():
            assert o.field and o.on in widgets[o.field]["on"], (e.label, key)
    for r in fd.model.overflow.rows:
        for n in (r.page_field, r.part_field, r.item_field, r.text_field):
            assert widgets[n]["type"] == "text"
    # the whole inventory matches the PDF (types, on-states, max lengths)
    report = compare_fields(fd, list(widgets.values()))
    assert report == {"missing": [], "extra": [], "retyped": [], "blocking": []}
    assert widgets["form1[0].P3[0].CB_AppType[5]"]["on"] == ["/23"]


def test_the_official_pdf_is_identified_by_its_barcode():
    ident = identify(OFFICIAL)
    assert (ident["form"], ident["edition"], ident["how"], ident["pages"]) == ("I-131", "01/20/25", "barcode", 14)


# --------------------------------------------------------------------------- the sample, filled

def test_sample_is_filled_on_the_official_i131(filled):
    case, forms = filled
    i131 = [f for f in forms if f.form_id == "I-131"]
    assert [f.official for f in i131] == [True, True]
    assert [f.page_count for f in i131] == [14, 14]
    assert all(f.seconds < 10 for f in i131)


def test_sample_values_read_back_exactly(filled):
    case, forms = filled
    for f in forms[:2]:
        fields = PdfReader(io.BytesIO(f.pdf)).get_fields()
        assert f.values
        for v in f.values:
            assert fields[v["field"]].get("/V") == v["value"], v
        got = {v["label"]: v["value"] for v in f.values}
        p = case.petitioner
        assert got["Your family name"] == p.name.family and got["Your given name"] == p.name.given
        assert got["Your date of birth"] == p.date_of_birth.strftime("%m/%d/%Y")
        assert got["Your mailing address: state"] == p.mailing_address.state
        assert got["Applicant's daytime telephone number"] == re.sub(r"\D", "", p.phone)
        assert got["Expected length of stay in the United States"] == case.request.stay.as_text
        assert got["U.S. embassy or consulate to notify: city or town"] == case.request.consulate.city
        b = case.beneficiary(f.beneficiary_id)
        assert got["Their family name"] == b.name.family
        assert got["Their date of birth"] == b.date_of_birth.strftime("%m/%d/%Y")


def test_part1_item7_is_checked_and_nothing_else_in_part1(filled):
    f = filled[1][0]
    pdf = pikepdf.open(io.BytesIO(f.pdf))
    checked = []
    for pno in range(4):
        for a in pdf.pages[pno].obj.get("/Annots", []):
            if "CB_AppType" in str(a.get("/T", "")) and str(a.get("/AS", "/Off")) != "/Off":
                checked.append((pno + 1, str(a.T), str(a.AS)))
    assert checked == [(3, "CB_AppType[5]", "/23")]
    assert f.values[0]["item"] in {"7", "G-28"}
    assert any(v["part"] == "1" and v["item"] == "7" and v["value"] == "/23" for v in f.values)


def test_xfa_perms_javascript_gone_barcodes_and_footers_intact(filled, tmp_path):
    f = filled[1][0]
    pdf = pikepdf.open(io.BytesIO(f.pdf))
    assert not pdf.is_encrypted
    assert "/XFA" not in pdf.Root.AcroForm and "/NeedAppearances" not in pdf.Root.AcroForm
    assert "/Perms" not in pdf.Root and "/Names" not in pdf.Root
    original = pikepdf.open(OFFICIAL)
    orig_bar = {}
    for pno, page in enumerate(original.pages, 1):
        for a in page.obj.get("/Annots", []):
            if "PDF417" in str(a.get("/T", "")):
                orig_bar[pno] = (str(a.V), a.AP.N.read_bytes())
    for pno, page in enumerate(pdf.pages, 1):
        bars = [a for a in page.obj.get("/Annots", []) if "PDF417" in str(a.get("/T", ""))]
        assert len(bars) == 1
        assert str(bars[0].V) == f"I-131|01/20/25|{pno}" == orig_bar[pno][0]
        assert bars[0].AP.N.read_bytes() == orig_bar[pno][1]      # the barcode image is untouched
    if shutil.which("pdftotext"):
        for pno in range(1, 15):
            text = pdftotext(f.pdf, tmp_path, pno)
            assert "Form I-131" in text and "Edition" in text and "01/20/25" in text and f"Page {pno} of 14" in text


@needs_poppler
def test_values_are_visible_to_poppler(filled, tmp_path):
    for f in filled[1][:2]:
        text = norm(pdftotext(f.pdf, tmp_path))
        for v in f.values:
            if v["kind"] in {"text", "combo", "overflow"}:
                assert norm(v["value"]) in text, v


def test_values_are_visible_to_pdfium(filled):
    """Render each page with pdfium (as Chrome does) and check ink inside every filled text field."""
    import pypdfium2 as pdfium

    f = filled[1][0]
    fd = load_formdef("I-131")
    filled_doc = pdfium.PdfDocument(f.pdf)
    filled_doc.init_forms()              # render as a viewer does (Chrome's pdfium)
    blank_doc = pdfium.PdfDocument(str(OFFICIAL))
    scale = 2
    pages = sorted({v["page"] for v in f.values})
    for pno in pages:
        img = filled_doc[pno - 1].render(scale=scale, may_draw_forms=True).to_pil().convert("L")
        blank = blank_doc[pno - 1].render(scale=scale).to_pil().convert("L")
        for v in [v for v in f.values if v["page"] == pno]:
            x0, y0, x1, y1 = fd.fields[v["form_field"]].rect
            box = (int(x0 * scale) + 2, int((792 - y1) * scale) + 2, int(x1 * scale) - 2, int((792 - y0) * scale) - 2)

            def ink(im):
                return sum(im.crop(box).histogram()[:128])
            assert ink(img) > ink(blank) + 20, (pno, v["label"], v["value"])



# --------------------------------------------------------------------------- rules of the form

def test_items_16_to_27_only_when_someone_else_files(forms_dir):
    case = load_case(SAMPLE)
    f = fill_i131(case, forms_dir)
    assert {v["item"] for v in f.values if v["part"] == "2"} >= {"16", "18", "19", "20", "21", "24"}
    case.petitioner.is_beneficiary = "mateo"
    f = fill_i131(case, forms_dir)
    assert not [v for v in f.values if v["part"] == "2" and v["item"].isdigit() and int(v["item"]) >= 16]
    fields = PdfReader(io.BytesIO(f.pdf)).get_fields()
    assert not [n for n, fl in fields.items() if re.search(r"P2_Line(1[6-9]|2\d)_|Part2_Line17_", n) and fl.get("/V")]


def test_3000_character_explanation_goes_to_part13_with_its_references(forms_dir, tmp_path):
    case = load_case(SAMPLE)
    sentence = ("Mateo needs unifocalization surgery that no hospital in Honduras or its neighbours performs; "
                "his cardiologist documents worsening cyanosis and the risk of heart failure. ")
    text = (sentence * 20)[:3000].rstrip()
    assert len(text) >= 2990
    case.request.summary = text
    f = fill_i131(case, forms_dir)
    moved = [o for o in f.overflow if (o["part"], o["item"]) == ("8", "1")]
    answer = text + " See the cover letter."       # Part 8 Item 1 ends with its reference to the letter
    assert len(moved) == 1 and moved[0]["page"] == 11 and moved[0]["text_len"] == len(answer)
    assert "Part 13 rows" in moved[0]["where"] and "continuation sheet" in moved[0]["where"]
    reader = PdfReader(io.BytesIO(f.pdf))
    fields = reader.get_fields()
    r = "i131_mateo.#subform[13]."
    assert norm(text).startswith(norm(fields["i131_mateo.#subform[10].P8_Line1_Explain[0]"]["/V"])[:200])
    rows = []
    for n in range(3, 8):
        page, part, item = (fields[f"{r}Part13_Line{n}_{k}[0]"].get("/V") for k in ("PageNumber", "PartNumber", "ItemNumber"))
        info = fields[f"{r}Part13_Line{n}_AdditionalInfo[0]"].get("/V")
        if (page, part, item) == ("11", "8", "1"):
            rows.append(info)
    assert rows, "no Part 13 row refers to page 11, Part 8, Item 1"
    # header copies of Part 2 Item 1 (XFA used to fill them)
    assert fields[f"{r}Part2_Line1_FamilyName[0]"]["/V"] == case.petitioner.name.family
    assert f.page_count > 14
    sheets = [reader.pages[i].extract_text() for i in range(14, f.page_count)]
    assert all("Page Number: 11" in s and "Part Number: 8" in s and "Item Number: 1" in s for s in sheets[:1])
    assert all("Signature of the petitioner" in s and "Date of signature" in s for s in sheets)
    assert all(case.petitioner.name.family in s and "A-Number" in s for s in sheets)
    body = []
    for s in sheets:
        for line in s.splitlines():
            if line.startswith(("Form I-131", "Name:", "A-Number", "Page Number", "Signature", "Date of signature",
                                f"{case.petitioner.name.family}, ", "None")):
                continue
            body.append(line)
    assert norm(" ".join(rows + body)) == norm(answer)
    # every sheet must be signed: reported
    assert [s["item"] for s in f.signatures if s["part"] == "13"] == [
        f"continuation sheet {k}" for k in range(1, f.page_count - 14 + 1)]
    if shutil.which("pdftotext"):
        assert "Page Number: 11" in pdftotext(f.pdf, tmp_path, 15)


def test_unknown_checkbox_state_raises(forms_dir, tmp_path):
    data = json.loads((REPO / "forms" / "i-131_2025-01-20.json").read_text(encoding="utf-8"))
    inv = next(x for x in data["inventory"] if x["name"] == "form1[0].P7[0].P4_Line1_YesNo[1]")
    inv["on"] = ["/N", "/NO"]
    entry = next(e for e in data["entries"] if (e["part"], e["item"]) == ("4", "1"))
    entry["options"]["no"]["on"] = "/NO"
    p = tmp_path / "i-131_2025-01-20.json"
    p.write_text(json.dumps(data), encoding="utf-8")
    fd_bad = load_formdef_file(p)
    template, official, _ = template_for(load_formdef("I-131"), forms_dir)
    case = load_case(SAMPLE)
    with pytest.raises(FormError) as err:
        fill_form(fd_bad, i131_context(case, case.beneficiaries[0]), template=template, official=official,
                  root_name="x", title="t", beneficiary_id="mateo")
    assert "P4_Line1_YesNo[1]" in str(err.value) and "/NO" in str(err.value) and "/N" in str(err.value)


def test_readonly_cleared_and_signatures_untouched(filled):
    f = filled[1][0]
    pdf = pikepdf.open(io.BytesIO(f.pdf))
    by_name = {}
    for page in pdf.pages:
        for a in page.obj.get("/Annots", []):
            if "/T" in a:
                by_name[str(a.T)] = a
    for t in ("P2_Line18_DateOfBirth[0]", "P2_Line20_CountryOfCitizenship[0]", "P2_Line21_DaytimeTelephoneNumber[0]"):
        assert int(by_name[t].get("/Ff", 0)) & 1 == 0 and int(by_name[t].F) & 64 == 0, t
    for t in ("Part10_Line4_ApplicantSignature[0]", "Part11_Line6_InterpreterSig[0]", "Part12_Line6_PreparerSig[0]"):
        assert "/V" not in by_name[t] and int(by_name[t].Ff) & 1, t     # still read-only, never written
    assert "/V" not in by_name["Part10_Line4_DateofSignature[0]"]
    assert f.signatures[0] == {"page": 11, "part": "10", "item": "4", "who": "petitioner",
                               "name": filled[0].petitioner.name.full}


def test_flatten_on_the_official_form_keeps_the_barcodes(forms_dir):
    import pypdfium2 as pdfium

    f = fill_i131(load_case(SAMPLE), forms_dir, flatten=True)
    pdf = pikepdf.open(io.BytesIO(f.pdf))
    assert "/AcroForm" not in pdf.Root
    assert not [a for p in pdf.pages for a in p.obj.get("/Annots", []) if a.get("/Subtype") == "/Widget"]
    doc = pdfium.PdfDocument(f.pdf)
    img = doc[0].render(scale=2).to_pil().convert("L")
    barcode = img.crop((192 * 2, (792 - 30) * 2, 462 * 2, (792 - 12) * 2))
    assert sum(barcode.histogram()[:128]) > 2000   # the PDF417 image is drawn
    text = doc[5].get_textpage().get_text_range()
    assert "Reyes Castillo" in text and "07/02/2019" in text


def test_two_filled_i131_merge_without_field_name_clashes(filled):
    forms = filled[1][:2]
    out = pikepdf.Pdf.new()
    roots = []
    for f in forms:
        src = pikepdf.open(io.BytesIO(f.pdf))
        with pytest.warns(Warning):      # pikepdf: extend() drops the AcroForm; we carry the fields ourselves
            out.pages.extend(src.pages)
        roots += [out.copy_foreign(x) for x in src.Root.AcroForm.Fields]
    out.Root.AcroForm = out.make_indirect(pikepdf.Dictionary(Fields=pikepdf.Array(roots)))
    buf = io.BytesIO()
    out.save(buf)
    fields = PdfReader(io.BytesIO(buf.getvalue())).get_fields()
    assert fields["i131_mateo.P6[0].P2_Line16_GivenName[0]"]["/V"] == "Mateo"
    assert fields["i131_ana.P6[0].P2_Line16_GivenName[0]"]["/V"] == "Ana"


# --------------------------------------------------------------------------- the inventory builder

def _load_builder():
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_fieldmaps", REPO / "forms" / "build_fieldmaps.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


TSV = SHARED / "reference" / "forms" / "i-131_edition-2025-01-20-fields.tsv"


@pytest.mark.skipif(not TSV.is_file(), reason="field inventory TSV not found in ../shared/reference/forms")
def test_committed_map_is_in_sync_with_the_inventory(tmp_path):
    builder = _load_builder()
    committed = json.loads((REPO / "forms" / "i-131_2025-01-20.json").read_text(encoding="utf-8"))
    copy = tmp_path / "i-131_2025-01-20.json"
    shutil.copy(REPO / "forms" / "i-131_2025-01-20.json", copy)
    assert builder.main([str(copy)]) == 0
    rebuilt = json.loads(copy.read_text(encoding="utf-8"))
    for d in (committed, rebuilt):
        d["source"].pop("checked")
    assert rebuilt == committed


def test_inventory_read_from_the_official_pdf_matches_the_map(tmp_path):
    """The path a real I-134 will take: build_fieldmaps.py --pdf gives the same inventory as the dump."""
    builder = _load_builder()
    copy = tmp_path / "i-131_2025-01-20.json"
    shutil.copy(REPO / "forms" / "i-131_2025-01-20.json", copy)
    assert builder.main(["--pdf", str(OFFICIAL), str(copy)]) == 0
    from_pdf = {r["name"]: r for r in json.loads(copy.read_text(encoding="utf-8"))["inventory"]}
    committed = {r["name"]: r for r in load_formdef("I-131").model.model_dump()["inventory"]}
    assert set(from_pdf) == set(committed)
    for name, r in committed.items():
        p = from_pdf[name]
        for k in ("type", "page", "maxlen", "on", "options", "label", "part", "item"):
            assert p.get(k) == r.get(k), (name, k, p.get(k), r.get(k))
        assert p["rect"] == pytest.approx(r["rect"], abs=0.11), name


def test_pdfium_reads_the_values_text_from_the_appearance_streams(filled):
    """pdfium flattens each page from our appearance streams (as a viewer draws them); the text is the values."""
    for f in filled[1][:2]:
        assert_values_drawn_for_pdfium(f)


# --------------------------------------------------------------------------- the prepared template, cached

def test_prepared_template_is_cached_on_disk_by_content_and_map_hash(forms_dir, monkeypatch, tmp_path):
    import hashlib
    import os

    import packetgen.forms.template as ff
    import packetgen.forms.library as fl

    fd = load_formdef("I-131")
    monkeypatch.setattr(ff, "_templates", {})   # earlier tests filled the in-process caches
    fl._identify_cached.cache_clear()
    first, official, path = template_for(fd, forms_dir)
    assert official
    cache = Path(os.environ["XDG_DATA_HOME"]) / "packetgen" / "cache"
    source_sha = hashlib.sha256(OFFICIAL.read_bytes()).hexdigest()
    prepared = list(cache.glob(f"prepared-i-131_2025-01-20-{source_sha[:24]}-{fd.sha256[:16]}-v*.pdf"))
    assert len(prepared) == 1 and prepared[0].read_bytes() == first
    pdf = pikepdf.open(io.BytesIO(first))
    assert not pdf.is_encrypted and "/XFA" not in pdf.Root.AcroForm and "/Perms" not in pdf.Root
    # a later build: no decryption, identification or XFA removal, the same template
    monkeypatch.setattr(ff, "_templates", {})
    fl._identify_cached.cache_clear()
    monkeypatch.setattr(ff, "_prepare_uncached", lambda fd, path: pytest.fail("prepared again"))
    monkeypatch.setattr(fl, "identify", lambda *a, **k: pytest.fail("identified again"))
    again, official, _ = template_for(fd, forms_dir)
    assert official and again == first
    fl._identify_cached.cache_clear()
    # another field map (same PDF) is another key: prepared (and checked) again
    monkeypatch.undo()
    data = json.loads((REPO / "forms" / "i-131_2025-01-20.json").read_text(encoding="utf-8"))
    data["title"] = data.get("title", "") + " "
    p = tmp_path / "i-131_2025-01-20.json"
    p.write_text(json.dumps(data), encoding="utf-8")
    other = load_formdef_file(p)
    assert other.sha256 != fd.sha256
    monkeypatch.setattr(ff, "_templates", {})
    calls = []
    real = ff._prepare_uncached
    monkeypatch.setattr(ff, "_prepare_uncached", lambda fd, path: calls.append(fd) or real(fd, path))
    assert template_for(other, forms_dir)[0] == first and calls == [other]


def test_filled_official_form_is_the_same_from_a_warm_cache(forms_dir, monkeypatch):
    import packetgen.forms.template as ff

    case = load_case(SAMPLE)
    first = fill_i131(case, forms_dir)
    monkeypatch.setattr(ff, "_templates", {})
    monkeypatch.setattr(ff, "_infos", {})
    assert fill_i131(case, forms_dir).pdf == first.pdf
