"""Continuation sheets: what the Additional Information rows could not hold, in the same format."""

from __future__ import annotations

import io
import re
from typing import Any

from packetgen.forms.charset import showable
from packetgen.forms.fieldmap import FormDef
from packetgen.forms.plan import _Block, wrap


def _continuation_pdf(fd: FormDef, ctx: dict, blocks: list[_Block], *, first_page: int, standin: bool,
                      signer: str) -> tuple[bytes, int, list[dict]]:
    """Continuation sheets for the texts that did not fit the rows. Returns (pdf, pages, placements)."""
    from reportlab.lib.colors import Color
    from reportlab.pdfgen import canvas

    ov = fd.model.overflow
    cont = ov.continuation
    name = fd.expr(cont.name, where="overflow.continuation.name").evaluate(ctx, where="overflow.continuation.name")
    a_num = fd.expr(cont.a_number, where="overflow.continuation.a_number").evaluate(ctx, where="continuation") \
        if cont.a_number else None
    a_text = f"A-{re.sub(r'[^0-9]', '', a_num).rjust(9, '0')}" if a_num else "None"
    name_text = ", ".join(p for p in (getattr(name, "family", None), " ".join(
        x for x in (getattr(name, "given", None), getattr(name, "middle", None)) if x)) if p) if name else ""
    name_text, bad = showable(name_text)
    if bad:
        name_text = ""   # a name the font cannot show is left blank (check reports it), never '?'

    W, H = fd.model.page_size
    left, right, top, bottom = 48.0, W - 48.0, H - 48.0, 118.0
    size, pitch = 10.0, 13.0
    per = int((right - left) // (0.6 * size))   # 86: the lines wrapped for the Part 13 rows (85) fit as they are
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(W, H), pageCompression=1, invariant=1)
    c.setTitle(cont.title)
    pages: list[list] = []
    placements: list[dict] = []

    def header(n):
        c.setFont("Helvetica-Bold", 12)
        c.drawString(left, top - 4, cont.title)
        c.setFont("Helvetica", 9)
        c.drawString(left, top - 22, f"Form {fd.model.form}, Edition {fd.model.edition}. {ov.title}: "
                                     "continued on this separate sheet.")
        c.setFont("Helvetica-Bold", 10)
        c.drawString(left, top - 42, "Name:")
        c.drawString(left + 300, top - 42, "A-Number:")
        c.setFont("Courier-Bold", 10)
        c.drawString(left + 36, top - 42, name_text)
        c.drawString(left + 358, top - 42, a_text)
        c.setLineWidth(0.7)
        c.line(left, top - 50, right, top - 50)
        return top - 68

    def footer(n, total):
        c.setLineWidth(0.7)
        c.line(left, 92, left + 300, 92)
        c.line(left + 340, 92, right, 92)
        c.setFont("Helvetica", 8.5)
        c.drawString(left, 80, f"Signature of the {signer}")
        c.drawString(left + 340, 80, "Date of signature (mm/dd/yyyy)")
        c.setFont("Helvetica", 8)
        c.drawString(left, 56, f"{fd.model.footer_text} \u2014 {ov.title}, continuation sheet {n} of {total}")
        if standin:
            from packetgen.forms.standin import MARK, MARK_SHORT

            c.saveState()
            c.setFillColor(Color(0.85, 0.1, 0.1, alpha=0.16))
            c.translate(W / 2, H / 2)
            c.rotate(52)
            c.setFont("Helvetica-Bold", 58)
            c.drawCentredString(0, 10, MARK_SHORT)
            c.restoreState()
            c.setFillColor(Color(0.78, 0.08, 0.08))
            c.rect(18, H - 40, W - 36, 16, stroke=0, fill=1)
            c.setFillColor(Color(1, 1, 1))
            c.setFont("Helvetica-Bold", 9)
            c.drawCentredString(W / 2, H - 35.5, MARK)
            c.setFillColor(Color(0, 0, 0))

    # lay out: one block per moved value that still has lines
    todo = [b for b in blocks if b.rest]
    items: list[tuple[str, Any]] = []
    for b in todo:
        mv = b.moved
        cont_note = " (continued from the form)" if b.rows else ""
        items.append(("ref", (f"Page Number: {mv.page}    Part Number: {mv.part}    Item Number: {mv.item}{cont_note}", b)))
        for ln in b.rest:
            for piece in (wrap(ln, per) if len(ln) > per else [ln]):
                items.append(("line", (piece, b)))
        items.append(("gap", None))
    # paginate
    y = None
    cur: list = []
    for kind, data in items:
        need = 20 if kind == "ref" else pitch if kind == "line" else 8
        if kind == "ref":
            need += 2 * pitch  # keep a reference with at least two lines of its text
        if y is None or y - need < bottom:
            if cur:
                pages.append(cur)
            cur = []
            y = top - 68
        cur.append((kind, data, y))
        y -= 20 if kind == "ref" else pitch if kind == "line" else 8
    if cur:
        pages.append(cur)
    total = len(pages)
    for n, page in enumerate(pages, 1):
        header(n)
        for kind, data, y in page:
            if kind == "ref":
                text, b = data
                c.setFont("Helvetica-Bold", 10)
                c.drawString(left, y - 12, text)
                placements.append({"block": b, "page": first_page + n - 1})
            elif kind == "line":
                text, b = data
                c.setFont("Courier-Bold", size)
                c.drawString(left, y - 10, text)
        footer(n, total)
        c.showPage()
    c.save()
    return buf.getvalue(), total, placements
