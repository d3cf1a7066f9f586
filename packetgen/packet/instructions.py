"""Filing instructions: a separate PDF for the person who prints, signs and mails the packet.

It is not part of the submission.  It says who signs where (form, page, part, item and packet page, in page
order: the forms' signature boxes, an additional-information page that carries answers, each translator's
certificate packetgen drew, the cover letter), what to pay and how, how to print and assemble, where to mail
(USPS or courier), and what to keep.  Every fact it uses comes from ``data/rules.json`` and is listed at the end
with its date and source; a fact is stated as firmly as its confidence (C plainly, S dated, U as what published
guidance shows, unconfirmed).
"""

from __future__ import annotations

import datetime as dt
import io

from packetgen.layout import LETTER, STAMP_BAND
from packetgen.facts import load_rules, rule
from packetgen.letter.render import FONT_BODY, FONT_BOLD, FONT_ITALIC, escape_markup, font_markup, register_fonts
from packetgen.wording import and_list, long_date, money

__all__ = ["render_filing_instructions"]


def _person(case, key: str):
    """The case's person a signature role names (petitioner, a supporter or beneficiary id, interpreter...)."""
    if "petitioner" in key or key in ("applicant", "client"):
        return case.petitioner, "petitioner"
    for s in case.supporters:
        if key in (s.id, f"supporter:{s.id}"):
            return s, "supporter"
    for b in case.beneficiaries:
        if key in (b.id, f"beneficiary:{b.id}"):
            return b, "beneficiary"
    for role in ("interpreter", "preparer", "attorney"):
        if key == role and getattr(case, role, None):
            return getattr(case, role), role
    return None, None


def _who(case, sig: dict, today: dt.date) -> str:
    """Who signs, by name: the role's person in the case file, else the name the form gives (the card holder),
    else the role. A beneficiary under 14 (also one who is the petitioner) is signed for by a parent."""
    who = str(sig.get("who") or "").strip()
    key = who.lower()
    person, role = _person(case, key)
    if person is None and key == "supporter" and case.supporters and not sig.get("name"):
        return " / ".join(s.name.full for s in case.supporters) + " (supporter)"
    if person is not None:
        ben = person if role == "beneficiary" else next(
            (b for b in case.beneficiaries if role == "petitioner" and b.id == getattr(person, "is_beneficiary", None)),
            None)
        if ben is not None and ben.age_on(today) < rule("signatures.parent_signs_under_age"):
            return f"a parent or legal guardian of {ben.name.full} (under 14)"
        return f"{person.name.full} ({role})"
    name = sig.get("name")
    if name:
        return f"{name} ({who})" if who else str(name)
    return who or "—"


def _where(sig: dict, several: bool) -> str:
    """The packet page (column 'Packet page'), or the set and page ('Set, page'); a span for the cover letter."""
    first, last = sig.get("packet_pages") or (sig.get("packet_page"), sig.get("packet_page"))
    if not first:
        where = ""
    elif last and last != first:
        where = f"pp. {first}\u2013{last}"
    else:
        where = f"p. {first}" if several else str(first)
    if not several:
        return where
    return f"set {sig.get('set')}" + (f", {where}" if where else "")


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


def _sheet_fact(form_id: str) -> str:
    """The rules fact that says whether a form's additional-information sheets are signed (forms.i131...)."""
    return f"forms.{form_id.lower().replace('-', '')}.additional_info_signed"


def other_signatures(case, forms, exhibits, page_map) -> list[dict]:
    """Signatures of one set that the field maps' signature lists do not name, with their packet pages:

    * a form's additional-information page (I-131 Part 13, I-134 Part 8) when it carries answers: the form asks
      for each sheet to be signed and dated (``forms.<form>.additional_info_signed``), and the page has no
      signature field; it is signed by whoever signs the form's continuation sheets;
    * each translator's certificate packetgen generates (``exhibits._generates_certificate``): a blank line for
      the translator's signature (8 CFR 103.2(b)(3)). A certificate file the user supplies is already signed.
    """
    from packetgen.errors import PacketgenError
    from packetgen.forms.fieldmap import load_formdef
    from packetgen.packet.exhibits import _generates_certificate

    out = []
    for f, span in zip(forms, page_map.forms):
        try:
            ov = load_formdef(f.form_id, f.edition).model.overflow
        except PacketgenError:
            continue
        if ov is None or not any(v.get("kind") == "overflow" and v.get("page") == ov.page for v in f.values):
            continue
        who = ov.continuation.who
        name = next((s.get("name") for s in f.signatures if s.get("who") == who), None)
        label = f"Part {ov.part}, " + ov.title.split(". ", 1)[-1]          # 'Part 13, Additional Information'
        out.append({"kind": "sheet", "form": f.form_id, "title": f.title, "page": ov.page, "part": ov.part,
                    "item": None, "who": who, "name": name, "packet_page": span.first + ov.page - 1,
                    "label": label, "note": f"{label}: sign and date the sheet",
                    "continued": any(str(s.get("item", "")).startswith("continuation sheet") for s in f.signatures)})
    pages = {ep.evidence_id: ep for ep in page_map.exhibits}
    for x in exhibits:
        ep = pages.get(x.evidence.id)
        if not _generates_certificate(x.evidence) or ep is None or ep.translation is None:
            continue
        tr = case.translator(x.evidence.translation.translator)
        out.append({"kind": "certificate", "form": "Certificate of translation",
                    "title": f"Exhibit {x.letter}: {x.evidence.title}", "page": None, "part": None, "item": None,
                    "who": "translator", "name": tr.name, "packet_page": ep.translation.last,
                    "note": "signature and date lines"})
    return out


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _stated(fact: dict, clause: str, confirm: str) -> str:
    """``clause`` as a sentence, as firm as the fact's confidence: C as a fact, S with its secondary sources' date,
    U as what published guidance shows, unconfirmed. ``confirm`` says what to check."""
    c = fact.get("confidence")
    if c == "C":
        return f"{_cap(clause)}."
    as_of = long_date(dt.date.fromisoformat(fact["as_of"]))
    if c == "S":
        return f"{_cap(clause)} (secondary sources, as of {as_of}: {confirm})."
    return f"As far as published guidance shows, {clause} (unconfirmed as of {as_of}: {confirm})."


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
    names = and_list(b.name.full for b in case.beneficiaries)
    basis = "public_benefit" if case.request.reason == "public_benefit" else "humanitarian"
    grounds = rule("parole.grounds")
    sets = list(sets or [])
    several = len(sets) > 1
    combined = len(sets) == 1 and n > 1          # --combined: every beneficiary in one PDF (for review)
    used = ["parole.grounds"]                    # facts stated in the text, listed at the end
    story = [
        P("Filing instructions", h1),
        P(e(f"{case.case_name}: request for {grounds[basis]} under INA 212(d)(5)(A) (Form I-131, "
            f"{rule('forms.i131.part_item')}) for {names}. Prepared {long_date(today)}."), sub),
        P("<b>Not part of the submission.</b> Do not mail these pages. Keep them with your copy of the packet.", base),
    ]
    if not_for_filing:     # the build's filing state (packet.preflight), as on the preview page
        story.append(P(e(f"{not_for_filing}. Do not mail this packet: fix what is named (packetgen check lists it) "
                         "and build again."), warn))
    if case.letter.draft:
        story.append(P("The packet was built as a DRAFT: it is not for filing until an attorney has reviewed it and "
                       "it is rebuilt without --draft.", warn))
    if combined:
        story.append(P(e("This packet was built with --combined, for review: it holds every beneficiary's request "
                         "in one PDF. USCIS receipts each Form I-131 separately, with its own fee: build again "
                         "without --combined for one stand-alone set per beneficiary before filing."), warn))

    # 1. Signatures
    story.append(P("1. Sign by hand, in black ink", h2))
    story.append(P(e(("Print the packets first" if several else "Print the packet first") +
                     ", then sign the printed pages, in the order of the table (packet page order). Typed, stamped, "
                     "pasted or auto-pen signatures are rejected, and a missing signature means the whole request is "
                     "returned."), base))
    rows = [[P(h, head) for h in ("", "Who signs", "Form or page", "Form page", "Part", "Item",
                                   "Set, page" if several else "Packet page")]]
    sigs = list(signatures or [])
    if not any(str(s.get("form", "")).lower().startswith("cover") for s in sigs):
        signer = case.letter.signer or case.petitioner.name.full
        who = "attorney" if case.attorney and signer == case.attorney.name.full else \
            "petitioner" if signer == case.petitioner.name.full else ""
        for st in sets or [{"number": None}]:
            at = st.get("letter_signature") or []
            sigs.append({"form": "Cover letter", "title": None, "page": None, "part": None, "item": None,
                         "who": who, "name": signer, "packet_page": at[-1] if at else None,
                         "packet_pages": None if at else st.get("letter"),
                         "set": st["number"], "note": "signature line at the end of the letter"})
    order = {st["number"]: i for i, st in enumerate(sets)}

    def page_key(s):
        first = (s.get("packet_pages") or (s.get("packet_page"),))[0]
        return order.get(s.get("set"), len(order)), first if first is not None else 10 ** 6

    sigs.sort(key=page_key)               # stable: a page's signatures keep the forms' order
    for s in sigs:
        form = str(s.get("form", ""))
        title = s.get("title")
        form_text = e(form) + (f"<br/><font size=\"7.5\">{e(title)}</font>" if title and title != form else "")
        if s.get("note"):
            form_text += f"<br/><font size=\"7.5\"><i>{e(s['note'])}</i></font>"
        rows.append([_tick_box(), P(e(_who(case, s, today)), cell), P(form_text, cell),
                     P(e(str(s.get("page") or "")), cell), P(e(str(s.get("part") or "")), cell),
                     P(e(str(s.get("item") or "")), cell), P(e(_where(s, several)), cell)])
    t = Table(rows, colWidths=[16, 136, 146, 36, 30, 34, width - 398], repeatRows=1)
    t.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#3d3d3d")),
                           ("VALIGN", (0, 0), (-1, -1), "TOP"),
                           ("LINEBELOW", (0, 1), (-1, -1), 0.4, colors.HexColor("#9a9a9a")),
                           ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4)]))
    story.append(t)
    story.append(Spacer(1, 4))
    extra = []
    for b in case.beneficiaries:
        if b.age_on(today) < rule("signatures.parent_signs_under_age") and any(
                _who(case, s, today).startswith(f"a parent or legal guardian of {b.name.full}") for s in sigs):
            extra.append(e(f"{b.name.full} is under 14: a parent or legal guardian signs for {b.name.given} where "
                           f"the table says so."))
    sheets = [s for s in sigs if s.get("kind") == "sheet"]
    for form in dict.fromkeys(s["form"] for s in sheets):
        mine = [s for s in sheets if s["form"] == form]
        where = and_list(_where(s, several) if several else f"p. {s['packet_page']}" for s in mine)
        what = f"Form {form} {mine[0]['label']} (form page {mine[0]['page']}; packet {where})"
        then = " Sign each continuation sheet that follows it too." if any(s.get("continued") for s in mine) else ""
        key = _sheet_fact(form)
        f = facts.get(key)
        if f is not None and f.get("confidence") == "C":
            used.append(key)
            extra.append(e(f"{what} carries answers that did not fit their boxes. The form says: "
                           f"\u201c{f['value']}\u201d Sign and date the page below its last row.{then}"))
        else:
            if f is not None:
                used.append(key)
            extra.append(e(f"{what} carries answers that did not fit their boxes. "
                           + (_stated(f, f["value"], "the official form's own wording was not checked; sign and "
                                      "date the sheet anyway: it costs nothing") if f is not None else
                              "Sign and date it as well, as USCIS additional-information sheets ask.") + then))
    certs = [s for s in sigs if s.get("kind") == "certificate"]
    if certs:
        translators = and_list(dict.fromkeys(str(s["name"]) for s in certs))
        extra.append(e(f"Each certificate of translation is signed and dated by the translator named on it "
                       f"({translators}), not by the petitioner: 8 CFR 103.2(b)(3) requires the translator's "
                       f"certification, and an unsigned certificate invites a request for evidence."))
    if len({_who(case, s, today) for s in sigs}) > 1:
        ink = facts["signatures.wet_ink_only"]
        used.append("signatures.wet_ink_only")
        extra.append(e(_stated(ink, "a signer who is not with you (abroad, or a translator elsewhere) signs the "
                                    "printed page in ink and sends it back; a scan or fax of the page signed in ink, "
                                    "printed in its place, is accepted", "re-check on uscis.gov")))
    extra.append("Date each signature with the day you sign (not a future date).")
    story += [bullet(x) for x in extra]

    # 2. Payment
    story.append(P("2. Pay the filing fee", h2))
    if pay in ("G-1450", "G-1650"):
        how = ("Form G-1450, Authorization for Credit Card Transactions (a credit, debit or prepaid card issued by a "
               "U.S. bank; foreign cards are refused)") if pay == "G-1450" else \
              "Form G-1650, Authorization for ACH Transactions (a checking or savings account at a U.S. bank)"
        if n == 1:
            story.append(P(e(f"Fee: {money(fee)} for the Form I-131 (paper filing). Form I-134 has no fee."), base))
        else:
            story.append(P(e(f"Fee: {money(fee)} per Form I-131 (paper filing), one payment for each beneficiary: "
                             f"{n} × {money(fee)} = {money(fee * n)}. Form I-134 has no fee."), base))
        story += [bullet(e(f"Pay with {how}.")),
                  bullet(e(f"Use one Form {pay} for each Form I-131, for exactly {money(fee)}, and put it ON TOP of "
                           f"that beneficiary's set." if n > 1 else
                           f"Use one Form {pay} for exactly {money(fee)} and put it ON TOP of the set.")),
                  bullet(e("The card holder writes by hand, on each Form G-1450, the card number and the expiration "
                           "date, ticks the card type if it is not ticked, and signs it (the row in section 1): "
                           "packetgen never types card data, and a form without them cannot be charged."
                           if pay == "G-1450" else
                           "The account holder writes by hand, on each Form G-1650, the routing number and the "
                           "account number, and signs it (the row in section 1): packetgen never types bank account "
                           "numbers, and a form without them cannot be debited.")),
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
    # The parole fee: each fact as firm as its confidence in the rules (C fact, S dated, U 'as far as ... shows').
    pf, when = facts["parole_fee.amount"], facts["parole_fee.paid_when"]
    used += ["parole_fee.paid_when", "parole_fee.amount"]
    since = f" from {long_date(dt.date.fromisoformat(pf['effective_from']))}" if pf.get("effective_from") else ""
    story.append(bullet(e(" ".join([
        "Do not send the immigration parole fee (8 U.S.C. 1804) with this filing.",
        _stated(when, f"it is charged {when['value']}", "re-check on uscis.gov"),
        _stated(pf, f"it is {money(pf['value'])}{since}", "confirm the amount on uscis.gov")]))))
    exceptions = [b.parole_fee_exception or case.request.parole_fee_exception for b in case.beneficiaries]
    if any(x.claimed for x in exceptions):
        by, carry = facts["parole_fee.collected_by"], facts["parole_fee.carry_exception_evidence"]
        used += ["parole_fee.collected_by", "parole_fee.carry_exception_evidence"]
        # an unconfirmed 'who collects it' is itself the uncertainty ('unclear: some sources say ...')
        collected = (f"Who collects the fee is {by['value']} (as of {long_date(dt.date.fromisoformat(by['as_of']))})."
                     if by.get("confidence") == "U" else
                     _stated(by, f"the fee is collected by {by['value']}", "re-check on uscis.gov"))
        story.append(bullet(e(" ".join([
            "The cover letter asks for the parole-fee exception under 8 U.S.C. 1804(b).", collected,
            _stated(carry, carry["value"], "confirm how the exception is claimed before the beneficiary travels")]))))

    # 3. Print and assemble
    story.append(P("3. Print and assemble", h2))
    if sets:
        story.append(P(e("Each file below is one stand-alone request, a separate physical stack: USCIS receipts "
                         "each Form I-131 with its own fee separately, so each stack carries its own letter, forms "
                         "and copies of every exhibit it cites." if several else
                         "The file below is the whole request: one stack, with its letter, forms and copies of every "
                         "exhibit it cites."), base))
        srows = [[P(h, head) for h in ("Stack", "File", "For", "Pages", "On top")]]
        for st in sets:
            top = [f for f in st.get("forms", []) if f in ("G-1450", "G-1650")]
            if not top and pay in ("G-1450", "G-1650"):
                top = [f"{pay} (signed by the payer; printed separately)"]
            on_top = [f"Form {top[0]}"] if top else []
            if "G-1145" in st.get("forms", []):
                on_top.append("Form G-1145, clipped to the cover letter")
            srows.append([P(str(st["number"]), cell), P(e(st["file"]), cell),
                          P(e(_set_who(case, st.get("beneficiaries", []))), cell), P(str(st.get("pages", "")), cell),
                          P(e("; under it ".join(on_top) if on_top else "the cover letter"), cell)])
        stab = Table(srows, colWidths=[40, 124, 150, 40, width - 354], repeatRows=1)
        stab.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#3d3d3d")),
                                  ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                  ("LINEBELOW", (0, 1), (-1, -1), 0.4, colors.HexColor("#9a9a9a"))]))
        story += [stab, Spacer(1, 6)]
    story += [
        bullet(("Print each packet PDF" if several else "Print the packet PDF") +
               " single-sided on plain 8.5 × 11 inch (US Letter) paper, all of the same weight, at 100% scale "
               "(\u201cactual size\u201d, not \u201cfit to page\u201d)."),
        bullet("Do not reorder, remove or add pages: the cover letter and exhibit index cite the page numbers "
               "stamped on each page (at the foot; on the forms, at the top). Put each signed page back in its place."),
        bullet("No staples, tape or metal prongs. Hold each beneficiary's set together with a binder clip or paper "
               "clip; separate the sets with a clip or a rubber band. Do not highlight." if several else
               "No staples, tape or metal prongs. Hold the set together with a binder clip or paper clip. "
               "Do not highlight."),
        bullet(e(("Order of each set" if several else "Order of the set") +
                 ": the payment form on top, then Form G-1145 clipped to the first page under it (the cover "
                 "letter), then the rest as printed. " + ("Each packet PDF already starts" if several else
                                                          "The packet PDF already starts") +
                 " with the payment form and the G-1145 when the case asks for them (see 'On top' in the table "
                 "above); a payment form that is not in the PDF is printed and completed separately.")),
    ]
    if case.request.expedite.requested:
        firsts = [(st["number"], p) for st in sets for p in st.get("i131_first", [])]
        pages = and_list(f"set {k}, p. {p}" if several else f"p. {p}" for k, p in firsts)
        story.append(bullet(e(("Write EXPEDITE in black ink at the top right of page 1 of each Form I-131"
                               if n > 1 else "Write EXPEDITE in black ink at the top right of page 1 of the Form I-131")
                              + (f" (packet {pages})" if pages else "")
                              + "; the cover letter already says it and gives the reason.")))

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
    lockbox = ("to the address above, with \u201cAttn: HP\u201d exactly as shown (the Dallas lockbox takes "
               f"{rule('forms.i131.part_item')} requests from every state).")
    if several:
        mail = [f"Mail all the sets together in one envelope {lockbox} Whether USCIS links sets mailed separately "
                "is not confirmed, so keep them together."]
    else:
        mail = [f"Mail the set in one envelope {lockbox}"]
    marking = facts["mail.envelope_marking"]
    used.append("mail.envelope_marking")
    mark = marking["value"][basis] + (f" \u2014 {marking['value']['expedite']}" if case.request.expedite.requested
                                      else "")
    note = str(marking.get("note") or "").rstrip(". ")
    mail.append(f"Mark the envelope \u201c{mark}\u201d" + (f" ({note[:1].lower()}{note[1:]})" if note else "") + ".")
    mail.append("Use a trackable service and keep the receipt and tracking number.")
    story += [bullet(e(x)) for x in mail]

    # 5. Keep
    story.append(P("5. Keep", h2))
    ages = rule("biometrics.ages")
    used.append("biometrics.ages")
    story += [bullet(e(x)) for x in (
        "A complete copy of everything you mail, including the signed pages (scan them after signing).",
        ("The packet PDFs" if several else "The packet PDF") + " and manifest.json from this build.",
        "Proof of mailing: the postal or courier receipt and the tracking number.",
        "The receipt notice (Form I-797C) when it comes" + ("; with Form G-1145, an e-mail or text arrives after "
                                                            "acceptance" if any("G-1145" in st.get("forms", [])
                                                                                for st in sets) else "") +
        f". Biometrics for beneficiaries aged {ages[0]} to {ages[1]} are taken abroad when USCIS asks.")]

    # Facts used
    story.append(P("Facts used, with their dates and sources", h2))
    story.append(P("From packetgen/data/rules.json and any rules override ('packetgen rules' lists them). C = confirmed from a primary source, S = secondary, "
                   "U = unconfirmed. Re-check anything older than six months on uscis.gov before mailing.", small))
    listed = ["fees.i131_paper", "payment.accepted_methods", "payment.checks_rejected_from", "address.lockbox_usps",
              "address.lockbox_courier", "forms.i131.edition", "forms.i134.edition", "forms.g1450.edition",
              "forms.g1145.edition", *used, "payment.g1651",
              "printing.single_sided", "printing.fasteners"]
    for key in dict.fromkeys(listed):
        f = facts.get(key)
        if not f:
            continue
        v = f["value"]
        v = ", ".join(map(str, v)) if isinstance(v, list) else \
            "; ".join(f"{k}: {x}" for k, x in v.items()) if isinstance(v, dict) else v
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
