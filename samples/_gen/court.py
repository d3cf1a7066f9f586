"""A federal court order on numbered pleading paper, with the electronic-filing header on every page."""

from __future__ import annotations

import datetime as dt
from typing import Sequence

from reportlab.lib.pagesizes import LETTER

from .common import colors, draw_mark, draw_signature, inch, long_date, new_canvas, wrap_words


def court_order(path, court: Sequence[str], caption_left: Sequence[str], case_no: str, doc_title: Sequence[str],
                body: Sequence[str], judge: str, date: dt.date, ecf: str, filed: dt.date) -> None:
    """``body`` paragraphs start with '>' for an indented 'IT IS ORDERED' style paragraph."""
    W, H = LETTER
    c = new_canvas(path, LETTER, title=" ".join(doc_title), author=court[0])
    top = H - 1.0 * inch
    step = (H - 2.0 * inch) / 28          # 28 numbered lines
    left, right = 1.45 * inch, W - 0.6 * inch
    width = right - left - 0.1 * inch

    # lay the text out into (page, line, x, font, text) first, to know the page count
    items: list[tuple[int, int, float, str, str]] = []
    page, line = 0, 0

    def put(x, font, text, lines=1):
        nonlocal page, line
        if line >= 27:
            page, line = page + 1, 0
        items.append((page, line, x, font, text))
        line += lines

    for t in court:
        items.append((0, line, -1, "Times-Bold", t))   # centred
        line += 1
    line += 1
    cap_start = line
    for t in caption_left:
        items.append((0, line, left + 0.05 * inch, "Times-Roman", t))
        line += 1
    cap_end = line
    items.append((0, cap_start, left + 3.35 * inch, "Times-Roman", f"Case No. {case_no}"))
    for i, t in enumerate(doc_title):
        items.append((0, cap_start + 2 + i, left + 3.35 * inch, "Times-Bold", t))
    line += 1
    for para in body:
        # first line indented half an inch, as on pleading paper
        lines = wrap_words(c, para.lstrip(">").strip(), "Times-Roman", 12, width - 0.5 * inch)
        for i, ln in enumerate(lines):
            put(left + (0.5 * inch if i == 0 else 0), "Times-Roman", ln)
    sig_page, sig_line = (page, line + 1) if line < 22 else (page + 1, 1)
    pages = sig_page + 1

    for p in range(pages):
        # pleading paper
        c.setStrokeColor(colors.black)
        c.setLineWidth(0.6)
        c.line(left - 0.12 * inch, 0, left - 0.12 * inch, H)
        c.line(left - 0.17 * inch, 0, left - 0.17 * inch, H)
        c.line(right, 0, right, H)
        c.setFont("Times-Roman", 11)
        for n in range(28):
            c.drawRightString(left - 0.3 * inch, top - n * step, str(n + 1))
        # electronic filing header
        c.setFont("Helvetica", 8.5)
        c.setFillColor(colors.HexColor("#1a1a8a"))
        c.drawCentredString(W / 2, H - 0.4 * inch,
                            f"Case {case_no}    Document {ecf}    Filed {filed:%m/%d/%y}    Page {p + 1} of {pages}")
        c.setFillColor(colors.black)
        for pg, ln, x, font, text in items:
            if pg != p:
                continue
            c.setFont(font, 12)
            y = top - ln * step
            if x < 0:
                c.drawCentredString((left + right) / 2, y, text)
            else:
                c.drawString(x, y, text)
        if p == 0:
            # caption box: right parenthesis column
            c.setFont("Times-Roman", 12)
            for ln in range(cap_start, cap_end):
                c.drawString(left + 3.05 * inch, top - ln * step, ")")
            c.line(left, top - (cap_end - 0.6) * step, left + 3.0 * inch, top - (cap_end - 0.6) * step)
        if p == sig_page:
            y = top - sig_line * step
            c.setFont("Times-Roman", 12)
            c.drawString(left + 0.5 * inch, y, f"DATED: {long_date(date)}.")
            draw_signature(c, judge, left + 3.3 * inch, y - 2.4 * step, 2.4 * inch, 0.5 * inch)
            c.line(left + 3.2 * inch, y - 2.5 * step, right - 0.2 * inch, y - 2.5 * step)
            c.drawString(left + 3.2 * inch, y - 3.3 * step, judge.upper())
            c.drawString(left + 3.2 * inch, y - 4.2 * step, "UNITED STATES DISTRICT JUDGE")
        c.setFont("Times-Roman", 9)
        c.drawCentredString(W / 2, 0.5 * inch, str(p + 1))
        draw_mark(c, W, H)
        c.showPage()
    c.save()
