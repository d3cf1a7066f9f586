"""Pre-flight rules: financial support (Form I-134) and consistency between the people's records."""

from __future__ import annotations

import math
import re
from typing import Optional

from packetgen.case.checks_base import _Out, _ev_label, _ev_path, _fold, _name_key, _of, _people
from packetgen.case.checks_means import MAX_AMOUNT
from packetgen.wording import money


def _estimated_cost(case) -> tuple[Optional[float], Optional[str]]:
    """The largest dollar amount named in a cost estimate's title or 'shows' (the case model has no cost field)."""
    best, src = None, None
    for e in _of(case, "cost_estimate"):
        for m in re.finditer(r"\$\s?([\d,]+(?:\.\d+)?)", f"{e.title} {e.shows or ''}"):
            try:
                v = float(m.group(1).replace(",", ""))
            except ValueError:
                continue
            if best is None or v > best:
                best, src = v, e.id
    return best, src


def _support(case, out: _Out):
    g = "Financial support"
    supported = {b for s in case.supporters for b in s.supports}
    for i, b in enumerate(case.beneficiaries):
        if b.id not in supported:
            out.add("error", "support.no_supporter", g,
                    f"beneficiaries[{i}] ({b.name.full}) has no financial supporter: no supporters[].supports "
                    f"lists '{b.id}', so no Form I-134 is made for them",
                    f"add '{b.id}' to the supports list of a supporter (one Form I-134 per beneficiary; the "
                    f"beneficiary may support themself)", f"beneficiaries[{i}]")
    for i, s in enumerate(case.supporters):
        if s.dependents:
            # the case file holds the number (Item 14), not who they are: the Item 15 rows stay blank on the form
            out.add("warning", "support.dependents_by_hand", g,
                    f"supporters[{i}] ({s.name.full}) has {s.dependents} dependent(s): Form I-134 Part 2 Item 15 asks "
                    f"for each one's name, date of birth, relationship, A-Number and receipt number, and packetgen "
                    f"leaves those rows blank (the case file gives only the number, in Item 14)",
                    "the supporter fills in Item 15 by hand before signing, one row per dependent, so Items 14 and "
                    "15 agree", f"supporters[{i}].dependents")
        own = [e for e in case.evidence if e.supporter == s.id or s.id in e.about]
        if not any(e.category == "supporter_financial" for e in own):
            out.add("warning", "support.financial_evidence_missing", g,
                    f"supporters[{i}] ({s.name.full}) has no financial evidence (category 'supporter_financial' "
                    f"with supporter '{s.id}')",
                    "add the latest tax return or IRS transcript with W-2s, an employer letter, recent pay stubs "
                    "and bank statements", f"supporters[{i}]")
        same_as_pet = _name_key(s.name) == _name_key(case.petitioner.name) and \
            s.date_of_birth == case.petitioner.date_of_birth
        ids_ok = any(e.category == "supporter_identity" for e in own) or (
            same_as_pet and _of(case, "petitioner_identity"))
        if not ids_ok:
            out.add("warning", "support.identity_missing", g,
                    f"supporters[{i}] ({s.name.full}) has no proof of identity and U.S. status (category "
                    f"'supporter_identity')", "add a copy of the U.S. passport, naturalization certificate, green "
                                              "card, EAD or I-94", f"supporters[{i}]")
        if s.annual_income == 0 and not s.assets:
            out.add("warning", "support.no_means", g,
                    f"supporters[{i}] ({s.name.full}) reports no income and no assets",
                    "enter annual_income and assets as on the Form I-134, or add another supporter: lack of "
                    "support is a strong negative factor", f"supporters[{i}].annual_income")
        if s.status == "other" and not s.status_other:
            out.add("warning", "support.status_other_missing", g,
                    f"supporters[{i}].status is 'other' but status_other is empty",
                    "describe the supporter's immigration status in status_other", f"supporters[{i}].status_other")
        for b in s.supports:
            if b not in s.relationship:
                out.add("info", "support.relationship_missing", g,
                        f"supporters[{i}].relationship has no entry for '{b}'",
                        f"add the supporter's relationship to '{b}' (Form I-134 asks for it)",
                        f"supporters[{i}].relationship")
    # Means against the estimated cost
    cost, src = _estimated_cost(case)
    # Amounts out of bounds are reported by checks_means.amounts; they are left out of the sum (no "$inf").
    ok = lambda v: math.isfinite(v) and v <= MAX_AMOUNT  # noqa: E731
    total = sum((s.annual_income if ok(s.annual_income) else 0) + sum(a.amount for a in s.assets if ok(a.amount))
                for s in case.supporters)
    if case.supporters:
        if cost is None:
            out.add("info", "support.cost_unknown", g,
                    "the case file states no cost amount, so the supporters' means "
                    f"({money(total)} income and assets in all) cannot be compared with the costs",
                    "compare the cost estimate with the supporters' income and assets by hand; put the amount in the "
                    "cost estimate's 'shows' (e.g. 'Itemized cost of $48,000') to have it checked", "evidence")
        elif total < cost:
            out.add("warning", "support.shortfall", g,
                    f"the supporters' income and assets ({money(total)}) are less than the estimated cost "
                    f"({money(cost)}, from exhibit '{src}')",
                    "show who covers the rest (charity care, insurance, a foundation, another supporter) and say so "
                    "in discretion.payment_plan", "discretion.payment_plan")


def _consistency(case, out: _Out):
    g = "Consistency"
    people = _people(case)
    # Records of the same person (petitioner also supporter, self-petitioner, ...) must agree exactly.
    for i in range(len(people)):
        for j in range(i + 1, len(people)):
            pa, la, a = people[i]
            pb, lb, b = people[j]
            same_name = _name_key(a.name) == _name_key(b.name)
            same_dob = a.date_of_birth == b.date_of_birth
            linked = (pa == "petitioner" and case.petitioner.is_beneficiary
                      and getattr(b, "id", None) == case.petitioner.is_beneficiary)
            strong_ids = [(x, y) for x, y in ((a.ssn, b.ssn), (a.a_number_digits, b.a_number_digits),
                                              (a.email, b.email)) if x and y and x == y]
            if not (linked or (same_name and same_dob) or (same_name and strong_ids)
                    or (same_dob and _fold(a.name.family) == _fold(b.name.family) and strong_ids)):
                if a.a_number_digits and a.a_number_digits == b.a_number_digits:
                    out.add("error", "consistency.a_number_shared", g,
                            f"{pa}.a_number and {pb}.a_number are the same ({a.a_number}) for two different people "
                            f"({a.name.full}, {b.name.full})", "correct the A-Number of one of them", f"{pb}.a_number")
                continue
            label = f"{pa} and {pb} are the same person ({a.name.full})"
            if a.name.full != b.name.full or (a.name.given, a.name.family) != (b.name.given, b.name.family):
                out.add("warning" if same_name else "error", "consistency.name_differs", g,
                        f"{label} but the names are written differently: '{a.name.full}' and '{b.name.full}'",
                        "write the name exactly as in the passport in both records (accents, spaces, order); "
                        "USCIS matches forms by name", f"{pb}.name")
            if not same_dob:
                out.add("error", "consistency.dob_differs", g,
                        f"{label} but the dates of birth differ: {a.date_of_birth} and {b.date_of_birth}",
                        "correct the date of birth so every form shows the same one", f"{pb}.date_of_birth")
            if (a.a_number_digits or b.a_number_digits) and a.a_number_digits != b.a_number_digits:
                out.add("error", "consistency.a_number_differs", g,
                        f"{label} but the A-Numbers differ: {a.a_number or '(none)'} and {b.a_number or '(none)'}",
                        "enter the same A-Number in both records", f"{pb}.a_number")
            if a.country_of_citizenship != b.country_of_citizenship:
                out.add("error", "consistency.citizenship_differs", g,
                        f"{label} but the citizenship differs: {a.country_of_citizenship} and "
                        f"{b.country_of_citizenship}", "correct country_of_citizenship", f"{pb}.country_of_citizenship")
            if a.mailing_address.lines != b.mailing_address.lines:
                out.add("warning", "consistency.address_differs", g,
                        f"{label} but the mailing addresses differ", "use the same mailing address in both records, "
                                                                     "or confirm the difference is intended",
                        f"{pb}.mailing_address")
            others_a = sorted(_name_key(n) for n in (a.other_names or []))
            others_b = sorted(_name_key(n) for n in (b.other_names or []))
            if others_a != others_b:
                # each record prints its own on a sworn form (I-131 Part 2, I-134 Part 2): two answers to one question
                out.add("warning", "consistency.other_names_differ", g,
                        f"{label} but the other names used differ: {len(others_a)} in {pa}.other_names and "
                        f"{len(others_b)} in {pb}.other_names",
                        "list the same other names (maiden name, aliases) in both records: each form asks for them "
                        "under penalty of perjury", f"{pb}.other_names")
            if a.passport and b.passport and a.passport.number != b.passport.number:
                out.add("error", "consistency.passport_differs", g,
                        f"{label} but the passport numbers differ: {a.passport.number} and {b.passport.number}",
                        "enter the passport number once, as in the passport", f"{pb}.passport.number")
    # Names in exhibit titles: a spelling that differs only in accents is a transliteration variant.
    for e in case.evidence:
        for pid in e.about:
            person = (case.petitioner if pid == "petitioner" else
                      next((p for p in list(case.beneficiaries) + list(case.supporters) if p.id == pid), None))
            if person is None:
                continue
            fam = person.name.family
            title = e.title
            if fam not in title and _fold(fam) in _fold(title):
                out.add("warning", "consistency.name_variant_in_exhibit", g,
                        f"{_ev_label(e)} writes the family name differently from the case file ('{fam}')",
                        "write the title with the name as in the passport; if the document itself uses another "
                        "spelling, explain the variant in the letter or the petitioner's statement",
                        f"{_ev_path(case, e)}.title")
    # Who accompanies whom, and the letter's signer
    ids = {b.id for b in case.beneficiaries}
    for i, b in enumerate(case.beneficiaries):
        if b.accompanies and b.accompanies not in ids:
            out.add("error", "consistency.accompanies_unknown", g,
                    f"beneficiaries[{i}].accompanies is '{b.accompanies}', which is no beneficiary's id",
                    f"use one of: {', '.join(sorted(ids))}", f"beneficiaries[{i}].accompanies")
        if b.accompanies == b.id:
            out.add("error", "consistency.accompanies_self", g, f"beneficiaries[{i}] accompanies themself",
                    "name the patient's id in accompanies", f"beneficiaries[{i}].accompanies")
    if case.letter.signer:
        signer = _fold(case.letter.signer)
        known = {_name_key(case.petitioner.name), _fold(f"{case.petitioner.name.given} {case.petitioner.name.family}")}
        if case.attorney:
            known |= {_name_key(case.attorney.name),
                      _fold(f"{case.attorney.name.given} {case.attorney.name.family}")}
        if signer not in known:
            out.add("warning", "consistency.signer_unknown", g,
                    f"letter.signer '{case.letter.signer}' is neither the petitioner nor the attorney",
                    "the cover letter is signed by the petitioner or the attorney of record (with Form G-28)",
                    "letter.signer")
