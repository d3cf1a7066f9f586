"""Normalize one evidence file (PDF or image) into clean US Letter pages.

``normalize(path)`` returns a :class:`NormalizedDoc` whose ``pdf`` holds one fresh 612 x 792 pt page per
source page (or image frame), its drawing fitted into :data:`packetgen.layout.CONTENT_BOX`; nothing
interactive survives.  The kinds live in their own modules: :mod:`~packetgen.evidence.sniff` (what a file
is), :mod:`~packetgen.evidence.pdf`, :mod:`~packetgen.evidence.image`, :mod:`~packetgen.evidence.jpeg`
(structure walk), :mod:`~packetgen.evidence.optional_content`.  The policy (geometry, image resolution,
sanitizing, awkward PDFs) and measurements are in ``docs/evidence.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import pikepdf

from packetgen.errors import EvidenceDamagedError, PacketgenError
from packetgen.evidence.common import _FIX_RESAVE, _short
from packetgen.evidence.image import HALF_SCALE_MIN_DPI, IMAGE_DPI, JPEG_QUALITY, MAX_IMAGE_PIXELS, _normalize_image
from packetgen.evidence.pdf import MAX_PAGES_PER_FILE, _PdfNormalizer
from packetgen.evidence.sniff import MAX_FILE_BYTES, _read_source, _Source

__all__ = ["NormalizedDoc", "normalize", "MAX_IMAGE_PIXELS", "IMAGE_DPI", "HALF_SCALE_MIN_DPI", "JPEG_QUALITY",
           "MAX_PAGES_PER_FILE", "MAX_FILE_BYTES"]


@dataclass
class NormalizedDoc:
    """One evidence file as clean Letter pages, ready to be copied into the packet."""

    source: Path            # the input file
    sha256: str             # of the input bytes
    kind: str               # "pdf" or "image"
    pdf: Optional[pikepdf.Pdf]   # 612x792 pages, content fitted into layout.CONTENT_BOX; None once on disk
    warnings: list[str] = field(default_factory=list)   # one line each, each naming the file
    file: Optional[Path] = None  # the pages saved in the build's temporary folder (evidence/workers.py)
    pages: int = 0               # page count of ``file``

    @property
    def page_count(self) -> int:
        return len(self.pdf.pages) if self.pdf is not None else self.pages


# --------------------------------------------------------------------------- entry point

def normalize(path: Path, *, password: str | None = None, display_name: str | None = None,
              keep_links: bool = False) -> NormalizedDoc:
    """Read ``path`` (PDF or image, detected by content) and return clean Letter pages.

    ``password`` opens an encrypted PDF; ``display_name`` is what messages call
    the file (default: the file name); external (web, e-mail) links are removed unless ``keep_links``.  Bad input raises
    :class:`EvidenceError` (missing/unreadable), :class:`EvidenceLockedError`
    (needs a password) or :class:`EvidenceDamagedError` (damaged, not a PDF or
    image, too large); never another exception type.
    """
    path = Path(path)
    name = display_name or path.name
    from packetgen.evidence import office  # Word/OpenDocument files become a PDF first (evidence/office.py)

    if office.is_office_file(path):
        converted = office.convert(path, name)
        pdf_bytes = converted.pdf
        source = _Source(converted.path, "pdf", "PDF", 0, len(pdf_bytes), converted.source_sha256,
                         pdf_bytes[-1024:], None)
    else:
        source = _read_source(path, name)
    kind, fmt, offset = source.kind, source.fmt, source.offset
    warnings: list[str] = []
    try:
        if kind == "pdf":
            if offset:
                warnings.append(f"{name}: has {offset} bytes of other data before the PDF header "
                                f"(e.g. printer job data); ignored them")
            pdf = _PdfNormalizer(source, name, password, warnings, keep_links=keep_links).run()
        else:
            if path.suffix.lower() == ".pdf":
                warnings.append(f"{name}: is a {fmt} image, not a PDF (despite the .pdf name); "
                                f"added it as an image")
            pdf = _normalize_image(source.data, fmt, name, warnings)
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
    return NormalizedDoc(source=path, sha256=source.sha256, kind=kind, pdf=pdf, warnings=warnings)
