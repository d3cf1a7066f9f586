"""Preview a built packet: page images, contact sheets and an HTML review page.

``preview(target)`` takes a built packet (its folder, ``packet.pdf`` or
``manifest.json``) or a case file (built first with :func:`packetgen.api.build`
into its default folder) and writes a self-contained review folder::

    preview/
      index.html            the review page: exhibit index with thumbnails, pre-flight
                            findings with fixes, every form value filled, overflow
      contact-sheet-1.png   every page at a glance, sections framed in colour
      pages/page-001.png    each page at 100 dpi, with pages/page-001.html to page through
      thumbs/page-001.png   small images the review page shows

Everything is rendered with pypdfium2 and Pillow (no system packages); nothing
leaves the computer.  The folder is created 0700 and every file 0600: a packet
holds A-numbers, medical details and bank records.  The folder is built beside
its final place and swapped in when complete, so an interrupted preview never
leaves a mix of old and new pages; an existing folder is replaced only when it
is a packetgen preview (it holds ``.packetgen-preview``) or empty.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import json
import os
import shutil
import tempfile
import time
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
        out.append(Section("letter", "letter", "Cover letter", "Cover letter and exhibit index", *sp, LETTER_COLOUR))
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


# --------------------------------------------------------------------------- finding the packet

@dataclass
class Target:
    packet: Path
    manifest: Optional[dict]
    findings: Optional[list[dict]] = None    # with groups, when the case was built just now
    built: bool = False
    build_result: object = None


def set_views(manifest: Optional[dict]) -> list[dict]:
    """The manifest as one view per set (its ``output`` and ``sections`` at the top, as one packet's)."""
    if not manifest:
        return []
    if "sets" not in manifest:
        return [manifest]
    base = {k: v for k, v in manifest.items() if k != "sets"}
    return [{**base, "output": st.get("output") or {}, "sections": st.get("sections") or {},
             "set": {k: st.get(k) for k in ("number", "key", "beneficiaries")}, "set_count": len(manifest["sets"])}
            for st in manifest["sets"] if isinstance(st, dict)]


def _targets(folder: Path, manifest: Optional[dict], **kw) -> list[Target]:
    views = set_views(manifest)
    return [Target(folder / v["output"]["file"], v, **kw) for v in views if v.get("output", {}).get("file")]


def resolve_targets(target, *, forms_dir=None, draft: bool = False, build_progress=None) -> list[Target]:
    """Every set of the packet ``target`` names (one Target per set PDF); a named PDF gives its set only."""
    from packetgen.packet.output import MANIFEST_NAME

    target = Path(target)
    if target.is_dir():
        manifest = _read_manifest(target / MANIFEST_NAME)
        found = _targets(target, manifest) if manifest else []
        if found:
            return found
    elif target.suffix.lower() == ".pdf" and target.is_file():
        views = [t for t in _targets(target.parent, _read_manifest(target.parent / MANIFEST_NAME))
                 if t.packet.name == target.name]
        return views or [Target(target, None)]
    elif target.suffix.lower() == ".json" and target.is_file() and _is_manifest(target):
        return _targets(target.parent, _read_manifest(target)) or [resolve_target(target)]
    tgt = resolve_target(target, forms_dir=forms_dir, draft=draft, build_progress=build_progress)
    if tgt.built:
        return _targets(tgt.packet.parent, tgt.manifest, findings=tgt.findings, built=True,
                        build_result=tgt.build_result) or [tgt]
    return [tgt]


def _read_manifest(path: Path) -> Optional[dict]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise PreviewError(f"{path}: cannot read the manifest ({exc})",
                           fix="build the packet again with 'packetgen build'")
    return data if isinstance(data, dict) else None


def _is_manifest(path: Path) -> bool:
    try:
        head = path.read_text(encoding="utf-8", errors="replace")[:4096]
    except OSError:
        return False
    return '"generator"' in head and ('"sections"' in head or '"sets"' in head)


def findings_dicts(findings) -> list[dict]:
    """Findings objects (packetgen.case.checks) or manifest dicts as plain dicts with a group."""
    out = []
    for f in findings or []:
        if isinstance(f, dict):
            d = dict(f)
        else:
            d = {k: getattr(f, k, None) for k in ("severity", "code", "group", "message", "fix")}
        d.setdefault("group", None)
        out.append(d)
    return out


def resolve_target(target, *, forms_dir=None, draft: bool = False, build_progress=None) -> Target:
    """Find packet.pdf and its manifest, building the case first when ``target`` is a case file."""
    from packetgen.packet.output import MANIFEST_NAME, PACKET_NAME

    target = Path(target)
    if target.is_dir():
        if (target / PACKET_NAME).is_file():
            return Target(target / PACKET_NAME, _read_manifest(target / MANIFEST_NAME))
        for name in ("case.json", "case.yaml", "case.yml"):
            if (target / name).is_file():
                return _build(target / name, forms_dir=forms_dir, draft=draft, progress=build_progress)
        raise PreviewError(f"{target}: no packet.pdf or case file in this folder",
                           fix="name a built packet folder, a packet.pdf, or a case file")
    if not target.exists():
        raise PreviewError(f"{target}: not found", fix="check the path (a packet folder, packet.pdf or case.json)")
    suffix = target.suffix.lower()
    if suffix == ".pdf":
        return Target(target, _read_manifest(target.parent / MANIFEST_NAME))
    if suffix == ".json" and _is_manifest(target):
        return Target(target.parent / PACKET_NAME, _read_manifest(target))
    if suffix in {".json", ".yaml", ".yml"}:
        return _build(target, forms_dir=forms_dir, draft=draft, progress=build_progress)
    raise PreviewError(f"{target}: not a packet or case file", fix="name a packet.pdf, its folder, or a case.json")


def _build(case_path: Path, *, forms_dir, draft, progress) -> Target:
    from packetgen import api

    result = api.build(case_path, forms_dir=forms_dir, draft=draft, progress=progress)
    return Target(result.packet, _read_manifest(result.manifest), findings=findings_dicts(result.findings),
                  built=True, build_result=result)


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


# --------------------------------------------------------------------------- rendering

@dataclass
class RenderedPage:
    number: int
    png: str           # relative to the preview folder
    thumb: str
    width: int
    height: int
    thumb_image: object = None
    unfinished: bool = False      # the page still shows a "TODO:" placeholder from packetgen init

    @property
    def stem(self) -> str:
        return Path(self.png).stem


def _is_gray(small) -> bool:
    from PIL import ImageChops

    if small.mode != "RGB":
        return True
    r, g, b = small.split()
    return (ImageChops.difference(r, g).getextrema()[1] <= 24 and ImageChops.difference(g, b).getextrema()[1] <= 24)


def _render_range(packet: str, outdir: str, first: int, last: int, dpi: int, thumb_width: int, digits: int):
    """Render pages first..last (1-based): write their PNGs, return their sizes and thumbnails as raw bytes.

    Runs in a worker process for big packets, so it takes and returns plain data only.
    """
    import pypdfium2 as pdfium
    from PIL import Image

    out = []
    pdf = pdfium.PdfDocument(packet)
    try:
        with contextlib.suppress(Exception):
            pdf.init_forms()      # draw live form fields as a viewer would
        for number in range(first, last + 1):
            page = pdf[number - 1]
            try:
                im = page.render(scale=dpi / 72, may_draw_forms=True).to_pil()
                textpage = page.get_textpage()
                try:
                    unfinished = TODO_MARK in textpage.get_text_range()
                finally:
                    textpage.close()
            finally:
                page.close()
            if im.mode != "RGB":
                im = im.convert("RGB")
            factor = max(1, im.width // (thumb_width * 2))
            small = im.reduce(factor) if factor > 1 else im
            th = small.resize((thumb_width, max(1, round(im.height * thumb_width / im.width))), Image.BILINEAR)
            if _is_gray(small):
                im, th = im.convert("L"), th.convert("L")
            name = f"page-{number:0{digits}d}.png"
            _save_png(im, Path(outdir) / "pages" / name)
            _save_png(th, Path(outdir) / "thumbs" / name)
            out.append((number, name, im.width, im.height, th.mode, th.size, th.tobytes(), unfinished))
    finally:
        pdf.close()
    return out


def _workers(n_pages: int) -> int:
    import sys

    if not sys.platform.startswith("linux") or n_pages < 24:   # fork is cheap and safe here; elsewhere serial
        return 1
    return max(1, min(os.cpu_count() or 1, 4, n_pages // 12))


def render_pages(packet: Path, outdir: Path, *, dpi: int = PAGE_DPI, thumb_width: int = THUMB_WIDTH,
                 progress: Optional[PageProgress] = None) -> list[RenderedPage]:
    """Render every page to ``pages/page-NNN.png`` and a thumbnail to ``thumbs/page-NNN.png``.

    One render per page at ``dpi``; the thumbnail is reduced from it.  Pages with
    no colour are stored as grayscale (a third of the bytes, quicker to write).
    Big packets are rendered by several processes (PNG encoding is the slow part).
    """
    import pypdfium2 as pdfium
    from PIL import Image

    try:
        pdf = pdfium.PdfDocument(str(packet))
        n = len(pdf)
        pdf.close()
    except pdfium.PdfiumError as exc:
        raise PreviewError(f"{packet}: cannot open the packet ({exc})", fix="build the packet again")
    except FileNotFoundError:
        raise PreviewError(f"{packet}: not found", fix="build the packet first: packetgen build CASE")
    (outdir / "pages").mkdir(mode=0o700)
    (outdir / "thumbs").mkdir(mode=0o700)
    digits = max(3, len(str(n)))
    args = (str(packet), str(outdir))
    chunk = 4
    ranges = [(a, min(a + chunk - 1, n)) for a in range(1, n + 1, chunk)]
    results: dict[int, tuple] = {}
    done = 0

    def collect(rows):
        nonlocal done
        for row in rows:
            results[row[0]] = row
        done += len(rows)
        if progress:
            progress(done, n)

    workers = _workers(n)
    pending = list(ranges)
    if workers > 1:
        import concurrent.futures as cf
        import multiprocessing

        try:
            with cf.ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as ex:
                futures = {ex.submit(_render_range, *args, a, b, dpi, thumb_width, digits): (a, b)
                           for a, b in ranges}
                for fut in cf.as_completed(futures):
                    collect(fut.result())
                    pending.remove(futures[fut])
        except (cf.process.BrokenProcessPool, OSError):
            pass                                   # finish what is left in this process
    for a, b in pending:
        collect(_render_range(*args, a, b, dpi, thumb_width, digits))
    out = []
    for number in range(1, n + 1):
        _, name, w, h, mode, size, data, unfinished = results[number]
        out.append(RenderedPage(number, f"pages/{name}", f"thumbs/{name}", w, h, Image.frombytes(mode, size, data),
                                unfinished))
    return out


# --------------------------------------------------------------------------- contact sheets

def _font(size: int, bold: bool = False):
    from PIL import ImageFont

    from packetgen.resources import data_dir

    for name in (("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"),):
        for base in (Path("/usr/share/fonts/truetype/dejavu"),):
            with contextlib.suppress(OSError):
                return ImageFont.truetype(str(base / name), size)
    with contextlib.suppress(OSError):
        return ImageFont.truetype(str(data_dir() / "fonts" / ("NotoSerif-Bold.ttf" if bold else
                                                               "NotoSerif-Regular.ttf")), size)
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1
        return ImageFont.load_default()


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def _fit(draw, text: str, font, width: int) -> str:
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def contact_sheets(pages: list[RenderedPage], sections: list[Section], outdir: Path, *, title: str,
                   subtitle: str, columns: int = SHEET_COLUMNS, per_sheet: int = SHEET_MAX_PAGES) -> list[str]:
    """Draw every page as a thumbnail in a grid; each section framed in its colour, its first page tabbed."""
    from PIL import Image, ImageDraw

    if not pages:
        return []
    owner = page_owner(sections, len(pages))
    tw = max(p.thumb_image.width for p in pages)
    th = max(p.thumb_image.height for p in pages)
    gap, tab, foot, margin = 14, 20, 18, 28
    cell_w, cell_h = tw + gap, tab + th + foot + gap
    f_title, f_sub, f_tab, f_small, f_legend = _font(26, True), _font(15), _font(12, True), _font(12), _font(14)
    names = []
    n_sheets = -(-len(pages) // per_sheet)
    per = -(-len(pages) // n_sheets)
    per = -(-per // columns) * columns          # balanced sheets, whole rows
    chunks = [pages[i:i + per] for i in range(0, len(pages), per)]
    for k, chunk in enumerate(chunks, 1):
        first, last = chunk[0].number, chunk[-1].number
        secs_here = [s for s in sections if s.last >= first and s.first <= last]
        rows = -(-len(chunk) // columns)
        legend_cols = 2
        legend_rows = -(-len(secs_here) // legend_cols)
        width = margin * 2 + columns * cell_w - gap
        header_h = 78
        legend_h = 30 + legend_rows * 24
        height = margin + header_h + rows * cell_h + legend_h + margin
        sheet = Image.new("RGB", (width, height), (246, 246, 243))
        d = ImageDraw.Draw(sheet)
        d.text((margin, margin - 4), _fit(d, title, f_title, width - 2 * margin), font=f_title, fill=(20, 20, 20))
        sub = subtitle + (f"   ·   sheet {k} of {len(chunks)}: pages {first}–{last}" if len(chunks) > 1 else "")
        d.text((margin, margin + 32), _fit(d, sub, f_sub, width - 2 * margin), font=f_sub, fill=(90, 90, 90))
        top = margin + header_h
        for j, p in enumerate(chunk):
            r, c = divmod(j, columns)
            x, y = margin + c * cell_w, top + r * cell_h
            s = owner[p.number]
            colour = _rgb(s.colour) if s else _rgb(OTHER_COLOUR)
            img = p.thumb_image
            iy = y + tab
            # frame in the section colour; the first page of a section gets a filled tab with its name
            d.rectangle((x - 4, iy - 4, x + img.width + 3, iy + img.height + 3), fill=colour)
            sheet.paste(img.convert("RGB"), (x, iy))
            if s and p.number == s.first:
                label = s.tag
                who = s.info.get("beneficiary") if s.kind == "form" else None
                if who:
                    label = f"{label} · {str(who).upper()}"
                tw_ = min(int(d.textlength(label, font=f_tab)) + 12, img.width + 8)
                d.rectangle((x - 4, y, x - 4 + tw_, iy - 4), fill=colour)
                d.text((x + 2, y + 3), _fit(d, label, f_tab, tw_ - 8), font=f_tab, fill=(255, 255, 255))
            elif s:
                idx = p.number - s.first + 1
                d.text((x - 2, y + 4), f"{s.tag.split()[-1] if s.kind == 'exhibit' else s.tag}  {idx}/{s.count}",
                       font=f_small, fill=colour)
            d.text((x + img.width // 2, iy + img.height + 6), str(p.number), font=f_small, fill=(70, 70, 70),
                   anchor="mt")
            if p.unfinished:      # a "TODO:" placeholder is still on the page
                bw = int(d.textlength("TODO", font=f_tab)) + 10
                bx, by = x + img.width - bw - 4, iy + img.height - 22
                d.rectangle((bx, by, bx + bw, by + 18), fill=(200, 16, 46))
                d.text((bx + 5, by + 3), "TODO", font=f_tab, fill=(255, 255, 255))
        # legend
        ly = top + rows * cell_h + 8
        d.line((margin, ly, width - margin, ly), fill=(210, 210, 205), width=1)
        col_w = (width - 2 * margin) // legend_cols
        for j, s in enumerate(secs_here):
            r, c = j % legend_rows, j // legend_rows
            lx, yy = margin + c * col_w, ly + 14 + r * 24
            d.rectangle((lx, yy + 2, lx + 14, yy + 16), fill=_rgb(s.colour))
            pages_txt = f"p. {s.first}" if s.count == 1 else f"pp. {s.first}–{s.last}"
            title = s.title
            for prefix in (f"{s.label} — ", f"{s.label}: ", f"{s.label} "):
                title = title.removeprefix(prefix)
            text = f"{s.label}   {pages_txt}   {title}" if s.kind != "letter" else f"{s.title}   {pages_txt}"
            d.text((lx + 22, yy), _fit(d, text, f_legend, col_w - 34), font=f_legend, fill=(40, 40, 40))
        name = f"contact-sheet-{k}.png"
        _save_png(sheet, outdir / name)
        names.append(name)
    return names


# --------------------------------------------------------------------------- the review page

CSS = """
:root { --ink:#1f2328; --muted:#59636e; --line:#d8dee4; --bg:#f6f7f9; --card:#fff; --err:#b42318; --warn:#b54708;
        --info:#175cd3; --ok:#067647; }
* { box-sizing: border-box; }
body { margin:0; font:15px/1.5 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color:var(--ink); background:var(--bg); }
header.top { background:#1d3557; color:#fff; padding:18px 32px 14px; }
header.top h1 { margin:0; font-size:24px; font-weight:650; }
header.top .meta { opacity:.85; font-size:14px; margin-top:2px; }
header.top .private { display:inline-block; margin-top:8px; font-size:12.5px; background:rgba(255,255,255,.12);
       padding:2px 8px; border-radius:4px; }
nav { position:sticky; top:0; z-index:5; background:#fff; border-bottom:1px solid var(--line); padding:8px 32px; }
nav a { margin-right:18px; color:#1d3557; text-decoration:none; font-weight:600; font-size:14px; }
nav a:hover { text-decoration:underline; }
main { padding:20px 32px 60px; max-width:1280px; }
section { margin:0 0 28px; }
h2 { font-size:19px; margin:0 0 10px; padding-top:8px; }
h3 { font-size:16px; margin:14px 0 6px; }
.banner { padding:10px 14px; border-radius:6px; margin:0 0 12px; font-weight:600; }
.banner.draft { background:#fef0c7; border:1px solid #fdb022; color:#7a2e0e; }
.banner.standin { background:#fee4e2; border:1px solid #f97066; color:#7a271a; }
.cards { display:flex; gap:12px; flex-wrap:wrap; margin-bottom:18px; }
.card { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:10px 16px; min-width:120px;
        color:var(--ink); text-decoration:none; }
a.card:hover { border-color:#1d3557; }
.card .n { font-size:24px; font-weight:700; }
.card .l { color:var(--muted); font-size:13px; }
.card.err .n { color:var(--err); } .card.warn .n { color:var(--warn); } .card.ok .n { color:var(--ok); }
table { border-collapse:collapse; width:100%; background:var(--card); border:1px solid var(--line); border-radius:8px;
        overflow:hidden; }
th, td { text-align:left; vertical-align:top; padding:7px 10px; border-bottom:1px solid var(--line); font-size:14px; }
th { background:#eef1f4; font-size:12.5px; text-transform:uppercase; letter-spacing:.03em; color:var(--muted); }
tr:last-child td { border-bottom:0; }
td.num { white-space:nowrap; font-variant-numeric:tabular-nums; }
.chip { display:inline-block; min-width:30px; padding:2px 7px; border-radius:4px; color:#fff; font-weight:700;
        text-align:center; font-size:13px; }
.strip { display:flex; gap:6px; flex-wrap:wrap; margin-top:6px; }
.strip a { display:block; line-height:0; }
.strip img { width:58px; border:2px solid var(--c, #999); border-radius:2px; background:#fff; }
.muted { color:var(--muted); }
.small { font-size:13px; }
.finding { background:var(--card); border:1px solid var(--line); border-left:5px solid var(--line); border-radius:6px;
           padding:8px 12px; margin:6px 0; }
.finding.error { border-left-color:var(--err); } .finding.warning { border-left-color:var(--warn); }
.finding.info { border-left-color:var(--info); }
.sev { font-size:11.5px; font-weight:700; text-transform:uppercase; letter-spacing:.04em; margin-right:6px; }
.sev.error { color:var(--err); } .sev.warning { color:var(--warn); } .sev.info { color:var(--info); }
.fix { margin-top:3px; } .fix b { color:var(--ok); }
code { font:12.5px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background:#eef1f4; padding:1px 4px;
       border-radius:3px; }
details { background:var(--card); border:1px solid var(--line); border-radius:8px; margin:8px 0; }
details > summary { cursor:pointer; padding:10px 14px; font-weight:600; }
details > table { border:0; border-top:1px solid var(--line); border-radius:0; }
.grid { display:grid; grid-template-columns:repeat(auto-fill, minmax(128px, 1fr)); gap:14px; }
.grid a { text-decoration:none; color:var(--ink); }
.grid figure { margin:0; }
.grid img { width:100%; border:3px solid var(--c, #999); border-radius:2px; background:#fff; display:block; }
.grid figcaption { font-size:12px; color:var(--muted); display:flex; justify-content:space-between; margin-top:2px; }
.grid figcaption b { color:var(--c); }
.sheet img { max-width:100%; border:1px solid var(--line); }
.overflow { background:#fffaeb; }
.value { white-space:pre-wrap; word-break:break-word; }
tr.todo td { background:#fee4e2; }
.grid figure.todo img { outline:3px solid #c8102e; outline-offset:2px; }
details.notes { border:0; background:transparent; margin:4px 0 0; }
details.notes > summary { padding:2px 0; font-weight:500; color:var(--info); font-size:14px; }
details.notes ul { margin:4px 0 8px; padding-left:20px; font-size:13.5px; }
details.notes li { margin:3px 0; }
ul.bw { margin:0; padding-left:18px; font-size:14px; } ul.bw li { margin:3px 0; }
"""

VIEW_CSS = """
body { margin:0; background:#52575c; font:14px -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
.bar { position:sticky; top:0; background:#1d3557; color:#fff; padding:8px 16px; display:flex; gap:16px;
       align-items:center; }
.bar a { color:#fff; font-weight:600; text-decoration:none; }
.bar a.off { opacity:.35; pointer-events:none; }
.bar .where { flex:1; }
.chip { display:inline-block; padding:1px 7px; border-radius:4px; color:#fff; font-weight:700; margin-right:6px; }
img { display:block; margin:16px auto; max-width:calc(100% - 32px); background:#fff; box-shadow:0 2px 10px #0006; }
"""


def _e(v) -> str:
    return html.escape("" if v is None else str(v))


def _pages_text(a: int, b: int) -> str:
    return f"p. {a}" if a == b else f"pp. {a}–{b}"


def _value_text(v, kind: Optional[str] = None) -> str:
    if kind in ("checkbox", "radio") and v not in (None, False, "", "/Off", "Off"):
        return "☑ checked"
    if v is True:
        return "☑ checked"
    if v is False:
        return "☐ not checked"
    if isinstance(v, (list, tuple)):
        return ", ".join(str(x) for x in v)
    return "" if v is None else str(v)


def _form_values(f: dict) -> list[dict]:
    vals = f.get("values") or []
    if isinstance(vals, dict):
        vals = [{"field": k, **(v if isinstance(v, dict) else {"value": v})} for k, v in vals.items()]
    return [v if isinstance(v, dict) else {"value": v} for v in vals]


def _packet_page(form: dict, page) -> Optional[int]:
    sp = _span(form.get("pages"))
    try:
        p = int(page)
    except (TypeError, ValueError):
        return None
    if sp and 1 <= p <= sp[1] - sp[0] + 1:
        return sp[0] + p - 1
    return None


def _page_link(pages: list[RenderedPage], p: Optional[int], label: Optional[str] = None) -> str:
    if not p or not 1 <= p <= len(pages):
        return _e(label or "")
    return f'<a href="pages/{pages[p - 1].stem}.html">{_e(label or p)}</a>'


def _strip(section: Section, pages: list[RenderedPage], limit: int = 8) -> str:
    items = []
    for p in pages[section.first - 1:min(section.last, section.first - 1 + limit)]:
        items.append(f'<a href="pages/{p.stem}.html" title="packet page {p.number}">'
                     f'<img src="{p.thumb}" alt="page {p.number}" loading="lazy"></a>')
    more = section.count - limit
    if more > 0:
        items.append(f'<span class="muted small" style="align-self:center">+{more} more</span>')
    return f'<div class="strip" style="--c:{section.colour}">{"".join(items)}</div>'


def _part_item(o: dict) -> str:
    part, item = o.get("part"), o.get("item")
    out = []
    if part:
        out.append(str(part) if str(part).lower().startswith("part") else f"Part {part}")
    if item:
        out.append(str(item) if str(item).lower().startswith("item") else f"Item {item}")
    return ", ".join(out)


SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}

# Findings recorded in manifest.json carry no group; the code's prefix tells it (as in packetgen.case.checks).
_GROUP_BY_PREFIX = {
    "evidence": "Evidence files", "why": "The three questions", "stay": "The three questions", "visa": "The three questions",
    "medical": "Medical evidence", "support": "Financial support", "consistency": "Consistency", "dates": "Dates",
    "translation": "Translations", "identity": "Identity and discretion", "discretion": "Identity and discretion",
    "risk": "Risk flags", "signature": "Signatures", "fees": "Forms and fees", "forms": "Forms and fees",
    "expedite": "Forms and fees", "rules": "Forms and fees",
}


def _group_order() -> list[str]:
    try:
        from packetgen.case.checks import GROUPS
    except Exception:  # pragma: no cover - checks is part of the package
        return []
    return list(GROUPS)


def _group_findings(findings: list[dict]) -> list[tuple[str, list[dict]]]:
    """Findings by group, in the order of the check report; in each group errors first."""
    groups: dict[str, list[dict]] = {}
    for f in findings:
        g = f.get("group") or _GROUP_BY_PREFIX.get(str(f.get("code") or "").split(".")[0]) or "Other"
        groups.setdefault(str(g), []).append(f)
    for v in groups.values():
        v.sort(key=lambda f: SEVERITY_ORDER.get(f.get("severity"), 3))
    order = _group_order()
    return sorted(groups.items(), key=lambda kv: (order.index(kv[0]) if kv[0] in order else len(order), kv[0]))


def _html_findings(findings: list[dict], warnings: list[str]) -> list[str]:
    h = ['<section id="findings"><h2>Pre-flight findings</h2>']
    if not findings:
        h.append('<p class="muted">No findings: the case passed every pre-flight check.</p>')
    for group, items in _group_findings(findings):
        serious = [f for f in items if f.get("severity") in ("error", "warning")]
        notes = [f for f in items if f not in serious]
        h.append(f"<h3>{_e(group)}</h3>")
        for f in serious:
            sev = f.get("severity")
            h.append(f'<div class="finding {_e(sev)}"><span class="sev {_e(sev)}">{_e(sev)}</span>'
                     f'{_e(f.get("message"))}'
                     + (f' <code>{_e(f.get("code"))}</code>' if f.get("code") else "")
                     + (f'<div class="fix"><b>Fix:</b> {_e(f.get("fix"))}</div>' if f.get("fix") else "")
                     + "</div>")
        if notes:
            h.append(f'<details class="notes"><summary>{len(notes)} note'
                     f'{"s" if len(notes) != 1 else ""}</summary><ul>')
            for f in notes:
                h.append(f"<li>{_e(f.get('message'))}" + (f" <span class='muted'>→ {_e(f.get('fix'))}</span>"
                                                          if f.get("fix") else "") + "</li>")
            h.append("</ul></details>")
    if warnings:
        h.append("<h3>Build warnings</h3><div class='finding warning'><ul class='bw'>")
        for w in warnings:
            h.append(f"<li>{_e(w)}</li>")
        h.append("</ul></div>")
    h.append("</section>")
    return h


def _html_contents(sections: list[Section], pages: list[RenderedPage]) -> list[str]:
    h = ['<section id="contents"><h2>Contents and exhibit index</h2><table><thead><tr>'
         "<th></th><th>Section</th><th>Pages</th><th>Details</th></tr></thead><tbody>"]
    for s in sections:
        info = s.info
        details: list[str] = []
        if s.kind == "exhibit":
            chip_text = s.key
            sp = _span(info.get("document_pages"))
            if sp:
                details.append(f"separator p. {s.first}, document {_pages_text(*sp)}")
            tr = info.get("translation")
            if isinstance(tr, dict):
                tsp = _span(tr.get("pages"))
                lang = info.get("language")
                details.append(f"English translation{' (from ' + _e(lang) + ')' if lang else ''}"
                               + (f" {_pages_text(*tsp)}" if tsp else "")
                               + ("; certificate generated" if tr.get("certificate") == "generated" else ""))
            files = [f for f in info.get("files") or [] if isinstance(f, dict)]
            if files:
                details.append("<span class='muted'>" + ", ".join(_e(f.get("path", "")) for f in files) + "</span>")
        elif s.kind == "form":
            chip_text = info.get("form") or "Form"
            if info.get("edition"):
                details.append(f"edition {_e(info['edition'])}")
            if info.get("official") is False:
                details.append('<b style="color:var(--err)">stand-in: not for filing</b>')
            elif info.get("official"):
                details.append("official PDF")
            details.append(f"{len(_form_values(info))} values filled"
                           + (f", {len(info.get('overflow') or [])} continued in Part 13"
                              if info.get("overflow") else ""))
            for x in info.get("signatures") or []:
                if isinstance(x, dict):
                    pp = _packet_page(info, x.get("page"))
                    details.append(f"✍ {_e(x.get('name') or x.get('who') or 'signature')} signs "
                                   f"{_e(_part_item(x))} on {_page_link(pages, pp, f'p. {pp}')}")
        else:
            chip_text = "✉" if s.kind == "letter" else "…"
        h.append(f'<tr><td><span class="chip" style="background:{s.colour}">{_e(chip_text)}</span></td>'
                 f"<td><b>{_e(s.title)}</b>{_strip(s, pages)}</td>"
                 f'<td class="num">{_page_link(pages, s.first, _pages_text(s.first, s.last))}<br>'
                 f'<span class="muted small">{s.count} page{"s" if s.count != 1 else ""}</span></td>'
                 f'<td class="small">{"<br>".join(details)}</td></tr>')
    h.append("</tbody></table></section>")
    return h


def _html_fields(forms: list[dict], pages: list[RenderedPage]) -> list[str]:
    h = ['<section id="fields"><h2>Form fields filled</h2>']
    if not forms:
        h.append('<p class="muted">No forms in this packet.</p>')
    for i, f in enumerate(forms):
        vals = _form_values(f)
        ov = [o for o in f.get("overflow") or []]
        sp = _span(f.get("pages"))
        h.append(f"<details{' open' if i == 0 else ''}><summary>{_e(f.get('title') or f.get('form'))} "
                 f"<span class='muted small'>· {len(vals)} values"
                 f"{' · ' + str(len(ov)) + ' continued in Part 13' if ov else ''}"
                 f"{' · ' + _pages_text(*sp) if sp else ''}</span></summary>")
        if ov:
            h.append('<table class="overflow"><thead><tr><th>Too long for its box</th><th>Why</th>'
                     "<th>Continued in</th></tr></thead><tbody>")
            for o in ov:
                if isinstance(o, dict):
                    pp = _packet_page(f, o.get("page"))
                    h.append(f"<tr><td><b>{_e(_part_item(o))}</b> {_e(o.get('label') or o.get('field') or '')}"
                             f"{' · ' + _page_link(pages, pp, 'packet p. ' + str(pp)) if pp else ''}</td>"
                             f"<td class='small'>{_e(o.get('why') or o.get('text') or '')}</td>"
                             f"<td class='small'>{_e(o.get('where') or o.get('continued_on') or '')}</td></tr>")
                else:
                    h.append(f"<tr><td colspan=3 class='value'>{_e(o)}</td></tr>")
            h.append("</tbody></table>")
        h.append("<table><thead><tr><th>Part</th><th>Item</th><th>Question</th><th>Value</th><th>Page</th>"
                 "</tr></thead><tbody>")
        for v in vals:
            pp = _packet_page(f, v.get("page"))
            page_txt = (_page_link(pages, pp, f"p. {pp}") + f" <span class='muted'>(form p. {_e(v.get('page'))})</span>"
                        if pp else _e(v.get("page")))
            row_class = ' class="todo"' if str(v.get("value") or "").startswith(TODO_MARK) else ""
            h.append(f"<tr{row_class}><td class='num'>{_e(v.get('part'))}</td>"
                     f"<td class='num'>{_e(v.get('item'))}</td>"
                     f"<td>{_e(v.get('label') or v.get('field'))}</td>"
                     f"<td class='value'><b>{_e(_value_text(v.get('value'), v.get('kind')))}</b></td>"
                     f"<td class='num small'>{page_txt}</td></tr>")
        h.append("</tbody></table></details>")
    h.append("</section>")
    return h


def review_html(*, manifest: dict, sections: list[Section], pages: list[RenderedPage], sheets: list[str],
                findings: list[dict], packet: Path, title: str, made: str) -> str:
    """The review page: findings, contents with thumbnails, form values, every page, the contact sheets."""
    secs = manifest.get("sections") or {}
    forms = [f for f in secs.get("forms") or [] if isinstance(f, dict)]
    exhibits = [s for s in sections if s.kind == "exhibit"]
    n_err = sum(1 for f in findings if f.get("severity") == "error")
    warnings = [w for w in manifest.get("warnings") or [] if isinstance(w, str)]
    n_warn = sum(1 for f in findings if f.get("severity") == "warning") + len(warnings)
    standins = [f for f in forms if f.get("official") is False]
    overflow_total = sum(len(f.get("overflow") or []) for f in forms)
    fields_total = sum(len(_form_values(f)) for f in forms)
    date = manifest.get("date") or ""

    h = ["<!doctype html>", '<html lang="en"><head><meta charset="utf-8">',
         '<meta name="viewport" content="width=device-width, initial-scale=1">',
         '<meta name="robots" content="noindex">',
         f"<title>{_e(title)} – packet review</title><style>{CSS}</style></head><body>"]
    h.append('<header class="top">'
             f"<h1>{_e(title)}</h1>"
             f'<div class="meta">{_e(packet.name)} · {len(pages)} pages · {len(exhibits)} exhibits'
             f'{" · dated " + _e(date) if date else ""} · preview made {_e(made)}</div>'
             '<div class="private">Contains personal data. Keep this folder on this computer; '
             "do not email or upload it.</div></header>")
    h.append('<nav><a href="#findings">Findings</a><a href="#contents">Exhibit index</a>'
             '<a href="#fields">Form fields</a><a href="#pages">All pages</a>'
             '<a href="#sheet">Contact sheet</a></nav><main>')
    if manifest.get("draft"):
        h.append('<div class="banner draft">DRAFT build (--draft): check errors were not enforced. Not for filing.</div>')
    if standins:
        names = ", ".join(sorted({str(f.get("form", "?")) for f in standins}))
        h.append(f'<div class="banner standin">NOT FOR FILING: {_e(names)} filled on a generated stand-in. Install the '
                 "official PDFs with <code>packetgen forms add FILE</code> and build again.</div>")
    todo_pages = [p for p in pages if p.unfinished]
    todo_values = [(f, v) for f in forms for v in _form_values(f) if str(v.get("value") or "").startswith(TODO_MARK)]
    if todo_pages or todo_values:
        where = []
        if todo_pages:
            where.append(f"page{'s' if len(todo_pages) > 1 else ''} "
                         + ", ".join(_page_link(pages, p.number, str(p.number)) for p in todo_pages[:30])
                         + (" …" if len(todo_pages) > 30 else ""))
        if todo_values:
            where.append(f"{len(todo_values)} form value{'s' if len(todo_values) > 1 else ''}")
        h.append('<div class="banner standin">UNFINISHED: placeholder text starting "TODO:" (written by '
                 f"<code>packetgen init</code>) is still in the packet: {' and '.join(where)}. Replace every TODO "
                 "in case.json and build again.</div>")
    if not manifest.get("sections"):
        h.append('<div class="banner draft">No manifest.json beside the packet: sections, findings and form values '
                 "are unknown. Build with <code>packetgen build</code> to get them.</div>")

    def card(n, label, cls="", href=""):
        inner = f'<div class="n">{n}</div><div class="l">{_e(label)}</div>'
        return f'<a class="card {cls}" href="{href}">{inner}</a>' if href else f'<div class="card {cls}">{inner}</div>'

    h.append('<div class="cards">'
             + card(n_err, "errors" if n_err != 1 else "error", "err" if n_err else "ok", "#findings")
             + card(n_warn, "warnings" if n_warn != 1 else "warning", "warn" if n_warn else "ok", "#findings")
             + card(len(pages), "pages", "", "#pages")
             + card(len(exhibits), "exhibits", "", "#contents")
             + card(len(forms), "forms", "", "#fields")
             + card(fields_total, "form values filled", "", "#fields")
             + card(overflow_total, "continued in Part 13", "warn" if overflow_total else "", "#fields")
             + "</div>")
    h += _html_findings(findings, warnings)
    h += _html_contents(sections, pages)
    h += _html_fields(forms, pages)

    owner = page_owner(sections, len(pages))
    h.append('<section id="pages"><h2>All pages</h2><div class="grid">')
    for p in pages:
        s = owner[p.number]
        colour = s.colour if s else OTHER_COLOUR
        tag = (s.key if s.kind == "exhibit" else s.tag) if s else ""
        h.append(f'<a href="pages/{p.stem}.html" style="--c:{colour}"><figure{" class=todo" if p.unfinished else ""}>'
                 f'<img src="{p.thumb}" alt="page {p.number}" loading="lazy">'
                 f"<figcaption><span>p. {p.number}{' · TODO' if p.unfinished else ''}</span><b>{_e(tag)}</b>"
                 "</figcaption></figure></a>")
    h.append("</div></section>")

    h.append('<section id="sheet" class="sheet"><h2>Contact sheet</h2>')
    for s in sheets:
        h.append(f'<p><a href="{s}"><img src="{s}" alt="contact sheet" loading="lazy"></a></p>')
    h.append("</section>")
    h.append(f'<p class="muted small">Made by <code>packetgen preview</code> from {_e(packet)}. Page images in '
             f"<code>pages/</code> ({PAGE_DPI} dpi); click any page to page through the packet.</p></main></body></html>")
    return "\n".join(h)


def page_viewer_html(pages: list[RenderedPage], p: RenderedPage, section: Optional[Section], title: str) -> str:
    total = len(pages)
    prev_ = (f'<a href="{pages[p.number - 2].stem}.html">← previous</a>' if p.number > 1
             else '<a class="off">← previous</a>')
    next_ = (f'<a href="{pages[p.number].stem}.html">next →</a>' if p.number < total
             else '<a class="off">next →</a>')
    where = ""
    if section:
        where = (f'<span class="chip" style="background:{section.colour}">{_e(section.tag)}</span>'
                 f"{_e(section.title)} · page {p.number - section.first + 1} of {section.count}")
    return ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>p. {p.number} – {_e(title)}</title><style>{VIEW_CSS}</style></head><body>"
            f'<div class="bar"><a href="../index.html">↑ review page</a>{prev_}{next_}'
            f'<span class="where">{where}</span><span>packet page {p.number} of {total}</span></div>'
            f'<img src="{Path(p.png).name}" alt="packet page {p.number}" width="{p.width}" height="{p.height}">'
            "</body></html>")


# --------------------------------------------------------------------------- the whole preview

@dataclass
class PreviewResult:
    outdir: Path
    index: Path
    packet: Path
    pages: int
    page_images: list[Path]
    contact_sheets: list[Path]
    sections: list[Section]
    findings: list[dict]
    warnings: list[str]           # build warnings recorded in manifest.json
    unfinished_pages: list[int]   # pages still showing a "TODO:" placeholder
    built: bool
    seconds: float
    build_result: object = None


def default_outdir(packet: Path) -> Path:
    return packet.parent / PREVIEW_DIR


def preview(target, *, outdir: Optional[Path] = None, forms_dir: Optional[Path] = None, draft: bool = False,
            build_progress=None, page_progress: Optional[PageProgress] = None, dpi: int = PAGE_DPI) -> PreviewResult:
    """Make the review folder for ``target`` (a packet folder, packet.pdf, manifest.json or case file)."""
    t0 = time.perf_counter()
    targets = resolve_targets(target, forms_dir=forms_dir, draft=draft, build_progress=build_progress)
    if len(targets) == 1:
        return _preview_one(targets[0], outdir=outdir, page_progress=page_progress, dpi=dpi, t0=t0)
    # One review folder per set (each set is a separate request), under one index that links them.
    outdir = Path(outdir) if outdir else default_outdir(targets[0].packet)
    with _staging(outdir) as tmp:
        results = [_preview_one(t, outdir=tmp / f"set-{i}", page_progress=page_progress, dpi=dpi, t0=t0)
                   for i, t in enumerate(targets, 1)]
        _write_text(tmp / "index.html", sets_index_html(targets, results))
    moved = lambda p: outdir / Path(p).relative_to(tmp)  # noqa: E731
    first = results[0]
    return PreviewResult(outdir=outdir, index=outdir / "index.html", packet=targets[0].packet,
                         pages=sum(r.pages for r in results),
                         page_images=[moved(p) for r in results for p in r.page_images],
                         contact_sheets=[moved(p) for r in results for p in r.contact_sheets],
                         sections=[s for r in results for s in r.sections], findings=first.findings,
                         warnings=first.warnings, unfinished_pages=[n for r in results for n in r.unfinished_pages],
                         built=first.built, seconds=time.perf_counter() - t0, build_result=first.build_result)


def sets_index_html(targets: list[Target], results: list) -> str:
    """The top page of a preview of several sets: one link per set's own review page."""
    rows, banners = [], []
    for i, (t, r) in enumerate(zip(targets, results), 1):
        if r.unfinished_pages:
            banners.append(f'<p style="color:#a00000;font-weight:bold">UNFINISHED: set {i} still shows init\'s '
                           f'"TODO:" placeholder text on page{"s" if len(r.unfinished_pages) > 1 else ""} '
                           f'{", ".join(str(n) for n in r.unfinished_pages[:12])}</p>')
    errors = sum(1 for f in (results[0].findings if results else []) if f.get("severity") == "error")
    if errors:
        banners.append(f'<p style="color:#a00000;font-weight:bold">{errors} pre-flight error'
                       f'{"s" if errors != 1 else ""}: see each set\'s page. Not for filing.</p>')
    for i, (t, r) in enumerate(zip(targets, results), 1):
        ids = ", ".join((t.manifest or {}).get("set", {}).get("beneficiaries") or [])
        rows.append(f'<li><a href="set-{i}/index.html">Set {i}: {html.escape(t.packet.name)}</a> '
                    f'({r.pages} pages; beneficiary {html.escape(ids)})</li>')
    return ("<!doctype html><meta charset=utf-8><title>packetgen preview</title>"
            "<h1>One set per beneficiary</h1><p>Each set is a separate request with its own fee, letter, forms and "
            "exhibits; mail them as separate stacks in one envelope.</p>" + "".join(banners) + "<ul>" + "".join(rows)
            + "</ul>\n")


def _preview_one(tgt: Target, *, outdir, page_progress, dpi, t0) -> PreviewResult:
    if not tgt.packet.is_file():
        raise PreviewError(f"{tgt.packet}: not found", fix="build the packet first: packetgen build CASE")
    manifest = tgt.manifest or {}
    findings = tgt.findings if tgt.findings is not None else findings_dicts(manifest.get("findings"))
    outdir = Path(outdir) if outdir else default_outdir(tgt.packet)
    title = (manifest.get("case") or {}).get("case_name") or tgt.packet.stem
    made = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    with _staging(outdir) as tmp:
        pages = render_pages(tgt.packet, tmp, dpi=dpi, progress=page_progress)
        sections = sections_from_manifest(manifest, len(pages))
        subtitle = f"{tgt.packet.name} · {len(pages)} pages"
        if manifest.get("date"):
            subtitle += f" · dated {manifest['date']}"
        if manifest.get("draft"):
            subtitle += " · DRAFT"
        sheets = contact_sheets(pages, sections, tmp, title=title, subtitle=subtitle)
        owner = page_owner(sections, len(pages))
        for p in pages:
            _write_text(tmp / "pages" / f"{p.stem}.html", page_viewer_html(pages, p, owner[p.number], title))
        _write_text(tmp / "index.html", review_html(manifest=manifest, sections=sections, pages=pages,
                                                     sheets=sheets, findings=findings, packet=tgt.packet,
                                                     title=title, made=made))
    return PreviewResult(outdir=outdir, index=outdir / "index.html", packet=tgt.packet, pages=len(pages),
                         page_images=[outdir / p.png for p in pages], contact_sheets=[outdir / s for s in sheets],
                         sections=sections, findings=findings,
                         warnings=[w for w in manifest.get("warnings") or [] if isinstance(w, str)],
                         unfinished_pages=[p.number for p in pages if p.unfinished], built=tgt.built, seconds=time.perf_counter() - t0,
                         build_result=tgt.build_result)
