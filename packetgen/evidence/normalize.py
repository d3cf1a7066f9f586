"""Normalize one evidence file (PDF or image) into clean US Letter pages.

``normalize(path)`` returns a :class:`NormalizedDoc` whose ``pdf`` holds one
fresh 612 x 792 pt page per source page (or image frame).  Each page carries
only its drawing: the source page becomes a Form XObject, scaled uniformly and
centred inside :data:`packetgen.layout.CONTENT_BOX`, so the bottom band stays
free for the packet's page stamp.  Nothing interactive survives.

Detection is by content (magic bytes), never by file extension.

Policy (the choices a reviewer should know about)
-------------------------------------------------
Geometry
  * The visible area of a PDF page is its CropBox clipped to its MediaBox
    (both may be inherited from the page tree).  /Rotate (inherited too, any
    multiple of 90, 360 and negative values normalized) and /UserUnit are
    applied, so the page looks as it does in a viewer.  Nothing is cropped.
  * PDF pages are scaled down to fit, never up: a receipt keeps its real size.
    Pages smaller than 1 inch, and pages shrunk below 50 %, get a warning
    because their content will be hard to see.
  * Images fill the content box (scaled up or down), keeping their aspect
    ratio; a non-square JFIF/TIFF density (e.g. 2.54 x 5.08 dpi) is honoured.
  * Landscape pages are NOT turned to portrait.  Rotating a Letter-landscape
    page would enlarge it by ~25 % (scale 0.96 instead of 0.77), but the packet
    is read on screen (USCIS scans paper filings), a sideways exhibit looks
    like a mistake, it would undo the EXIF correction of landscape photos, and
    a 10 pt font at 77 % (7.7 pt) is still legible.  Content is always upright.

Images
  * EXIF / TIFF orientation is honoured by the placement matrix, never by
    re-encoding: pixels are stored as they are in the file.
  * JPEGs in Gray, RGB or CMYK (baseline or progressive Huffman) are embedded
    byte for byte (/DCTDecode) unless they must be reduced; for a camera's
    multi-picture JPEG (MPO) the bytes of the primary image are embedded.  A
    passed-through JPEG is not decoded at all: its marker structure is walked
    instead (segment lengths, the tables, frame and scan headers as libjpeg
    checks them, every scan, an EOI after the last one), 40x faster than even
    a 1/8-scale decode.  A JPEG that fails the walk is decoded: libjpeg refuses
    it (cut off, damaged), or it is re-encoded.  On 120,000 randomly damaged
    small JPEGs (baseline, progressive, restart markers, Gray/RGB/CMYK), no
    file that Pillow cannot decode passed the walk (``tests/test_evidence.py``
    keeps 3,000 of them).  Adobe (APP14) CMYK JPEGs store inverted ink
    values; they get ``/Decode [1 0 1 0 1 0 1 0]`` so colours are not
    inverted (a reduced CMYK JPEG is decoded by Pillow, which undoes the
    inversion, and stored as RGB).
  * Resolution is bounded to at most 300 dpi (:data:`IMAGE_DPI`) *at page
    size*: fitted to the whole 8.5 x 11 in page, an image has at most 300 px
    per inch along both axes (non-square pixels too), i.e. upright it fits in
    2550 x 3300 px (sizes are rounded down, never a pixel over).  It is placed in
    CONTENT_BOX, which is 30 pt shorter than the page, so a tall image that
    fills the box height is up to 792/762 = 3.9 % denser as placed: at most
    311.8 dpi (wide images: at most 300).  That tolerance lets 8 MP portrait
    photos (2448 x 3264: 308 dpi as placed, 297 at page size) pass through
    untouched instead of being re-encoded.
  * Images over the bound are reduced.  Lossy photos (JPEG, HEIC/AVIF, lossy
    WebP) between 300 and 600 dpi at page size -- every 8-12 MP phone photo
    that is over -- are halved, to 150-300 dpi (:data:`HALF_SCALE_MIN_DPI`):
    JPEGs by libjpeg's 1/2 DCT scaling while decoding (a good anti-aliased
    filter, and no full-size decode and no resample at all), others by
    ``Image.reduce(2)``.  Over 600 dpi, JPEGs decode at the smallest 1/2, 1/4
    or 1/8 scale that still has 300 dpi (so a 48 MP photo never exists in
    memory at full size) and are then resampled to exactly 300 dpi (HAMMING:
    within 2.6/255 of LANCZOS, at half its cost); lossless images (scans,
    screenshots) are resampled to exactly 300 dpi with LANCZOS.
    Why halve rather than resample to 300: measured on the benchmark's 40
    phone photos (24 over the bound), resampling 12 MP to 300 dpi costs a
    full decode (87 ms) plus the resample (100-200 ms) per photo; halving is a
    50 ms decode.  Small print in a photographed letter page (7 pt, 12 MP,
    stored rotated) stays as legible at 190 dpi as at 312 dpi when zoomed to
    300 %; only the softness differs.  Scanned pages in a packet are usually
    150-200 dpi anyway (the benchmark's: 150 gray, 200 colour).  The 40
    benchmark photos come out at 174-297 dpi at page size.  Set ``HALF_SCALE_MIN_DPI =
    IMAGE_DPI`` to resample to exactly 300 dpi instead (photos: 6.8 s instead
    of 1.9 s of CPU, see Performance).
  * Alpha and palette transparency are flattened onto white; 16-bit, palette,
    LA, I, F, YCbCr, LAB... are converted to Gray/RGB.  Lossless sources (PNG,
    GIF, BMP, TIFF, lossless WebP) are stored with /FlateDecode; lossy decoded
    sources (HEIC, lossy WebP, reduced JPEG) are stored as JPEG q=90, keeping
    a JPEG source's chroma subsampling (a 4:4:4 document scan stays 4:4:4).
    (q=85 would save only 1.3 ms per 3 MP photo: not worth the extra loss.)
  * Multi-frame TIFF: one page per frame.  Animated GIF/WebP and multi-image
    HEIF: the first (primary) frame, with a warning.
  * Images above :data:`MAX_IMAGE_PIXELS` (179 MP: Pillow's own
    DecompressionBombError limit, left unchanged because it is process-wide)
    are rejected before decoding, with a "resize it" fix.  That admits every
    common camera and scanner output; only 200 MP phone modes (16320 x 12240)
    are refused.  Non-JPEG images are decoded in full, so peak memory for one
    is about 4 bytes x pixels (~700 MB at the cap).

Sanitizing (the output is built in a new ``Pdf``; only page drawings are copied)
  * Dropped, with one warning line per kind: JavaScript (document, page and
    field actions), /OpenAction and /AA actions, Launch actions, embedded
    files and FileAttachment annotations, XFA, the document's AcroForm.
  * Form fields and all other annotations with an appearance (comments,
    stamps, highlights, signature appearances) are flattened into the page
    content with qpdf (``generate_appearance_streams`` first when the form asks
    the viewer to draw the values).  Values stay visible and no field name can
    clash with the packet's own forms.  Digital signatures become invalid:
    warned.
  * Link annotations are KEPT when they can be re-targeted correctly: their
    /Rect and /QuadPoints are transformed with the same matrix as the page
    content; web/mail links (http, https, mailto) keep their URI; internal
    links (explicit or named destinations) are rewritten as explicit /XYZ
    destinations on the new pages.  Links to other files, Launch/JavaScript
    links, non-web URIs (file:, javascript:...) and links to destinations
    that do not exist are dropped (warned).
    Internal links point at pages of ``NormalizedDoc.pdf``; copy all of its
    pages into the packet with one ``Pdf`` (``pages.extend``) and qpdf keeps
    them pointing at the copies.
  * Optional content (layers) is resolved as a viewer shows it by default:
    layers that are off are removed from the drawing, since the packet keeps
    no layer configuration (it would otherwise make them visible).
  * The source outline (bookmarks), page labels, document metadata and
    structure tree are not carried over (silently: the packet has its own
    outline and labels).  If flattening fails, the file is still merged
    without its fields/comments, with a warning.

Awkward PDFs
  * Encrypted with an empty user password: opened, warned (the packet copy is
    not encrypted and loses any permission restrictions, which are listed).
  * A file whose empty password is accepted only as the OWNER password (the
    author set a user password, but left the owner password empty) is treated
    as needing a password: :class:`EvidenceLockedError` unless ``password`` is
    given.  Using the empty-owner loophole would bypass protection its author
    meant to apply; the client can supply the password.  (MANIFEST.tsv
    suggests merge-with-warning; this is deliberately stricter.)
  * Password required and none given, or a wrong one: EvidenceLockedError
    naming the file and the case-file key ``"password"``.  A wrong password
    for a file that needs none: opened, warned.
  * Damaged files that qpdf can repair (broken xref table, missing startxref,
    xref loops, bad object offsets) are opened and warned about, with qpdf's
    first complaints (benign notes such as a page without /Resources are not
    reported).  Problems qpdf meets later, while converting, get their own
    warning.  Cut-off, zero-page, cyclic-page-tree and non-PDF data:
    :class:`EvidenceDamagedError`.  A missing, unreadable or directory path:
    :class:`EvidenceError`.
  * Junk before ``%PDF-`` (within the first 1024 bytes, as viewers allow):
    accepted with a warning.  A dynamic XFA form whose pages are empty outside
    Adobe Reader is merged (its pages are blank) with a warning that says so.

Performance (2-core AMD EPYC VM shared with other jobs, Python 3.11, pikepdf 10.18 / qpdf 12.4.2;
best of 7 runs in a fresh process, see ``tests/test_evidence.py::test_600_pages_normalize_fast``)
  * ``pdf/large-600-pages.pdf``: normalize 0.16-0.25 s (+0.05 s to save the result);
    ``qpdf --empty --pages large-600-pages.pdf -- out.pdf`` takes 0.16-0.29 s on the same box.
    Peak RSS growth 12 MB.  Each page's single content stream is reused as its Form XObject
    (no decode/re-encode); all forms are copied into the new Pdf with one ``copy_foreign``.
  * ``pdf/large-117-pages-509-links.pdf``: 0.25 s, most of it re-targeting the 509 links.
  * The whole corpus (64 files, 55 normalized, 9 rejected): 1.4-1.6 s CPU, of which the 12 MP
    HEIC (decode, halve, JPEG) is 0.5 s and the 48 MP JPEG 0.27 s (decoded at 1/2 scale via
    ``draft()``: its full-size pixels alone would be 144 MB).
  * Phone photos: ``normalize()`` over the benchmark's 40 photos (``benchmarks/make_case.py``,
    3.1-12.2 MP, 24 over the bound), in-process CPU time, best of 3, load average ~2:

    - before (evidence.py at 60e9e5f): bound on the content box (29 over), full decode +
      LANCZOS to 300 dpi, 1/8-scale decode of each passed-through JPEG: 10.8 s, 172 MB peak RSS
    - bound at page size (24 over), full decode + HAMMING to exactly 300 dpi
      (``HALF_SCALE_MIN_DPI = IMAGE_DPI``): 6.8 s, 173 MB
    - now: halved by DCT scaling, passed-through JPEGs not decoded: 1.8-1.9 s, 63-67 MB
      (img2pdf, which decodes nothing, embeds the 40 photos in 1.2 s)

    Per 12 MP photo: full decode 87 ms, 1/2-scale 49 ms, 1/8-scale 50 ms (Huffman decoding is
    most of it and cannot be skipped), LANCZOS/BICUBIC to 300 dpi 200 ms, HAMMING/BILINEAR
    100-130 ms, BOX 90 ms; JPEG q90 of the halved photo 14 ms; structure walk of a 5 MB
    pass-through JPEG 2 ms.  libjpeg's "draft" flag (fast IDCT, no fancy upsampling) saved
    only 2-4 ms and is not used.  What is left per halved photo is the 1/2-scale decode.
    Whole benchmark (``run.py -n 3 --skip-small``, HEAD 5383208 with and without this file's
    change, same machine, load 2.2-3.1): evidence stage 12.2 s -> 2.7 s; build 17.7 s -> 9.0 s
    median wall (CPU 17.4 -> 8.6 s; 6.6x -> 4.1x the baseline); packet 156 -> 126 MB; peak RSS
    348 -> 285 MB.  The rest of that build was forms (2.5 s), letter and writing; with the
    forms and letter work in progress in the checkout at the same time, one run gave 5.6 s,
    1.95x the baseline, of which evidence is 2.7 s: the largest stage again.
    Not done, measured: a 2-process pool over the 40 photos (``fork``; each returns the saved
    one-page PDF) took 2.15 s wall against 2.16 s serial at load ~2.5 (forkserver: 3.7 s), with
    children up to 243 MB: the second core is rarely free on this machine.  It is the caller's
    choice anyway (``normalize`` is one file).
"""

from __future__ import annotations

import hashlib
import io
import math
import re
import warnings as _warnings
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Optional

import pikepdf
from pikepdf import Array, Dictionary, Name

from packetgen.errors import EvidenceDamagedError, EvidenceError, EvidenceLockedError, PacketgenError
from packetgen.layout import CONTENT_BOX, LETTER

__all__ = ["NormalizedDoc", "normalize", "MAX_IMAGE_PIXELS", "IMAGE_DPI", "HALF_SCALE_MIN_DPI"]

#: Images with more pixels than this are rejected before decoding.  It equals
#: Pillow's DecompressionBombError threshold (2 x Image.MAX_IMAGE_PIXELS,
#: 178,956,970 pixels), which is not changed globally.
MAX_IMAGE_PIXELS = 178_956_970
#: Images are bounded to at most this resolution at page size (see "Images" in the docstring).
IMAGE_DPI = 300
#: A lossy photo (JPEG, HEIC) between IMAGE_DPI and 2 x IMAGE_DPI is halved (libjpeg's 1/2 DCT
#: scaling, no resample) when that keeps at least this resolution; else it is resampled to IMAGE_DPI.
#: Set it to IMAGE_DPI to always resample to exactly IMAGE_DPI (3.5x the CPU time on phone photos, see docstring).
HALF_SCALE_MIN_DPI = 150
JPEG_QUALITY = 90

_PAGE_W, _PAGE_H = LETTER
_BOX_X0, _BOX_Y0, _BOX_X1, _BOX_Y1 = CONTENT_BOX
_BOX_W = _BOX_X1 - _BOX_X0
_BOX_H = _BOX_Y1 - _BOX_Y0
_XOBJ_NAME = Name("/EvidencePage")
_TINY_PT = 72.0            # pages smaller than this (both sides) get a warning
_SHRINK_WARN = 0.5         # pages scaled below this get a warning
_HEADER_WINDOW = 1024      # %PDF- may start this far into the file

Matrix = tuple[float, float, float, float, float, float]


@dataclass
class NormalizedDoc:
    """One evidence file as clean Letter pages, ready to be copied into the packet."""

    source: Path            # the input file
    sha256: str             # of the input bytes
    kind: str               # "pdf" or "image"
    pdf: pikepdf.Pdf        # 612x792 pages, content fitted into layout.CONTENT_BOX
    warnings: list[str] = field(default_factory=list)   # one line each, each naming the file

    @property
    def page_count(self) -> int:
        return len(self.pdf.pages)


# --------------------------------------------------------------------------- entry point

def normalize(path: Path, *, password: str | None = None, display_name: str | None = None) -> NormalizedDoc:
    """Read ``path`` (PDF or image, detected by content) and return clean Letter pages.

    ``password`` opens an encrypted PDF; ``display_name`` is what messages call
    the file (default: the file name).  Bad input raises
    :class:`EvidenceError` (missing/unreadable), :class:`EvidenceLockedError`
    (needs a password) or :class:`EvidenceDamagedError` (damaged, not a PDF or
    image, too large); never another exception type.
    """
    path = Path(path)
    name = display_name or path.name
    from packetgen.evidence import office  # Word/OpenDocument files become a PDF first (evidence/office.py)
    converted = office.convert(path, name) if office.is_office_file(path) else None
    if converted:
        data, (kind, fmt, offset) = converted.pdf, ("pdf", "PDF", 0)
    else:
        data, (kind, fmt, offset) = _read_bytes(path, name)
    sha256 = converted.source_sha256 if converted else hashlib.sha256(data).hexdigest()
    warnings: list[str] = []
    try:
        if kind == "pdf":
            if offset:
                warnings.append(f"{name}: has {offset} bytes of other data before the PDF header "
                                f"(e.g. printer job data); ignored them")
            pdf = _PdfNormalizer(data, name, password, warnings).run()
        else:
            if path.suffix.lower() == ".pdf":
                warnings.append(f"{name}: is a {fmt} image, not a PDF (despite the .pdf name); "
                                f"added it as an image")
            pdf = _normalize_image(data, fmt, name, warnings)
    except PacketgenError:
        raise
    except MemoryError as exc:
        raise EvidenceDamagedError(
            f"{name}: is too large to process in memory",
            fix="reduce its size (fewer pages, or a smaller image) and try again") from exc
    except RecursionError as exc:
        raise EvidenceDamagedError(
            f"{name}: has a structure nested too deeply to process (damaged or malicious)",
            fix=_FIX_RESAVE) from exc
    except Exception as exc:  # hostile input can raise anything from qpdf/Pillow; never a traceback
        raise EvidenceDamagedError(
            f"{name}: could not be processed ({_short(exc)})",
            fix=_FIX_RESAVE + "; if the file looks fine in a viewer, rerun with --debug and report it") from exc
    return NormalizedDoc(source=path, sha256=sha256, kind=kind, pdf=pdf, warnings=warnings)


_FIX_RESAVE = ("get a fresh copy from where it came from (download it again or ask the sender), "
               "or open it in a viewer and save/print it as a new PDF")


def _short(exc: BaseException, limit: int = 160) -> str:
    text = f"{type(exc).__name__}: {exc}".replace("\n", " ")
    text = re.sub(r"stream <_io\.BytesIO object at 0x[0-9a-f]+>:? ?", "", text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


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


# --------------------------------------------------------------------------- sniffing

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


# --------------------------------------------------------------------------- geometry helpers

def _fit(w: float, h: float, upscale: bool) -> tuple[float, float, float]:
    """Scale and lower-left corner that fit a w x h box centred in CONTENT_BOX."""
    s = min(_BOX_W / w, _BOX_H / h)
    if not upscale:
        s = min(s, 1.0)
    return s, _BOX_X0 + (_BOX_W - w * s) / 2, _BOX_Y0 + (_BOX_H - h * s) / 2


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


def _fmt(v: float) -> bytes:
    text = f"{v:.10f}".rstrip("0").rstrip(".")
    return (text if text not in ("", "-0") else "0").encode()


def _cm(m: Matrix) -> bytes:
    return b" ".join(_fmt(v) for v in m)


def _page_ranges(numbers: Iterable[int]) -> str:
    nums = sorted(set(numbers))
    parts, start, prev = [], None, None
    for n in nums + [None]:
        if start is None:
            start = prev = n
        elif n is not None and n == prev + 1:
            prev = n
        else:
            parts.append(str(start) if start == prev else f"{start}-{prev}")
            start = prev = n
    return ", ".join(parts)


def _plain(obj, depth: int = 0):
    """A copy made of numbers, names and arrays of them only (None for anything else)."""
    if isinstance(obj, bool):
        return obj
    if isinstance(obj, (int, float)) or type(obj).__name__ == "Decimal":
        return obj
    if isinstance(obj, Name):
        return Name(str(obj))
    if isinstance(obj, Array) and depth < 3:
        items = [_plain(v, depth + 1) for v in obj]
        return Array([v for v in items if v is not None])
    return None


def _num(obj, default: float) -> float:
    try:
        v = float(obj)
    except (TypeError, ValueError):
        return default
    return v if math.isfinite(v) else default


def _rect(obj) -> Optional[tuple[float, float, float, float]]:
    """A normalized rectangle (x0 < x1, y0 < y1) from a PDF array, or None if unusable."""
    try:
        if not isinstance(obj, Array) or len(obj) != 4:
            return None
        x0, y0, x1, y1 = (float(v) for v in obj)
    except (TypeError, ValueError):
        return None
    if not all(math.isfinite(v) for v in (x0, y0, x1, y1)):
        return None
    x0, x1 = min(x0, x1), max(x0, x1)
    y0, y1 = min(y0, y1), max(y0, y1)
    if x1 - x0 <= 0 or y1 - y0 <= 0:
        return None
    return x0, y0, x1, y1


# --------------------------------------------------------------------------- PDF

# qpdf warnings that do not mean the file is damaged in a way the user should hear about:
# a page without /Resources (we give every page its own) and qpdf's own "common error handled
# correctly" note about xref streams.
_BENIGN_QPDF = ("Resources is missing or invalid", "handled correctly by qpdf")


class _OptionalContent:
    """Resolve optional content (layers) statically, as a viewer shows the file by default.

    The packet keeps no /OCProperties (only pages are copied), so without this a layer its
    author switched off (a hidden draft stamp, an alternative language) would become visible.
    Hidden Form/Image XObjects (``/OC``) are emptied and hidden ``/OC ... BDC ... EMC``
    sections are cut from the content streams that contain them.  Files whose layers are all
    on (the usual case) are not touched.
    """

    def __init__(self, src: pikepdf.Pdf):
        self.src = src
        self.hidden: set[tuple[int, int]] = set()
        self.cache: dict[tuple[int, int], bool] = {}
        ocp = src.Root.get("/OCProperties")
        if not isinstance(ocp, Dictionary) or not isinstance(ocp.get("/D"), Dictionary):
            return
        d = ocp.D

        def refs(arr) -> set:
            return {g.objgen for g in arr if isinstance(g, Dictionary) and g.is_indirect} \
                if isinstance(arr, Array) else set()
        if d.get("/BaseState") == Name.OFF:
            self.hidden = refs(ocp.get("/OCGs")) - refs(d.get("/ON"))
        else:
            self.hidden = refs(d.get("/OFF"))

    def visible(self, oc, depth: int = 0) -> bool:
        if not isinstance(oc, Dictionary) or depth > 32:
            return True
        key = oc.objgen if oc.is_indirect else None
        if key is not None and key in self.cache:
            return self.cache[key]
        if oc.get("/Type") == Name.OCMD or "/OCGs" in oc or "/VE" in oc:
            ve = oc.get("/VE")
            if isinstance(ve, Array):
                result = self._expression(ve, depth)
            else:
                groups = oc.get("/OCGs")
                groups = [groups] if isinstance(groups, Dictionary) else list(groups or [])
                states = [self.visible(g, depth + 1) for g in groups if isinstance(g, Dictionary)]
                policy = str(oc.get("/P", "/AnyOn"))
                if not states:
                    result = True
                elif policy == "/AllOn":
                    result = all(states)
                elif policy == "/AnyOff":
                    result = not all(states)
                elif policy == "/AllOff":
                    result = not any(states)
                else:
                    result = any(states)
        else:
            result = key not in self.hidden
        if key is not None:
            self.cache[key] = result
        return result

    def _expression(self, ve, depth: int) -> bool:
        if isinstance(ve, Dictionary):
            return self.visible(ve, depth + 1)
        if not isinstance(ve, Array) or not len(ve) or depth > 32:
            return True
        op, args = str(ve[0]), [self._expression(a, depth + 1) for a in list(ve)[1:]]
        if op == "/Not":
            return not args[0] if args else True
        if op == "/And":
            return all(args)
        if op == "/Or":
            return any(args)
        return True

    def apply(self, pages) -> None:
        if not self.hidden:
            return
        seen: set = set()
        for page in pages:
            res = page.obj.get("/Resources")
            if self._hides_marked_content(res):
                page.obj.Contents = self.src.make_stream(self._strip(page, res))
            self._xobjects(res, seen, 0)

    def _xobjects(self, res, seen: set, depth: int) -> None:
        if not isinstance(res, Dictionary) or depth > 16:
            return
        xobjs = res.get("/XObject")
        if not isinstance(xobjs, Dictionary):
            return
        for _, xo in xobjs.items():
            if not isinstance(xo, pikepdf.Stream) or xo.objgen in seen:
                continue
            seen.add(xo.objgen)
            if "/OC" in xo and not self.visible(xo.OC):
                # hidden wherever it is painted: make it an empty form
                xo.write(b"")
                for key in list(xo.keys()):
                    if key not in ("/Length", "/Type"):
                        del xo[key]
                xo.Type, xo.Subtype, xo.BBox = Name.XObject, Name.Form, Array([0, 0, 0, 0])
                continue
            if xo.get("/Subtype") == Name.Form:
                inner = xo.get("/Resources")
                if self._hides_marked_content(inner):
                    xo.write(self._strip(xo, inner))
                self._xobjects(inner, seen, depth + 1)

    def _hides_marked_content(self, res) -> bool:
        props = res.get("/Properties") if isinstance(res, Dictionary) else None
        return isinstance(props, Dictionary) and any(not self.visible(v) for _, v in props.items())

    def _strip(self, target, res) -> bytes:
        props = res.get("/Properties")
        out, skip = [], 0
        for ins in pikepdf.parse_content_stream(target):
            op = str(ins.operator) if isinstance(ins, pikepdf.ContentStreamInstruction) else "INLINE IMAGE"
            if skip:
                if op in ("BDC", "BMC"):
                    skip += 1
                elif op == "EMC":
                    skip -= 1
                continue
            if op == "BDC" and len(ins.operands) == 2 and ins.operands[0] == Name.OC:
                prop = ins.operands[1]
                if isinstance(prop, Name) and isinstance(props, Dictionary):
                    prop = props.get(str(prop))
                if not self.visible(prop):
                    skip = 1
                    continue
            out.append(ins)
        return pikepdf.unparse_content_stream(out)


def _repairs(qpdf_warnings: list[str]) -> list[str]:
    """qpdf's complaints worth reporting, cleaned of the stream description, most telling first."""
    out = []
    for text in qpdf_warnings:
        if any(b in text for b in _BENIGN_QPDF):
            continue
        text = re.sub(r"^stream <[^>]*>", "", text).lstrip(" ,:")
        if text and text not in out:
            out.append(text)
    # "file is damaged" only says that reconstruction started; the next line says why
    if len(out) > 1 and out[0] == "file is damaged":
        out = out[1:]
    return out


_PERMISSIONS = (
    ("print_lowres", "printing"), ("extract", "copying text"), ("modify_other", "editing"),
    ("modify_annotation", "commenting"), ("modify_form", "filling forms"),
    ("modify_assembly", "page assembly"),
)
_ACTIVE_ACTIONS = {"/JavaScript": "JavaScript", "/Launch": "Launch", "/ImportData": "ImportData",
                   "/SubmitForm": "SubmitForm", "/GoToR": "GoToR", "/GoToE": "GoToE",
                   "/Rendition": "Rendition", "/RichMediaExecute": "RichMediaExecute"}
_SAFE_URI = re.compile(r"^(https?|mailto):", re.IGNORECASE)
_DROP_ANNOTS = {"/Popup", "/FileAttachment", "/Sound", "/Movie", "/Screen", "/RichMedia", "/3D",
                "/Projection", "/PrinterMark", "/TrapNet"}


# A bound on work and memory for one file (a legitimate exhibit is far smaller; the corpus's largest
# has 600 pages).  Beyond it a file is refused with a message rather than slowly merged.
MAX_PAGES_PER_FILE = 5000


class _PdfNormalizer:
    def __init__(self, data: bytes, name: str, password: Optional[str], warnings: list[str]):
        self.data = data
        self.name = name
        self.password = password
        self.warnings = warnings
        self.found: dict[str, list[str]] = {}      # active-content kind -> details
        self.links_dropped: dict[str, int] = {}
        self.crops: list[tuple[float, float, float, float]] = []   # visible box per source page

    # -- opening ------------------------------------------------------------
    def _open(self) -> pikepdf.Pdf:
        name = self.name
        try:
            src = pikepdf.open(io.BytesIO(self.data), password=self.password or "")
        except pikepdf.PasswordError as exc:
            if self.password:
                try:   # a password was given for a file that opens without one
                    src = pikepdf.open(io.BytesIO(self.data))
                except (pikepdf.PasswordError, pikepdf.PdfError):
                    src = None
                if src is not None and (not src.is_encrypted or src.user_password_matched):
                    self.warnings.append(f"{name}: the password given for it is wrong, but none is needed; "
                                         f"opened it without one")
                    self.password = None
                    if src.is_encrypted:
                        self._check_encryption(src)
                    return src
                raise EvidenceLockedError(
                    f"{name}: the password given for it does not open it",
                    fix=f'check the "password" of the evidence item for {name} in the case file '
                        f"(passwords are case-sensitive)") from exc
            raise EvidenceLockedError(
                f"{name}: is protected with a password",
                fix=f'add "password": "..." to the evidence item for {name} in the case file, '
                    f"or ask the sender for an unprotected copy") from exc
        except pikepdf.PdfError as exc:
            raise self._damaged(exc) from exc
        if src.is_encrypted:
            self._check_encryption(src)
        return src

    def _check_encryption(self, src: pikepdf.Pdf) -> None:
        name = self.name
        if not self.password and not src.user_password_matched:
            # The empty password was accepted only as the OWNER password: the author set a
            # user (open) password.  See the module docstring for why this is refused.
            raise EvidenceLockedError(
                f"{name}: is protected with an open password (it only opens without one through "
                f"a loophole: its owner password is empty, which packetgen does not use)",
                fix=f'add "password": "..." (the password that opens it) to the evidence item for '
                    f"{name} in the case file")
        denied = []
        try:
            allow = src.allow
            denied = [label for attr, label in _PERMISSIONS if not getattr(allow, attr, True)]
        except Exception:  # permissions are informative only
            pass
        how = "opened with the password from the case file" if self.password else \
            "opened without a password (none is needed)"
        text = f"{name}: was encrypted; {how}; the packet copy is not encrypted"
        if denied:
            text += f" and no longer restricts {', '.join(denied)}"
        self.warnings.append(text)

    def _damaged(self, exc: BaseException) -> EvidenceDamagedError:
        name = self.name
        detail = _short(exc)
        tail = self.data[-1024:]
        if b"%%EOF" not in tail and b"startxref" not in tail:
            msg = f"{name}: is damaged beyond repair: the file is cut off (an interrupted download or copy?)"
        elif "Loop detected in /Pages" in str(exc):
            msg = f"{name}: is damaged beyond repair: its page tree loops back on itself"
        else:
            msg = f"{name}: is damaged beyond repair"
        return EvidenceDamagedError(msg, fix=_FIX_RESAVE, details=[f"qpdf: {detail}"])

    # -- main -----------------------------------------------------------------
    def run(self) -> pikepdf.Pdf:
        src = self._open()
        try:
            pages = list(src.pages)
        except pikepdf.PdfError as exc:
            raise self._damaged(exc) from exc
        if not pages:
            raise EvidenceDamagedError(f"{self.name}: has no pages",
                                       fix="check that this is the right file; " + _FIX_RESAVE)
        if len(pages) > MAX_PAGES_PER_FILE:
            raise EvidenceDamagedError(
                f"{self.name}: has {len(pages):,} pages; one evidence file may have at most "
                f"{MAX_PAGES_PER_FILE:,} (USCIS asks for relevant pages, not whole archives)",
                fix="include only the pages that prove the point (split the file), or check it is the right file")
        repairs = _repairs(src.get_warnings())   # (retrieving them clears qpdf's list)
        if repairs:
            self.warnings.append(f"{self.name}: was damaged and has been repaired; check its pages in the "
                                 f"packet (qpdf: {'; '.join(repairs[:2])})")
        self._inspect_document(src)
        links = self._prepare_annotations(src, pages)
        _OptionalContent(src).apply(pages)
        out = pikepdf.Pdf.new()
        placements: list[Matrix] = []
        new_pages: list[pikepdf.Object] = []
        used_streams: set[tuple[int, int]] = set()
        forms: list[pikepdf.Object] = []
        tiny, shrunk, empty = [], [], 0
        for idx, page in enumerate(pages, start=1):
            pobj = page.obj
            crop, rot, uu = self._page_geometry(pobj)
            self.crops.append(crop)
            x0, y0, x1, y1 = crop
            w, h = (x1 - x0) * uu, (y1 - y0) * uu
            if rot in (90, 270):
                w, h = h, w
            s, tx, ty = _fit(w, h, upscale=False)
            if max(w, h) < _TINY_PT:
                tiny.append((idx, w, h))
            elif s < _SHRINK_WARN:
                shrunk.append((idx, s))
            k = s * uu
            m = self._matrix(crop, rot, k, tx, ty)
            form, is_empty = self._form_xobject(src, pobj, crop, used_streams)
            empty += is_empty
            placements.append(m)
            forms.append(form)
        # one copy_foreign for all pages: qpdf walks the shared resources (fonts...) once
        copied = out.copy_foreign(src.make_indirect(Array(forms)))
        for page, form, m in zip(pages, copied, placements):
            new_pages.append(self._new_page(src, out, form, page.obj, m))
        later = _repairs(src.get_warnings())
        if later:
            self.warnings.append(f"{self.name}: has damaged parts that were skipped or repaired while converting "
                                 f"it; check its pages in the packet (qpdf: {'; '.join(later[:2])})")
        if links:
            self._add_links(src, out, pages, new_pages, placements, links)
        self._report(tiny, shrunk, empty, len(pages))
        return out

    # -- inspection -------------------------------------------------------------
    def _note(self, kind: str, detail: str) -> None:
        self.found.setdefault(kind, []).append(detail)

    def _action_kinds(self, action, depth: int = 0) -> list[str]:
        """Active action types in an action dictionary and its /Next chain."""
        kinds: list[str] = []
        seen = 0
        todo = [action]
        while todo and seen < 64:
            act = todo.pop()
            seen += 1
            if isinstance(act, Array):
                todo.extend(act)
                continue
            if not isinstance(act, Dictionary):
                continue
            s = str(act.get("/S", ""))
            if s in _ACTIVE_ACTIONS:
                kinds.append(_ACTIVE_ACTIONS[s])
            nxt = act.get("/Next")
            if nxt is not None:
                todo.append(nxt)
        return kinds

    def _inspect_document(self, src: pikepdf.Pdf) -> None:
        root = src.Root
        oa = root.get("/OpenAction")
        if oa is not None and isinstance(oa, Dictionary):
            for k in self._action_kinds(oa):
                self._note("active", f"an open action ({k})")
        if "/AA" in root:
            self._note("active", "document actions (on close/save/print)")
        names = root.get("/Names")
        if isinstance(names, Dictionary):
            if "/JavaScript" in names:
                self._note("active", "document-level JavaScript")
            ef = names.get("/EmbeddedFiles")
            if ef is not None:
                files = []
                try:
                    for key, _ in pikepdf.NameTree(ef).items():
                        files.append(str(key))
                except Exception:
                    files.append("?")
                self._note("attachments", ", ".join(files[:5]) + (" ..." if len(files) > 5 else ""))
        form = root.get("/AcroForm")
        if isinstance(form, Dictionary):
            if "/XFA" in form:
                dynamic = bool(root.get("/NeedsRendering", False))
                self._note("xfa", "dynamic" if dynamic else "static")
            self._inspect_fields(form)

    def _inspect_fields(self, form: Dictionary) -> None:
        fields = form.get("/Fields")
        if not isinstance(fields, Array):
            return
        count = sigs = 0
        seen: set = set()
        todo = list(fields)
        while todo and len(seen) < 100_000:
            f = todo.pop()
            if not isinstance(f, Dictionary):
                continue
            key = f.objgen if f.is_indirect else id(f)
            if key in seen:
                continue
            seen.add(key)
            if "/AA" in f:
                self._note("active", "form-field scripts")
            kids = f.get("/Kids")
            has_field_kids = isinstance(kids, Array) and any(
                isinstance(k, Dictionary) and "/T" in k for k in kids)
            if has_field_kids:
                todo.extend(kids)
                continue
            ft = self._inherited_field(f, "/FT")
            if ft == Name.Sig:
                sigs += f.get("/V") is not None
            else:
                count += 1
        if count:
            self._note("fields", str(count))
        if sigs:
            self._note("signatures", str(sigs))

    @staticmethod
    def _inherited_field(f: Dictionary, key: str):
        for _ in range(32):
            if key in f:
                return f[key]
            f = f.get("/Parent")
            if not isinstance(f, Dictionary):
                return None
        return None

    def _prepare_annotations(self, src: pikepdf.Pdf, pages) -> list[list[Dictionary]]:
        """Take links out, drop attachments/media, flatten everything else into the content."""
        links: list[list[Dictionary]] = []
        any_links = False
        to_flatten = False
        comments = 0
        for page in pages:
            pobj = page.obj
            if "/AA" in pobj:
                self._note("active", "page open/close actions")
            annots = pobj.get("/Annots")
            page_links: list[Dictionary] = []
            links.append(page_links)
            if annots is None:
                continue
            if not isinstance(annots, Array):
                del pobj["/Annots"]
                continue
            keep = []
            for a in annots:
                if not isinstance(a, Dictionary):
                    continue
                sub = str(a.get("/Subtype", ""))
                for k in self._action_kinds(a.get("/A")):
                    self._note("active", f"a link or button that runs {k}" if k != "Launch"
                               else "a link that launches a program or file")
                if "/AA" in a:
                    self._note("active", "field/annotation scripts")
                if sub == "/Link":
                    page_links.append(a)
                    any_links = True
                elif sub == "/FileAttachment":
                    fs = a.get("/FS")
                    label = str(fs.get("/UF", fs.get("/F", "?"))) if isinstance(fs, Dictionary) else "?"
                    self._note("attachments", label)
                elif sub in _DROP_ANNOTS:
                    if sub not in ("/Popup", "/PrinterMark", "/TrapNet"):
                        self._note("media", sub[1:])
                else:
                    if sub == "/Text" and str(a.get("/Contents", "")).strip():
                        comments += 1
                    keep.append(a)
            if keep:
                to_flatten = True
                pobj.Annots = Array(keep)
            else:
                del pobj["/Annots"]
        if comments:
            self._note("comments", str(comments))
        if to_flatten:
            form = src.Root.get("/AcroForm")
            try:
                if isinstance(form, Dictionary) and form.get("/NeedAppearances", False):
                    src.generate_appearance_streams()
                src.flatten_annotations("all")
            except pikepdf.PdfError as exc:
                self.warnings.append(f"{self.name}: its form fields and comments could not be flattened "
                                     f"({_short(exc)}); they are missing from the packet copy")
        return links if any_links else []

    # -- pages --------------------------------------------------------------------
    def _page_geometry(self, pobj: Dictionary) -> tuple[tuple[float, float, float, float], int, float]:
        media = _rect(self._inherited(pobj, "/MediaBox")) or (0.0, 0.0, _PAGE_W, _PAGE_H)
        crop = _rect(self._inherited(pobj, "/CropBox"))
        if crop is not None:
            cx0, cy0 = max(crop[0], media[0]), max(crop[1], media[1])
            cx1, cy1 = min(crop[2], media[2]), min(crop[3], media[3])
            crop = (cx0, cy0, cx1, cy1) if cx1 > cx0 and cy1 > cy0 else None
        box = crop or media
        rot = int(round(_num(self._inherited(pobj, "/Rotate"), 0.0) / 90.0)) * 90 % 360
        uu = _num(pobj.get("/UserUnit"), 1.0)
        if not 0 < uu < 1e5:
            uu = 1.0
        return box, rot, uu

    @staticmethod
    def _inherited(pobj: Dictionary, key: str):
        node = pobj
        for _ in range(64):
            val = node.get(key)
            if val is not None:
                return val
            node = node.get("/Parent")
            if not isinstance(node, Dictionary):
                return None
        return None

    @staticmethod
    def _matrix(crop, rot: int, k: float, tx: float, ty: float) -> Matrix:
        """Form space -> page space: crop box corner to origin, /Rotate (clockwise), scale k, translate."""
        x0, y0, x1, y1 = crop
        if rot == 0:
            return (k, 0.0, 0.0, k, tx - k * x0, ty - k * y0)
        if rot == 90:
            return (0.0, -k, k, 0.0, tx - k * y0, ty + k * x1)
        if rot == 180:
            return (-k, 0.0, 0.0, -k, tx + k * x1, ty + k * y1)
        return (0.0, k, -k, 0.0, tx + k * y1, ty - k * x0)

    def _form_xobject(self, src: pikepdf.Pdf, pobj: Dictionary, crop, used: set) -> tuple[pikepdf.Object, bool]:
        contents = pobj.get("/Contents")
        stream = None
        is_empty = False
        if isinstance(contents, pikepdf.Stream):
            if contents.objgen not in used and contents.objgen != (0, 0):
                used.add(contents.objgen)
                stream = contents       # reuse: no decode / re-encode of the page content
            else:
                stream = pikepdf.Stream(src, contents.read_bytes())
            is_empty = _num(contents.get("/Length"), 1.0) == 0
        elif isinstance(contents, Array):
            parts = [c.read_bytes() for c in contents if isinstance(c, pikepdf.Stream)]
            data = b"\n".join(parts)
            stream = pikepdf.Stream(src, data)
            is_empty = not data.strip()
        else:
            stream = pikepdf.Stream(src, b"")
            is_empty = True
        res = self._inherited(pobj, "/Resources")
        stream.Type = Name.XObject
        stream.Subtype = Name.Form
        stream.FormType = 1
        stream.BBox = Array([float(v) for v in crop])
        stream.Resources = res if isinstance(res, Dictionary) else Dictionary()
        if "/Matrix" in stream:
            del stream["/Matrix"]
        if not stream.is_indirect:
            stream = src.make_indirect(stream)
        return stream, is_empty

    def _new_page(self, src: pikepdf.Pdf, out: pikepdf.Pdf, xobj, pobj: Dictionary, m: Matrix) -> pikepdf.Object:
        content = pikepdf.Stream(out, b"q " + _cm(m) + b" cm " + _XOBJ_NAME.unparse() + b" Do Q")
        page = Dictionary(
            Type=Name.Page,
            MediaBox=Array([0, 0, int(_PAGE_W), int(_PAGE_H)]),
            Resources=Dictionary(XObject=Dictionary({str(_XOBJ_NAME): xobj})),
            Contents=content,
        )
        group = pobj.get("/Group")
        if isinstance(group, Dictionary):
            # keep the page's transparency group (blending colour space) on the new page
            page.Group = out.copy_foreign(group if group.is_indirect else src.make_indirect(group))
        page = out.make_indirect(page)
        out.pages.append(pikepdf.Page(page))
        return page

    # -- links --------------------------------------------------------------------
    def _add_links(self, src, out, pages, new_pages, placements, links) -> None:
        index = {p.obj.objgen: i for i, p in enumerate(pages)}
        named = self._named_dests(src)
        for i, page_links in enumerate(links):
            if not page_links:
                continue
            annots = Array()
            for a in page_links:
                new = self._convert_link(a, placements[i], new_pages[i], index, named, pages, new_pages,
                                         placements)
                if new is not None:
                    annots.append(out.make_indirect(new))
            if len(annots):
                new_pages[i].Annots = annots

    @staticmethod
    def _named_dests(src) -> Callable[[object], object]:
        root = src.Root
        tree = None
        names = root.get("/Names")
        if isinstance(names, Dictionary) and isinstance(names.get("/Dests"), Dictionary):
            try:
                tree = pikepdf.NameTree(names.Dests)
            except Exception:
                tree = None
        old = root.get("/Dests")

        def lookup(key):
            val = None
            k = str(key)
            if tree is not None:
                try:
                    if k in tree:
                        val = tree[k]
                except Exception:
                    val = None
            if val is None and isinstance(old, Dictionary):
                nk = k if k.startswith("/") else "/" + k
                val = old.get(nk)
            if isinstance(val, Dictionary):
                val = val.get("/D")
            return val
        return lookup

    def _convert_link(self, a, m, new_page, index, named, pages, new_pages, placements):
        rect = _rect(a.get("/Rect"))
        if rect is None:
            return None
        xs, ys = zip(*(_apply(m, x, y) for x in (rect[0], rect[2]) for y in (rect[1], rect[3])))
        new = Dictionary(Type=Name.Annot, Subtype=Name.Link,
                         Rect=Array([round(min(xs), 3), round(min(ys), 3), round(max(xs), 3), round(max(ys), 3)]),
                         P=new_page)
        for key in ("/Border", "/C", "/H", "/F"):
            val = a.get(key)
            val = _plain(val)
            if val is not None:
                new[key] = val
        bs = a.get("/BS")
        if isinstance(bs, Dictionary):
            new.BS = Dictionary({k: v for k, v in bs.items()
                                 if k in ("/W", "/S") and not isinstance(v, (Dictionary, Array))})
        qp = a.get("/QuadPoints")
        if isinstance(qp, Array) and len(qp) % 8 == 0 and len(qp) > 0:
            try:
                vals = [float(v) for v in qp]
                pts = [_apply(m, vals[j], vals[j + 1]) for j in range(0, len(vals), 2)]
                new.QuadPoints = Array([round(c, 3) for p in pts for c in p])
            except (TypeError, ValueError):
                pass
        action = a.get("/A")
        dest = a.get("/Dest")
        if isinstance(action, Dictionary):
            s = str(action.get("/S", ""))
            if s == "/URI":
                uri = action.get("/URI")
                try:
                    uri_text = bytes(uri).decode("latin-1") if uri is not None else ""
                except Exception:
                    uri_text = str(uri)
                if not _SAFE_URI.match(uri_text.strip()):
                    self.links_dropped["unsafe web"] = self.links_dropped.get("unsafe web", 0) + 1
                    return None
                new.A = Dictionary(S=Name.URI, URI=pikepdf.String(uri_text.strip()))
                return new
            if s == "/GoTo":
                dest = action.get("/D")
            else:
                # Launch/JavaScript links are already reported as active content
                if s not in ("/Launch", "/JavaScript"):
                    kind = "to other files" if s in ("/GoToR", "/GoToE") else "with other actions"
                    self.links_dropped[kind] = self.links_dropped.get(kind, 0) + 1
                return None
        if dest is None:
            return None
        target = self._resolve_dest(dest, named, index, pages, new_pages, placements)
        if target is None:
            self.links_dropped["to missing destinations"] = self.links_dropped.get("to missing destinations", 0) + 1
            return None
        new.Dest = target
        return new

    def _resolve_dest(self, dest, named, index, pages, new_pages, placements):
        for _ in range(4):
            if isinstance(dest, (pikepdf.String, Name)) or isinstance(dest, str):
                dest = named(dest)
            elif isinstance(dest, Dictionary):
                dest = dest.get("/D")
            else:
                break
        if not isinstance(dest, Array) or len(dest) < 1:
            return None
        ref = dest[0]
        if isinstance(ref, Dictionary) and ref.is_indirect:
            i = index.get(ref.objgen)
        elif isinstance(ref, int) and not isinstance(ref, bool):
            i = int(ref) if 0 <= int(ref) < len(pages) else None
        else:
            i = None
        if i is None:
            return None
        kind = str(dest[1]) if len(dest) > 1 else "/Fit"
        args = [_num(v, float("nan")) if v is not None else float("nan") for v in list(dest)[2:6]]
        crop = self.crops[i]
        m = placements[i]
        left = top = None
        if kind == "/XYZ":
            left, top = (args + [float("nan")] * 2)[:2]
        elif kind in ("/FitH", "/FitBH"):
            top = (args + [float("nan")])[0]
        elif kind in ("/FitV", "/FitBV"):
            left = (args + [float("nan")])[0]
        elif kind == "/FitR" and len(args) >= 4:
            left, top = args[0], args[3]
        else:
            return Array([new_pages[i], Name.Fit])
        x = left if left is not None and math.isfinite(left) else crop[0]
        y = top if top is not None and math.isfinite(top) else crop[3]
        nx, ny = _apply(m, x, y)
        return Array([new_pages[i], Name.XYZ, round(nx, 3), round(ny, 3), None])

    # -- warnings -----------------------------------------------------------------
    def _report(self, tiny, shrunk, empty: int, npages: int) -> None:
        name, found, w = self.name, self.found, self.warnings
        if "active" in found:
            kinds = list(dict.fromkeys(found["active"]))
            w.append(f"{name}: contained active content ({'; '.join(kinds)}); removed it, the packet copy is static")
        if "attachments" in found:
            w.append(f"{name}: has attached files ({', '.join(found['attachments'])}); attachments are not "
                     f"carried into the packet: add any that matter as separate evidence")
        if "media" in found:
            kinds = ", ".join(sorted(set(found["media"])))
            w.append(f"{name}: had multimedia elements ({kinds}); removed them")
        if "xfa" in found:
            if "dynamic" in found["xfa"]:
                blank = " Its pages came out blank." if empty == npages else ""
                w.append(f"{name}: is a dynamic XFA form whose content only Adobe Reader can show; XFA data "
                         f"is not carried over.{blank} Fix: open it in Adobe Acrobat Reader, print it to "
                         f"PDF, and use that file")
            else:
                w.append(f"{name}: contained an XFA form; XFA data is not carried over (the page content "
                         f"and flattened form values are)")
        if "fields" in found:
            w.append(f"{name}: had {found['fields'][0]} fillable form field(s); their values were flattened into "
                     f"the page (no longer editable; check they read correctly)")
        if "signatures" in found:
            w.append(f"{name}: has {found['signatures'][0]} digital signature(s); they are no longer verifiable "
                     f"in the packet (their appearance is kept). Submit the original file too if the "
                     f"signature itself matters")
        if "comments" in found:
            w.append(f"{name}: has {found['comments'][0]} comment note(s); the note icons are kept but their "
                     f"text is not shown in the packet")
        if self.links_dropped:
            parts = ", ".join(f"{n} {kind}" for kind, n in self.links_dropped.items())
            w.append(f"{name}: removed links that cannot work in the packet ({parts})")
        if tiny:
            pages = _page_ranges(i for i, _, _ in tiny)
            i, pw, ph = tiny[0]
            w.append(f"{name}: page(s) {pages} are tiny (page {i} is {pw:.0f} x {ph:.0f} pt, under 1 inch) and "
                     f"are placed at their real size, so they are barely visible; if this is a scan saved "
                     f"with a wrong size, re-scan it or convert it to an image")
        if shrunk:
            pages = _page_ranges(i for i, _ in shrunk)
            worst = min(s for _, s in shrunk)
            w.append(f"{name}: page(s) {pages} are much larger than Letter and were shrunk (down to "
                     f"{worst:.0%}); small print may be unreadable: consider also adding an enlarged excerpt")


# --------------------------------------------------------------------------- images

def _normalize_image(data: bytes, fmt: str, name: str, warnings: list[str]) -> pikepdf.Pdf:
    from PIL import Image

    if fmt in ("HEIC", "AVIF"):
        try:
            import pillow_heif
            pillow_heif.register_heif_opener()
        except ImportError as exc:
            raise EvidenceError(
                f"{name}: is a {fmt} photo and this installation cannot read {fmt} (pillow-heif is missing)",
                fix="convert it to JPEG (on an iPhone: Settings > Camera > Formats > Most Compatible, "
                    "or share it as JPEG) or install pillow-heif") from exc
    with _warnings.catch_warnings():
        _warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            im = Image.open(io.BytesIO(data))
        except Image.DecompressionBombError as exc:
            raise _too_large(name, None) from exc
        except Exception as exc:
            raise EvidenceDamagedError(f"{name}: is a damaged or unsupported {fmt} image ({_short(exc)})",
                                       fix=_FIX_IMAGE) from exc
        with im:
            frames = getattr(im, "n_frames", 1) or 1
            real_fmt = im.format or fmt
            if real_fmt in ("GIF", "WEBP", "PNG", "HEIF", "AVIF", "MPO") and frames > 1:
                if real_fmt == "MPO":
                    pass  # a camera's multi-picture JPEG: frame 0 is the photo itself
                elif real_fmt in ("HEIF", "AVIF"):
                    warnings.append(f"{name}: contains {frames} images; only the primary image is included")
                else:
                    warnings.append(f"{name}: is an animated {real_fmt} ({frames} frames); only the first "
                                    f"frame is included")
                frames = 1
            frames = min(frames, 10_000)
            out = pikepdf.Pdf.new()
            for i in range(frames):
                if i:
                    im.seek(i)
                w, h = im.size
                if w <= 0 or h <= 0:
                    raise EvidenceDamagedError(f"{name}: image has no pixels ({w} x {h})", fix=_FIX_IMAGE)
                if w * h > MAX_IMAGE_PIXELS:
                    raise _too_large(name, (w, h))
                jpeg = None
                if real_fmt == "JPEG" and frames == 1:
                    jpeg = data
                elif real_fmt == "MPO":
                    jpeg = _mpo_primary(im, data)
                try:
                    _add_image_page(out, im, jpeg, "JPEG" if jpeg is not None else real_fmt)
                except (OSError, SyntaxError, ValueError, EOFError, zlib.error) as exc:
                    what = "frame %d of " % (i + 1) if frames > 1 else ""
                    raise EvidenceDamagedError(
                        f"{name}: {what}the image cannot be decoded; it is damaged or cut off ({_short(exc)})",
                        fix=_FIX_IMAGE) from exc
    return out


def _mpo_primary(im, data: bytes) -> Optional[bytes]:
    """The first JPEG of a camera's multi-picture (MPO) file, or None to re-encode instead."""
    offsets = getattr(im, "_MpoImageFile__mpoffsets", None)   # Pillow internals: fall back if absent
    try:
        end = int(offsets[1]) if offsets and len(offsets) > 1 else len(data)
    except (TypeError, ValueError):
        return None
    first = data[:end].rstrip(b"\0")
    return first if first.startswith(b"\xff\xd8") and first.endswith(b"\xff\xd9") else None


_FIX_IMAGE = ("get a fresh copy (send or download it again), or open it in an image viewer and "
              "save it as a new JPEG or PNG")


def _too_large(name: str, size: Optional[tuple[int, int]]) -> EvidenceDamagedError:
    dims = f" ({size[0]} x {size[1]} pixels)" if size else ""
    return EvidenceDamagedError(
        f"{name}: image is too large{dims}: over {MAX_IMAGE_PIXELS / 1e6:.0f} megapixels "
        f"(possibly a decompression bomb)",
        fix="resize it (e.g. to 4000 pixels on the long side) or scan it at a lower resolution")


_LOSSY_FORMATS = {"JPEG", "MPO", "HEIF", "AVIF"}
_ORIENT_MAPS: dict[int, Callable[[float, float], tuple[float, float]]] = {
    # stored (u, v from top-left, 0..1) -> displayed (u, v); EXIF orientation semantics
    1: lambda u, v: (u, v),
    2: lambda u, v: (1 - u, v),
    3: lambda u, v: (1 - u, 1 - v),
    4: lambda u, v: (u, 1 - v),
    5: lambda u, v: (v, u),
    6: lambda u, v: (1 - v, u),
    7: lambda u, v: (1 - v, 1 - u),
    8: lambda u, v: (v, 1 - u),
}


def _orientation(im) -> int:
    try:
        o = int(im.getexif().get(0x0112, 1))
    except Exception:
        return 1
    return o if o in _ORIENT_MAPS else 1


def _image_matrix(o: int, x: float, y: float, w: float, h: float) -> Matrix:
    """Map the image unit square (stored pixels) to the displayed rectangle (x, y, w, h)."""
    f = _ORIENT_MAPS[o]

    def to_page(px: float, py: float) -> tuple[float, float]:
        u, v = f(px, 1 - py)
        return x + u * w, y + (1 - v) * h
    x0, y0 = to_page(0, 0)
    x1, y1 = to_page(1, 0)
    x2, y2 = to_page(0, 1)
    return (x1 - x0, y1 - y0, x2 - x0, y2 - y0, x0, y0)


def _density(im) -> tuple[float, float]:
    """The file's (x, y) pixel density if it is plausible, else square pixels; only the ratio matters."""
    dpi = im.info.get("dpi")
    try:
        if dpi and float(dpi[0]) > 0 and float(dpi[1]) > 0 and 0.1 <= float(dpi[0]) / float(dpi[1]) <= 10:
            return float(dpi[0]), float(dpi[1])
    except (TypeError, ValueError, IndexError):
        pass
    return 1.0, 1.0


def _bound_ratio(sw: int, sh: int, disp_w: float, disp_h: float, o: int) -> float:
    """Scale that brings the stored image to IMAGE_DPI *at page size*; >= 1 means it is within the bound.

    At page size = fitted (aspect kept) to the whole 8.5 x 11 in page, i.e. upright at most
    2550 x 3300 px for square pixels; at most IMAGE_DPI along both axes, also for non-square
    pixels.  Placed in CONTENT_BOX (30 pt shorter) a tall image is up to 792/762 = 3.9 % denser,
    so at most 311.8 dpi as placed (see the module docstring).
    """
    sp = min(_PAGE_W / disp_w, _PAGE_H / disp_h)
    pt_w, pt_h = disp_w * sp, disp_h * sp
    if o >= 5:
        pt_w, pt_h = pt_h, pt_w
    return min(pt_w / 72.0 * IMAGE_DPI / sw, pt_h / 72.0 * IMAGE_DPI / sh)


def _add_image_page(out: pikepdf.Pdf, im, jpeg_bytes: Optional[bytes], fmt: str) -> None:
    from PIL import Image

    if fmt not in ("JPEG", "MPO"):
        # decoded anyway; loading first finds EXIF stored after the pixels (PNG eXIf), and
        # Pillow's TIFF decoder applies the Orientation tag itself and then drops it
        im.load()
    # JPEG: size, mode, density and EXIF all come from the header; no pixel is decoded yet
    sw, sh = im.size                       # stored pixels
    o = _orientation(im)
    xdpi, ydpi = _density(im)
    phys_w, phys_h = sw / xdpi, sh / ydpi  # stored orientation, arbitrary unit; only the ratio matters
    disp_w, disp_h = (phys_h, phys_w) if o >= 5 else (phys_w, phys_h)
    s, x, y = _fit(disp_w, disp_h, upscale=True)
    pw, ph = disp_w * s, disp_h * s        # displayed size in pt
    ratio = _bound_ratio(sw, sh, disp_w, disp_h, o)
    # floor: never a pixel over the bound (2550 px across, not 2551)
    target = (max(1, math.floor(sw * ratio + 1e-6)), max(1, math.floor(sh * ratio + 1e-6))) \
        if ratio < 1 - 1e-9 else None

    xobj: pikepdf.Stream
    if fmt == "JPEG" and jpeg_bytes is not None and target is None and im.mode in ("L", "RGB", "CMYK") \
            and _jpeg_sof(jpeg_bytes) in _PASS_SOF and _jpeg_structure_problem(jpeg_bytes) is None:
        # Pass the JPEG through byte for byte, without decoding it: its marker structure is walked
        # instead, 40x cheaper than even a 1/8-scale decode.  A JPEG that fails the walk takes the
        # decoding branch below: libjpeg refuses it there (cut off, damaged) or it is re-encoded.
        xobj = _jpeg_xobject(out, jpeg_bytes, im, sw, sh)
    else:
        lossy = fmt in _LOSSY_FORMATS or (fmt == "WEBP" and not _webp_lossless(im)) or \
            (fmt == "TIFF" and str(im.info.get("compression", "")).startswith(("jpeg", "tiff_jpeg")))
        # A lossy photo between IMAGE_DPI and 2 x IMAGE_DPI is halved rather than resampled when
        # that keeps at least HALF_SCALE_MIN_DPI (module docstring: "Images")
        half = target is not None and lossy and 0.5 <= ratio and IMAGE_DPI * 0.5 / ratio >= HALF_SCALE_MIN_DPI
        limit = (max(1, (sw + 1) // 2), max(1, (sh + 1) // 2)) if half else target
        sampling = _jpeg_sampling(im) if fmt in ("JPEG", "MPO") else -1
        if target is not None and fmt in ("JPEG", "MPO") and im.mode in ("L", "RGB", "CMYK", "YCbCr"):
            # libjpeg decodes at 1/2, 1/4 or 1/8 scale in the DCT domain: far cheaper than a
            # full-size decode plus a resample, and a 48 MP photo never exists at full size
            im.draft(im.mode, (max(1, sw // 2), max(1, sh // 2)) if half else target)
        im.load()
        img = _to_pdf_mode(im)
        if limit is not None and half and img.mode != "1" and (img.width > limit[0] or img.height > limit[1]):
            img = img.reduce(2)            # decoded without DCT scaling (HEIC, or draft refused)
        if target is not None and (img.width > limit[0] or img.height > limit[1]):
            if img.mode == "1":
                img = img.convert("L").resize(target, Image.Resampling.LANCZOS).point(
                    lambda v: 255 if v >= 128 else 0).convert("1")
            elif lossy:                     # a photo: HAMMING is within 2.6/255 of LANCZOS, at half the cost
                img = img.resize(target, Image.Resampling.HAMMING, reducing_gap=2.0)
            else:                           # lossless (scans, screenshots): keep edges crisp
                img = img.resize(target, Image.Resampling.LANCZOS, reducing_gap=3.0)
        xobj = _encoded_xobject(out, img, lossy, im.info.get("icc_profile"), sampling)
    m = _image_matrix(o, x, y, pw, ph)
    content = pikepdf.Stream(out, b"q " + _cm(m) + b" cm /Im0 Do Q")
    page = Dictionary(Type=Name.Page, MediaBox=Array([0, 0, int(_PAGE_W), int(_PAGE_H)]),
                      Resources=Dictionary(XObject=Dictionary(Im0=xobj)), Contents=content)
    out.pages.append(pikepdf.Page(out.make_indirect(page)))


_PASS_SOF = (0xC0, 0xC1, 0xC2)   # Huffman baseline, extended, progressive: what every PDF viewer decodes
_ENTROPY_END = re.compile(rb"\xff[\x01-\xcf\xd8-\xfe]")   # a marker: not FF00 stuffing, RSTn or fill
_SOF_MARKERS = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
# markers a Huffman JPEG may hold; any other one (0x02-0xBF, JPG, JPGn, hierarchical DHP/EXP,
# arithmetic DAC) stops a decode with an error or has no business in a file passed through
_KNOWN_MARKERS = _SOF_MARKERS | {0x01, 0xC4, 0xDA, 0xDB, 0xDC, 0xDD, 0xFE} | set(range(0xE0, 0xF0))


def _jpeg_sof(data: bytes) -> int:
    """The SOFn marker of a JPEG (0xC0 baseline, 0xC2 progressive...), or -1 if not found in the headers."""
    i, n = 2, len(data)
    while i + 4 <= n and data[i] == 0xFF:
        marker = data[i + 1]
        if marker == 0xFF:
            i += 1
            continue
        if marker in _SOF_MARKERS:
            return marker
        if marker in (0xDA, 0xD9):
            return -1
        i += 2 + int.from_bytes(data[i + 2:i + 4], "big")
    return -1


def _jpeg_structure_problem(data: bytes) -> Optional[str]:
    """Why a JPEG cannot be passed through as it is (cut off, or a header libjpeg would refuse), or None.

    Walks the marker segments by their lengths and each scan's entropy-coded data to the next
    marker, and wants an EOI after the last scan (anything after EOI, e.g. a phone's trailer, is
    ignored).  The headers a decoder acts on are checked as libjpeg checks them: quantization
    and Huffman tables (ids, sizes, a valid code), the frame (size, components, sampling, tables
    defined) and each scan (components of the frame, tables defined, spectral selection).
    Corrupt entropy data inside an intact structure only makes libjpeg warn, so a decode would
    not refuse it either.  Not a decode: a file this rejects is decoded instead, which either
    fails (damaged) or re-encodes it.
    """
    n = len(data)
    if not data.startswith(b"\xff\xd8"):
        return "no JPEG start marker"
    cut = "the JPEG data is cut off (no end marker)"
    i, scans = 2, 0
    frame: Optional[dict[int, tuple[int, int]]] = None   # component id -> (h * v, quant table)
    progressive = False
    quant: set[int] = set()
    huff: set[tuple[int, int]] = set()                   # (0 = DC / 1 = AC, table id)
    while True:
        if i >= n:
            return cut
        if data[i] != 0xFF:
            return f"stray bytes at offset {i}"
        while i < n and data[i] == 0xFF:
            i += 1
        if i >= n:
            return cut
        marker = data[i]
        i += 1
        if marker == 0xD9:
            return None if frame and scans else "no image frame or scan before the end marker"
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            continue
        if marker not in _KNOWN_MARKERS:
            return f"unknown marker 0xFF{marker:02X} at offset {i - 2}"
        if i + 2 > n:
            return cut
        length = int.from_bytes(data[i:i + 2], "big")
        if length < 2 or i + length > n:
            return "the JPEG data is cut off (a segment runs past the end of the file)"
        seg = data[i + 2:i + length]
        i += length
        if marker == 0xDB:                                # DQT
            j = 0
            while j < len(seg):
                pq, tq = seg[j] >> 4, seg[j] & 15
                if pq > 1 or tq > 3:
                    return "bad quantization table"
                quant.add(tq)
                j += 1 + 64 * (pq + 1)
            if j != len(seg):
                return "bad quantization table"
        elif marker == 0xC4:                              # DHT
            j = 0
            while j < len(seg):
                tc, th = seg[j] >> 4, seg[j] & 15
                counts = seg[j + 1:j + 17]
                if tc > 1 or th > 3 or len(counts) < 16:
                    return "bad Huffman table"
                total, code = sum(counts), 0
                symbols = seg[j + 17:j + 17 + total]
                for bits, count in enumerate(counts, 1):
                    code += count
                    if code >= 1 << bits and count:        # no room for these codes (or all-ones)
                        return "bad Huffman table"
                    code <<= 1
                if total > 256 or len(symbols) < total or (tc == 0 and any(s > 15 for s in symbols)):
                    return "bad Huffman table"
                huff.add((tc, th))
                j += 17 + total
        elif marker in (0xDD, 0xDC):                      # DRI, DNL
            if len(seg) != 2:
                return "bad restart interval"
        elif marker in _SOF_MARKERS:
            if frame is not None:
                return "two image frames"
            nf = seg[5] if len(seg) > 5 else 0
            if len(seg) != 6 + 3 * nf or nf not in (1, 3, 4) or seg[0] != 8 or \
                    not int.from_bytes(seg[1:3], "big") or not int.from_bytes(seg[3:5], "big"):
                return "bad frame header"
            frame = {}
            for k in range(nf):
                cid, hv, tq = seg[6 + 3 * k:9 + 3 * k]
                if not (1 <= hv >> 4 <= 4 and 1 <= hv & 15 <= 4) or tq > 3 or cid in frame:
                    return "bad frame header"
                frame[cid] = ((hv >> 4) * (hv & 15), tq)
            progressive = marker == 0xC2
        elif marker == 0xDA:                              # SOS, then entropy-coded data
            ns = seg[0] if seg else 0
            if frame is None or not 1 <= ns <= 4 or len(seg) != 4 + 2 * ns:
                return "bad scan header"
            ss, se, ah, al = seg[1 + 2 * ns], seg[2 + 2 * ns], seg[3 + 2 * ns] >> 4, seg[3 + 2 * ns] & 15
            blocks = 0
            for k in range(ns):
                cid, tables = seg[1 + 2 * k], seg[2 + 2 * k]
                if cid not in frame or frame[cid][1] not in quant or cid in seg[1:1 + 2 * k:2]:
                    return "bad scan header"
                blocks += frame[cid][0]
                need_dc = not progressive or (ss == 0 and ah == 0)
                need_ac = not progressive or ss > 0
                if (need_dc and (0, tables >> 4) not in huff) or (need_ac and (1, tables & 15) not in huff):
                    return "a scan uses a Huffman table the file does not define"
            if ns > 1 and blocks > 10:
                return "bad scan header"
            if progressive and (ss > se or se > 63 or al > 13 or (ss == 0) != (se == 0) or (ss > 0 and ns != 1)
                                or (ah and al != ah - 1)):
                return "bad progressive scan"
            scans += 1
            m = _ENTROPY_END.search(data, i)
            if m is None:
                return cut
            i = m.start()


def _jpeg_sampling(im) -> int:
    """The source JPEG's chroma subsampling as Pillow's ``subsampling`` value (0 = 4:4:4), or -1."""
    try:
        from PIL import JpegImagePlugin
        return int(JpegImagePlugin.get_sampling(im))
    except Exception:
        return -1


def _webp_lossless(im) -> bool:
    try:
        fp = im.fp
        fp.seek(0)
        head = fp.read(64)
    except Exception:
        return False
    return b"VP8L" in head


def _icc_colorspace(out: pikepdf.Pdf, icc: Optional[bytes], mode: str):
    n = {"L": 1, "RGB": 3, "CMYK": 4}.get(mode)
    base = {"L": Name.DeviceGray, "RGB": Name.DeviceRGB, "CMYK": Name.DeviceCMYK}[mode]
    if not icc or n is None or len(icc) < 128:
        return base
    space = icc[16:20]
    if {1: b"GRAY", 3: b"RGB ", 4: b"CMYK"}[n] != space:
        return base
    stream = pikepdf.Stream(out, icc)
    stream.N = n
    stream.Alternate = base
    return Array([Name.ICCBased, out.make_indirect(stream)])


def _jpeg_xobject(out: pikepdf.Pdf, jpeg: bytes, im, w: int, h: int) -> pikepdf.Stream:
    stream = pikepdf.Stream(out, jpeg)     # stored as is: the filter below describes the bytes
    stream.write(jpeg, filter=Name.DCTDecode)
    stream.Type = Name.XObject
    stream.Subtype = Name.Image
    stream.Width = w
    stream.Height = h
    stream.BitsPerComponent = 8
    stream.ColorSpace = _icc_colorspace(out, im.info.get("icc_profile"), im.mode)
    if im.mode == "CMYK" and "adobe" in im.info:
        stream.Decode = Array([1, 0, 1, 0, 1, 0, 1, 0])   # Adobe CMYK JPEGs store inverted inks
    return out.make_indirect(stream)


def _to_pdf_mode(im):
    """Convert any Pillow mode to 1, L, RGB or CMYK, flattening transparency onto white."""
    from PIL import Image

    mode = im.mode
    if mode in ("1", "L", "RGB", "CMYK"):
        if mode in ("L", "RGB") and "transparency" in im.info:
            im = im.convert("RGBA" if mode == "RGB" else "LA")
            mode = im.mode
        else:
            return im
    if mode == "P":
        has_alpha = "transparency" in im.info or (im.palette is not None and im.palette.mode == "RGBA")
        im = im.convert("RGBA" if has_alpha else "RGB")
        mode = im.mode
        if mode == "RGB":
            return im
    if mode == "PA":
        im = im.convert("RGBA")
        mode = "RGBA"
    if mode in ("I;16", "I;16L", "I;16B", "I;16N", "I"):
        if mode != "I":
            im = im.convert("I")
        hi = im.getextrema()[1]
        scale = 1 / 256 if hi > 255 else 1
        return im.point(lambda v: v * scale).convert("L")
    if mode == "F":
        return im.convert("L")
    if mode in ("LA", "La"):
        bg = Image.new("L", im.size, 255)
        bg.paste(im.convert("L"), mask=im.getchannel("A"))
        return bg
    if mode in ("RGBA", "RGBa", "RGBX"):
        if mode == "RGBX":
            return im.convert("RGB")
        bg = Image.new("RGB", im.size, (255, 255, 255))
        bg.paste(im.convert("RGB"), mask=im.getchannel("A"))
        return bg
    return im.convert("RGB")


def _encoded_xobject(out: pikepdf.Pdf, img, lossy: bool, icc: Optional[bytes],
                     sampling: int = -1) -> pikepdf.Stream:
    mode = img.mode
    w, h = img.size
    if lossy and mode in ("L", "RGB", "CMYK"):
        if mode == "CMYK":
            img, mode, icc = img.convert("RGB"), "RGB", None
        buf = io.BytesIO()
        extra = {"subsampling": sampling} if sampling in (0, 1, 2) and mode == "RGB" else {}
        img.save(buf, format="JPEG", quality=JPEG_QUALITY, **extra)
        stream = pikepdf.Stream(out, b"")
        stream.write(buf.getvalue(), filter=Name.DCTDecode)
        bpc = 8
    else:
        raw = img.tobytes()
        stream = pikepdf.Stream(out, b"")
        stream.write(zlib.compress(raw, 6), filter=Name.FlateDecode)
        bpc = 1 if mode == "1" else 8
    stream.Type = Name.XObject
    stream.Subtype = Name.Image
    stream.Width = w
    stream.Height = h
    stream.BitsPerComponent = bpc
    stream.ColorSpace = Name.DeviceGray if mode == "1" else _icc_colorspace(out, icc, mode)
    return out.make_indirect(stream)
