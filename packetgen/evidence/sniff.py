"""Reading an evidence file and telling what it is, by content (magic bytes), never by extension.

Policy: ``docs/evidence.md`` ("Awkward PDFs").
"""

from __future__ import annotations

import errno
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from packetgen.errors import EvidenceDamagedError, EvidenceError, PacketgenError
from packetgen.evidence.common import _FIX_RESAVE, _HEADER_WINDOW


#: Evidence files larger than this are refused before anything is read (docs/evidence.md, "Bounds").
#: The benchmark's largest input (a 300-page scan) is 60 MB; USCIS's own online filing takes files of a few MB.
MAX_FILE_BYTES = 1 << 30
_CHUNK = 1 << 20


@dataclass
class _Source:
    """An evidence file read once from disk: what it is, its hash, and (images only) its bytes.

    A PDF's bytes are not kept: qpdf opens the file itself and reads objects as they are needed.
    """

    path: Path
    kind: str              # "pdf" or "image"
    fmt: str               # "PDF", "JPEG", "PNG"...
    offset: int            # where %PDF- starts
    size: int
    sha256: str
    tail: bytes            # the last KB (is a PDF cut off?)
    data: Optional[bytes]  # images only


def _read_source(path: Path, name: str) -> _Source:
    """Hash the file while streaming it, and tell what it is; a file that is neither PDF nor image is
    refused after its first 4 KB (a video named .pdf is not read), a file over MAX_FILE_BYTES before
    any byte is read."""
    fix = "check the file path in the case file (paths are relative to the case file's folder)"
    try:
        if _is_loop(path):
            raise EvidenceError(f"{name}: is a symbolic-link loop ({path})", fix="point the path at the real file")
        if path.is_dir():
            raise EvidenceError(f"{name}: is a folder, not a file ({path})",
                                fix="point the evidence item at a PDF or image file inside that folder")
        if path.exists() and not path.is_file():
            raise EvidenceError(f"{name}: is not a regular file (a device, pipe or socket: {path})", fix=fix)
        with open(path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > MAX_FILE_BYTES:
                raise EvidenceDamagedError(
                    f"{name}: is {size / (1 << 20):,.0f} MB; one evidence file may have at most "
                    f"{MAX_FILE_BYTES / (1 << 20):,.0f} MB",
                    fix="include only the pages that prove the point (split the file), or scan it at a lower "
                        "resolution; check that it is the right file")
            head = fh.read(4096)
            kind, fmt, offset = _sniff(head, name)
            digest = hashlib.sha256(head)
            chunks = [head] if kind == "image" else None
            tail = head[-1024:]
            while True:
                chunk = fh.read(_CHUNK)
                if not chunk:
                    break
                digest.update(chunk)
                # the last KB without copying each MB again (it was 10 % of reading a 1.4 GB case)
                tail = chunk[-1024:] if len(chunk) >= 1024 else (tail + chunk)[-1024:]
                if chunks is not None:
                    chunks.append(chunk)
        data = b"".join(chunks) if chunks is not None else None
        return _Source(path, kind, fmt, offset, size, digest.hexdigest(), tail, data)
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
        if exc.errno == errno.ELOOP:
            raise EvidenceError(f"{name}: is a symbolic-link loop ({path})",
                                fix="point the path at the real file") from exc
        raise EvidenceError(f"{name}: cannot be read ({exc.strerror or exc})", fix=fix) from exc


def _is_loop(path: Path) -> bool:
    try:
        os.stat(path)
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return False


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
        # never quote the text: it may be anything (a client's personal data, /etc/shadow)
        return "a text file" if sample.strip() else "a blank text file"
    return "unknown binary data"

