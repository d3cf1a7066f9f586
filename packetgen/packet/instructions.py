"""Filing instructions: a separate PDF for the person who prints, signs and mails the packet.

It is not part of the submission.  It says who signs where (form, page, part, item and packet page), what to
pay and how, how to print and assemble, where to mail (USPS or courier), and what to keep.  Every fact it
uses comes from ``data/rules.json`` and is listed at the end with its date and source.
"""

from __future__ import annotations

import datetime as dt
import io

from packetgen.layout import LETTER, STAMP_BAND
from packetgen.facts import load_rules, rule
from packetgen.letter.render import FONT_BODY, FONT_BOLD, FONT_ITALIC, escape_markup, font_markup, register_fonts
from packetgen.wording import long_date, money

__all__ = ["render_filing_instructions"]


def _who(case, who: str, today: dt.date) -> str:
    w = (who or "").strip()
    key = w.lower()
    if key in ("petitioner", "applicant"):
        return f"{case.petitioner.name.full} (petitioner)"
    for s in case.supporters:
        if key in (s.id, f"supporter:{s.id}"):
            return f"{s.name.full} (supporter)"
    if key in ("supporter",) and case.supporters:
        return " / ".join(s.name.full for s in case.supporters) + " (supporter)"
    for b in case.beneficiaries:
        if key in (b.id, f"beneficiary:{b.id}"):
            if b.age_on(today) < rule("signatures.parent_signs_under_age"):
                return f"a parent or legal guardian of {b.name.full} (under 14)"
            return f"{b.name.full} (beneficiary)"
    if key == "interpreter" and case.interpreter:
        return f"{case.interpreter.name.full} (interpreter)"
    if key == "preparer" and case.preparer:
        return f"{case.preparer.name.full} (preparer)"
    if key == "attorney" and case.attorney:
        return f"{case.attorney.name.full} (attorney)"
    return w or "—"


def _where(sig: dict, several: bool) -> str:
    page = sig.get("packet_page")
    if not several:
        return str(page or "")
    return f"set {sig.get('set')}" + (f", p. {page}" if page else "")


def _tick_box():
    """An empty square to tick when the page is signed (drawn: the body font has no ballot-box glyph)."""
    from reportlab.platypus import Flowable

    class _Box(Flowable):
        def wrap(self, aw, ah):
            return 9, 10

        def draw(self):
            self.canv.setLineWidth(0.7)
            self.canv.rect(0, 0, 8, 8)

    return _Box()


def _set_who(case, ids) -> str:
    names = [b.name.full for b in case.beneficiaries if b.id in ids]
    return ", ".join(names) if names else "—"


def render_filing_instructions(case, signatures: list[dict], *, today: dt.date, sets: list[dict] | None = None,
                               not_for_filing: str = "") -> bytes:
    """The filing instructions as PDF bytes (deterministic: fixed dates from ``today``, ``invariant=1``).

    ``sets``: one dict per set file (number, file, beneficiaries, pages, forms), in mailing order; each
    signature dict may name its ``set`` and ``file``.
    """
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_LEFT
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    # The Latin family only (Noto Serif, 4 faces): font_markup loads Arabic or CJK if a name needs them.
    # Alone in a fresh process the first call took 0.14-0.26 s CPU when all 7 bundled faces were parsed,
    # 0.07-0.13 s now; after the cover letter (a build) the fonts are already registered: 0.03-0.05 s.
    register_fonts()
    facts = load_rules()
    P = lambda text, style: Paragraph(font_markup(text), style)  # noqa: E731
    e = escape_markup

    base = ParagraphStyle("b", fontName=FONT_BODY, fontSize=10, leading=13.5, alignment=TA_LEFT, spaceAfter=5,
                          bulletFontName=FONT_BODY)
    h1 = ParagraphStyle("h1", parent=base, fontName=FONT_BOLD, fontSize=15, leading=19, spaceAfter=2)
    sub = ParagraphStyle("sub", parent=base, fontName=FONT_ITALIC, fontSize=9.5, textColor=colors.HexColor("#444444"))
    h2 = ParagraphStyle("h2", parent=base, fontName=FONT_BOLD, fontSize=12, leading=15, spaceBefore=10, spaceAfter=4,
                        keepWithNext=1)
    li = ParagraphStyle("li", parent=base, leftIndent=16, bulletIndent=3, spaceAfter=3)
    cell = ParagraphStyle("cell", parent=base, fontSize=8.8, leading=11, spaceAfter=0)
    head = ParagraphStyle("head", parent=cell, fontName=FONT_BOLD, textColor=colors.white)
    small = ParagraphStyle("small", parent=base, fontSize=7.8, leading=9.8, spaceAfter=2,
                           textColor=colors.HexColor("#333333"))
    warn = ParagraphStyle("warn", parent=base, fontName=FONT_BOLD, textColor=colors.HexColor("#a00000"))
    width = LETTER[0] - 2 * 60 - 12

    def bullet(text):
        return Paragraph(font_markup(text), li, bulletText="•")

    n = len(case.beneficiaries)
    pay = case.filing.payment
    fee = rule("fees.i131_paper")
    names = ", ".join(b.name.full for b in case.beneficiaries)
    story = [
        P("Filing instructions", h1),
        P(e(f"{case.case_name}: humanitarian parole request (Form I-131, Part 1, Item 7) for {names}. "
            f"Prepared {long_date(today)}."), sub),
        P("<b>Not part of the submission.</b> Do not mail these pages. Keep them with your copy of the packet.", base),
    ]
    if not_for_filing:     # the build's filing state (packet.preflight), as on the preview page
        story.append(P(e(f"{not_for_filing}. Do not mail this packet: fix what is named (packetgen check lists it) "
                         "and build again."), warn))
    if case.letter.draft:
        story.append(P("The packet was built as a DRAFT: it is not for filing until an attorney has reviewed it and "
                       "it is rebuilt without --draft.", warn))

    # 1. Signatures
    story.append(P("1. Sign by hand, in black ink", h2))
    story.append(P("Print the packet first, then sign the printed pages. Typed, stamped, pasted or auto-pen "
                   "signatures are rejected, and a missing signature means the whole request is returned.", base))
    sets = list(sets or [])
    several = len(sets) > 1
    rows = [[P(h, head) for h in ("", "Who signs", "Form", "Form page", "Part", "Item",
                                   "Set, page" if several else "Packet page")]]
    sigs = list(signatures or [])
    if not any(str(s.get("form", "")).lower().startswith("cover") for s in sigs):
        for st in sets or [{"number": None}]:
            sigs.append({"form": "Cover letter", "title": "signature line", "page": None, "part": None, "item": None,
                         "who": case.letter.signer or "petitioner", "packet_page": None, "set": st["number"]})
    for s in sigs:
        form = str(s.get("form", ""))
        title = s.get("title")
        form_text = e(form) + (f"<br/><font size=\"7.5\">{e(title)}</font>" if title and title != form else "")
        who = s.get("who", "")
        who_text = _who(case, who, today)
        rows.append([_tick_box(), P(e(who_text), cell), P(form_text, cell),
                     P(e(str(s.get("page") or "")), cell), P(e(str(s.get("part") or "")), cell),
                     P(e(str(s.get("item") or "")), cell), P(e(_where(s, several)), cell)])
    t = Table(rows, colWidths=[16, 150, 138, 46, 34, 34, width - 418], repeatRows=1)
    t.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#3d3d3d")),
                           ("VALIGN", (0, 0), (-1, -1), "TOP"),
                           ("LINEBELOW", (0, 1), (-1, -1), 0.4, colors.HexColor("#9a9a9a")),
                           ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4)]))
    story.append(t)
    story.append(Spacer(1, 4))
    extra = []
    if pay in ("G-1450", "G-1650"):
        extra.append(f"Each Form {pay} ({n}) is signed by the card holder or account holder.")
    for b in case.beneficiaries:
        if b.age_on(today) < rule("signatures.parent_signs_under_age"):
            extra.append(e(f"{b.name.full} is under 14: wherever the beneficiary must sign, a parent or legal "
                           f"guardian signs instead."))
    if case.interpreter:
        extra.append(e(f"The interpreter, {case.interpreter.name.full}, signs Form I-131 Part 11."))
    if case.preparer:
        extra.append(e(f"The preparer, {case.preparer.name.full}, signs Form I-131 Part 12."))
    if case.attorney and case.attorney.g28:
        extra.append(e(f"The attorney, {case.attorney.name.full}, and the petitioner sign Form G-28."))
    extra.append("Date each signature with the day you sign (not a future date).")
    story += [bullet(x) for x in extra]

    # 2. Payment
    story.append(P("2. Pay the filing fee", h2))
    if pay in ("G-1450", "G-1650"):
        how = ("Form G-1450, Authorization for Credit Card Transactions (a credit, debit or prepaid card issued by a "
               "U.S. bank; foreign cards are refused)") if pay == "G-1450" else \
              "Form G-1650, Authorization for ACH Transactions (a checking or savings account at a U.S. bank)"
        story.append(P(e(f"Fee: {money(fee)} per Form I-131 (paper filing), one payment for each beneficiary: "
                         f"{n} × {money(fee)} = {money(fee * n)}. Form I-134 has no fee."), base))
        story += [bullet(e(f"Pay with {how}.")),
                  bullet(e(f"Use one Form {pay} for each Form I-131, for exactly {money(fee)}, and put it ON TOP of "
                           f"that beneficiary's set.")),
                  bullet("Make sure the card or account can cover the amount: a declined payment means a rejected "
                         "filing.")]
    elif pay in ("check", "money_order"):
        story.append(P(e(f"USCIS has rejected checks and money orders since "
                         f"{long_date(dt.date.fromisoformat(rule('payment.checks_rejected_from')))}. Do not mail a "
                         f"{pay.replace('_', ' ')}: pay {money(fee)} per Form I-131 with Form G-1450 (card) or Form "
                         f"G-1650 (ACH debit) on top of each set, and change filing.payment in the case file."), warn))
    elif pay == "fee_waiver":
        story.append(P(e("A fee waiver is requested: put a completed and signed Form I-912 with its evidence on top "
                         "of each set. A fee waiver request can only be filed on paper."), base))
    else:
        story.append(P("No filing fee is paid (exempt). Make sure the letter explains the exemption and its evidence "
                       "is enclosed.", base))
    pf = facts["parole_fee.amount"]
    fex = case.request.parole_fee_exception
    since = f" from {pf['effective_from']}" if pf.get("effective_from") else ""
    story.append(bullet(e(f"Do not send the immigration parole fee (8 U.S.C. 1804; {money(pf['value'])}{since}, "
                          f"as of {pf['as_of']}, confidence {pf.get('confidence', '?')}: re-check it on uscis.gov) now: "
                          f"it is charged only if parole is granted."
                          + (" The cover letter asks for the exception under 8 U.S.C. 1804(b); "
                             f"{rule('parole_fee.carry_exception_evidence')}." if fex.claimed else ""))))

    # 3. Print and assemble
    story.append(P("3. Print and assemble", h2))
    if sets:
        story.append(P(e("Each file below is one stand-alone request, a separate physical stack: USCIS receipts "
                         "each Form I-131 with its own fee separately, so each stack carries its own letter, forms "
                         "and copies of every exhibit it cites."), base))
        srows = [[P(h, head) for h in ("Stack", "File", "For", "Pages", "On top")]]
        for st in sets:
            top = [f for f in st.get("forms", []) if f in ("G-1450", "G-1650")]
            if not top and pay in ("G-1450", "G-1650"):
                top = [f"{pay} (signed by the payer; printed separately)"]
            g1145 = "G-1145" in st.get("forms", [])
            on_top = (f"Form {top[0]}" if top else "the cover letter") + (", Form G-1145 clipped to it" if g1145 else "")
            srows.append([P(str(st["number"]), cell), P(e(st["file"]), cell),
                          P(e(_set_who(case, st.get("beneficiaries", []))), cell), P(str(st.get("pages", "")), cell),
                          P(e(on_top), cell)])
        stab = Table(srows, colWidths=[40, 124, 150, 40, width - 354], repeatRows=1)
        stab.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#3d3d3d")),
                                  ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                  ("LINEBELOW", (0, 1), (-1, -1), 0.4, colors.HexColor("#9a9a9a"))]))
        story += [stab, Spacer(1, 6)]
    story += [
        bullet("Print each packet PDF single-sided on plain 8.5 × 11 inch (US Letter) paper, all of the same "
               "weight, at 100% scale (\u201cactual size\u201d, not \u201cfit to page\u201d)."),
        bullet("Do not reorder, remove or add pages: the cover letter and exhibit index cite the page numbers "
               "stamped at the foot of each page."),
        bullet("No staples, tape or metal prongs. Hold each beneficiary's set together with a binder clip or paper "
               "clip; separate the sets with a clip or a rubber band. Do not highlight."),
        bullet(e("Order of each set: payment form on top, then Form G-1145 clipped to the first page, then the rest as "
                 "printed. Each packet PDF already starts with the payment form and the G-1145 when the case asks for "
                 "them (see 'On top' in the table above); a payment form that is not in the PDF is printed and "
                 "completed separately.")),
    ]
    if case.request.expedite.requested:
        story.append(bullet(e("Write EXPEDITE in black ink at the top right of page 1 of each Form I-131 (the cover "
                              "letter already says it and gives the reason).")))

    # 4. Mail
    story.append(P("4. Mail", h2))
    usps = rule("address.lockbox_usps")
    courier = rule("address.lockbox_courier")
    addr = Table([[P("<b>By U.S. Postal Service</b>", base), P("<b>By FedEx, UPS or DHL</b>", base)],
                  [P("<br/>".join(e(x) for x in usps), base), P("<br/>".join(e(x) for x in courier), base)]],
                 colWidths=[width / 2, width / 2])
    addr.setStyle(TableStyle([("BOX", (0, 1), (0, 1), 0.6, colors.black), ("BOX", (1, 1), (1, 1), 0.6, colors.black),
                              ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 8)]))
    story.append(KeepTogether([addr]))
    story.append(Spacer(1, 4))
    mail = ["Mail all the sets together in one envelope to the address above, with \u201cAttn: HP\u201d exactly as "
            "shown (the Dallas lockbox takes Part 1, Item 7 requests from every state). Whether USCIS links sets "
            "mailed separately is not confirmed, so keep them together."]
    if case.request.expedite.requested:
        mail.append("Mark the envelope \u201cEXPEDITE: Humanitarian parole, Form I-131\u201d.")
    mail.append("Use a trackable service and keep the receipt and tracking number.")
    story += [bullet(e(x)) for x in mail]

    # 5. Keep
    story.append(P("5. Keep", h2))
    story += [bullet(x) for x in (
        "A complete copy of everything you mail, including the signed pages (scan them after signing).",
        "The packet PDF and manifest.json from this build.",
        "Proof of mailing: the postal or courier receipt and the tracking number.",
        "The receipt notice (Form I-797C) when it comes; with Form G-1145, an e-mail or text arrives after "
        "acceptance. Biometrics for beneficiaries aged 14 to 79 are taken abroad when USCIS asks.")]

    # Facts used
    story.append(P("Facts used, with their dates and sources", h2))
    story.append(P("From packetgen/data/rules.json and any rules override ('packetgen rules' lists them). C = confirmed from a primary source, S = secondary, "
                   "U = unconfirmed. Re-check anything older than six months on uscis.gov before mailing.", small))
    for key in ("fees.i131_paper", "payment.accepted_methods", "payment.checks_rejected_from", "address.lockbox_usps",
                "address.lockbox_courier", "forms.i131.edition", "forms.i134.edition", "parole_fee.amount",
                "parole_fee.collected_by", "payment.g1651", "printing.single_sided", "printing.fasteners"):
        f = facts.get(key)
        if not f:
            continue
        v = f["value"]
        v = ", ".join(map(str, v)) if isinstance(v, list) else v
        origin = "" if f.get("file", "packetgen/data/rules.json") == "packetgen/data/rules.json" else \
            f" [from the rules override {f['file']}]"
        story.append(P(e(f"{key}: {v} (as of {f['as_of']}, {f.get('confidence', '?')}). {f['source']}{origin}"), small))

    buf = io.BytesIO()

    def footer(canv, doc):
        canv.saveState()
        canv.setFont(FONT_BODY, 8)
        canv.setFillColor(colors.HexColor("#555555"))
        canv.drawString(66, STAMP_BAND + 14, f"Filing instructions: not part of the submission · {case.case_name}")
        canv.drawRightString(LETTER[0] - 66, STAMP_BAND + 14, f"Page {doc.page}")
        canv.restoreState()

    doc = SimpleDocTemplate(buf, pagesize=LETTER, leftMargin=60, rightMargin=60, topMargin=54,
                            bottomMargin=STAMP_BAND + 36, invariant=1, title=f"Filing instructions: {case.case_name}",
                            author="packetgen", creator="packetgen")
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buf.getvalue()
