"""Pre-flight rules: identity and discretion, risk flags, signatures, forms and fees."""

from __future__ import annotations

import datetime as dt
import re

from packetgen.case.checks_base import _Out, _country_in, _fold, _name_key, _of
from packetgen.facts import load_rules, rule, stale_facts
from packetgen.wording import long_date, money


def _identity_discretion(case, out: _Out):
    g = "Identity and discretion"
    for i, b in enumerate(case.beneficiaries):
        if not any(b.id in e.about for e in _of(case, "beneficiary_identity")):
            out.add("warning", "identity.beneficiary_id_missing", g,
                    f"no identity document for beneficiaries[{i}] ({b.name.full}): no 'beneficiary_identity' "
                    f"evidence lists '{b.id}' in about",
                    "add the passport biographic page (or an explanation and another government ID)",
                    f"beneficiaries[{i}]")
    if not case.files_for_self:
        pet = case.petitioner
        same_sup = [s for s in case.supporters
                    if _name_key(s.name) == _name_key(pet.name) and s.date_of_birth == pet.date_of_birth]
        has = _of(case, "petitioner_identity") or any(
            e.category == "supporter_identity" and (e.supporter in {s.id for s in same_sup}
                                                    or any(s.id in e.about for s in same_sup))
            for e in case.evidence)
        if not has:
            out.add("warning", "identity.petitioner_id_missing", g,
                    "no proof of the petitioner's identity and status (category 'petitioner_identity')",
                    "add a copy of the petitioner's passport, naturalization certificate, green card or other ID",
                    "evidence")
    d = case.discretion
    if not d.no_threat:
        out.add("warning", "discretion.no_threat_missing", g,
                "discretion.no_threat is empty: the letter cannot address whether the beneficiaries pose a threat",
                "state why the beneficiaries pose no threat to the United States", "discretion.no_threat")
    if not d.departure_plan:
        out.add("warning", "discretion.departure_plan_missing", g,
                "discretion.departure_plan is empty: nothing says why the beneficiaries will leave when parole ends",
                "describe ties at home (work, family, property) and return tickets", "discretion.departure_plan")
    if not d.character and not _of(case, "character"):
        out.add("info", "discretion.character_missing", g,
                "no character statement or letters of support",
                "add discretion.character and letters from employers, teachers or community members "
                "(category 'character')", "discretion.character")
    crim = _fold(d.criminal_history)
    clean = re.search(r"\b(none|no|never|neither|nor|not)\b", crim) is not None
    if not clean and not _of(case, "criminal_record"):
        out.add("warning", "discretion.criminal_record_evidence", g,
                "discretion.criminal_history describes a record but no court documents are attached",
                "attach the final court dispositions (category 'criminal_record') and explain them",
                "discretion.criminal_history")
    if case.attorney and not case.attorney.g28:
        out.add("warning", "discretion.g28_missing", g,
                f"an attorney ({case.attorney.name.full}) is named but attorney.g28 is false",
                "attach Form G-28 signed by the attorney and the petitioner, and tick the G-28 box on I-131 page 1",
                "attorney.g28")


def _risk(case, out: _Out):
    g = "Risk flags"
    full = rule("holds.travel_ban_full")
    partial = rule("holds.travel_ban_partial")
    fact = load_rules()["holds.travel_ban_full"]
    for i, b in enumerate(case.beneficiaries):
        for field, country in (("country_of_citizenship", b.country_of_citizenship),
                               ("country_of_birth", b.country_of_birth)):
            kind = "full" if _country_in(country, full) else "partial" if _country_in(country, partial) else None
            if kind:
                out.add("warning", "risk.travel_ban_country", g,
                        f"beneficiaries[{i}] ({b.name.full}): {field} is {country}, on the {kind} travel-ban list "
                        f"(as of {fact['as_of']}); USCIS may hold the request (PM-602-0192)",
                        "have the attorney review: explain in the letter why a visa is impossible (the ban itself) "
                        "and expect delays; re-check the current list", f"beneficiaries[{i}].{field}")
                break
        if b.in_removal_proceedings:
            out.add("warning", "risk.removal_proceedings", g,
                    f"beneficiaries[{i}] ({b.name.full}) has been in removal proceedings",
                    "attorney review: USCIS may refer the request to ICE; attach the immigration-court records",
                    f"beneficiaries[{i}].in_removal_proceedings")
    if case.request.visa.attempts:
        out.add("info", "risk.prior_refusals", g,
                f"{len(case.request.visa.attempts)} prior visa application(s) listed",
                "make sure each refusal is explained and its refusal sheet attached", "request.visa.attempts")


def _signatures(case, out: _Out, today):
    g = "Signatures"
    pet = case.petitioner
    n = len(case.beneficiaries)
    out.add("info", "signature.i131", g,
            f"{pet.name.full} signs each Form I-131 ({n}) at Part 10, Item 4, in black ink, and dates it",
            "sign by hand after printing; typed, stamped or pasted signatures are rejected", "petitioner")
    for s in case.supporters:
        out.add("info", "signature.i134", g,
                f"{s.name.full} signs each of their Forms I-134 ({len(s.supports)}) by hand",
                "sign in ink after printing", f"supporters ({s.id})")
    if case.filing.payment in ("G-1450", "G-1650"):
        out.add("info", "signature.payment", g,
                f"the card holder or account holder signs each Form {case.filing.payment} ({n})",
                "sign the payment authorization; an unsigned form means a rejected filing", "filing.payment")
    out.add("info", "signature.letter", g,
            f"{case.letter.signer or pet.name.full} signs the cover letter on the blank line above the typed name",
            "sign in ink", "letter.signer")
    if case.interpreter:
        out.add("info", "signature.interpreter", g,
                f"the interpreter {case.interpreter.name.full} signs Form I-131 Part 11",
                "sign in ink", "interpreter")
    if case.preparer:
        out.add("info", "signature.preparer", g,
                f"the preparer {case.preparer.name.full} signs Form I-131 Part 12", "sign in ink", "preparer")
    if case.attorney and case.attorney.g28:
        out.add("info", "signature.g28", g,
                f"the attorney {case.attorney.name.full} and the petitioner sign Form G-28", "sign in ink", "attorney")
    under = rule("signatures.parent_signs_under_age")
    for i, b in enumerate(case.beneficiaries):
        age = b.age_on(today)
        if age < under:
            if case.petitioner.is_beneficiary == b.id:
                out.add("error", "signature.minor_self_petitioner", g,
                        f"beneficiaries[{i}] ({b.name.full}, age {age}) is the petitioner but is under {under}",
                        "a parent or legal guardian files and signs for a child under 14: make the parent the "
                        "petitioner", "petitioner.is_beneficiary")
            else:
                out.add("info", "signature.minor", g,
                        f"{b.name.full} is {age}: where the beneficiary's own signature is needed, a parent or legal "
                        f"guardian signs for them (under {under})",
                        "have the parent or guardian sign, with their own name", f"beneficiaries[{i}]")
    for i, s in enumerate(case.supporters):
        if s.age_on(today) < 18:
            out.add("warning", "signature.minor_supporter", g,
                    f"supporters[{i}] ({s.name.full}) is under 18", "a financial supporter should be an adult",
                    f"supporters[{i}]")


def _forms_fees(case, out: _Out, today, filing_date):
    g = "Forms and fees"
    facts = load_rules()
    n = len(case.beneficiaries)
    fee = rule("fees.i131_paper")
    pay = case.filing.payment
    cutoff = dt.date.fromisoformat(rule("payment.checks_rejected_from"))
    if pay in ("check", "money_order"):
        if filing_date >= cutoff:
            out.add("error", "fees.payment_rejected", g,
                    f"filing.payment is '{pay}': USCIS has rejected checks and money orders since "
                    f"{long_date(cutoff)}", "pay with Form G-1450 (U.S. credit, debit or prepaid card) or Form "
                                            "G-1650 (ACH debit from a U.S. bank account): set filing.payment",
                    "filing.payment")
    elif pay in ("G-1450", "G-1650"):
        out.add("info", "fees.payment", g,
                f"pay {money(fee)} per Form I-131: {n} × {money(fee)} = {money(fee * n)}, one Form {pay} per "
                f"I-131, each on top of its request",
                ("fill and sign the payment forms; cards must be issued by a U.S. bank" if pay == "G-1450" else
                 "fill and sign the payment forms; the account must be at a U.S. bank")
                + f"; without U.S. banking, see {rule('payment.g1651').split(':')[0]} (an exemption from electronic "
                  "payment)", "filing.payment")
    elif pay == "fee_waiver":
        out.add("warning", "fees.fee_waiver", g,
                "filing.payment is 'fee_waiver': Form I-912 is not generated by packetgen",
                "complete Form I-912 with its evidence and put it on top of each request (paper filing only)",
                "filing.payment")
    elif pay == "exempt":
        out.add("warning", "fees.exempt", g,
                "filing.payment is 'exempt': no fee is paid, so the exemption must be shown",
                "explain the exemption in the letter and attach its evidence (e.g. the approval that makes the "
                "beneficiary exempt)", "filing.payment")
    fex = case.request.parole_fee_exception
    pf = facts["parole_fee.amount"]
    since = f" from {pf['effective_from']}" if pf.get("effective_from") else ""
    out.add("info", "fees.parole_fee", g,
            f"the immigration parole fee (8 U.S.C. 1804; {money(pf['value'])}{since}, confidence "
            f"{pf.get('confidence', '?')}, as of {pf['as_of']}) is charged when parole is granted"
            f"{'; the letter asks for the exception' if fex.claimed else ''}",
            f"do not send it with the I-131; who collects it is {rule('parole_fee.collected_by')}; "
            f"{rule('parole_fee.carry_exception_evidence') if fex.claimed else 're-check the amount on uscis.gov'}",
            "request.parole_fee_exception")
    out.add("info", "forms.editions", g,
            f"forms used: I-131 ed. {rule('forms.i131.edition')}, I-134 ed. {rule('forms.i134.edition')}, "
            f"G-1450 ed. {rule('forms.g1450.edition')}, G-1145 ed. {rule('forms.g1145.edition')} (as of "
            f"{facts['forms.i131.edition']['as_of']})",
            "re-check the editions on uscis.gov/i-131, uscis.gov/i-134, uscis.gov/g-1450 and uscis.gov/g-1145 before "
            "mailing ('packetgen rules' gives each edition's source and date)", None)
    out.add("info", "forms.count", g,
            f"{n} Form I-131, {sum(len(s.supports) for s in case.supporters)} Form I-134 and "
            f"{n if pay in ('G-1450', 'G-1650') else 0} payment form(s): one set per beneficiary",
            "keep each beneficiary's set together, payment form on top", None)
    stale = stale_facts(today)
    if stale:
        out.add("warning", "rules.stale", g,
                f"{len(stale)} fact(s) in packetgen's rules were last confirmed more than six months ago "
                f"({', '.join(sorted(stale)[:4])}{', ...' if len(stale) > 4 else ''})",
                "run 'packetgen rules --stale', re-check each on its source (uscis.gov, the statute) and update "
                "it in a rules override file (docs/rules.md)", None)
