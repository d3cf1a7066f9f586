"""Reading an evidence file and telling what it is, by content (magic bytes), never by extension.

Policy: ``docs/evidence.md`` ("Awkward PDFs").
"""

from __future__ import annotations

from pathlib import Path

from packetgen.errors import EvidenceDamagedError, EvidenceError, PacketgenError
from packetgen.evidence.common import _FIX_RESAVE, _HEADER_WINDOW


def _read_bytes(path: Path, name: str) -> tuple[bytes, tuple[str, str, int]]:
    """The file's bytes and what they are; a file that is neither PDF nor image is refused
    after reading its first 4 KB (a video named .pdf is not read into memory)."""
    fix = "check the file path in the case file (paths are relative to the case file's folder)"
    try:
        if path.is_dir():
            raise EvidenceError(f"{name}: is a folder, not a file ({path})",
                                fix="point the evidence item at a PDF or image file inside that folder")
        if path.exists() and not path.is_file():
            raise EvidenceError(f"{name}: is not a regular file (a device, pipe or socket: {path})", fix=fix)
        with open(path, "rb") as fh:
            head = fh.read(4096)
            sniffed = _sniff(head, name)
            return head + fh.read(), sniffed
    except PacketgenError:
        raise
    except FileNotFoundError as exc:
        raise EvidenceError(f"{name}: file not found ({path})", fix=fix) from exc
    except PermissionError as exc:
        raise EvidenceError(f"{name}: cannot be read: permission denied ({path})",
                            fix="give your user read permission on the file, or copy it somewhere readable") from exc
    except IsADirectoryError as exc:
        raise EvidenceError(f"{name}: is a folder, not a file ({path})", fix=fix) from exc
    except OSError as exc:
        raise EvidenceError(f"{name}: cannot be read ({exc.strerror or exc})", fix=fix) from exc



_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs", b"mif1", b"msf1",
                b"avif", b"avis"}


def _sniff(data: bytes, name: str) -> tuple[str, str, int]:
    """Return (kind, format, header offset) from the content; raise if neither PDF nor image."""
    if not data:
        raise EvidenceDamagedError(f"{name}: is empty (0 bytes)",
                                   fix="the copy is incomplete: " + _FIX_RESAVE)
    if data.startswith(b"%PDF-"):
        return "pdf", "PDF", 0
    if data[:3] == b"\xff\xd8\xff":
        return "image", "JPEG", 0
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image", "PNG", 0
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image", "GIF", 0
    if data[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return "image", "TIFF", 0
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image", "WebP", 0
    if data[4:8] == b"ftyp" and (data[8:12] in _HEIF_BRANDS or any(
            data[i:i + 4] in _HEIF_BRANDS for i in range(16, min(len(data), 64), 4))):
        return "image", ("AVIF" if b"avif" in data[8:64] else "HEIC"), 0
    if data[:2] == b"BM" and len(data) > 26 and int.from_bytes(data[14:18], "little") in (12, 40, 52, 56, 64, 108, 124):
        return "image", "BMP", 0
    pos = data.find(b"%PDF-", 0, _HEADER_WINDOW)
    if pos > 0:
        return "pdf", "PDF", pos
    looks = _looks_like(data)
    raise EvidenceDamagedError(
        f"{name}: not a PDF or image (looks like {looks})",
        fix=_NOT_PDF_FIX.get(looks, "export or scan the document as a PDF, JPEG or PNG and use that file"))


_NOT_PDF_FIX = {
    "an HTML page": ("this is usually a sign-in or error page saved instead of the document: open the link "
                     "in a browser, sign in, and download the actual PDF"),
    "a ZIP archive (e.g. a Word .docx or Excel .xlsx file)": "open it and save or print it as a PDF",
    "an old Microsoft Office file (.doc/.xls)": "open it and save or print it as a PDF",
}


def _looks_like(data: bytes) -> str:
    head = data[:2048]
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<meta")) or (
            text.startswith(b"<") and b"<html" in text):
        return "an HTML page"
    if text.startswith(b"<?xml"):
        return "an SVG drawing" if b"<svg" in data[:4096].lower() else "an XML file"
    if text.startswith(b"<svg"):
        return "an SVG drawing"
    if head.startswith(b"PK\x03\x04"):
        return "a ZIP archive (e.g. a Word .docx or Excel .xlsx file)"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "an old Microsoft Office file (.doc/.xls)"
    if head.startswith(b"{\\rtf"):
        return "an RTF document"
    if head[4:8] == b"ftyp":
        return "a video or an unsupported HEIF variant"
    try:
        sample = head.decode("utf-8")
    except UnicodeDecodeError:
        sample = None
    if sample is not None and all(c.isprintable() or c in "\r\n\t" for c in sample):
        snippet = " ".join(sample.split())[:40]
        return f'a text file: "{snippet}"' if snippet else "a blank text file"
    return "unknown binary data"

