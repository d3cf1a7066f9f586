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


# --------------------------------------------------------------------------- bounds inside PDFs (15.1)

def _page(pdf: pikepdf.Pdf, content: pikepdf.Stream, xobjects: dict | None = None) -> None:
    pdf.add_blank_page(page_size=(612, 792))
    page = pdf.pages[-1].obj
    page.Contents = pdf.make_indirect(content)
    if xobjects:
        page.Resources = Dictionary(XObject=Dictionary(xobjects))


def _flate(pdf: pikepdf.Pdf, data: bytes, **keys) -> pikepdf.Stream:
    s = pikepdf.Stream(pdf, zlib.compress(data, 9))
    s.Filter = Name.FlateDecode
    for k, v in keys.items():
        s[f"/{k}"] = v
    return s


def _image(pdf, w, h, data=b"", flt=None) -> pikepdf.Stream:
    s = pikepdf.Stream(pdf, data)
    s.Type, s.Subtype, s.Width, s.Height = Name.XObject, Name.Image, w, h
    s.BitsPerComponent, s.ColorSpace = 8, Name.DeviceRGB
    if flt:
        s.Filter = flt
    return pdf.make_indirect(s)


def _refused(path: Path, *needles: str) -> str:
    with pytest.raises(EvidenceDamagedError) as info:
        normalize(path, display_name="bomb.pdf (exhibit F ('x'))")
    msg = info.value.message
    assert info.value.exit_code == 6
    assert msg.startswith("bomb.pdf (exhibit F ('x')): page ") and "refused" in msg, msg
    for n in needles:
        assert n in msg, msg
    return msg


def test_flate_bomb_content_stream_is_refused(tmp_path):
    from packetgen.evidence.bounds import MAX_CONTENT_BYTES

    pdf = pikepdf.new()
    _page(pdf, pikepdf.Stream(pdf, b"q Q"))
    _page(pdf, _flate(pdf, b" " * (MAX_CONTENT_BYTES + 1)))      # 64 MB of spaces: 65 KB compressed
    pdf.save(tmp_path / "bomb.pdf")
    assert (tmp_path / "bomb.pdf").stat().st_size < 200_000
    _refused(tmp_path / "bomb.pdf", "page 2:", "decodes to more than 64 MB")


def test_huge_unfiltered_content_stream_is_refused(tmp_path, monkeypatch):
    from packetgen.evidence import bounds

    monkeypatch.setattr(bounds, "MAX_CONTENT_BYTES", 1 << 20)
    pdf = pikepdf.new()
    _page(pdf, pikepdf.Stream(pdf, b"q Q\n" * (300_000)))
    pdf.save(tmp_path / "bomb.pdf", compress_streams=False)
    _refused(tmp_path / "bomb.pdf", "page 1:", "the page content of 1 MB")


def test_image_xobject_over_the_megapixel_bound_is_refused_without_decoding(tmp_path):
    pdf = pikepdf.new()
    im = _image(pdf, 100_000, 100_000, zlib.compress(b"\0" * 1000), Name.FlateDecode)
    _page(pdf, pikepdf.Stream(pdf, b"q 100 0 0 100 0 0 cm /Im0 Do Q"), {"/Im0": im})
    pdf.save(tmp_path / "bomb.pdf")
    _refused(tmp_path / "bomb.pdf", "page 1:", "100,000 x 100,000 pixels", "179 megapixels")


def test_image_whose_declared_size_is_over_the_stream_bound_is_refused(tmp_path):
    pdf = pikepdf.new()
    im = _image(pdf, 12_000, 9_000, b"\xff\xd8\xff\xd9", Name.DCTDecode)     # 108 MP RGB: 309 MB decoded
    _page(pdf, pikepdf.Stream(pdf, b"q 100 0 0 100 0 0 cm /Im0 Do Q"), {"/Im0": im})
    pdf.save(tmp_path / "bomb.pdf")
    _refused(tmp_path / "bomb.pdf", "page 1:", "12,000 x 9,000", "256 MB")


def test_total_decoded_bytes_per_file_are_bounded(tmp_path, monkeypatch):
    from packetgen.evidence import bounds

    monkeypatch.setattr(bounds, "MAX_FILE_DECODED_BYTES", 5 << 20)
    pdf = pikepdf.new()
    for _ in range(3):
        _page(pdf, _flate(pdf, b" " * (2 << 20)))
    pdf.save(tmp_path / "bomb.pdf")
    _refused(tmp_path / "bomb.pdf", "page 3:", "more than 5 MB in all")


def test_a_bomb_in_a_font_or_form_is_found_too(tmp_path):
    from packetgen.evidence.bounds import MAX_CONTENT_BYTES

    pdf = pikepdf.new()
    form = pdf.make_indirect(_flate(pdf, b" " * (MAX_CONTENT_BYTES + 1), Type=Name.XObject, Subtype=Name.Form,
                                    BBox=Array([0, 0, 10, 10])))
    _page(pdf, pikepdf.Stream(pdf, b"/Fm0 Do"), {"/Fm0": form})
    pdf.save(tmp_path / "bomb.pdf")
    _refused(tmp_path / "bomb.pdf", "page 1:", "a drawing (form XObject) that decodes to more than 64 MB")


# --------------------------------------------------------------------------- damaged streams (15.2)

def _qpdf_check(path: Path) -> tuple[int, str]:
    import subprocess

    q = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True, timeout=300)
    return q.returncode, q.stdout + q.stderr


needs_qpdf = pytest.mark.skipif(__import__("shutil").which("qpdf") is None, reason="qpdf not installed")


@needs_qpdf
def test_truncated_flate_content_is_repaired_and_warned(tmp_path):
    pdf = pikepdf.new()
    full = zlib.compress(b"BT /F1 12 Tf 72 700 Td (hello) Tj ET\n" * 400)
    s = pikepdf.Stream(pdf, full[: len(full) // 2])
    s.Filter = Name.FlateDecode
    _page(pdf, pikepdf.Stream(pdf, b"q Q"))
    _page(pdf, s)
    pdf.save(tmp_path / "cut.pdf")
    assert _qpdf_check(tmp_path / "cut.pdf")[0] != 0
    doc = normalize(tmp_path / "cut.pdf")
    assert any(w.startswith("cut.pdf: page(s) 2: the page content could not be decoded") for w in doc.warnings), \
        doc.warnings
    doc.pdf.save(tmp_path / "out.pdf")
    rc, text = _qpdf_check(tmp_path / "out.pdf")
    assert rc == 0, text


@needs_qpdf
def test_dct_image_that_is_not_jpeg_becomes_a_grey_box_with_a_warning(tmp_path):
    pdf = pikepdf.new()
    im = _image(pdf, 10, 10, b"this is not a jpeg at all" * 10, Name.DCTDecode)
    _page(pdf, pikepdf.Stream(pdf, b"q 100 0 0 100 72 600 cm /Im0 Do Q"), {"/Im0": im})
    pdf.save(tmp_path / "scan.pdf")
    assert _qpdf_check(tmp_path / "scan.pdf")[0] != 0
    doc = normalize(tmp_path / "scan.pdf")
    assert any("page(s) 1: an image could not be decoded" in w and "grey box" in w for w in doc.warnings)
    doc.pdf.save(tmp_path / "out.pdf")
    rc, text = _qpdf_check(tmp_path / "out.pdf")
    assert rc == 0, text


@needs_qpdf
def test_every_corpus_file_normalizes_to_a_pdf_that_passes_qpdf_check(tmp_path):
    from .test_evidence_support import CORPUS, corpus_rows

    if not (CORPUS / "MANIFEST.tsv").is_file():
        pytest.skip("evidence corpus not present")
    from packetgen.errors import PacketgenError

    checked = 0
    for row in corpus_rows():
        try:
            doc = normalize(CORPUS / row["path"])
        except PacketgenError:
            continue
        out = tmp_path / "out.pdf"
        doc.pdf.save(out)
        rc, text = _qpdf_check(out)
        assert rc == 0, f"{row['path']}: {text[-400:]}"
        checked += 1
    assert checked >= 50


# --------------------------------------------------------------------------- verify checks the same bounds

def test_verify_catches_a_bomb_put_into_a_built_packet(tmp_path, sample_copy):
    import shutil

    from packetgen import api
    from packetgen.evidence.bounds import MAX_CONTENT_BYTES
    from packetgen.packet.verify import verify_packet

    result = api.build(sample_copy("trial-witness"), outdir=tmp_path / "out")
    v = verify_packet(result.outdir)
    assert v.ok, v.problems
    assert any("within the evidence bounds" in c for c in v.checked)
    work = tmp_path / "bombed"
    shutil.copytree(result.outdir, work)
    with pikepdf.open(work / "packet.pdf", allow_overwriting_input=True) as pdf:
        page = pdf.pages[2].obj
        bomb = pdf.make_indirect(_flate(pdf, b" " * (MAX_CONTENT_BYTES + 1)))
        page.Contents = Array([page.Contents, bomb]) if not isinstance(page.Contents, Array) \
            else Array([*page.Contents, bomb])
        pdf.save(work / "packet.pdf")
    v = verify_packet(work)
    assert any(p.startswith("page 3: the page content that decodes to more than 64 MB") for p in v.problems), \
        v.problems


@needs_qpdf
def test_packet_with_damaged_evidence_passes_qpdf_check_and_names_exhibit_and_page(tmp_path, sample_copy):
    import json

    from packetgen import api

    case = sample_copy("child-surgery")
    pdf = pikepdf.new()
    full = zlib.compress(b"BT /F1 12 Tf 72 700 Td (hello) Tj ET\n" * 400)
    cut = pikepdf.Stream(pdf, full[: len(full) // 2])
    cut.Filter = Name.FlateDecode
    _page(pdf, cut)
    im = _image(pdf, 10, 10, b"this is not a jpeg at all" * 10, Name.DCTDecode)
    _page(pdf, pikepdf.Stream(pdf, b"q 100 0 0 100 72 600 cm /Im0 Do Q"), {"/Im0": im})
    pdf.save(case.parent / "evidence" / "damaged.pdf")
    data = json.loads(case.read_text())
    data["evidence"][0]["file"] = "evidence/damaged.pdf"
    case.write_text(json.dumps(data))
    r = api.build(case, outdir=tmp_path / "out")
    ident = data["evidence"][0]["id"]
    assert any(re.match(rf"evidence/damaged\.pdf \(exhibit [A-Z] \('{ident}'\)\): page\(s\) 1: the page content", w)
               for w in r.warnings), r.warnings
    assert any("page(s) 2: an image could not be decoded" in w for w in r.warnings), r.warnings
    rc, text = _qpdf_check(r.packet)
    assert rc == 0, text


# --------------------------------------------------------------------------- the other filters, bounded too

def _lzw_encode(data: bytes) -> bytes:
    """PDF LZW (EarlyChange 1), for the tests: clear code first, EOD last."""
    table = {bytes([i]): i for i in range(256)}
    nxt, width, out, bits, nbits = 258, 9, bytearray(), 0, 0

    def put(code):
        nonlocal bits, nbits
        bits, nbits = (bits << width) | code, nbits + width
        while nbits >= 8:
            nbits -= 8
            out.append((bits >> nbits) & 0xFF)
        bits &= (1 << nbits) - 1
    put(256)
    w = b""
    for c in data:
        wc = w + bytes([c])
        if wc in table:
            w = wc
            continue
        put(table[w])
        if nxt < 4096:
            table[wc], nxt = nxt, nxt + 1
            if nxt + 1 > (1 << width) and width < 12:
                width += 1
        else:
            put(256)
            table, nxt, width = {bytes([i]): i for i in range(256)}, 258, 9
        w = bytes([c])
    put(table[w])
    put(257)
    if nbits:
        out.append((bits << (8 - nbits)) & 0xFF)
    return bytes(out)


def _encoded(pdf, data: bytes, filters: list[str]) -> pikepdf.Stream:
    import base64

    raw = data
    for f in reversed(filters):
        raw = {"/FlateDecode": lambda d: zlib.compress(d, 9),
               "/ASCII85Decode": lambda d: base64.a85encode(d, wrapcol=72) + b"~>",
               "/ASCIIHexDecode": lambda d: d.hex().encode() + b">",
               "/LZWDecode": _lzw_encode,
               "/RunLengthDecode": lambda d: b"".join(bytes([127]) + d[i:i + 128] if len(d[i:i + 128]) == 128
                                                      else bytes([len(d[i:i + 128]) - 1]) + d[i:i + 128]
                                                      for i in range(0, len(d), 128)) + b"\x80"}[f](raw)
    s = pikepdf.Stream(pdf, raw)
    s.Filter = Array([Name(f) for f in filters])
    return s


@pytest.mark.parametrize("filters", [["/ASCII85Decode", "/FlateDecode"], ["/ASCIIHexDecode"], ["/LZWDecode"],
                                     ["/RunLengthDecode"], ["/ASCII85Decode", "/LZWDecode"]])
def test_decoders_agree_with_qpdf_so_nothing_sound_is_called_damaged(tmp_path, filters):
    from packetgen.evidence.bounds import _bounded_decode

    import random
    rnd = random.Random(7)
    data = b"".join(b"BT /F1 12 Tf 72 %d Td (%s) Tj ET\n" % (rnd.randrange(800), bytes(rnd.choice(b"abcxyz ")
                    for _ in range(40))) for _ in range(3000))
    pdf = pikepdf.new()
    s = _encoded(pdf, data, filters)
    assert s.read_bytes(pikepdf.StreamDecodeLevel.specialized) == data      # qpdf reads it
    assert _bounded_decode(s.read_raw_bytes(), filters, [None] * len(filters), 1, 1 << 30, "x", keep=True) == data
    _page(pdf, s)
    pdf.save(tmp_path / "ok.pdf")
    doc = normalize(tmp_path / "ok.pdf")
    assert not any("could not be decoded" in w for w in doc.warnings), doc.warnings


def test_ascii85_wrapped_flate_bomb_is_refused(tmp_path):
    from packetgen.evidence.bounds import MAX_CONTENT_BYTES

    pdf = pikepdf.new()
    _page(pdf, _encoded(pdf, b" " * (MAX_CONTENT_BYTES + 1), ["/ASCII85Decode", "/FlateDecode"]))
    pdf.save(tmp_path / "bomb.pdf")
    _refused(tmp_path / "bomb.pdf", "page 1:", "decodes to more than 64 MB")


def test_lzw_bomb_is_refused(tmp_path, monkeypatch):
    from packetgen.evidence import bounds

    monkeypatch.setattr(bounds, "MAX_CONTENT_BYTES", 1 << 20)
    pdf = pikepdf.new()
    _page(pdf, _encoded(pdf, b" " * (3 << 20), ["/LZWDecode"]))       # 3 MB in about 9 KB
    pdf.save(tmp_path / "bomb.pdf")
    _refused(tmp_path / "bomb.pdf", "page 1:", "decodes to more than 1 MB")


def test_many_content_streams_on_one_page_are_bounded_together(tmp_path, monkeypatch):
    from packetgen.evidence import bounds

    monkeypatch.setattr(bounds, "MAX_CONTENT_BYTES", 1 << 20)
    pdf = pikepdf.new()
    _page(pdf, pikepdf.Stream(pdf, b"q Q"))
    parts = [pdf.make_indirect(_flate(pdf, b" " * (400 << 10))) for _ in range(3)]   # 3 x 400 KB: each under
    pdf.pages[0].obj.Contents = Array(parts)
    pdf.save(tmp_path / "bomb.pdf")
    _refused(tmp_path / "bomb.pdf", "page 1:", "page content that decodes to more than 1 MB")
