"""Pre-flight checks: what a paralegal must fix (errors) or look at (warnings) before a packet is built.

Each :class:`Finding` names the field path or exhibit, says what is wrong and how to fix it, and has a stable
``code``. The rules live in ``checks_*`` modules, one per group; this module runs them (docs/errors.md).
"""

from __future__ import annotations

import datetime as dt

from packetgen.case.checks_base import (GROUPS, SEVERITIES, Finding, _Out, findings_json, format_findings,  # noqa: F401
                                        has_errors)
from packetgen.case.checks_claims import expedite, fee_exception
from packetgen.case.checks_dates import _dates, _translations
from packetgen.case.checks_filing import _forms_fees, _identity_discretion, _risk, _signatures
from packetgen.case.checks_means import amounts, place_and_status, poverty
from packetgen.case.checks_request import _evidence_files, _examples, _medical, _placeholders, _three_questions
from packetgen.case.checks_support import _consistency, _support

__all__ = ["Finding", "run_checks", "format_findings", "findings_json", "GROUPS", "has_errors"]


def run_checks(case, *, today: dt.date) -> list[Finding]:
    """All pre-flight findings for a case, in report order (group, then severity)."""
    out = _Out()
    filing_date = case.filing.filing_date or today
    _placeholders(case, out)
    _examples(case, out)
    _evidence_files(case, out)
    _three_questions(case, out)
    if case.request.reason == "medical":
        _medical(case, out, today)
    _support(case, out)
    amounts(case, out)
    place_and_status(case, out)
    poverty(case, out)
    _consistency(case, out)
    _dates(case, out, today, filing_date)
    _translations(case, out)
    _identity_discretion(case, out)
    _risk(case, out)
    _signatures(case, out, today)
    _forms_fees(case, out, today, filing_date)
    fee_exception(case, out)
    expedite(case, out)
    from packetgen.case.checks_letter import check_letter

    check_letter(case, out, today)
    order = {g: i for i, g in enumerate(GROUPS)}
    sev = {s: i for i, s in enumerate(SEVERITIES)}
    return sorted(out, key=lambda f: (order[f.group], sev[f.severity]))
