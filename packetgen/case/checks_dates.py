"""Pre-flight rules: dates (birth, arrival, stay, passport, evidence age) and translations."""

from __future__ import annotations

import datetime as dt

from packetgen.case.model import add_months
from packetgen.case.checks_base import _LANG_NAMES, _Out, _ev_label, _fold, _people
from packetgen.facts import rule
from packetgen.wording import long_date


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
    elif arrival <= filing_date:
        out.add("error", "dates.arrival_before_filing", g,
                f"request.intended_arrival ({long_date(arrival)}) is not after the filing date "
                f"({long_date(filing_date)})",
                "enter an arrival date after the expected decision, or correct filing.filing_date",
                "request.intended_arrival")
    else:
        key = "processing.expedited_days" if req.expedite.requested else "processing.standard_days"
        need = rule(key)
        days = (arrival - filing_date).days
        if days < need:
            out.add("warning", "dates.arrival_soon", g,
                    f"request.intended_arrival ({long_date(arrival)}) is {days} days after filing"
                    f"{' even with an expedite request' if req.expedite.requested else ', and no expedite is requested'}"
                    f": USCIS publishes no reliable processing time, and packetgen assumes at least {need} days "
                    f"({key} in the rules: a conservative default)",
                    ("plan a later arrival and say in the letter that the date depends on the decision"
                     if req.expedite.requested else
                     "request expedited processing with the reason and evidence (request.expedite), or plan a "
                     "later arrival"), "request.intended_arrival")
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
    for i, e in enumerate(case.evidence):
        path = f"evidence[{i}]"
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
    for i, e in enumerate(case.evidence):
        path = f"evidence[{i}]"
        if e.language != "en" and not e.translation:
            out.add("error", "translation.missing", g,
                    f"{_ev_label(e)} is in '{e.language}' and has no English translation: 8 CFR 103.2(b)(3) says a "
                    f"foreign-language document shall be accompanied by a full, certified English translation",
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
