"""Render packet pages to PNG (pypdfium2, a few worker processes) and draw the contact sheets (Pillow)."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from packetgen.review.common import (OTHER_COLOUR, PAGE_DPI, SHEET_COLUMNS, SHEET_MAX_PAGES,  # noqa: F401
                                     THUMB_WIDTH, TODO_MARK, PageProgress, PreviewError, Section, _save_png,
                                     page_owner)


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


def render_document(pdf_path: Path, outdir: Path, subdir: str, *, dpi: int = 80) -> list[str]:
    """Each page of a small PDF (the filing instructions) as ``subdir/page-N.png``; [] if it cannot be read."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(pdf_path))
    except (pdfium.PdfiumError, OSError):
        return []
    out = []
    try:
        (Path(outdir) / subdir).mkdir(mode=0o700, exist_ok=True)
        for i in range(min(len(pdf), 12)):
            im = pdf[i].render(scale=dpi / 72).to_pil().convert("RGB")
            name = f"{subdir}/page-{i + 1}.png"
            _save_png(im, Path(outdir) / name)
            out.append(name)
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
