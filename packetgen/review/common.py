"""What every preview step shares: constants, the sections of a packet, and private file writing.

Every preview file is written 0600 in a 0700 folder (a packet holds A-numbers and medical details).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from packetgen.errors import OutputError


PAGE_DPI = 100
THUMB_WIDTH = 150            # contact sheet and review page thumbnails, in pixels
SHEET_COLUMNS = 10
SHEET_MAX_PAGES = 100        # pages per contact sheet at most
MARKER = ".packetgen-preview"
PREVIEW_DIR = "preview"

LETTER_COLOUR = "#1d3557"
FORM_COLOURS = ["#0f766e", "#0e7490"]        # alternating, so two forms in a row are told apart
EXHIBIT_COLOURS = ["#c2410c", "#6d28d9", "#0369a1", "#b91c1c", "#15803d", "#a16207", "#be185d", "#4d7c0f",
                   "#7c2d12", "#1e40af", "#9d174d", "#57534e"]
OTHER_COLOUR = "#6b7280"

PageProgress = Callable[[int, int], None]
TODO_MARK = "TODO:"              # placeholders written by packetgen init


class PreviewError(OutputError):
    """A preview cannot be made (exit code 9, like other output problems)."""


# --------------------------------------------------------------------------- what the pages are

@dataclass
class Section:
    kind: str                  # "letter" | "form" | "exhibit" | "pages"
    key: str                   # "letter", "form-1", "A"
    label: str                 # "Cover letter", "Form I-131", "Exhibit A"
    title: str
    first: int
    last: int
    colour: str
    info: dict = field(default_factory=dict)

    @property
    def count(self) -> int:
        return self.last - self.first + 1

    @property
    def tag(self) -> str:
        """Short label for a tile: 'LETTER', 'I-131', 'EXHIBIT A'."""
        if self.kind == "letter":
            return "LETTER"
        if self.kind == "form":
            return str(self.info.get("form") or "FORM")
        if self.kind == "exhibit":
            return f"EXHIBIT {self.key}"
        return "PAGES"


def _span(v) -> Optional[tuple[int, int]]:
    try:
        a, b = int(v[0]), int(v[1])
    except (TypeError, ValueError, IndexError, KeyError):
        return None
    return (a, b) if 1 <= a <= b else None


def sections_from_manifest(manifest: dict, pages: int) -> list[Section]:
    """The packet's sections in page order, from manifest.json (tolerant of missing parts)."""
    secs = manifest.get("sections") or {}
    out: list[Section] = []
    sp = _span(secs.get("letter"))
    if sp:
        out.append(Section("letter", "letter", "Cover letter", "Cover letter and exhibit index", *sp, LETTER_COLOUR,
                           {"signature_pages": list(secs.get("letter_signature") or [])}))
    for i, f in enumerate(secs.get("forms") or [], 1):
        sp = _span(f.get("pages"))
        if sp:
            out.append(Section("form", f"form-{i}", f"Form {f.get('form', '')}".strip(),
                               f.get("title") or f"Form {f.get('form', '')}", *sp,
                               FORM_COLOURS[(i - 1) % len(FORM_COLOURS)], f))
    for i, x in enumerate(secs.get("exhibits") or []):
        sp = _span(x.get("pages"))
        if sp:
            letter = str(x.get("letter") or "?")
            out.append(Section("exhibit", letter, f"Exhibit {letter}", x.get("title") or "", *sp,
                               EXHIBIT_COLOURS[i % len(EXHIBIT_COLOURS)], x))
    out = [s for s in out if s.last <= pages] or []
    out.sort(key=lambda s: s.first)
    if not out:
        return [Section("pages", "pages", "Pages", "Packet pages", 1, pages, OTHER_COLOUR)] if pages else []
    return out


def page_owner(sections: list[Section], pages: int) -> list[Optional[Section]]:
    owner: list[Optional[Section]] = [None] * (pages + 1)
    for s in sections:
        for p in range(s.first, min(s.last, pages) + 1):
            owner[p] = s
    return owner


# --------------------------------------------------------------------------- writing files

def _open_private(path: Path):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    return os.fdopen(fd, "wb")


def _write_text(path: Path, text: str) -> None:
    with _open_private(path) as fh:
        fh.write(text.encode("utf-8"))


def _save_png(im, path: Path) -> None:
    with _open_private(path) as fh:
        im.save(fh, "PNG", compress_level=1, compress_type=3)   # zlib Z_RLE: fast, and good on scans


@contextlib.contextmanager
def _staging(outdir: Path):
    """Yield a fresh private folder; on success it replaces ``outdir`` (only if that is a preview or empty)."""
    outdir = outdir.absolute()
    if outdir.exists():
        if not outdir.is_dir():
            raise PreviewError(f"{outdir}: exists and is not a folder", fix="choose another folder with -o")
        if not (outdir / MARKER).exists() and any(outdir.iterdir()):
            raise PreviewError(f"{outdir}: exists and is not a packetgen preview folder; nothing was replaced",
                               fix="choose an empty or new folder with -o")
    try:
        outdir.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.", suffix=".part", dir=outdir.parent))
    except OSError as exc:
        raise PreviewError(f"{outdir}: cannot create the preview folder ({exc.strerror})",
                           fix="choose a folder you can write to with -o")
    try:
        os.chmod(tmp, 0o700)
        yield tmp
        _write_text(tmp / MARKER, "A preview written by 'packetgen preview'. This whole folder is replaced by the "
                                  "next preview.\n")
        old = None
        if outdir.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.", suffix=".old", dir=outdir.parent))
            os.rename(outdir, old / "x")
        try:
            os.rename(tmp, outdir)
        except OSError:
            if old and not outdir.exists():
                os.rename(old / "x", outdir)      # put the previous preview back
            raise
        finally:
            if old:
                shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:
        raise PreviewError(f"{outdir}: cannot write the preview ({exc.strerror})",
                           fix="check free disk space and the folder's permissions")
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
