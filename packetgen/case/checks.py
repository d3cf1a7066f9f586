"""Pre-flight checks: what a paralegal must fix (errors) or look at (warnings) before a packet is built.

Each :class:`Finding` names the field path or exhibit it is about, says what is wrong and how to fix it,
and has a stable ``code`` (e.g. ``visa.explanation_missing``) that tests, scripts and ``--json`` output
can rely on.  Errors stop ``packetgen build`` unless ``--draft``; warnings and info are printed in the report.

Facts that change (fees, editions, payment rules, the travel-ban list) come from ``data/rules.json``,
each with the date it was last confirmed and its source.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import asdict, dataclass
from typing import Optional

from packetgen.case.model import add_months
from packetgen.facts import load_rules, rule
from packetgen.wording import long_date, money

__all__ = ["Finding", "run_checks", "format_findings", "findings_json", "GROUPS", "has_errors"]

GROUPS = ["Case file", "Evidence files", "The three questions", "Medical evidence", "Financial support", "Consistency", "Dates", "Translations",
          "Identity and discretion", "Risk flags", "Signatures", "Forms and fees"]
SEVERITIES = ("error", "warning", "info")


@dataclass
class Finding:
    severity: str     # "error" | "warning" | "info"
    code: str         # stable id, e.g. "visa.explanation_missing"
    group: str        # one of GROUPS
    message: str      # what is wrong, naming the field path or exhibit
    fix: str          # what to do
    where: Optional[str] = None


class _Out(list):
    def add(self, severity, code, group, message, fix, where=None):
        assert severity in SEVERITIES and group in GROUPS, (severity, group)
        self.append(Finding(severity, code, group, message, fix, where))


def has_errors(findings) -> bool:
    return any(f.severity == "error" for f in findings)


# --------------------------------------------------------------------------- helpers

def _fold(s: str) -> str:
    """Case- and accent-insensitive form of a name, for matching records of the same person."""
    s = unicodedata.normalize("NFKD", s or "")
    return " ".join("".join(c for c in s if not unicodedata.combining(c)).casefold().split())


def _name_key(name) -> str:
    return _fold(f"{name.given} {name.middle or ''} {name.family}")


def _ev_label(e) -> str:
    return f"exhibit '{e.id}' ({e.title})"


def _ev_path(case, e) -> str:
    return f"evidence[{case.evidence.index(e)}]"


def _of(case, *cats):
    return [e for e in case.evidence if e.category in cats]


_LANG_NAMES = {
    "es": "spanish", "fr": "french", "pt": "portuguese", "ar": "arabic", "ru": "russian", "uk": "ukrainian",
    "zh": "chinese", "ht": "haitian creole", "fa": "persian", "ps": "pashto", "prs": "dari", "ur": "urdu",
    "hi": "hindi", "vi": "vietnamese", "tl": "tagalog", "de": "german", "it": "italian", "tr": "turkish",
    "so": "somali", "am": "amharic", "ti": "tigrinya", "sw": "swahili", "ko": "korean", "ja": "japanese",
}


def _country_in(country: Optional[str], names: list[str]) -> bool:
    if not country:
        return False
    c = _fold(country).replace("the ", "")
    return any(c == _fold(n).replace("the ", "") for n in names)


def _people(case):
    """(path, label, person) for the petitioner, each beneficiary and each supporter."""
    out = [("petitioner", f"petitioner {case.petitioner.name.full}", case.petitioner)]
    out += [(f"beneficiaries[{i}]", f"beneficiary {b.name.full}", b) for i, b in enumerate(case.beneficiaries)]
    out += [(f"supporters[{i}]", f"supporter {s.name.full}", s) for i, s in enumerate(case.supporters)]
    return out


# --------------------------------------------------------------------------- the checks

def run_checks(case, *, today: dt.date) -> list[Finding]:
    """All pre-flight findings for a case, in report order (group, then severity)."""
    out = _Out()
    filing_date = case.filing.filing_date or today
    _placeholders(case, out)
    _evidence_files(case, out)
    _three_questions(case, out)
    if case.request.reason == "medical":
        _medical(case, out, today)
    _support(case, out)
    _consistency(case, out)
    _dates(case, out, today, filing_date)
    _translations(case, out)
    _identity_discretion(case, out)
    _risk(case, out)
    _signatures(case, out, today)
    _forms_fees(case, out, today, filing_date)
    from packetgen.case.checks_forms import check_forms  # noqa: E402 - imports _Out from here
    check_forms(case, out)
    order = {g: i for i, g in enumerate(GROUPS)}
    sev = {s: i for i, s in enumerate(SEVERITIES)}
    return sorted(out, key=lambda f: (order[f.group], sev[f.severity]))


def _placeholders(case, out: _Out):
    """'TODO:' placeholders left by 'packetgen init' would print in the letter and on the forms."""
    from packetgen.case.answers import TODO, todo_paths

    data = case.model_dump(mode="json", by_alias=True, exclude_none=True)
    for where, what in todo_paths(data):
        out.add("error", "case.placeholder", "Case file",
                f"{where} still holds the placeholder '{TODO} {what[:60]}'",
                f"write the real answer in {where} (packetgen init left it for you to complete)", where)


def _evidence_files(case, out: _Out):
    """Every file the case names exists and is a readable regular file (the build would stop at the first)."""
    import os
    from pathlib import Path

    g = "Evidence files"
    for i, ev in enumerate(case.evidence):
        named = [(f"evidence[{i}].file", ev.file)]
        named += [(f"evidence[{i}].more_files[{j}]", f) for j, f in enumerate(ev.more_files)]
        if ev.translation:
            named.append((f"evidence[{i}].translation.file", ev.translation.file))
            if ev.translation.certificate_file:
                named.append((f"evidence[{i}].translation.certificate_file", ev.translation.certificate_file))
        for where, rel in named:
            p = Path(rel) if Path(rel).is_absolute() else case.base_dir / rel
            if not p.exists():
                problem = "does not exist"
            elif p.is_dir():
                problem = "is a folder, not a file"
            elif not os.access(p, os.R_OK):
                problem = "is not readable"
            else:
                continue
            out.add("error", "evidence.file_missing", g,
                    f"{where}: {rel} {problem} (exhibit '{ev.id}': {ev.title})",
                    f"put the file at {rel} (relative to the case file's folder) or correct the path", where)


def _three_questions(case, out: _Out):
    g = "The three questions"
    req = case.request
    # 1. Why parole is needed
    if len(req.narrative) < 200:
        out.add("warning", "why.narrative_short", g,
                f"request.narrative is {len(req.narrative)} characters: too short to explain why parole is needed",
                "describe the situation, what happens without parole, and why it must be in the United States "
                "(a few paragraphs)", "request.narrative")
    if not req.urgency and req.reason != "public_benefit":
        out.add("warning", "why.urgency_missing", g,
                "request.urgency is empty: the letter cannot say why this cannot wait",
                "state the dates that matter (surgery date, doctor's deadline, prognosis) in request.urgency",
                "request.urgency")
    if req.reason == "public_benefit" and not req.public_benefit:
        out.add("error", "why.public_benefit_missing", g,
                "request.reason is 'public_benefit' but request.public_benefit is empty",
                "state the significant public benefit (who benefits and how) in request.public_benefit",
                "request.public_benefit")
    if req.reason == "public_benefit" and not _of(case, "public_benefit"):
        out.add("warning", "why.public_benefit_evidence_missing", g,
                "no evidence with category 'public_benefit' (e.g. a letter from the agency or court that needs the "
                "beneficiary)", "add the letter to evidence with category 'public_benefit'", "evidence")
    if not _of(case, "petitioner_statement"):
        out.add("warning", "why.statement_missing", g,
                "no petitioner's statement (evidence category 'petitioner_statement')",
                "add a signed declaration: why parole is needed now, how long, why no visa, who pays, plan to "
                "depart", "evidence")
    # 2. How long
    if len(req.stay.justification) < 40:
        out.add("warning", "stay.justification_short", g,
                "request.stay.justification is very short: USCIS asks for the length of time needed and why",
                "explain the length from the treatment plan or the event (e.g. surgery, inpatient days, "
                "follow-up, recovery)", "request.stay.justification")
    # 3. Why no visa
    visa = req.visa
    if not visa.why_not_possible and not visa.attempts:
        out.add("error", "visa.explanation_missing", g,
                "request.visa.why_not_possible is empty and request.visa.attempts lists no visa application: "
                "USCIS requires an explanation of why a U.S. visa cannot be obtained",
                "write in request.visa.why_not_possible when and where a visa was sought and the result, or why no "
                "application was possible (no visa services, travel ban, wait times), and list any attempts",
                "request.visa.why_not_possible")
    elif not visa.why_not_possible:
        out.add("warning", "visa.explanation_thin", g,
                "request.visa.attempts lists applications but request.visa.why_not_possible is empty: the letter "
                "will not say why a new application cannot succeed in time",
                "explain in request.visa.why_not_possible why another visa application is not an option "
                "(e.g. wait times against the medical time frame)", "request.visa.why_not_possible")
    for i, a in enumerate(visa.attempts):
        refused = "refus" in a.outcome.lower() or "denied" in a.outcome.lower() or "214" in a.outcome
        if refused and not a.evidence and not _of(case, "visa_history"):
            out.add("warning", "visa.refusal_evidence_missing", g,
                    f"request.visa.attempts[{i}] ({a.place}, {long_date(a.date)}) was refused but no refusal letter "
                    f"is attached", "add the refusal sheet as evidence (category 'visa_history') and list its id in "
                                    f"request.visa.attempts[{i}].evidence", f"request.visa.attempts[{i}].evidence")


def _medical(case, out: _Out, today):
    g = "Medical evidence"
    docs = _of(case, "medical_abroad")
    if not docs:
        out.add("error", "medical.doctor_letter_missing", g,
                "no letter from the treating doctor (evidence category 'medical_abroad')",
                "add the doctor's letter stating diagnosis, prognosis, why treatment is not available at home or in "
                "a neighbouring country, how long treatment takes, its cost and how it is paid", "evidence")
    if not _of(case, "us_provider"):
        out.add("error", "medical.us_provider_missing", g,
                "no letter from a U.S. doctor or hospital willing to treat (evidence category 'us_provider')",
                "add the U.S. provider's acceptance letter with the treatment plan and its duration", "evidence")
    if not _of(case, "cost_estimate"):
        out.add("error", "medical.cost_estimate_missing", g,
                "no cost estimate for the treatment (evidence category 'cost_estimate')",
                "add the U.S. provider's itemized estimate (including follow-up care), or a letter that the "
                "hospital or a foundation covers all costs", "evidence")
    unavail_words = ("unavailab", "not available", "not performed", "cannot be treated", "cannot obtain",
                     "no treatment", "not offered")
    said_in_doc = any(any(w in f"{e.title} {e.shows or ''}".lower() for w in unavail_words) for e in docs)
    if not _of(case, "unavailability") and not said_in_doc:
        out.add("warning", "medical.unavailability_missing", g,
                "nothing shows that the treatment is unavailable in the home country or a neighbouring country "
                "(no 'unavailability' evidence, and no doctor's letter says so in its 'shows')",
                "add letters from local hospitals or specialists (category 'unavailability'), or say in the doctor's "
                "letter's 'shows' that it covers unavailability", "evidence")
    for i, b in enumerate(case.beneficiaries):
        is_patient = (b.role or "").lower().find("patient") >= 0
        if is_patient and b.age_on(today) < 18:
            has_consent = any(b.id in e.about for e in _of(case, "consent"))
            companions = [c for c in case.beneficiaries if c.accompanies == b.id]
            if not has_consent:
                out.add("warning" if not companions else "info", "medical.minor_consent_missing", g,
                        f"{b.name.full} (beneficiaries[{i}]) is a minor patient and no parental consent is attached"
                        + (f"; {companions[0].name.full} accompanies" if companions else ""),
                        "add the written consent of both parents (or of the parent not travelling), category "
                        "'consent', with the patient's id in 'about'", f"beneficiaries[{i}]")


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
    total = sum(s.annual_income + sum(a.amount for a in s.assets) for s in case.supporters)
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
    if case.supporters:
        out.add("info", "support.poverty_guideline", g,
                "USCIS uses the HHS poverty guidelines as a yardstick for Form I-134 support",
                "check each supporter's income against the current HHS poverty guideline for their household "
                "(household size includes dependents and the beneficiaries supported)", None)


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


def _dates(case, out: _Out, today: dt.date, filing_date: dt.date):
    g = "Dates"
    req = case.request
    for path, label, p in _people(case):
        if p.date_of_birth >= today:
            out.add("error", "dates.birth_not_past", g,
                    f"{path}.date_of_birth ({p.date_of_birth}) of {label} is not in the past",
                    "correct the date of birth (YYYY-MM-DD)", f"{path}.date_of_birth")
        elif p.age_on(today) > 120:
            out.add("error", "dates.birth_implausible", g,
                    f"{path}.date_of_birth ({p.date_of_birth}) makes {label} older than 120",
                    "correct the year of birth", f"{path}.date_of_birth")
    arrival = req.intended_arrival
    if arrival <= today:
        out.add("error", "dates.arrival_not_future", g,
                f"request.intended_arrival ({long_date(arrival)}) is not in the future",
                "enter the date the beneficiaries plan to arrive (I-131 Part 8 Item 3.a), after the expected decision",
                "request.intended_arrival")
    elif (arrival - filing_date).days < 45 and not req.expedite.requested:
        out.add("warning", "dates.arrival_soon", g,
                f"request.intended_arrival ({long_date(arrival)}) is {(arrival - filing_date).days} days after "
                f"filing, and no expedite is requested",
                "request expedited processing with the reason (request.expedite), or plan a later arrival",
                "request.expedite")
    stay = req.stay
    if stay.treatment_months and stay.months < stay.treatment_months:
        out.add("warning", "dates.stay_shorter_than_treatment", g,
                f"request.stay.months ({stay.months:g}) is shorter than the treatment the doctors describe "
                f"(request.stay.treatment_months = {stay.treatment_months:g})",
                "request at least the treatment time plus recovery, or explain how treatment ends in time",
                "request.stay.months")
    elif stay.treatment_months and stay.months > stay.treatment_months + 6:
        out.add("info", "dates.stay_much_longer_than_treatment", g,
                f"request.stay.months ({stay.months:g}) is more than six months beyond the treatment "
                f"({stay.treatment_months:g} months)",
                "explain the extra time in request.stay.justification (recovery, follow-up)",
                "request.stay.justification")
    max_months = rule("parole.typical_max_months")
    if stay.months > max_months:
        out.add("warning", "dates.stay_over_typical_max", g,
                f"request.stay.months is {stay.months:g}: parole is usually granted for at most {max_months} months",
                "request at most a year and apply for re-parole later if needed, or justify the length in "
                "request.stay.justification", "request.stay.months")
    stay_end = add_months(arrival, stay.months)
    for i, b in enumerate(case.beneficiaries):
        if not b.passport:
            out.add("warning", "dates.passport_missing", g,
                    f"beneficiaries[{i}] ({b.name.full}) has no passport in the case file",
                    "enter the passport, or explain why none is available and attach another government ID "
                    "showing citizenship", f"beneficiaries[{i}].passport")
            continue
        if b.passport.expires <= today:
            out.add("error", "dates.passport_expired", g,
                    f"beneficiaries[{i}].passport ({b.name.full}) expired on {long_date(b.passport.expires)}",
                    "renew the passport and use the new one's biographic page", f"beneficiaries[{i}].passport.expires")
        elif b.passport.expires < stay_end:
            out.add("error", "dates.passport_ends_before_stay", g,
                    f"beneficiaries[{i}].passport ({b.name.full}) expires on {long_date(b.passport.expires)}, before "
                    f"the end of the requested stay (about {long_date(stay_end)})",
                    "renew the passport before travel, or shorten the stay", f"beneficiaries[{i}].passport.expires")
    recency = rule("evidence.recency_days")
    dated_cats = ("medical_abroad", "us_provider", "cost_estimate", "unavailability", "supporter_financial",
                  "beneficiary_funds")
    for e in case.evidence:
        path = _ev_path(case, e)
        if e.date and e.date > today:
            out.add("error", "dates.evidence_in_future", g,
                    f"{_ev_label(e)} is dated {long_date(e.date)}, after today", "correct the document date",
                    f"{path}.date")
        elif e.date and e.category in dated_cats and (filing_date - e.date).days > recency:
            out.add("warning", "dates.evidence_old", g,
                    f"{_ev_label(e)} is dated {long_date(e.date)}: {(filing_date - e.date).days} days before filing "
                    f"(more than {recency})",
                    "ask for an updated letter or statement; officers expect recent medical and financial evidence",
                    f"{path}.date")
        elif not e.date and e.category in ("medical_abroad", "us_provider", "cost_estimate"):
            out.add("info", "dates.evidence_undated", g,
                    f"{_ev_label(e)} has no date in the case file, so its age cannot be checked",
                    "enter the document's date in evidence.date", f"{path}.date")
        if e.translation and e.translation.date and e.date and e.translation.date < e.date:
            out.add("warning", "dates.translation_before_original", g,
                    f"the translation of {_ev_label(e)} is dated {long_date(e.translation.date)}, before the "
                    f"original ({long_date(e.date)})", "check both dates; a translation follows its original",
                    f"{path}.translation.date")
        if e.translation and e.translation.date and e.translation.date > today:
            out.add("error", "dates.translation_in_future", g,
                    f"the translation of {_ev_label(e)} is dated {long_date(e.translation.date)}, after today",
                    "correct the translation date", f"{path}.translation.date")
    for i, a in enumerate(req.visa.attempts):
        if a.date > today:
            out.add("error", "dates.visa_attempt_in_future", g,
                    f"request.visa.attempts[{i}].date ({long_date(a.date)}) is in the future",
                    "list only applications already made", f"request.visa.attempts[{i}].date")
    if case.filing.filing_date and case.filing.filing_date < today:
        out.add("warning", "dates.filing_date_past", g,
                f"filing.filing_date ({long_date(case.filing.filing_date)}) is in the past",
                "set the planned mailing date", "filing.filing_date")
    if case.letter.date and case.letter.date > filing_date:
        out.add("warning", "dates.letter_after_filing", g,
                f"letter.date ({long_date(case.letter.date)}) is after the filing date ({long_date(filing_date)})",
                "date the letter on or before the mailing date", "letter.date")


def _translations(case, out: _Out):
    g = "Translations"
    for e in case.evidence:
        path = _ev_path(case, e)
        if e.language != "en" and not e.translation:
            out.add("warning", "translation.missing", g,
                    f"{_ev_label(e)} is in '{e.language}' and has no English translation",
                    "add a full English translation with the translator's certificate of competence and accuracy "
                    f"(8 CFR 103.2(b)(3)) in {path}.translation", f"{path}.translation")
        elif e.translation:
            t = e.translation
            if not t.translator and not t.certificate_file:
                out.add("warning", "translation.certificate_missing", g,
                        f"the translation of {_ev_label(e)} names no translator and has no certificate",
                        "name the translator (translators[] and translation.translator) so a certificate is "
                        "generated, or give certificate_file", f"{path}.translation.translator")
            if t.translator:
                tr = next((x for x in case.translators if x.id == t.translator), None)
                lang = _LANG_NAMES.get(e.language)
                if tr and tr.languages and lang and not any(lang in _fold(x) for x in tr.languages):
                    out.add("warning", "translation.translator_language", g,
                            f"translator '{tr.id}' ({tr.name}) does not list {lang.title()}, the language of "
                            f"{_ev_label(e)}", "check the translator's languages, or choose another translator",
                            f"{path}.translation.translator")
            if e.language == "en":
                out.add("info", "translation.english_original", g,
                        f"{_ev_label(e)} is marked English but has a translation",
                        "set evidence.language to the document's language", f"{path}.language")


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
                "fill and sign the payment forms; cards must be issued by a U.S. bank" if pay == "G-1450" else
                "fill and sign the payment forms; the account must be at a U.S. bank", "filing.payment")
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
    if fex.claimed:
        if not fex.basis:
            out.add("warning", "fees.parole_exception_basis_missing", g,
                    "request.parole_fee_exception.claimed is true but basis is empty",
                    "choose the basis (e.g. b1_medical_emergency) so the letter cites the right paragraph of "
                    "8 U.S.C. 1804(b)", "request.parole_fee_exception.basis")
        if fex.basis in ("b1_medical_emergency", "b2_parent_of_minor_patient", "b3_organ_donor") and \
                not _of(case, "medical_abroad", "us_provider"):
            out.add("error", "fees.parole_exception_no_medical_evidence", g,
                    f"the parole-fee exception is claimed on a medical basis ({fex.basis}) but there is no medical "
                    f"evidence (categories 'medical_abroad', 'us_provider')",
                    "attach the doctor's letter and the U.S. provider's letter, or withdraw the exception claim",
                    "request.parole_fee_exception")
        if fex.basis in ("b4_family_member_death_imminent", "b5_family_funeral") and not _of(case, "relationship"):
            out.add("warning", "fees.parole_exception_no_relationship_evidence", g,
                    f"the parole-fee exception is claimed for a family member ({fex.basis}) but no relationship "
                    f"evidence is attached", "attach birth or marriage certificates showing the relationship",
                    "request.parole_fee_exception")
        if fex.basis == "b2_parent_of_minor_patient" and not any(b.accompanies for b in case.beneficiaries):
            out.add("warning", "fees.parole_exception_parent_unclear", g,
                    "basis b2 (parent of a minor patient) is claimed but no beneficiary accompanies another",
                    "set beneficiaries[].accompanies for the parent", "request.parole_fee_exception.basis")
        if not fex.explanation:
            out.add("warning", "fees.parole_exception_explanation_missing", g,
                    "request.parole_fee_exception.explanation is empty",
                    "explain, for each beneficiary, why the exception applies (case by case)",
                    "request.parole_fee_exception.explanation")
    pf = facts["parole_fee.amount"]
    out.add("info", "fees.parole_fee", g,
            f"the immigration parole fee ({money(pf['value'])} as of {pf['as_of']}) is charged when parole is granted"
            f"{'; the letter asks for the exception' if fex.claimed else ''}",
            "do not send it with the I-131; USCIS sends a payment notice on approval unless exempt",
            "request.parole_fee_exception")
    out.add("info", "forms.editions", g,
            f"forms used: I-131 ed. {rule('forms.i131.edition')}, I-134 ed. {rule('forms.i134.edition')}, "
            f"G-1450 ed. {rule('forms.g1450.edition')} (as of {facts['forms.i131.edition']['as_of']})",
            "re-check the editions on uscis.gov/i-131 and uscis.gov/i-134 before mailing", None)
    out.add("info", "forms.count", g,
            f"{n} Form I-131, {sum(len(s.supports) for s in case.supporters)} Form I-134 and "
            f"{n if pay in ('G-1450', 'G-1650') else 0} payment form(s): one set per beneficiary",
            "keep each beneficiary's set together, payment form on top", None)
    if case.request.expedite.requested and not case.request.expedite.reason:
        out.add("error", "expedite.reason_missing", g,
                "request.expedite.requested is true but request.expedite.reason is empty",
                "state why the request is urgent (dates, medical risk) with evidence, or set requested to false",
                "request.expedite.reason")
    stale = [k for k, f in facts.items() if f.get("as_of") and
             (today - dt.date.fromisoformat(f["as_of"])).days > 365]
    if stale:
        out.add("info", "rules.stale", g,
                f"{len(stale)} fact(s) in packetgen's rules rest on sources more than a year old "
                f"({', '.join(sorted(stale)[:4])}{', ...' if len(stale) > 4 else ''})",
                "re-check them on uscis.gov and update packetgen/data/rules.json", None)


# --------------------------------------------------------------------------- reporting

_MARK = {"error": "ERROR", "warning": "WARNING", "info": "info"}


def format_findings(findings) -> str:
    """A grouped report for a paralegal: counts first, then each group with what to fix."""
    findings = list(findings)
    if not findings:
        return "No findings: the case file passed every pre-flight check."
    counts = {s: sum(1 for f in findings if f.severity == s) for s in SEVERITIES}
    lines = [f"Pre-flight check: {counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} note(s)"]
    if counts["error"]:
        lines.append("Errors stop the build (use --draft to build a draft anyway).")
    order = GROUPS + sorted({f.group for f in findings} - set(GROUPS))
    for grp in order:
        items = [f for f in findings if f.group == grp]
        if not items:
            continue
        items.sort(key=lambda f: SEVERITIES.index(f.severity) if f.severity in SEVERITIES else 9)
        lines.append("")
        lines.append(f"{grp}")
        lines.append("-" * len(grp))
        for f in items:
            lines.append(f"  {_MARK.get(f.severity, f.severity):<7}  {f.message}  [{f.code}]")
            lines.append(f"           fix: {f.fix}")
            if f.where:
                lines.append(f"           where: {f.where}")
    return "\n".join(lines)


def findings_json(findings) -> list[dict]:
    return [asdict(f) for f in findings]
