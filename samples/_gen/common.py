"""Shared drawing helpers: deterministic PDF documents, letterheads, signatures, the fictional mark.

Everything here is reproducible: reportlab runs with ``invariant=1`` (no timestamps, fixed
document ids) and every random choice comes from a ``random.Random`` seeded by a fixed string.
Only the standard PDF fonts (Helvetica, Times, Courier) are used; they cover Latin-1.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from pathlib import Path
from typing import Callable, Optional, Sequence

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, LETTER, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch, mm
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (BaseDocTemplate, Flowable, Frame, KeepTogether, NextPageTemplate,
                                PageBreak, PageTemplate, Paragraph, Spacer, Table, TableStyle)

__all__ = ["A4", "LETTER", "landscape", "inch", "mm", "colors", "Paragraph", "Spacer", "Table", "TableStyle",
           "KeepTogether", "PageBreak", "NextPageTemplate", "rng", "MARK", "draw_mark", "new_canvas",
           "Letterhead", "build_doc", "S", "Signature", "signature_block", "money", "long_date", "esc",
           "TA_CENTER", "TA_LEFT", "TA_RIGHT", "TA_JUSTIFY", "Flowable", "Drawn"]

MARK = "SAMPLE \u2014 FICTIONAL"
INK = colors.HexColor("#1b2f6b")


def rng(*key) -> random.Random:
    """A random generator seeded from a fixed key (stable across Python runs, unlike hash())."""
    digest = hashlib.sha256("/".join(str(k) for k in key).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def money(x: float, cents: bool = True) -> str:
    s = f"{abs(x):,.2f}" if cents else f"{abs(x):,.0f}"
    return ("-$" if x < 0 else "$") + s


def long_date(d: dt.date, lang: str = "en") -> str:
    if lang == "es":
        months = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
                  "octubre", "noviembre", "diciembre"]
        return f"{d.day} de {months[d.month - 1]} de {d.year}"
    return d.strftime("%B ") + f"{d.day}, {d.year}"


def wrap_words(c, text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy word wrap for canvas drawing: the lines of ``text`` that fit ``width`` in ``font`` at ``size``."""
    words, lines, cur = text.split(), [], ""
    for w in words:
        trial = (cur + " " + w).strip()
        if c.stringWidth(trial, font, size) > width and cur:
            lines.append(cur)
            cur = w
        else:
            cur = trial
    return lines + ([cur] if cur else [])


def draw_mark(c: rl_canvas.Canvas, width: float, height: float) -> None:
    """The small 'SAMPLE - FICTIONAL' mark in the top-right corner of a page."""
    c.saveState()
    c.setFont("Helvetica-Bold", 6.5)
    w = c.stringWidth(MARK, "Helvetica-Bold", 6.5)
    x, y = width - w - 16, height - 14
    c.setStrokeColor(colors.HexColor("#b03030"))
    c.setFillColor(colors.HexColor("#b03030"))
    c.setLineWidth(0.5)
    c.rect(x - 3, y - 2.5, w + 6, 10, stroke=1, fill=0)
    c.drawString(x, y, MARK)
    c.restoreState()


def new_canvas(path, pagesize=LETTER, title: str = "", author: str = "") -> rl_canvas.Canvas:
    c = rl_canvas.Canvas(str(path), pagesize=pagesize, invariant=1, pageCompression=1)
    c.setTitle(title or Path(str(path)).stem)
    c.setAuthor(author or "packetgen sample (fictional)")
    c.setCreator("packetgen samples/generate_evidence.py")
    c.setProducer("ReportLab")
    return c


# --------------------------------------------------------------------------- styles

def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName="Times-Roman", fontSize=10.5, leading=13.4, spaceAfter=6,
                          alignment=TA_JUSTIFY)
    return {
        "body": base,
        "bodyL": ParagraphStyle("bodyL", parent=base, alignment=TA_LEFT),
        "small": ParagraphStyle("small", parent=base, fontSize=9, leading=11, spaceAfter=3, alignment=TA_LEFT),
        "sans": ParagraphStyle("sans", fontName="Helvetica", fontSize=9.5, leading=12.5, spaceAfter=6),
        "sansS": ParagraphStyle("sansS", fontName="Helvetica", fontSize=8, leading=10, spaceAfter=2),
        "sansB": ParagraphStyle("sansB", fontName="Helvetica-Bold", fontSize=9.5, leading=12.5, spaceAfter=4),
        "h1": ParagraphStyle("h1", fontName="Times-Bold", fontSize=14, leading=18, alignment=TA_CENTER,
                             spaceAfter=4),
        "h2": ParagraphStyle("h2", fontName="Times-Bold", fontSize=11.5, leading=15, spaceBefore=4, spaceAfter=4),
        "center": ParagraphStyle("center", parent=base, alignment=TA_CENTER),
        "re": ParagraphStyle("re", parent=base, fontName="Times-Bold", alignment=TA_LEFT, leftIndent=36,
                             firstLineIndent=-36),
        "num": ParagraphStyle("num", parent=base, leftIndent=22, firstLineIndent=-22),
        "decl": ParagraphStyle("decl", parent=base, fontSize=11.5, leading=16, spaceAfter=8),
        "declnum": ParagraphStyle("declnum", parent=base, fontSize=11.5, leading=16, spaceAfter=8, leftIndent=24,
                                  firstLineIndent=-24),
        "cell": ParagraphStyle("cell", fontName="Helvetica", fontSize=8.2, leading=10),
        "cellB": ParagraphStyle("cellB", fontName="Helvetica-Bold", fontSize=8.2, leading=10),
        "cellR": ParagraphStyle("cellR", fontName="Helvetica", fontSize=8.2, leading=10, alignment=TA_RIGHT),
    }


S = _styles()


# --------------------------------------------------------------------------- letterheads

class Letterhead:
    """An organisation's letterhead: name, address lines, colour and a simple drawn logo."""

    def __init__(self, name: str, lines: Sequence[str], color: str = "#1f4e79", logo: str = "cross",
                 subtitle: str = "", footer: str = "", font: str = "Helvetica-Bold", align: str = "left"):
        self.name, self.lines, self.color = name, list(lines), colors.HexColor(color)
        self.logo, self.subtitle, self.footer, self.font, self.align = logo, subtitle, footer, font, align

    # height used on the first page
    height = 1.35 * inch

    def draw(self, c: rl_canvas.Canvas, width: float, height: float, first: bool = True) -> None:
        c.saveState()
        left = 0.9 * inch
        top = height - 0.55 * inch
        if not first:
            c.setFont("Helvetica", 8)
            c.setFillColor(colors.grey)
            c.drawString(left, height - 0.5 * inch, self.name)
            c.restoreState()
            return
        self._logo(c, left + 0.3 * inch, top - 0.3 * inch, 0.3 * inch)
        x = left + 0.8 * inch
        c.setFillColor(self.color)
        c.setFont(self.font, 15)
        c.drawString(x, top - 0.16 * inch, self.name)
        y = top - 0.34 * inch
        if self.subtitle:
            c.setFont("Helvetica-Oblique", 9)
            c.drawString(x, y, self.subtitle)
            y -= 0.17 * inch
        c.setFillColor(colors.HexColor("#444444"))
        c.setFont("Helvetica", 8)
        for line in self.lines:
            c.drawString(x, y, line)
            y -= 0.14 * inch
        c.setStrokeColor(self.color)
        c.setLineWidth(1.6)
        c.line(left, height - self.height + 0.05 * inch, width - left, height - self.height + 0.05 * inch)
        c.setLineWidth(0.4)
        c.line(left, height - self.height + 0.01 * inch, width - left, height - self.height + 0.01 * inch)
        c.restoreState()

    def draw_footer(self, c: rl_canvas.Canvas, width: float, page: int) -> None:
        c.saveState()
        c.setFont("Helvetica", 7)
        c.setFillColor(colors.HexColor("#666666"))
        if self.footer:
            c.drawCentredString(width / 2, 0.45 * inch, self.footer)
        c.drawRightString(width - 0.9 * inch, 0.45 * inch, f"Page {page}")
        c.restoreState()

    def _logo(self, c, cx, cy, r):
        c.setFillColor(self.color)
        c.setStrokeColor(self.color)
        if self.logo == "cross":
            c.circle(cx, cy, r, stroke=0, fill=1)
            c.setFillColor(colors.white)
            a, b = r * 0.28, r * 0.72
            c.rect(cx - a, cy - b, 2 * a, 2 * b, stroke=0, fill=1)
            c.rect(cx - b, cy - a, 2 * b, 2 * a, stroke=0, fill=1)
        elif self.logo == "heart":
            c.circle(cx, cy, r, stroke=0, fill=1)
            c.setFillColor(colors.white)
            p = c.beginPath()
            p.moveTo(cx, cy - r * 0.55)
            p.curveTo(cx - r * 0.9, cy + r * 0.05, cx - r * 0.45, cy + r * 0.75, cx, cy + r * 0.3)
            p.curveTo(cx + r * 0.45, cy + r * 0.75, cx + r * 0.9, cy + r * 0.05, cx, cy - r * 0.55)
            c.drawPath(p, stroke=0, fill=1)
        elif self.logo == "seal":
            c.setLineWidth(1.2)
            c.circle(cx, cy, r, stroke=1, fill=0)
            c.circle(cx, cy, r * 0.8, stroke=1, fill=0)
            c.setFont("Times-Bold", r * 0.5)
            c.drawCentredString(cx, cy - r * 0.17, "DOJ")
            for k in range(16):
                import math
                a = 2 * math.pi * k / 16
                c.circle(cx + r * 0.9 * math.cos(a), cy + r * 0.9 * math.sin(a), r * 0.04, stroke=0, fill=1)
        elif self.logo == "bank":
            c.rect(cx - r, cy - r, 2 * r, 2 * r, stroke=0, fill=1)
            c.setFillColor(colors.white)
            for k in range(4):
                c.rect(cx - r * 0.7 + k * r * 0.42, cy - r * 0.55, r * 0.18, r * 0.8, stroke=0, fill=1)
            p = c.beginPath()
            p.moveTo(cx - r * 0.85, cy + r * 0.35)
            p.lineTo(cx, cy + r * 0.8)
            p.lineTo(cx + r * 0.85, cy + r * 0.35)
            p.close()
            c.drawPath(p, stroke=0, fill=1)
            c.rect(cx - r * 0.8, cy - r * 0.75, r * 1.6, r * 0.15, stroke=0, fill=1)
        elif self.logo == "leaf":
            c.circle(cx, cy, r, stroke=0, fill=1)
            c.setFillColor(colors.white)
            p = c.beginPath()
            p.moveTo(cx - r * 0.5, cy - r * 0.5)
            p.curveTo(cx - r * 0.6, cy + r * 0.4, cx + r * 0.2, cy + r * 0.7, cx + r * 0.6, cy + r * 0.6)
            p.curveTo(cx + r * 0.6, cy - r * 0.1, cx, cy - r * 0.6, cx - r * 0.5, cy - r * 0.5)
            c.drawPath(p, stroke=0, fill=1)
        else:  # initials in a square
            c.roundRect(cx - r, cy - r, 2 * r, 2 * r, r * 0.25, stroke=0, fill=1)
            c.setFillColor(colors.white)
            c.setFont("Helvetica-Bold", r * 0.9)
            c.drawCentredString(cx, cy - r * 0.32, self.logo[:3])


# --------------------------------------------------------------------------- signatures

class Signature(Flowable):
    """A handwritten-looking scribble in blue ink, seeded by the signer's name."""

    def __init__(self, name: str, width: float = 2.2 * inch, height: float = 0.55 * inch):
        super().__init__()
        self.name, self.width, self.height = name, width, height

    def draw(self):
        draw_signature(self.canv, self.name, 0, 0, self.width, self.height)


class Drawn(Flowable):
    """A drawing function ``draw(c, w, h)`` (a passport page, a stamp page) placed in a flowing document, scaled to
    ``width`` points wide."""

    def __init__(self, draw: Callable, size: tuple[float, float], width: float):
        super().__init__()
        self._draw, self._size, self._k = draw, size, width / size[0]
        self.width, self.height = width, size[1] * self._k

    def draw(self):
        c = self.canv
        c.saveState()
        c.scale(self._k, self._k)
        self._draw(c, *self._size)
        c.restoreState()


def draw_signature(c, name: str, x: float, y: float, w: float, h: float) -> None:
    r = rng("signature", name)
    c.saveState()
    c.setStrokeColor(INK)
    c.setLineCap(1)
    c.setLineJoin(1)
    words = name.split()[:2] or ["x"]
    px, seg_w = x + 4, (w - 10) / max(1, len(words))
    for wi, word in enumerate(words):
        c.setLineWidth(r.uniform(0.9, 1.3))
        p = c.beginPath()
        base = y + h * 0.35
        # a tall capital loop, then a run of small waves for the rest of the word
        p.moveTo(px, base + h * 0.1)
        p.curveTo(px + seg_w * 0.05, base + h * 0.75, px + seg_w * 0.18, base + h * 0.7, px + seg_w * 0.12, base)
        cx = px + seg_w * 0.12
        n = max(3, min(9, len(word)))
        step = seg_w * 0.8 / n
        for k in range(n):
            hh = h * r.uniform(0.12, 0.32) * (1.6 if r.random() < 0.2 else 1)
            p.curveTo(cx + step * 0.3, base + hh, cx + step * 0.7, base + hh, cx + step, base + r.uniform(-2, 2))
            cx += step
        c.drawPath(p, stroke=1, fill=0)
        px += seg_w * 0.95
    # the underline flourish
    c.setLineWidth(0.8)
    p = c.beginPath()
    p.moveTo(x + w * 0.1, y + h * 0.2)
    p.curveTo(x + w * 0.4, y + h * r.uniform(0.0, 0.15), x + w * 0.7, y + h * 0.3, x + w * 0.95, y + h * 0.22)
    c.drawPath(p, stroke=1, fill=0)
    c.restoreState()


def signature_block(name: str, lines: Sequence[str], closing: str = "Sincerely,", sign: bool = True,
                    style: Optional[ParagraphStyle] = None) -> list:
    st = style or S["bodyL"]
    out: list = [Spacer(1, 6), Paragraph(esc(closing), st)] if closing else [Spacer(1, 6)]
    out.append(Signature(name) if sign else Spacer(1, 0.55 * inch))
    out.append(Paragraph("<br/>".join(esc(x) for x in [name, *lines]),
                         ParagraphStyle("sig", parent=st, spaceBefore=0, leading=st.leading - 0.5)))
    return [KeepTogether(out)]


# --------------------------------------------------------------------------- documents

def build_doc(path, story: list, pagesize=LETTER, letterhead: Optional[Letterhead] = None,
              title: str = "", author: str = "", margins=(0.9 * inch, 0.9 * inch, 0.9 * inch, 0.85 * inch),
              on_page: Optional[Callable] = None, later_pagesizes: Optional[dict] = None) -> None:
    """Build a flowing document: letterhead on page 1, a short running head after, the mark on every page.

    ``later_pagesizes`` maps a page-template id to a page size (e.g. {'wide': landscape(LETTER)}), so a
    document can switch to a landscape page with ``NextPageTemplate('wide')``.
    """
    left, right, top, bottom = margins
    w, h = pagesize
    first_top = (letterhead.height + 0.25 * inch) if letterhead else top

    def deco(first):
        def _draw(c, doc):
            pw, ph = c._pagesize
            if letterhead:
                letterhead.draw(c, pw, ph, first=first)
                letterhead.draw_footer(c, pw, doc.page)
            if on_page:
                on_page(c, doc)
            draw_mark(c, pw, ph)
        return _draw

    templates = [
        PageTemplate("first", [Frame(left, bottom, w - left - right, h - first_top - bottom, id="f1")],
                     onPage=deco(True), pagesize=pagesize),
        PageTemplate("later", [Frame(left, bottom, w - left - right, h - top - bottom, id="f2")],
                     onPage=deco(False), pagesize=pagesize),
    ]
    for tid, size in (later_pagesizes or {}).items():
        lw, lh = size
        templates.append(PageTemplate(tid, [Frame(left * 0.8, bottom, lw - 1.6 * left, lh - top - bottom, id=tid)],
                                      onPage=deco(False), pagesize=size))
    doc = BaseDocTemplate(str(path), pagesize=pagesize, invariant=1, title=title or Path(str(path)).stem,
                          author=author or "packetgen sample (fictional)",
                          creator="packetgen samples/generate_evidence.py",
                          leftMargin=left, rightMargin=right, topMargin=top, bottomMargin=bottom)
    doc.addPageTemplates(templates)
    # after the first page, continue on 'later' unless the story says otherwise
    story = [NextPageTemplate("later")] + list(story)
    doc.build(story)


def letter(path, lh: Letterhead, date: dt.date, paras: Sequence, signer: str, signer_lines: Sequence[str],
           to: Sequence[str] = (), re: Sequence[str] = (), salutation: str = "To Whom It May Concern:",
           closing: str = "Sincerely,", pagesize=LETTER, extra: Sequence = (), title: str = "",
           lang: str = "en", ref: str = "") -> None:
    """A letter on letterhead. ``paras`` items are strings (markup allowed) or ready flowables."""
    story: list = []
    head = long_date(date, lang)
    if ref:
        head = f"{head}<br/>{ref}"
    story.append(Paragraph(head, S["bodyL"]))
    story.append(Spacer(1, 4))
    if to:
        story.append(Paragraph("<br/>".join(esc(x) for x in to), S["bodyL"]))
        story.append(Spacer(1, 2))
    if re:
        story.append(Paragraph("RE:\u00a0\u00a0\u00a0" + "<br/>".join(re), S["re"]))
        story.append(Spacer(1, 2))
    if salutation:
        story.append(Paragraph(esc(salutation), S["bodyL"]))
    for p in paras:
        story.append(Paragraph(p, S["body"]) if isinstance(p, str) else p)
    story += signature_block(signer, signer_lines, closing=closing)
    story += list(extra)
    build_doc(path, story, pagesize=pagesize, letterhead=lh, title=title, author=lh.name)


def appointment_table(rows: list, *, top: bool = False) -> Table:
    """The appointment-confirmation table of an embassy's printout (the sixth row, the appointment, in bold)."""
    t = Table(rows, colWidths=[2.2 * inch, 4.3 * inch])
    style = [("FONT", (0, 0), (-1, -1), "Helvetica", 9.5), ("FONT", (0, 0), (0, -1), "Helvetica-Bold", 9.5),
             ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#e8eef6"))]
    if top:
        style.append(("VALIGN", (0, 0), (-1, -1), "TOP"))
    style += [("BOX", (0, 0), (-1, -1), 0.6, colors.grey), ("INNERGRID", (0, 0), (-1, -1), 0.3, colors.lightgrey),
              ("FONT", (1, 5), (1, 5), "Helvetica-Bold", 9.5)]
    t.setStyle(TableStyle(style))
    return t



def flight_table(rows: list, *, to_width: float = 1.25) -> Table:
    """An airline receipt's flight table (header row shaded)."""
    t = Table(rows, colWidths=[0.6 * inch, 1.05 * inch, 1.25 * inch, to_width * inch, 0.55 * inch, 0.55 * inch,
                               0.65 * inch, 0.7 * inch])
    t.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), "Helvetica", 8),
                           ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8),
                           ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#d9eef1")),
                           ("BOX", (0, 0), (-1, -1), 0.5, colors.grey),
                           ("INNERGRID", (0, 0), (-1, -1), 0.25, colors.lightgrey)]))
    return t


def fare_table(rows: list, *, label_width: float) -> Table:
    """An airline receipt's fare lines, the total (last row) in bold under a rule."""
    fare = Table(rows, colWidths=[label_width * inch, 1.1 * inch])
    fare.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), "Helvetica", 9),
                              ("FONT", (0, -1), (-1, -1), "Helvetica-Bold", 9), ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                              ("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black)]))
    return fare


def translated_letter(out: Path, stem: str, lh: "Letterhead", date: dt.date, *, es: Sequence, en: Sequence,
                      signer: str, signer_lines: Sequence[str], re_es: str, re_en: str, title_es: str, title_en: str,
                      seal: tuple[str, str], salutation_es: str = "", salutation_en: str = "",
                      translator_note: str, letterhead_en: str, seal_en: str, signer_en: str) -> None:
    """A letter issued in Spanish (``<stem>-es.pdf``, with its round seal) and its full English translation by the
    translator (``<stem>-en.pdf``): the translator's note, the letterhead and seal described in brackets."""
    from .civil import _seal

    color, ring = seal
    letter(out / f"{stem}-es.pdf", lh, date, es, signer, signer_lines, re=[re_es], salutation=salutation_es,
           closing="Atentamente,", title=title_es, lang="es",
           extra=[Spacer(1, 4), Drawn(lambda c, w, h: _seal(c, w / 2, h / 2, min(w, h) / 2 - 2, color, ring),
                                      (80, 80), 0.95 * inch)])
    story = [Paragraph(f"<i>{translator_note}</i>", S["small"]), Spacer(1, 8),
             Paragraph(f"[Letterhead:] {letterhead_en}", S["small"]), Spacer(1, 6),
             Paragraph(long_date(date), S["bodyL"]),
             Paragraph(f"RE:\u00a0\u00a0\u00a0{re_en}", S["re"])]
    if salutation_en:
        story.append(Paragraph(salutation_en, S["bodyL"]))
    story += [Paragraph(p, S["body"]) for p in en]
    story += [Paragraph("Sincerely,", S["bodyL"]),
              Paragraph(f"[Signature] [Round seal: {seal_en}]", S["bodyL"]),
              Paragraph(signer_en, S["bodyL"])]
    build_doc(out / f"{stem}-en.pdf", story, title=title_en, author="translator")
