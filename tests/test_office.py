"""Office documents as evidence: real .docx/.odt/.rtf files, made at test time by LibreOffice, converted to PDF."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest

from packetgen import api
from packetgen.errors import EvidenceDamagedError, EvidenceError
from packetgen.evidence import office

SOFFICE = office.find_soffice()
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) not installed; "
                                   "apt-get install libreoffice-writer-nogui")

LETTER_TEXT = "Letter of Dr. Rivera\n\nThe patient Jorge needs hospice care in Chicago.\nSigned, Dr. Rivera\n"


@pytest.fixture(autouse=True)
def _private_data(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))


def make_document(folder: Path, suffix: str, text: str = LETTER_TEXT, profile: Path | None = None) -> Path:
    """A real Office document, written by LibreOffice from plain text."""
    filters = {".docx": "docx:MS Word 2007 XML", ".odt": "odt", ".rtf": "rtf", ".doc": "doc:MS Word 97"}
    work = folder / "make"
    work.mkdir(exist_ok=True)
    src = work / "letter.txt"
    src.write_text(text, encoding="utf-8")
    subprocess.run([SOFFICE, "--headless", "--norestore",
                    f"-env:UserInstallation={(profile or work / 'p').as_uri()}",
                    "--convert-to", filters[suffix], "--outdir", str(work), str(src)],
                   check=True, capture_output=True, timeout=120)
    out = folder / f"letter{suffix}"
    shutil.move(work / f"letter{suffix}", out)
    return out


@pytest.fixture(scope="module")
def documents(tmp_path_factory):
    """One real document per type, made once (one LibreOffice profile, so only the first start is slow)."""
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) not installed")
    base = tmp_path_factory.mktemp("office")
    out = {}
    for suffix in (".docx", ".odt", ".rtf", ".doc"):
        folder = base / suffix[1:]
        folder.mkdir()
        out[suffix] = make_document(folder, suffix, profile=base / "profile")
    return out


def page_text(pdf_bytes: bytes) -> str:
    import io

    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(io.BytesIO(pdf_bytes))
    return " ".join(" ".join(doc[i].get_textpage().get_text_range() for i in range(len(doc))).split())


@needs_soffice
@pytest.mark.parametrize("suffix", [".docx", ".odt", ".rtf", ".doc"])
def test_office_document_becomes_pdf(documents, suffix):
    doc = documents[suffix]
    assert office.is_office_file(doc)
    first = office.convert(doc, doc.name)
    assert not first.cached and first.source_sha256 == hashlib.sha256(doc.read_bytes()).hexdigest()
    assert "hospice care in Chicago" in page_text(first.pdf)
    with pikepdf.open(io.BytesIO(first.pdf)) as pdf:
        assert "/Info" not in pdf.trailer and "/Metadata" not in pdf.Root and "/DocChecksum" not in pdf.trailer
    again = office.convert(doc, doc.name)
    assert again.cached and again.pdf == first.pdf
    cached = next(office.cache_dir().glob(f"{first.source_sha256}-*.pdf"))
    assert cached.stat().st_mode & 0o077 == 0               # a converted medical letter is private


@needs_soffice
def test_build_with_a_word_letter_is_reproducible(tmp_path, sample_copy, documents):
    """Two real conversions (cache emptied between the builds) give byte-identical packets."""
    case_path = sample_copy("dying-parent")
    docx = case_path.parent / "evidence" / "letter.docx"
    shutil.copy(documents[".docx"], docx)
    data = json.loads(case_path.read_text(encoding="utf-8"))
    entry = next(e for e in data["evidence"] if e["id"] == "hospice_letter")
    entry["file"] = "evidence/letter.docx"
    case_path.write_text(json.dumps(data, indent=2), encoding="utf-8")

    r1 = api.build(case_path, outdir=tmp_path / "out1")
    shutil.rmtree(office.cache_dir())
    r2 = api.build(case_path, outdir=tmp_path / "out2")
    assert r1.packet.read_bytes() == r2.packet.read_bytes()
    manifest = json.loads(r1.manifest.read_text(encoding="utf-8"))
    ex = next(x for x in manifest["sets"][0]["sections"]["exhibits"] if x["evidence_id"] == "hospice_letter")
    assert ex["files"][0]["path"] == "evidence/letter.docx"
    assert ex["files"][0]["sha256"] == hashlib.sha256(docx.read_bytes()).hexdigest()
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(r1.packet))
    first, last = ex["document_pages"]
    text = " ".join(doc[i - 1].get_textpage().get_text_range() for i in range(first, last + 1))
    assert "hospice care in Chicago" in " ".join(text.split())


def test_missing_libreoffice_says_how_to_install(tmp_path, monkeypatch):
    doc = tmp_path / "letter.docx"
    doc.write_bytes(b"PK\x03\x04" + b"\0" * 100)
    monkeypatch.setenv("PACKETGEN_SOFFICE", str(tmp_path / "no-such-soffice"))
    with pytest.raises(EvidenceError) as err:
        office.convert(doc, "evidence/letter.docx (exhibit B ('hospice_letter'))")
    assert err.value.exit_code == 4
    assert "evidence/letter.docx" in err.value.message and "LibreOffice" in err.value.message
    assert "apt-get install libreoffice-writer-nogui" in err.value.fix


@needs_soffice
def test_damaged_document_is_refused_with_exit_6(tmp_path):
    doc = tmp_path / "broken.docx"
    doc.write_bytes(b"PK\x03\x04" + b"not really a zip" * 20)
    with pytest.raises(EvidenceDamagedError) as err:
        office.convert(doc, "broken.docx")
    assert err.value.exit_code == 6 and "broken.docx" in err.value.message


def test_time_bound(tmp_path, monkeypatch):
    slow = tmp_path / "slow-soffice"
    slow.write_text("#!/bin/sh\nsleep 30\n")
    slow.chmod(0o755)
    monkeypatch.setenv("PACKETGEN_SOFFICE", str(slow))
    monkeypatch.setenv("PACKETGEN_OFFICE_TIMEOUT", "1")
    doc = tmp_path / "letter.odt"
    doc.write_bytes(b"PK\x03\x04" + b"\0" * 100)
    with pytest.raises(EvidenceDamagedError) as err:
        office.convert(doc, "letter.odt")
    assert "within 1 seconds" in err.value.message


def test_office_name_on_a_pdf_goes_the_normal_way(tmp_path):
    fake = tmp_path / "scan.docx"
    fake.write_bytes(b"%PDF-1.4\n")
    assert not office.is_office_file(fake)
