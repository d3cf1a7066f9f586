"""Finding, identifying, installing and downloading the official form PDFs (packetgen.forms.library).

Tests that need real USCIS PDFs read them from ../shared/uscis-forms (never
committed) and are skipped with that reason when the folder is absent.  Modified
copies are made in temporary folders only.
"""

from __future__ import annotations

import functools
import http.server
import io
import shutil
import threading
from pathlib import Path

import pikepdf
import pytest

from packetgen.errors import FormError
from packetgen.forms.fieldmap import load_formdef
from packetgen.forms.library import (add_form, compare_fields, edition_key, fetch_forms, identify, list_forms, locate_form,
                               read_widgets)
from packetgen.forms.standin import build_standin

from .conftest import SHARED  # noqa: E402

USCIS = SHARED / "uscis-forms"
OFFICIAL = USCIS / "i-131_edition-2025-01-20_official.pdf"
G1145 = USCIS / "g-1145_edition-2014-09-26_decrypted-copy.pdf"
G1450 = USCIS / "g-1450_edition-2019-09-27_official.pdf"
REASON = "official USCIS PDFs not found in ../shared/uscis-forms (they are never committed to the repository)"
needs_official = pytest.mark.skipif(not OFFICIAL.is_file(), reason=REASON)


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("PACKETGEN_FORMS_DIR", raising=False)


def test_edition_key():
    assert edition_key("I-131", "01/20/25") == "i-131_2025-01-20"
    assert load_formdef("I-131").file_name == "i-131_2025-01-20.pdf"


def test_without_installed_forms_the_standin_is_used(tmp_path):
    empty = tmp_path / "forms"
    empty.mkdir()
    assert locate_form("I-131", "01/20/25", empty) == (None, False)
    rows = list_forms(empty)
    assert {(r["form"], r["edition"], r["status"], r["path"]) for r in rows} >= {
        ("I-131", "01/20/25", "stand-in", None), ("I-134", "01/20/25", "stand-in", None),
        ("G-1450", "09/27/19", "stand-in", None), ("G-1145", "09/26/14", "stand-in", None)}
    assert {r["map_status"] for r in rows} == {"official", "derived"}


def test_a_forms_folder_that_does_not_exist_is_an_error(tmp_path, monkeypatch):
    with pytest.raises(FormError, match="forms folder not found"):
        locate_form("I-131", "01/20/25", tmp_path / "nope")
    monkeypatch.setenv("PACKETGEN_FORMS_DIR", str(tmp_path / "also-nope"))
    with pytest.raises(FormError, match=r"\$PACKETGEN_FORMS_DIR"):
        locate_form("I-131", "01/20/25")


@needs_official
def test_search_order_and_identification_by_barcode(tmp_path, monkeypatch):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    shutil.copy(OFFICIAL, b / "i-131 (downloaded).pdf")   # any name: found by its barcode
    assert locate_form("I-131", "01/20/25", b) == (b / "i-131 (downloaded).pdf", True)
    monkeypatch.setenv("PACKETGEN_FORMS_DIR", str(b))
    assert locate_form("I-131", "01/20/25", a) == (b / "i-131 (downloaded).pdf", True)
    user = tmp_path / "xdg" / "packetgen" / "forms"
    user.mkdir(parents=True)
    shutil.copy(OFFICIAL, user / "i-131_2025-01-20.pdf")
    monkeypatch.delenv("PACKETGEN_FORMS_DIR")
    assert locate_form("I-131", "01/20/25") == (user / "i-131_2025-01-20.pdf", True)
    assert locate_form("I-131", "01/20/25", a) == (user / "i-131_2025-01-20.pdf", True)


@needs_official
def test_add_form_verifies_and_installs_the_official_i131(tmp_path):
    dest = tmp_path / "installed"
    r = add_form(OFFICIAL, dest)
    assert (r["form"], r["edition"], r["official"], r["how"]) == ("I-131", "01/20/25", True, "barcode")
    assert Path(r["path"]) == dest / "i-131_2025-01-20.pdf" and Path(r["path"]).read_bytes() == OFFICIAL.read_bytes()
    assert r["fields"] == 339 and r["mapped"] > 100
    assert r["missing"] == r["extra"] == r["retyped"] == []
    assert r["replaced"] is False and add_form(OFFICIAL, dest)["replaced"] is True
    rows = {x["form"]: x for x in list_forms(dest)}
    assert rows["I-131"]["status"] == "official" and rows["I-134"]["status"] == "stand-in"
    # default destination: the user forms folder
    r = add_form(OFFICIAL)
    assert Path(r["path"]) == tmp_path / "xdg" / "packetgen" / "forms" / "i-131_2025-01-20.pdf"


@pytest.mark.skipif(not G1145.is_file(), reason=REASON)
def test_add_form_installs_the_g1145_found_by_its_barcode(tmp_path):
    r = add_form(G1145, tmp_path)
    assert (r["form"], r["edition"]) == ("G-1145", "09/26/14") and r["how"] == "barcode"
    assert Path(r["path"]).name == "g-1145_2014-09-26.pdf"


@pytest.mark.skipif(not G1450.is_file(), reason=REASON)
def test_add_form_identifies_the_g1450_without_barcode_by_its_footer(tmp_path):
    r = add_form(G1450, tmp_path)
    assert (r["form"], r["edition"]) == ("G-1450", "09/27/19") and r["how"] == "footer text"
    assert locate_form("G-1450", "09/27/19", tmp_path) == (Path(r["path"]), True)


def test_add_form_refuses_what_is_not_a_form(tmp_path):
    html = tmp_path / "i-131.pdf"
    html.write_text("<!DOCTYPE html><html><body>Page not found</body></html>")
    with pytest.raises(FormError, match="HTML page"):
        add_form(html, tmp_path / "dest")
    with pytest.raises(FormError, match="file not found"):
        add_form(tmp_path / "missing.pdf", tmp_path / "dest")
    plain = tmp_path / "plain.pdf"
    plain.write_bytes(build_plain_pdf())
    with pytest.raises(FormError, match="not a recognisable USCIS form"):
        add_form(plain, tmp_path / "dest")


def build_plain_pdf() -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    buf = io.BytesIO()
    pdf.save(buf)
    return buf.getvalue()


def test_add_form_refuses_a_standin(tmp_path):
    p = tmp_path / "standin.pdf"
    p.write_bytes(build_standin(load_formdef("I-131")))
    with pytest.raises(FormError, match="stand-in generated by packetgen"):
        add_form(p, tmp_path / "dest")


def _retitled_official(tmp_path: Path, edition: str, name: str = "i-131.pdf", edit=None) -> Path:
    pdf = pikepdf.open(OFFICIAL)
    for pno, page in enumerate(pdf.pages, 1):
        for a in page.obj.get("/Annots", []):
            if "PDF417" in str(a.get("/T", "")):
                a.V = pikepdf.String(f"I-131|{edition}|{pno}")
                a.DV = pikepdf.String(f"I-131|{edition}|{pno}")
    if edit:
        edit(pdf)
    out = tmp_path / name
    pdf.save(out)
    return out


@needs_official
def test_add_form_refuses_an_outdated_edition(tmp_path):
    old = _retitled_official(tmp_path, "06/17/24")
    with pytest.raises(FormError) as err:
        add_form(old, tmp_path / "dest")
    msg = str(err.value)
    assert "Form I-131 edition 06/17/24" in msg and "outdated" in msg and "uscis.gov/i-131" in msg
    newer = _retitled_official(tmp_path, "03/01/27", "newer.pdf")
    with pytest.raises(FormError, match="only for edition 01/20/25"):
        add_form(newer, tmp_path / "dest")


@needs_official
def test_add_form_refuses_a_pdf_whose_mapped_fields_differ(tmp_path):
    def edit(pdf):
        for page in pdf.pages:
            for a in page.obj.get("/Annots", []):
                if str(a.get("/T", "")) == "CB_AppType[5]" and str(a.Parent.T) == "P3[0]":   # Part 1 Item 7
                    n = a.AP.N
                    n["/99"] = n["/23"]
                    del n["/23"]
                if str(a.get("/T", "")) == "P2_Line18_DateOfBirth[0]":
                    a.T = pikepdf.String("P2_Line18_BirthDate[0]")
    changed = _retitled_official(tmp_path, "01/20/25", edit=edit)
    with pytest.raises(FormError) as err:
        add_form(changed, tmp_path / "dest")
    msg = str(err.value)
    assert "CB_AppType[5]" in msg and "/99" in msg and "P2_Line18_DateOfBirth[0]" in msg and "not in the PDF" in msg
    assert "build_fieldmaps.py --pdf" in msg
    assert not (tmp_path / "dest" / "i-131_2025-01-20.pdf").exists()


def _fake_official_i134(tmp_path: Path, edit=None) -> Path:
    """The real I-134 is not available: make a stand-in look official (barcode fields, no stand-in marker)."""
    fd = load_formdef("I-134")
    pdf = pikepdf.open(io.BytesIO(build_standin(fd)))
    del pdf.docinfo["/PacketgenStandIn"]
    root = next(f for f in pdf.Root.AcroForm.Fields if str(f.T) == "form1[0]")
    page_set = pdf.make_indirect(pikepdf.Dictionary(T=pikepdf.String("#pageSet[0]"), Kids=pikepdf.Array(), Parent=root))
    root.Kids.append(page_set)
    for pno, page in enumerate(pdf.pages, 1):
        holder = pdf.make_indirect(pikepdf.Dictionary(T=pikepdf.String(f"Page1[{pno - 1}]"), Kids=pikepdf.Array(),
                                                      Parent=page_set))
        page_set.Kids.append(holder)
        w = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Widget, FT=pikepdf.Name.Tx, T=pikepdf.String("PDF417BarCode1[0]"),
            V=pikepdf.String(f"I-134|01/20/25|{pno}"), Rect=[192, 12, 462, 30], Ff=4097, F=68, Parent=holder, P=page.obj))
        holder.Kids.append(w)
        page.obj.Annots.append(w)
    if edit:
        edit(pdf)
    out = tmp_path / "i-134.pdf"
    pdf.save(out)
    return out


def test_i134_drop_in_accepts_a_different_box_order_of_derived_groups(tmp_path):
    # The derived map does not know which of Pt3_Line4_Sex_CB[0]/[1] is Male: its choice names the
    # group and the state, so a real PDF with the other order is accepted and filled correctly.
    def swap(pdf):
        for page in pdf.pages:
            for a in page.obj.get("/Annots", []):
                if str(a.get("/T", "")) in {"Pt3_Line4_Sex_CB[0]", "Pt3_Line4_Sex_CB[1]"}:
                    n = a.AP.N
                    (state,) = [k for k in n.keys() if k != "/Off"]
                    other = "/F" if state == "/M" else "/M"
                    n[other] = n[state]
                    del n[state]
    p = _fake_official_i134(tmp_path, swap)
    r = add_form(p, tmp_path / "dest")
    assert (r["form"], r["edition"], r["how"]) == ("I-134", "01/20/25", "barcode")
    assert any("Sex_CB" in x for x in r["retyped"]) or r["retyped"] == []
    from packetgen.case.load import load_case
    from packetgen.forms.fill import fill_case_forms

    case = load_case(Path(__file__).resolve().parents[1] / "samples" / "child-surgery" / "case.json")
    forms = fill_case_forms(case, forms_dir=tmp_path / "dest")
    i134 = forms[2]
    assert i134.official is True and i134.form_id == "I-134"
    male = [v for v in i134.values if v["label"] == "Beneficiary's sex: Male"]
    assert male and male[0]["value"] == "/M" and male[0]["form_field"].endswith("Pt3_Line4_Sex_CB[1]")


def test_i134_drop_in_reports_missing_extra_and_retyped_fields(tmp_path):
    def edit(pdf):
        for page in pdf.pages:
            annots = page.obj.get("/Annots", [])
            for a in list(annots):
                t = str(a.get("/T", ""))
                if t == "Pt3Line17[0]":                       # Part 1 'another individual': state /PD -> /AI
                    n = a.AP.N
                    n["/AI"] = n["/PD"]
                    del n["/PD"]
                if t == "Pt3Line116_Annual[0]":               # annual income renamed
                    a.T = pikepdf.String("Pt2Line16_AnnualIncome[0]")
    p = _fake_official_i134(tmp_path, edit)
    fd = load_formdef("I-134")
    report = compare_fields(fd, read_widgets(pikepdf.open(p)))
    assert "form1[0].P3[0].Pt3Line116_Annual[0]" in report["missing"]
    assert "form1[0].P3[0].Pt2Line16_AnnualIncome[0]" in report["extra"]
    assert any(x.startswith("form1[0].#subform[0].Pt3Line17[0]: on-states") for x in report["retyped"])
    with pytest.raises(FormError) as err:
        add_form(p, tmp_path / "dest")
    msg = str(err.value)
    assert "derived without the official PDF" in msg
    assert "Pt3Line116_Annual[0]" in msg and "Pt3Line17[0]" in msg and "/AI" in msg


# --------------------------------------------------------------------------- fetch over HTTP

@pytest.fixture
def http_dir(tmp_path):
    root = tmp_path / "www"
    root.mkdir()
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    try:
        yield root, f"http://127.0.0.1:{server.server_address[1]}/forms/"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@needs_official
def test_fetch_forms_downloads_verifies_and_installs(http_dir, tmp_path):
    root, url = http_dir
    (root / "forms").mkdir()
    shutil.copy(OFFICIAL, root / "forms" / "i-131.pdf")
    dest = tmp_path / "dest"
    results = fetch_forms(url, dest, form_ids=["I-131"])
    assert [(r["form"], r["edition"], r["url"]) for r in results] == [("I-131", "01/20/25", url + "i-131.pdf")]
    assert (dest / "i-131_2025-01-20.pdf").read_bytes() == OFFICIAL.read_bytes()
    # all forms: the I-134 is not served -> a FormError that lists what was installed and what failed
    with pytest.raises(FormError) as err:
        fetch_forms(url, dest)
    msg = str(err.value)
    assert "i-134.pdf" in msg and "HTTP 404" in msg and "installed Form I-131 edition 01/20/25" in msg
    assert "packetgen forms add" in msg


@pytest.mark.skipif(not G1145.is_file(), reason=REASON)
def test_fetch_forms_refuses_a_wrong_download(http_dir, tmp_path):
    root, url = http_dir
    (root / "forms").mkdir()
    shutil.copy(G1145, root / "forms" / "i-131.pdf")
    (root / "forms" / "i-134.pdf").write_text("<html>moved</html>")
    with pytest.raises(FormError) as err:
        fetch_forms(url, tmp_path / "dest")
    msg = str(err.value)
    assert "Form G-1145 edition 09/26/14, not Form I-131" in msg and "not a PDF" in msg
    assert not (tmp_path / "dest").exists() or not list((tmp_path / "dest").glob("*.pdf"))


def test_fetch_forms_reports_an_unreachable_server(tmp_path):
    with pytest.raises(FormError) as err:
        fetch_forms("http://127.0.0.1:9/forms/", tmp_path / "dest", timeout=2)
    assert "download failed" in str(err.value)


@needs_official
def test_identify_reads_the_edition_of_a_renamed_copy(tmp_path):
    p = tmp_path / "whatever.pdf"
    shutil.copy(OFFICIAL, p)
    assert identify(p)["form"] == "I-131"
