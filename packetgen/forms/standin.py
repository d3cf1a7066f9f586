"""Generated stand-in forms, used when the official PDF is not installed.

A stand-in has the official form's page count and the SAME hierarchical field
names, types, checkbox on-states, max lengths and (where the field map knows
them) rects, so the filler treats it exactly like the real form.  It is built
from the field map alone: reportlab draws the pages (labelled boxes, part
headings) and pikepdf adds the AcroForm.  Where rects are unknown (the derived
I-134 map) the fields are laid out as a labelled list, page by page.

Every page carries a large diagonal mark and a red banner:
"STAND-IN — NOT FOR FILING — install the official form with 'packetgen forms add'",
and the document info holds /PacketgenStandIn, so ``packetgen forms add``
refuses it and the filler reports ``official = False``.

Stand-ins are cached in ``user_data_dir()/cache`` keyed by the field map's hash.
"""

from __future__ import annotations

import functools
import io
import math
import os
import re
import tempfile
from typing import Optional

import pikepdf
from pikepdf import Name, String
from reportlab.lib.colors import Color
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

from packetgen.forms.fieldmap import FormDef, InventoryField
from packetgen.forms.standin_acroform import _add_acroform
from packetgen.resources import user_data_dir

STANDIN_VERSION = 8
MARK = "STAND-IN \u2014 NOT FOR FILING \u2014 install the official form with 'packetgen forms add'"
MARK_SHORT = "STAND-IN \u2014 NOT FOR FILING"

RED = Color(0.78, 0.08, 0.08)
GREY = Color(0.55, 0.55, 0.55)
BOX = Color(0.35, 0.35, 0.35)
LABEL_FONT = "Helvetica"
LABEL_BOLD = "Helvetica-Bold"

_memory: dict[str, bytes] = {}


def standin_pdf(fd: FormDef, *, cache: bool = True) -> bytes:
    """The stand-in PDF for a field map (generated once, then cached by the map's hash)."""
    key = f"{fd.key}-{fd.sha256[:16]}-v{STANDIN_VERSION}"
    if key in _memory:
        return _memory[key]
    path = user_data_dir() / "cache" / f"standin-{key}.pdf"
    if cache:
        try:
            data = path.read_bytes()
            if data.startswith(b"%PDF-") and b"%%EOF" in data[-64:]:
                _memory[key] = data
                return data
        except OSError:
            pass
    data = build_standin(fd)
    _memory[key] = data
    if cache:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fdesc, tmp = tempfile.mkstemp(prefix=".standin-", suffix=".pdf", dir=path.parent)
            with os.fdopen(fdesc, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except OSError:
            pass  # a read-only home folder only costs the regeneration time
    return data


# --------------------------------------------------------------------------- layout

class _Placed:
    __slots__ = ("f", "rect", "label", "heading")

    def __init__(self, f: InventoryField, rect, label: str, heading: Optional[str] = None):
        self.f, self.rect, self.label, self.heading = f, rect, label, heading


def _short(label: str) -> str:
    return label.rsplit(": ", 1)[1] if ": " in label else label


def _fit(text: str, font: str, size: float, width: float) -> str:
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "\u2026", font, size) > width:
        text = text[:-1]
    return text + "\u2026"


def _natural(item: Optional[str]) -> tuple:
    return tuple((int(t), "") if t.isdigit() else (10_000, t) for t in re.findall(r"\d+|[a-zA-Z]+", item or "~"))


@functools.lru_cache(maxsize=8)
def _entry_order(fd: FormDef) -> dict[str, int]:
    order: dict[str, int] = {}
    for i, e in enumerate(fd.model.entries):
        names = [e.field] if e.field else []
        for o in (e.options or {}).values():
            names += [o.field] if o.field else [f.name for f in fd.group_members(o.group)]
        for n in names:
            order.setdefault(n, i)
    for k, r in enumerate((fd.model.overflow.rows if fd.model.overflow else [])):
        for j, n in enumerate((r.page_field, r.part_field, r.item_field, r.text_field)):
            order.setdefault(n, 9_000 + 4 * k + j)
    for s in fd.model.signatures:
        for n in (s.field, s.date_field):
            if n:
                order.setdefault(n, 10_000)
    return order


_ROW_RX = re.compile(r"Row(\d+)_")


def _flow_layout(fd: FormDef, page_fields: list[InventoryField], top: float, bottom: float) -> list[_Placed]:
    """Lay out fields without known rects as a labelled list: groups (part, item) in order, a grid of cells."""
    x0, x1 = 48.0, 564.0
    col = (x1 - x0) / 6
    order = _entry_order(fd)
    inv_index = {f.name: i for i, f in enumerate(fd.model.inventory)}

    def part_key(f):
        return int(f.part) if (f.part or "").isdigit() else 99

    fields = sorted(page_fields, key=lambda f: (part_key(f), _natural(f.item), order.get(f.name, 5_000), inv_index[f.name]))
    groups: list[tuple[tuple, list[InventoryField]]] = []
    for f in fields:
        k = (f.part or "", f.item or "")
        if groups and groups[-1][0] == k:
            groups[-1][1].append(f)
        else:
            groups.append((k, [f]))

    def span(f: InventoryField) -> int:
        """Columns (of 6) a field gets: room for its max length, or for typical answers."""
        if f.type == "checkbox":
            return 2
        if "Multiline" in f.flags or f.signature:
            return 6
        if f.maxlen:
            return min(6, max(2, math.ceil((f.maxlen * 6 + 12) / col)))
        n = f.name.rsplit(".", 1)[-1].lower()
        if "phone" in n or "telephone" in n:
            return 3
        if any(t in n for t in ("street", "email", "incareof", "employer", "business", "org", "relationship",
                                "beneficiary", "other", "type", "language", "representative")):
            return 4
        if any(t in n for t in ("date", "zip", "postal", "alien", "anumber", "amount", "annual", "total", "state",
                                "unit", "number", "receipt")):
            return 2
        return 3

    def height(f: InventoryField) -> float:
        return 46.0 if "Multiline" in f.flags else 16.0 if f.type != "checkbox" else 10.0

    # rows: ((part heading, item title), [(field, span)], show labels)
    rows: list[tuple[tuple, list[tuple[InventoryField, int]], bool]] = []
    last_part = None
    for (part, item), gfields in groups:
        heading = None
        if part != last_part:
            heading = f"Part {part}. {fd.model.parts.get(part, '')}".strip() if part else "Other fields"
            last_part = part
        labels = [fd_label(fd, f) for f in gfields]
        prefixes = {lab.split(": ", 1)[0] for lab in labels if ": " in lab}
        title = f"Item {item}." if item else ""
        if len(prefixes) == 1 and all(": " in lab for lab in labels):
            title += f" {prefixes.pop()}"
        elif len(gfields) == 1 or len({lab for lab in labels}) == 1:
            pass
        first = True
        table = [f for f in gfields if _ROW_RX.search(f.name.rsplit(".", 1)[-1])]
        plain = [f for f in gfields if f not in table]
        cur: list[tuple[InventoryField, int]] = []
        used = 0
        for f in plain:
            s = span(f)
            if used + s > 6 and cur:
                rows.append(((heading, title) if first else (None, None), cur, True))
                heading, first, cur, used = None, False, [], 0
            cur.append((f, s))
            used += s
        if cur:
            rows.append(((heading, title) if first else (None, None), cur, True))
            heading, first = None, False
        by_row: dict[str, list[InventoryField]] = {}
        for f in table:
            by_row.setdefault(_ROW_RX.search(f.name.rsplit(".", 1)[-1]).group(1), []).append(f)
        for k, (rn, cells) in enumerate(sorted(by_row.items(), key=lambda kv: int(kv[0]))):
            n = len(cells)
            spans = [6 // n] * n if n <= 6 else [1] * n
            rows.append(((heading, title) if first else (None, None), list(zip(cells, spans)), k == 0))
            heading, first = None, False

    def row_h(row) -> float:
        (head, title), cells, labels = row
        h = max(height(f) for f, _ in cells) + (10 if labels else 4)
        return h + (10 if title else 0) + (16 if head else 0)

    total = sum(row_h(r) for r in rows)
    squeeze = min(1.0, (top - bottom) / total) if total else 1.0
    placed: list[_Placed] = []
    y = top
    for (head, title), cells, labels in rows:
        if head:
            y -= 16 * squeeze
            placed.append(_Placed(cells[0][0], None, "", heading=head + "\x00" + f"{y:.1f}"))
        if title:
            y -= 10 * squeeze
            placed.append(_Placed(cells[0][0], None, "", heading="\x01" + title + "\x00" + f"{y:.1f}"))
        h = max(height(f) for f, _ in cells)
        y -= h + ((10 if labels else 4) * squeeze)
        x = x0
        for f, s in cells:
            w = col * s - 6
            if f.type == "checkbox":
                rect = (x, y + 2, x + 10, y + 12)
            else:
                rect = (x, y, x + w, y + height(f))
            label = fd_label(fd, f)
            tail = f.name.rsplit(".", 1)[-1]
            if _ROW_RX.search(tail):
                col_name = re.sub(r"\[\d+\]$", "", tail[_ROW_RX.search(tail).end():])
                label = re.sub(r"([a-z])([A-Z])", r"\1 \2", col_name).replace("_", " ") if labels else ""
            elif title and ": " in label and title.endswith(label.split(": ", 1)[0]):
                label = label.split(": ", 1)[1]
            placed.append(_Placed(f, rect, label))
            x += col * s
    return placed


def fd_label(fd: FormDef, f: InventoryField) -> str:
    if f.signature:
        return f"{f.label or 'Signature'} (sign by hand, in ink)"
    return f.label or f.name.rsplit(".", 1)[-1]


# --------------------------------------------------------------------------- drawing

def _draw_marks(c: canvas.Canvas, fd: FormDef, page_no: int, size) -> None:
    w, h = size
    c.saveState()
    c.setFillColor(Color(0.85, 0.1, 0.1, alpha=0.16))
    c.translate(w / 2, h / 2)
    c.rotate(52)
    c.setFont(LABEL_BOLD, 58)
    c.drawCentredString(0, 10, MARK_SHORT)
    c.setFont(LABEL_BOLD, 20)
    c.drawCentredString(0, -24, "install the official form with 'packetgen forms add'")
    c.restoreState()
    # banner under the top margin (the packet stamp goes above it)
    c.saveState()
    c.setFillColor(RED)
    c.rect(18, h - 40, w - 36, 16, stroke=0, fill=1)
    c.setFillColor(Color(1, 1, 1))
    c.setFont(LABEL_BOLD, 9)
    c.drawCentredString(w / 2, h - 35.5, MARK)
    c.restoreState()
    c.setFont(LABEL_FONT, 7.5)
    c.setFillColor(Color(0, 0, 0))
    c.drawString(36, 40, f"{fd.model.footer_text}  (STAND-IN generated by packetgen from its field map; not the USCIS form)")
    c.drawRightString(w - 36, 40, f"Page {page_no} of {fd.model.page_count}")
    c.setFillColor(RED)
    c.setFont(LABEL_BOLD, 8)
    c.drawCentredString(w / 2, 24, MARK)


class _Space:
    """Occupied regions of a page (boxes, headings, labels already drawn) and a search for free room."""

    GAP = 1.5

    def __init__(self, blocks=()):
        self.blocks: list[tuple[float, float, float, float]] = [tuple(b) for b in blocks]

    def add(self, box) -> None:
        self.blocks.append(tuple(box))

    def free(self, box) -> bool:
        x0, y0, x1, y1 = box
        return not any(b[0] < x1 and b[2] > x0 and b[1] < y1 and b[3] > y0 for b in self.blocks)

    def intervals(self, xa: float, xb: float, yb: float, yt: float):
        """Free x-intervals in [xa, xb] of the band yb..yt, left to right."""
        band = sorted((b for b in self.blocks if b[1] < yt and b[3] > yb and b[2] > xa and b[0] < xb),
                      key=lambda b: b[0])
        x = xa
        for b in band:
            if b[0] - self.GAP > x:
                yield x, b[0] - self.GAP
            x = max(x, b[2] + self.GAP)
        if xb > x:
            yield x, xb


def _text_box(x: float, y: float, width: float, size: float) -> tuple:
    """The ink box of a Helvetica string drawn at (x, y): descender to the top of the capitals/accents."""
    return (x, y - 0.22 * size, x + width, y + 0.78 * size)


def _place(c: canvas.Canvas, space: _Space, text: str, candidates, sizes, min_room: float):
    """Draw ``text`` at the first candidate position where it fits (shrunk, or at worst cut with an ellipsis).

    Full text is preferred anywhere; then text cut with an ellipsis above a box ("after") when that
    keeps at least half of it; then cut text anywhere.  A candidate is ``(kind, anchor_x, baseline_y_of(size), x_min, x_max)``: kind "left" starts the
    text at anchor_x, "after" there or in the first free room after it that starts before x_min; "right" ends it at
    anchor_x, with free room back to x_min; "centre" centres it on anchor_x.  Returns the ink box drawn.
    """
    font = LABEL_FONT
    tries = [(cand, full) for first in (True, False) for cand in candidates
             for full in (((True, "generous") if cand[0] == "after" else (True,)) if first else (False,))]
    for (kind, ax, yfun, xmin, xmax), full in tries:
        for size in (sizes if full is True else sizes[1:2]):
            y = yfun(size)
            yb, yt = y - 0.22 * size - 0.3, y + 0.78 * size + 0.3
            want = stringWidth(text, font, size)
            need = want if full is True else max(min_room, min(90.0, want / 2)) if full else min_room
            if kind in ("left", "after"):
                limit = ax if kind == "left" else max(ax, xmin)
                slots = [(a, b) for a, b in space.intervals(ax, xmax, yb, yt) if a <= limit + 0.01]
                slot = next(((a, b) for a, b in slots if b - a >= need), None)
                if slot is None:
                    continue
                x, room = slot[0], slot[1] - slot[0]
            elif kind == "right":
                slots = [(a, b) for a, b in space.intervals(xmin, ax, yb, yt) if b >= ax - 0.01]
                if not slots:
                    continue
                room = ax - slots[-1][0]
                if room < need:
                    continue
                x = None
            else:  # centre
                half = min(ax - xmin, xmax - ax)
                if 2 * half < need:
                    continue
                room = min(2 * half, want)
                box = _text_box(ax - room / 2, y, room, size)
                if not space.free(box):
                    continue
                x = ax - room / 2
            shown = text if want <= room else _fit(text, font, size, room)
            width = stringWidth(shown, font, size)
            if kind == "right":
                x = ax - width
            box = _text_box(x, y, width, size)
            if not space.free(box):
                continue
            c.setFont(font, size)
            c.drawString(x, y, shown)
            space.add(box)
            return box
    return None


def _draw_page(c: canvas.Canvas, fd: FormDef, page_no: int, placed: list[_Placed], flow: bool) -> list[tuple]:
    """Draw one page's boxes and labels; no label overlaps a box, a heading or another label.

    Returns the ink boxes of the labels drawn (the tests check them for overlaps)."""
    w, h = fd.model.page_size
    c.setFillColor(Color(0, 0, 0))
    c.setFont(LABEL_BOLD, 11)
    c.drawString(36, h - 58, _fit(f"Form {fd.model.form}  {fd.model.short_title}", LABEL_BOLD, 11, w - 72 - 150))
    c.setFont(LABEL_FONT, 8)
    c.drawRightString(w - 36, h - 58, f"Edition {fd.model.edition}  \u2022  page {page_no} of {fd.model.page_count}")
    left, right = 40.0, w - 18.0
    space = _Space([(0, h - 62, w, h), (0, 0, w, 50)])   # page header and footer
    pad = 0.8
    for p in placed:
        if p.rect:
            x0, y0, x1, y1 = p.rect
            space.add((x0 - pad, y0 - pad, x1 + pad, y1 + pad))
    drawn: list[tuple] = []
    # headings (flow pages) first: their places are fixed
    for p in placed:
        if not p.heading:
            continue
        text, _, y = p.heading.partition("\x00")
        y = float(y)
        if text.startswith("\x01"):
            c.setFont(LABEL_BOLD, 7.5)
            c.setFillColor(Color(0.1, 0.1, 0.1))
            shown = _fit(text[1:], LABEL_BOLD, 7.5, 510)
            c.drawString(48, y + 2, shown)
            box = _text_box(48, y + 2, stringWidth(shown, LABEL_BOLD, 7.5), 7.5)
        else:
            c.setFillColor(Color(0.88, 0.88, 0.88))
            c.rect(40, y - 1, w - 80, 13, stroke=0, fill=1)
            c.setFillColor(Color(0, 0, 0))
            c.setFont(LABEL_BOLD, 9)
            c.drawString(44, y + 2, _fit(text, LABEL_BOLD, 9, w - 92))
            box = (40, y - 1, w - 40, y + 12)
        space.add(box)
        drawn.append(box)
    fields = [p for p in placed if not p.heading and p.rect]
    for p in fields:
        x0, y0, x1, y1 = p.rect
        f = p.f
        c.setLineWidth(0.6)
        c.setStrokeColor(BOX)
        c.rect(x0, y0, x1 - x0, y1 - y0, stroke=1, fill=0)
        if f.type == "text" and "Comb" in f.flags and f.maxlen:
            step = (x1 - x0) / f.maxlen
            c.setStrokeColor(Color(0.75, 0.75, 0.75))
            for i in range(1, f.maxlen):
                c.line(x0 + i * step, y0, x0 + i * step, y0 + 4)
    # checkbox labels first (they have the fewest places to go), then the text boxes' captions
    c.setFillColor(Color(0.2, 0.2, 0.2))
    order = [p for p in fields if p.f.type in {"checkbox", "radio"}] + [p for p in fields if p.f.type not in {"checkbox", "radio"}]
    for p in order:
        x0, y0, x1, y1 = p.rect
        f = p.f
        if f.type in {"checkbox", "radio"}:
            label = _short(p.label)
            if not label:
                continue
            cap = 160 if flow else 150
            mid = (y0 + y1) / 2
            cands = [("left", x1 + 3, lambda s, m=mid: m - 0.28 * s, x1 + 3, min(right, x1 + 3 + cap)),
                     ("centre", (x0 + x1) / 2, lambda s, t=y1: t + 1.5 + 0.22 * s, max(left, x0 - 14), min(right, x1 + 14)),
                     ("right", x0 - 3, lambda s, m=mid: m - 0.28 * s, max(left, x0 - 3 - cap), x0 - 3),
                     ("centre", (x0 + x1) / 2, lambda s, b=y0: b - 1.5 - 0.78 * s, max(left, x0 - 14), min(right, x1 + 14))]
            box = _place(c, space, label, cands, (6.5, 6.0, 5.5), 14)
        else:
            label = p.label
            if not label:
                continue
            cands = [("after", x0 + 1, lambda s, t=y1: t + 1.5 + 0.22 * s, x1 - 24, min(right, x1 + 150))]
            if not flow:
                cands += [("right", x0 - 3, lambda s, b=y0, t=y1: (b + t) / 2 - 0.28 * s, left, x0 - 3),
                          ("left", x0 + 1, lambda s, b=y0: b - 1.5 - 0.78 * s, x0, min(right, x1 + 150))]
            box = _place(c, space, label, cands, (6.2, 5.8, 5.4), 28)
        if box:
            drawn.append(box)
    if not flow:
        tags_done = set()
        c.setFillColor(GREY)
        for p in fields:
            f = p.f
            if not (f.part and f.item) or (f.part, f.item) in tags_done:
                continue
            tags_done.add((f.part, f.item))
            edge = min(q.rect[0] for q in fields) - 3
            tag = f"Pt.{f.part} It.{f.item}"
            size = 5.5
            while size > 4.5 and 6 + stringWidth(tag, LABEL_BOLD, size) > edge:
                size -= 0.25
            tag = _fit(tag, LABEL_BOLD, size, max(10.0, edge - 6))
            tw = stringWidth(tag, LABEL_BOLD, size)
            for shift in range(0, 30):
                y = p.rect[3] - 0.78 * size - 1 - shift
                box = _text_box(6, y, tw, size)
                if space.free(box):
                    c.setFont(LABEL_BOLD, size)
                    c.drawString(6, y, tag)
                    space.add(box)
                    drawn.append(box)
                    break
    _draw_marks(c, fd, page_no, (w, h))
    return drawn


def _layout(fd: FormDef) -> dict[int, tuple[list[_Placed], bool]]:
    pages: dict[int, tuple[list[_Placed], bool]] = {}
    for pno in range(1, fd.model.page_count + 1):
        fields = [f for f in fd.model.inventory if f.page == pno and not f.barcode]
        if all(f.rect for f in fields):
            pages[pno] = ([_Placed(f, tuple(f.rect), fd_label(fd, f)) for f in fields], False)
        else:
            h = fd.model.page_size[1]
            pages[pno] = (_flow_layout(fd, fields, top=h - 66, bottom=56), True)
    return pages


def build_standin(fd: FormDef) -> bytes:
    """Generate the stand-in PDF for a field map (see the module docstring)."""
    layout = _layout(fd)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=tuple(fd.model.page_size), pageCompression=1, invariant=1)
    c.setTitle(f"STAND-IN Form {fd.model.form} (edition {fd.model.edition}) - NOT FOR FILING")
    c.setAuthor("packetgen")
    c.setCreator("packetgen stand-in generator")
    for pno in range(1, fd.model.page_count + 1):
        placed, flow = layout[pno]
        _draw_page(c, fd, pno, placed, flow)
        c.showPage()
    c.save()
    pdf = pikepdf.open(io.BytesIO(buf.getvalue()))
    _add_acroform(pdf, fd, layout)
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:title"] = f"STAND-IN Form {fd.model.form} (edition {fd.model.edition}) - NOT FOR FILING"
    pdf.docinfo[Name("/Title")] = String(f"STAND-IN Form {fd.model.form} (edition {fd.model.edition}) - NOT FOR FILING")
    pdf.docinfo[Name("/PacketgenStandIn")] = String(f"{fd.path.name} sha256:{fd.sha256[:16]} v{STANDIN_VERSION}")
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True)
    return out.getvalue()


def is_standin(pdf: pikepdf.Pdf) -> bool:
    info = pdf.trailer.get("/Info")
    return bool(info is not None and "/PacketgenStandIn" in info)
