"""Civil-registry certificates (Spanish originals drawn to look official) and their English translations."""

from __future__ import annotations

import math
from typing import Sequence

from reportlab.lib.units import mm

from .common import (wrap_words, A4, LETTER, S, Paragraph, Spacer, Table, TableStyle, build_doc, colors, draw_mark,
                     draw_signature, esc, inch, new_canvas, rng)


def _border(c, W, H, color, seed):
    r = rng("border", seed)
    c.saveState()
    c.setStrokeColor(colors.HexColor(color))
    c.setLineWidth(2)
    c.rect(10 * mm, 10 * mm, W - 20 * mm, H - 20 * mm)
    c.setLineWidth(0.5)
    c.rect(12 * mm, 12 * mm, W - 24 * mm, H - 24 * mm)
    c.setLineWidth(0.3)
    c.setStrokeAlpha(0.55)
    # wave band between the two frames
    for side in range(4):
        path = c.beginPath()
        n = 160
        for i in range(n + 1):
            t = i / n
            a = 1.2 * mm * math.sin(t * 2 * math.pi * (40 if side % 2 == 0 else 56))
            if side == 0:
                x, y = 10 * mm + t * (W - 20 * mm), 11 * mm + a
            elif side == 1:
                x, y = W - 11 * mm + a, 10 * mm + t * (H - 20 * mm)
            elif side == 2:
                x, y = 10 * mm + t * (W - 20 * mm), H - 11 * mm + a
            else:
                x, y = 11 * mm + a, 10 * mm + t * (H - 20 * mm)
            path.moveTo(x, y) if i == 0 else path.lineTo(x, y)
        c.drawPath(path, stroke=1, fill=0)
    # faint background rosettes
    c.setStrokeAlpha(0.08)
    cx, cy = W / 2, H / 2
    for k in range(48):
        a = 2 * math.pi * k / 48
        c.circle(cx + 28 * mm * math.cos(a), cy + 28 * mm * math.sin(a), 45 * mm, stroke=1, fill=0)
    c.restoreState()


def _emblem(c, cx, cy, rad, color):
    """A generic national emblem: a shield in a wreath (not any country's real arms)."""
    c.saveState()
    col = colors.HexColor(color)
    c.setStrokeColor(col)
    c.setFillColor(col)
    c.setLineWidth(0.8)
    for side in (-1, 1):
        for k in range(7):
            a = math.radians(115 + k * 22) if side < 0 else math.radians(65 - k * 22)
            x = cx + rad * 0.95 * math.cos(a)
            y = cy + rad * 0.95 * math.sin(a)
            c.ellipse(x - rad * 0.12, y - rad * 0.06, x + rad * 0.12, y + rad * 0.06, stroke=1, fill=0)
    p = c.beginPath()
    p.moveTo(cx - rad * 0.55, cy + rad * 0.55)
    p.lineTo(cx + rad * 0.55, cy + rad * 0.55)
    p.lineTo(cx + rad * 0.55, cy - rad * 0.05)
    p.curveTo(cx + rad * 0.5, cy - rad * 0.5, cx + rad * 0.1, cy - rad * 0.7, cx, cy - rad * 0.8)
    p.curveTo(cx - rad * 0.1, cy - rad * 0.7, cx - rad * 0.5, cy - rad * 0.5, cx - rad * 0.55, cy - rad * 0.05)
    p.close()
    c.drawPath(p, stroke=1, fill=0)
    c.setLineWidth(0.5)
    for k in range(3):
        y = cy + rad * (0.35 - k * 0.3)
        c.line(cx - rad * 0.45, y, cx + rad * 0.45, y)
    c.circle(cx, cy + rad * 0.05, rad * 0.12, stroke=1, fill=1)
    c.restoreState()


def _seal(c, cx, cy, rad, color, ring_text: str):
    c.saveState()
    c.setStrokeColor(colors.HexColor(color))
    c.setFillColor(colors.HexColor(color))
    c.setStrokeAlpha(0.75)
    c.setFillAlpha(0.75)
    c.setLineWidth(1.1)
    c.circle(cx, cy, rad, stroke=1, fill=0)
    c.circle(cx, cy, rad * 0.72, stroke=1, fill=0)
    c.setFont("Helvetica-Bold", rad * 0.16)
    n = len(ring_text)
    for i, ch in enumerate(ring_text):
        a = math.pi / 2 + math.pi * 0.9 - (i + 0.5) * (1.8 * math.pi / n)
        c.saveState()
        c.translate(cx + rad * 0.83 * math.cos(a), cy + rad * 0.83 * math.sin(a))
        c.rotate(math.degrees(a) - 90)
        c.drawCentredString(0, -rad * 0.05, ch)
        c.restoreState()
    _emblem(c, cx, cy, rad * 0.55, color)
    c.restoreState()


def _fake_qr(c, x, y, size, seed):
    r = rng("qr", seed)
    n = 25
    cell = size / n
    c.saveState()
    c.setFillColor(colors.black)
    for i in range(n):
        for j in range(n):
            finder = any(i0 <= i < i0 + 7 and j0 <= j < j0 + 7 for i0, j0 in ((0, 0), (0, n - 7), (n - 7, 0)))
            if finder:
                ii, jj = (i % (n - 7)) if i >= n - 7 else i, (j % (n - 7)) if j >= n - 7 else j
                on = ii in (0, 6) or jj in (0, 6) or (2 <= ii <= 4 and 2 <= jj <= 4)
            else:
                on = r.random() < 0.48
            if on:
                c.rect(x + j * cell, y + (n - 1 - i) * cell, cell, cell, stroke=0, fill=1)
    c.restoreState()


def certificate_es(path, cert: dict, pagesize=A4) -> None:
    """An official-looking Spanish civil-registry certificate drawn on one page."""
    W, H = pagesize
    c = new_canvas(path, pagesize, title=cert["title"], author=cert["header"][1])
    color = cert.get("color", "#1d3f72")
    _border(c, W, H, color, cert["code"])
    _emblem(c, W / 2, H - 32 * mm, 11 * mm, color)
    y = H - 50 * mm
    c.setFillColor(colors.HexColor(color))
    for i, line in enumerate(cert["header"]):
        c.setFont("Times-Bold" if i < 2 else "Times-Roman", 12.5 if i == 0 else 10.5)
        c.drawCentredString(W / 2, y, line)
        y -= 5.2 * mm
    y -= 3 * mm
    c.setFont("Helvetica-Bold", 14)
    c.setFillColor(colors.HexColor("#111111"))
    c.drawCentredString(W / 2, y, cert["title"])
    y -= 8 * mm
    # registration references
    left, right = 22 * mm, W - 22 * mm
    c.setFont("Helvetica", 8.5)
    colw = (right - left) / len(cert["reg"])
    for i, (k, v) in enumerate(cert["reg"]):
        c.setFont("Helvetica", 7.5)
        c.drawString(left + i * colw, y, k)
        c.setFont("Courier-Bold", 10)
        c.drawString(left + i * colw, y - 4.5 * mm, v)
    y -= 10 * mm
    for title, fields in cert["sections"]:
        c.setFillColor(colors.HexColor(color))
        c.rect(left, y - 1.6 * mm, right - left, 5.6 * mm, stroke=0, fill=1)
        c.setFillColor(colors.white)
        c.setFont("Helvetica-Bold", 9)
        c.drawString(left + 2 * mm, y, title)
        y -= 7.5 * mm
        c.setFillColor(colors.HexColor("#111111"))
        for k, v in fields:
            c.setFont("Helvetica", 8.5)
            c.drawString(left + 2 * mm, y, k + ":")
            c.setFont("Courier-Bold", 10)
            c.drawString(left + 62 * mm, y, v)
            c.setStrokeColor(colors.HexColor("#bbbbbb"))
            c.setLineWidth(0.3)
            c.setDash(1, 1.5)
            c.line(left + 62 * mm, y - 1.3 * mm, right, y - 1.3 * mm)
            c.setDash()
            y -= 6.2 * mm
        y -= 2.5 * mm
    c.setFont("Helvetica-Bold", 8.5)
    c.drawString(left, y, cert["notes_title"])
    y -= 5 * mm
    c.setFont("Times-Roman", 10)
    for line in wrap_words(c, cert["notes"], "Times-Roman", 10, right - left):
        c.drawString(left, y, line)
        y -= 4.6 * mm
    y -= 3 * mm
    for line in wrap_words(c, cert["closing"], "Times-Roman", 10, right - left):
        c.drawString(left, y, line)
        y -= 4.6 * mm
    # signature, seal, QR, verification code
    y -= 22 * mm
    draw_signature(c, cert["registrar"][0], W / 2 - 28 * mm, y + 4 * mm, 56 * mm, 14 * mm)
    c.setStrokeColor(colors.black)
    c.setLineWidth(0.5)
    c.line(W / 2 - 35 * mm, y + 3 * mm, W / 2 + 35 * mm, y + 3 * mm)
    c.setFont("Times-Bold", 10)
    c.drawCentredString(W / 2, y - 1 * mm, cert["registrar"][0])
    c.setFont("Times-Roman", 9.5)
    c.drawCentredString(W / 2, y - 5.5 * mm, cert["registrar"][1])
    _seal(c, W / 2 + 48 * mm, y + 8 * mm, 15 * mm, "#5a2d82", cert["seal_text"])
    _fake_qr(c, left, 17 * mm, 22 * mm, cert["code"])
    c.setFont("Helvetica", 7)
    c.drawString(left + 25 * mm, 30 * mm, cert["code"])
    c.drawString(left + 25 * mm, 26 * mm, cert["verify"])
    c.drawString(left + 25 * mm, 22 * mm, cert.get("fee", ""))
    draw_mark(c, W, H)
    c.showPage()
    c.save()


def translation_en(path, cert: dict, translator_note: str) -> None:
    """The English translation: same structure, plain layout, bracketed descriptions of seals and signatures."""
    story: list = [Paragraph(f"<i>{esc(translator_note)}</i>", S["small"]), Spacer(1, 8),
                   Paragraph("[Coat of arms]", S["center"])]
    story += [Paragraph(f"<b>{esc(h)}</b>" if i < 2 else esc(h), S["center"]) for i, h in enumerate(cert["header"])]
    story += [Spacer(1, 6), Paragraph(f"<b>{esc(cert['title'])}</b>", S["h1"]), Spacer(1, 4)]
    reg = Table([[Paragraph(f"<font size=7.5>{esc(k)}</font><br/><b>{esc(v)}</b>", S["cell"]) for k, v in cert["reg"]]])
    reg.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.5, colors.grey),
                             ("INNERGRID", (0, 0), (-1, -1), 0.3, colors.lightgrey)]))
    story += [reg, Spacer(1, 8)]
    for title, fields in cert["sections"]:
        rows = [[Paragraph(f"<b>{esc(title)}</b>", S["cellB"]), ""]] + \
               [[Paragraph(esc(k), S["cell"]), Paragraph(f"<b>{esc(v)}</b>", S["cell"])] for k, v in fields]
        t = Table(rows, colWidths=[2.4 * inch, 4.2 * inch])
        t.setStyle(TableStyle([("SPAN", (0, 0), (1, 0)), ("BACKGROUND", (0, 0), (1, 0), colors.HexColor("#e4e9f0")),
                               ("BOX", (0, 0), (-1, -1), 0.5, colors.grey),
                               ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey)]))
        story += [t, Spacer(1, 6)]
    story += [Paragraph(f"<b>{esc(cert['notes_title'])}</b> {esc(cert['notes'])}", S["bodyL"]),
              Paragraph(esc(cert["closing"]), S["body"]), Spacer(1, 4),
              Paragraph("[Illegible signature]", S["center"]),
              Paragraph(f"<b>{esc(cert['registrar'][0])}</b><br/>{esc(cert['registrar'][1])}", S["center"]),
              Paragraph(f"[Round seal: {esc(cert['seal_text'])}]", S["center"]), Spacer(1, 6),
              Paragraph(f"[QR code] {esc(cert['code'])} \u2014 {esc(cert['verify'])}"
                        + (f" \u2014 {esc(cert['fee'])}" if cert.get("fee") else ""), S["small"])]
    build_doc(path, story, pagesize=LETTER, title=f"Translation - {cert['title']}", author="translator")


def translated_certificate(out, stem: str, cert: dict, cert_en: dict, translator_note: str, pagesize=A4) -> None:
    """A Spanish certificate (``<stem>-es.pdf``) and its English translation (``<stem>-en.pdf``)."""
    certificate_es(out / f"{stem}-es.pdf", cert, pagesize=pagesize)
    translation_en(out / f"{stem}-en.pdf", cert_en, translator_note)
