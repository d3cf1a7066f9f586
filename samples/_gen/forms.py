"""Structured documents: declarations, visa refusal sheets, cost estimates."""

from __future__ import annotations

import datetime as dt
import math
from typing import Sequence

from .common import (wrap_words, LETTER, S, TA_CENTER, TA_RIGHT, KeepTogether, Letterhead, NextPageTemplate, PageBreak, Paragraph,
                     Spacer, Table, TableStyle, build_doc, colors, draw_signature, esc, inch, landscape,
                     long_date, money, signature_block)
from reportlab.lib.styles import ParagraphStyle


# --------------------------------------------------------------------------- declaration

def declaration(path, title: str, declarant: str, intro: str, paras: Sequence[str], place: str, date: dt.date,
                declarant_lines: Sequence[str] = (), attachment: Sequence = ()) -> None:
    """A sworn declaration under 28 U.S.C. 1746 with numbered paragraphs; ``attachment`` (flowables) follows on a
    page of its own (a copy of the declarant's ID)."""
    story: list = [Paragraph(esc(title).upper(), S["h1"]), Spacer(1, 8), Paragraph(intro, S["decl"])]
    numbered = [Paragraph(f"{i}.\u00a0\u00a0\u00a0{p}", S["declnum"]) for i, p in enumerate(paras, 1)]
    story += numbered[:-1]
    # the attestation stays on the page of the signature, with the last paragraph: never a signature page alone
    story.append(KeepTogether([
        *numbered[-1:], Spacer(1, 6),
        Paragraph("I declare under penalty of perjury under the laws of the United States of America "
                  "that the foregoing is true and correct.", S["decl"]),
        Paragraph(f"Executed on {long_date(date)}, at {esc(place)}.", S["decl"]),
        # the signature block's own KeepTogether is unwrapped: a KeepTogether inside another never fits (its wrap
        # reports an endless height), which put every attestation on a page of its own
        *signature_block(declarant, declarant_lines, closing="")[0]._content]))
    if attachment:
        story += [PageBreak(), *attachment]

    def running(c, doc):
        c.saveState()
        c.setFont("Times-Italic", 8.5)
        c.setFillColor(colors.HexColor("#555555"))
        c.drawString(0.9 * inch, 0.5 * inch, f"{title}")
        c.drawRightString(c._pagesize[0] - 0.9 * inch, 0.5 * inch, f"Page {doc.page}")
        c.restoreState()

    build_doc(path, story, title=title, author=declarant, on_page=running,
              margins=(1.0 * inch, 1.0 * inch, 0.95 * inch, 0.9 * inch))


# --------------------------------------------------------------------------- visa refusal sheet (for photos)

def draw_refusal(c, W, H, post: str, post_address: str, date: dt.date, surname: str, given: str,
                 passport: str, barcode: str, seed: str) -> None:
    """A consular 214(b) refusal sheet as handed out at the interview window (paraphrased, fictional)."""
    c.setFillColor(colors.white)
    c.rect(0, 0, W, H, stroke=0, fill=1)
    left = 0.8 * inch
    # seal
    cx, cy, r = W / 2, H - 0.9 * inch, 0.38 * inch
    c.setStrokeColor(colors.HexColor("#1d3262"))
    c.setFillColor(colors.HexColor("#1d3262"))
    c.setLineWidth(1.4)
    c.circle(cx, cy, r, stroke=1, fill=0)
    c.circle(cx, cy, r * 0.78, stroke=1, fill=0)
    for k in range(13):
        a = math.pi / 2 + 2 * math.pi * k / 13
        c.circle(cx + r * 0.5 * math.cos(a), cy + r * 0.5 * math.sin(a), r * 0.06, stroke=0, fill=1)
    c.setFont("Times-Bold", 13)
    c.drawCentredString(W / 2, H - 1.52 * inch, "Embassy of the United States of America")
    c.setFont("Times-Roman", 10.5)
    c.drawCentredString(W / 2, H - 1.72 * inch, f"{post} \u2014 Consular Section")
    c.setFont("Times-Roman", 8.5)
    c.drawCentredString(W / 2, H - 1.88 * inch, post_address)
    y = H - 2.35 * inch
    c.setFont("Helvetica", 9)
    rows = [("Date:", long_date(date)), ("Name:", f"{surname.upper()}, {given.upper()}"),
            ("Passport number:", passport), ("Application ID:", barcode)]
    for k, v in rows:
        c.drawString(left, y, k)
        c.setFont("Helvetica-Bold", 9)
        c.drawString(left + 1.25 * inch, y, v)
        c.setFont("Helvetica", 9)
        y -= 0.2 * inch
    # barcode
    bx = W - left - 2.0 * inch
    r_ = __import__("random").Random(barcode)
    x = bx
    while x < W - left:
        wdt = r_.choice((0.6, 0.6, 1.2, 1.8))
        c.rect(x, H - 2.55 * inch, wdt, 0.35 * inch, stroke=0, fill=1)
        x += wdt + r_.choice((0.6, 1.2, 1.2, 1.8))
    c.setFont("Courier", 7)
    c.drawCentredString(bx + 1.0 * inch, H - 2.68 * inch, barcode)
    y -= 0.15 * inch
    text = [
        ("Helvetica-Bold", "Dear Visa Applicant:"),
        ("Helvetica", "After careful review of your application, a consular officer has determined that you are not "
                      "eligible for a nonimmigrant visa at this time. This decision was made under the section of the "
                      "Immigration and Nationality Act (INA) marked below."),
        ("Helvetica-Bold", "[X]  Section 214(b) of the INA"),
        ("Helvetica", "Under U.S. law, every applicant for a visitor visa is presumed to intend to immigrate until he "
                      "or she shows the consular officer otherwise. To overcome this presumption you must demonstrate "
                      "that the purpose of your trip matches the visa category requested and that your ties to your "
                      "home country (family, employment, property and other social and economic ties) will make you "
                      "return at the end of a temporary stay. You did not establish this to the officer's "
                      "satisfaction today."),
        ("Helvetica", "[  ]  Section 221(g) of the INA \u2014 additional documents or administrative processing required."),
        ("Helvetica", "This decision cannot be appealed. You may apply again at any time; a new application requires a "
                      "new DS-160 form and payment of a new, non-refundable application fee. Please reapply only if "
                      "your circumstances have changed significantly or you have new information to present."),
        ("Helvetica", "Thank you for your interest in travelling to the United States."),
    ]
    c.setFillColor(colors.HexColor("#111111"))
    width = W - 2 * left
    for font, para in text:
        c.setFont(font, 9.3)
        for line in wrap_words(c, para, font, 9.3, width):
            c.drawString(left, y, line)
            y -= 0.165 * inch
        y -= 0.1 * inch
    y -= 0.7 * inch
    c.setFont("Helvetica", 8.5)
    c.drawString(left, y, "Consular Officer")
    c.drawString(left + 3.2 * inch, y, "Officer ID:  C-1742")
    c.setLineWidth(0.5)
    c.line(left, y + 0.15 * inch, left + 2.4 * inch, y + 0.15 * inch)
    draw_signature(c, "J. Whitfield", left + 0.1 * inch, y + 0.1 * inch, 1.7 * inch, 0.4 * inch)
    # stamp
    c.saveState()
    c.translate(W - left - 1.1 * inch, y + 0.25 * inch)
    c.rotate(9)
    c.setStrokeColor(colors.HexColor("#7d2a6e"))
    c.setFillColor(colors.HexColor("#7d2a6e"))
    c.setLineWidth(1.5)
    c.roundRect(-0.95 * inch, -0.32 * inch, 1.9 * inch, 0.64 * inch, 6, stroke=1, fill=0)
    c.setFont("Helvetica-Bold", 11)
    c.drawCentredString(0, 0.05 * inch, "REFUSED 214(b)")
    c.setFont("Helvetica", 8)
    c.drawCentredString(0, -0.18 * inch, date.strftime("%d %b %Y").upper())
    c.restoreState()
    c.setFont("Helvetica", 6.5)
    c.setFillColor(colors.HexColor("#666666"))
    c.drawCentredString(W / 2, 0.5 * inch, "For information on reapplying, visit the embassy's visa information "
                                           "page. Keep this sheet for your records.")


# --------------------------------------------------------------------------- hospital cost estimate

def cost_estimate(path, lh: Letterhead, date: dt.date, patient: str, dob: dt.date, mrn: str, procedure: str,
                  items: Sequence[tuple[str, str, str, int, float]], charity_pct: int, intro: Sequence[str],
                  signer: str, signer_lines: Sequence[str], notes: Sequence[str]) -> None:
    """Page 1: summary and charity-care approval (portrait). Page 2: itemized estimate (landscape).

    ``items``: (code, description, category, units, unit charge).
    """
    total = sum(u * p for *_, u, p in items)
    charity = round(total * charity_pct / 100, 2)
    due = total - charity
    story: list = [Paragraph(long_date(date), S["bodyL"]), Spacer(1, 4),
                   Paragraph("<b>ESTIMATE OF CHARGES AND FINANCIAL ASSISTANCE DETERMINATION</b>", S["bodyL"])]
    info = [["Patient", patient, "Date of birth", dob.strftime("%m/%d/%Y")],
            ["Medical record no.", mrn, "Estimate no.", f"EST-{date:%Y%m%d}-{mrn[-4:]}"],
            ["Planned service", procedure, "", ""]]
    t = Table([[Paragraph(esc(str(x)), S["cellB"] if i % 2 == 0 else S["cell"]) for i, x in enumerate(row)]
               for row in info], colWidths=[1.25 * inch, 2.45 * inch, 1.0 * inch, 2.0 * inch])
    t.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.6, colors.grey),
                           ("INNERGRID", (0, 0), (-1, -1), 0.3, colors.lightgrey),
                           ("SPAN", (1, 2), (3, 2)),
                           ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#eef2f7")),
                           ("BACKGROUND", (2, 0), (2, 1), colors.HexColor("#eef2f7"))]))
    story += [t, Spacer(1, 10)]
    story += [Paragraph(p, S["body"]) for p in intro]
    summary = [["", "Amount"],
               ["Estimated total charges (itemized on page 2)", money(total)],
               [f"Financial assistance (charity care) approved: {charity_pct}%", money(-charity)],
               ["Estimated patient responsibility", money(due)]]
    t2 = Table(summary, colWidths=[4.4 * inch, 1.6 * inch])
    t2.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), "Helvetica", 9.5),
                            ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 9.5),
                            ("FONT", (0, -1), (-1, -1), "Helvetica-Bold", 9.5),
                            ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                            ("LINEABOVE", (0, -1), (-1, -1), 1, colors.black),
                            ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.grey),
                            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f7")),
                            ("BOX", (0, 0), (-1, -1), 0.6, colors.grey)]))
    story += [Spacer(1, 4), t2, Spacer(1, 10)]
    story += [Paragraph(p, S["body"]) for p in notes]
    story += signature_block(signer, signer_lines)
    # page 2, landscape
    story += [NextPageTemplate("wide"), PageBreak(),
              Paragraph(f"<b>Itemized estimate \u2014 {esc(patient)} \u2014 MRN {esc(mrn)}</b>", S["bodyL"]),
              Paragraph("Charges are estimates based on the planned course of care and the hospital's chargemaster "
                        "in effect on the date of this estimate. Actual charges may vary with the clinical course.",
                        S["small"]), Spacer(1, 6)]
    head = ["Code", "Description", "Category", "Units", "Unit charge", "Estimated charge"]
    rows = [head] + [[code, Paragraph(esc(desc), S["cell"]), cat, str(u), money(p), money(u * p)]
                     for code, desc, cat, u, p in items]
    rows += [["", "Estimated total charges", "", "", "", money(total)],
             ["", f"Less financial assistance ({charity_pct}%)", "", "", "", money(-charity)],
             ["", "Estimated patient responsibility", "", "", "", money(due)]]
    n = len(items)
    t3 = Table(rows, colWidths=[0.8 * inch, 4.1 * inch, 1.5 * inch, 0.6 * inch, 1.1 * inch, 1.3 * inch],
               repeatRows=1)
    t3.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), "Helvetica", 8.2),
                            ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8.2),
                            ("FONT", (0, n + 1), (-1, -1), "Helvetica-Bold", 8.2),
                            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dfe7f1")),
                            ("ROWBACKGROUNDS", (0, 1), (-1, n), [colors.white, colors.HexColor("#f5f7fa")]),
                            ("ALIGN", (3, 0), (-1, -1), "RIGHT"),
                            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                            ("LINEABOVE", (0, n + 1), (-1, n + 1), 1, colors.black),
                            ("BOX", (0, 0), (-1, -1), 0.6, colors.grey),
                            ("INNERGRID", (0, 0), (-1, n), 0.25, colors.HexColor("#cccccc"))]))
    story.append(t3)
    build_doc(path, story, letterhead=lh, title=f"Estimate of charges - {patient}", author=lh.name,
              later_pagesizes={"wide": landscape(LETTER)})
