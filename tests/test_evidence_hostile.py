"""Hostile evidence (issue 15): bombs inside PDFs, damaged streams, huge files, loops, links, messages.

Each test here failed before its fix.
"""

from __future__ import annotations

import hashlib
import os
import re
import zlib
from pathlib import Path

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name

from packetgen.errors import EvidenceDamagedError, EvidenceError
from packetgen.evidence.normalize import MAX_FILE_BYTES, normalize


# --------------------------------------------------------------------------- messages (15.5, 15.12)

def test_text_file_message_never_quotes_its_content(tmp_path):
    f = tmp_path / "passport.pdf"
    f.write_text("Mateo Andres Reyes Castillo, DOB 2019-07-01, passport X1234567\n")
    with pytest.raises(EvidenceDamagedError) as info:
        normalize(f)
    text = info.value.message + " ".join(info.value.details) + info.value.fix
    assert "looks like a text file" in text
    assert "Mateo" not in text and "2019" not in text and "X1234567" not in text


def test_html_page_is_named_as_such_without_quoting(tmp_path):
    f = tmp_path / "statement.pdf"
    f.write_text("<!DOCTYPE html><html><title>Sign in: Maria Lopez</title></html>")
    with pytest.raises(EvidenceDamagedError) as info:
        normalize(f)
    assert "an HTML page" in info.value.message and "Maria" not in info.value.message


def test_image_errors_show_no_python_object_reprs(tmp_path):
    f = tmp_path / "photo.png"
    f.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    with pytest.raises(EvidenceDamagedError) as info:
        normalize(f)
    text = info.value.message + " ".join(info.value.details)
    assert "photo.png" in text
    assert not re.search(r"object at 0x|<_io\.", text), text


# --------------------------------------------------------------------------- files (15.8)

def test_symlink_loop_is_reported_as_a_loop(tmp_path):
    (tmp_path / "a.pdf").symlink_to(tmp_path / "b.pdf")
    (tmp_path / "b.pdf").symlink_to(tmp_path / "a.pdf")
    with pytest.raises(EvidenceError) as info:
        normalize(tmp_path / "a.pdf")
    assert "symbolic-link loop" in info.value.message
    assert "not found" not in info.value.message


def test_check_reports_a_symlink_loop_as_a_loop(tmp_path):
    from packetgen.case.checks_request import _symlink_loop

    (tmp_path / "a.pdf").symlink_to(tmp_path / "a.pdf")
    assert _symlink_loop(tmp_path / "a.pdf")
    assert not _symlink_loop(tmp_path / "missing.pdf")


def test_file_over_the_size_bound_is_refused_before_reading(tmp_path):
    big = tmp_path / "archive.pdf"
    with open(big, "wb") as fh:          # sparse: costs no disk and no time
        fh.write(b"%PDF-1.7\n")
        fh.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(EvidenceDamagedError) as info:
        normalize(big, display_name="archive.pdf (exhibit C)")
    assert info.value.exit_code == 6
    assert "archive.pdf (exhibit C)" in info.value.message and "at most 1,024 MB" in info.value.message


def test_hash_is_streamed_and_matches_the_file(tmp_path):
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.save(tmp_path / "x.pdf")
    doc = normalize(tmp_path / "x.pdf")
    assert doc.sha256 == hashlib.sha256((tmp_path / "x.pdf").read_bytes()).hexdigest()


# --------------------------------------------------------------------------- links (15.14)

def _pdf_with_links(path: Path, uris: list[str]) -> None:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.add_blank_page()
    annots = Array()
    for k, uri in enumerate(uris):
        annots.append(pdf.make_indirect(Dictionary(
            Type=Name.Annot, Subtype=Name.Link, Rect=[10, 10 + 30 * k, 200, 30 + 30 * k],
            A=Dictionary(S=Name.URI, URI=pikepdf.String(uri)))))
    pdf.pages[0].obj.Annots = annots
    internal = pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=[10, 10, 100, 30],
                                            Dest=Array([pdf.pages[0].obj, Name.Fit])))
    pdf.pages[1].obj.Annots = Array([internal])
    pdf.save(path)


def _uris(pdf: pikepdf.Pdf) -> list[str]:
    return [str(a.A.URI) for p in pdf.pages for a in p.obj.get("/Annots", []) if "/A" in a]


def test_external_links_are_removed_by_default_and_counted(tmp_path):
    _pdf_with_links(tmp_path / "bank.pdf", ["https://bank.example/login", "https://paypa1.example/verify",
                                           "mailto:help@bank.example"])
    doc = normalize(tmp_path / "bank.pdf", display_name="bank.pdf (exhibit D)")
    assert _uris(doc.pdf) == []
    assert [w for w in doc.warnings if "external link" in w] == [
        "bank.pdf (exhibit D): removed 3 external link(s) (web or e-mail addresses); the packet links to no "
        "outside site (build with --keep-links to keep them)"]
    # internal links are not external: kept
    assert len(doc.pdf.pages[1].obj.Annots) == 1


def test_keep_links_keeps_them(tmp_path):
    _pdf_with_links(tmp_path / "bank.pdf", ["https://bank.example/login"])
    doc = normalize(tmp_path / "bank.pdf", keep_links=True)
    assert _uris(doc.pdf) == ["https://bank.example/login"]
    assert not any("external link" in w for w in doc.warnings)


def test_build_removes_links_unless_keep_links(tmp_path, sample_copy):
    import json

    from packetgen import api

    case = sample_copy("child-surgery")
    data = json.loads(case.read_text())
    _pdf_with_links(case.parent / "evidence" / "phish.pdf", ["https://uscis-gov.example/pay"])
    data["evidence"][0]["file"] = "evidence/phish.pdf"
    case.write_text(json.dumps(data))
    r = api.build(case, outdir=tmp_path / "a")
    assert "https://uscis-gov.example/pay" not in [u for u in _uris(pikepdf.open(r.packet))]
    assert any("removed 1 external link(s)" in w for w in r.warnings)
    r = api.build(case, outdir=tmp_path / "b", keep_links=True)
    assert "https://uscis-gov.example/pay" in _uris(pikepdf.open(r.packet))
