"""Pre-flight rules: placeholders, evidence files, the three questions (why, how long, why no visa), medical."""

from __future__ import annotations

import re

from packetgen.case.checks_base import _Out, _of
from packetgen.wording import long_date


def _placeholders(case, out: _Out):
    """'TODO:' placeholders left by 'packetgen init' would print in the letter and on the forms."""
    from packetgen.case.todo import TODO, todo_paths

    data = case.model_dump(mode="json", by_alias=True, exclude_none=True)
    for where, what in todo_paths(data):
        out.add("error", "case.placeholder", "Case file",
                f"{where} still holds the placeholder '{TODO} {what[:60]}'",
                f"write the real answer in {where} (packetgen init left it for you to complete)", where)


_EXAMPLE = re.compile(r"\(e\.g\.[^)]*\)", re.I)


def _examples(case, out: _Out):
    """Example texts that 'packetgen init' writes into exhibit titles and 'shows' (\"(e.g. ...)\") are
    placeholders too: the exhibit index would tell USCIS what the document might be, not what it is."""
    for i, e in enumerate(case.evidence):
        for fld in ("title", "shows"):
            text = getattr(e, fld) or ""
            m = _EXAMPLE.search(text)
            if m:
                where = f"evidence[{i}].{fld}"
                out.add("error", "case.example_text", "Case file",
                        f"{where} of exhibit '{e.id}' still holds the example text '{m.group(0)[:60]}' (it would "
                        f"print in the exhibit index)",
                        f"describe what this document is and shows, and delete the example in {where}", where)


def _evidence_files(case, out: _Out):
    """Every file the case names exists and is a readable regular file (the build would stop at the first)."""
    import glob
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
            if p.is_symlink() and not p.exists() and _symlink_loop(p):
                problem = "is a symbolic-link loop"
            elif not p.exists():
                problem = "does not exist"
            elif p.is_dir():
                problem = "is a folder, not a file"
            elif not os.access(p, os.R_OK):
                problem = "is not readable"
            else:
                continue
            hint = ""
            if problem == "does not exist" and p.parent.is_dir():
                same = sorted(q.name for q in p.parent.glob(f"{glob.escape(p.stem)}.*")
                              if q.is_file() and q.name != p.name)
                if same:
                    hint = f"; {' and '.join(same[:3])} {'is' if len(same) == 1 else 'are'} there"
            out.add("error", "evidence.file_missing", g,
                    f"{where}: {rel} {problem} (exhibit '{ev.id}': {ev.title}){hint}",
                    (f"if {same[0]} is the document, write its name in {where}" if hint else
                     f"put the file at {rel} (relative to the case file's folder) or correct the path"), where)


def _symlink_loop(p) -> bool:
    import errno
    import os

    try:
        os.stat(p)
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return False


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
                out.add("warning", "medical.minor_consent_missing", g,
                        f"{b.name.full} (beneficiaries[{i}]) is a minor patient and no parental consent is attached"
                        + (f"; {companions[0].name.full} accompanies" if companions else ""),
                        "add the written consent of the other parent (or of both parents when neither travels), "
                        "with a copy of that parent's ID, category 'consent', with the patient's id in 'about'; a "
                        "legal guardian adds the guardianship order", f"beneficiaries[{i}]")
