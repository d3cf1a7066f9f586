"""Pre-flight rules: claims that need their evidence (the parole-fee exception, an expedite request).

Each exception in 8 U.S.C. 1804(b) has elements that must all be shown case by case; docs/errors.md lists
what each rule looks for.
"""

from __future__ import annotations

import re

from packetgen.case.checks_base import _Out, _of

_MEDICAL_BASES = ("b1_medical_emergency", "b2_parent_of_minor_patient", "b3_organ_donor")
_FAMILY_BASES = ("b4_family_member_death_imminent", "b5_family_funeral")
_UNAVAILABLE = ("unavailab", "not available", "not performed", "cannot be treated", "cannot obtain",
                "no treatment", "not offered")
_DEATH_WORDS = ("hospice", "terminal", "prognosis", "dying", "death", "life expectancy", "palliative", "funeral",
                "obituary", "deceased")
# A reason of substance says what is at risk and when: "Urgent." is not one. At least a sentence.
EXPEDITE_MIN_CHARS = 40
EXPEDITE_MIN_WORDS = 7


def _exception_may_apply(case) -> str:
    """The 8 U.S.C. 1804(b) exception a request of this kind may fall under ('' when none is likely)."""
    from packetgen.case.checks_letter import law_enforcement_witness

    reason = case.request.reason
    if law_enforcement_witness(case):
        return "the exception for a person assisting U.S. law enforcement"
    if reason == "medical":
        return "1804(b)(1) medical emergency, or (b)(2) the parent of a minor patient"
    if reason == "family_emergency":
        return "1804(b)(4) a close family member whose death is imminent, or (b)(5) a funeral"
    return ""


def _exception_not_claimed(case, out: _Out) -> None:
    """A request that may fall under an exception from the parole fee, with no claim and no reason given."""
    if case.request.parole_fee_exception.explanation or any(
            b.parole_fee_exception and b.parole_fee_exception.claimed for b in case.beneficiaries):
        return
    which = _exception_may_apply(case)
    if not which:
        return
    out.add("warning", "fees.parole_exception_not_claimed", "Forms and fees",
            f"this {case.request.reason.replace('_', ' ')} request may fall under an exception from the immigration "
            f"parole fee of 8 U.S.C. 1804 ({which}), and the letter does not ask for it",
            "if it applies, set request.parole_fee_exception.claimed to true with its basis and the facts of each "
            "element (docs/letter.md); if it does not, say why in request.parole_fee_exception.explanation (not "
            "printed while the exception is not claimed)", "request.parole_fee_exception")


def _mentions(e, words) -> bool:
    text = f"{e.title} {e.shows or ''}".lower()
    return any(w in text for w in words)


def fee_exception(case, out: _Out):
    """The parole-fee exception claimed in request.parole_fee_exception, against the statute's elements."""
    g = "Forms and fees"
    fex = case.request.parole_fee_exception
    if not fex.claimed:
        _exception_not_claimed(case, out)
        return
    where = "request.parole_fee_exception"
    if not fex.basis:
        out.add("warning", "fees.parole_exception_basis_missing", g,
                "request.parole_fee_exception.claimed is true but basis is empty",
                "choose the basis (e.g. b1_medical_emergency) so the letter cites the right paragraph of "
                "8 U.S.C. 1804(b)", f"{where}.basis")
    if fex.basis in _MEDICAL_BASES and not _of(case, "medical_abroad", "us_provider"):
        out.add("error", "fees.parole_exception_no_medical_evidence", g,
                f"the parole-fee exception is claimed on a medical basis ({fex.basis}) but there is no medical "
                f"evidence (categories 'medical_abroad', 'us_provider')",
                "attach the doctor's letter and the U.S. provider's letter, or withdraw the exception claim", where)
    if fex.basis == "b1_medical_emergency":
        shown = _of(case, "unavailability") or any(_mentions(e, _UNAVAILABLE) for e in _of(case, "medical_abroad"))
        if not shown:
            out.add("warning", "fees.parole_exception_unavailability_missing", g,
                    "basis b1 (medical emergency) needs either that the treatment cannot be obtained in the "
                    "country of residence, or that the emergency is life-threatening with no time for a visa; "
                    "no 'unavailability' evidence is attached and no doctor's letter says so in its 'shows'",
                    "attach letters from local hospitals or specialists (category 'unavailability'), or a doctor's "
                    "letter stating the emergency is life-threatening, and say so in its 'shows'", where)
    if fex.basis == "b3_organ_donor" and not case.request.urgency:
        out.add("warning", "fees.parole_exception_time_missing", g,
                "basis b3 (organ or tissue donor) needs insufficient time for the normal visa process, but "
                "request.urgency is empty", "state the transplant date and why a visa cannot be had in time in "
                                           "request.urgency", "request.urgency")
    if fex.basis == "b2_parent_of_minor_patient" or fex.basis in _FAMILY_BASES:
        if not _of(case, "relationship"):
            who = "parent and minor patient" if fex.basis == "b2_parent_of_minor_patient" else "family member"
            out.add("error", "fees.parole_exception_no_relationship_evidence", g,
                    f"the parole-fee exception is claimed as {who} ({fex.basis}) but no relationship evidence is "
                    f"attached (category 'relationship')",
                    "attach the birth certificate (or marriage or guardianship papers) that shows the relationship, "
                    "with its translation", where)
    if fex.basis == "b2_parent_of_minor_patient" and not any(b.accompanies for b in case.beneficiaries):
        out.add("warning", "fees.parole_exception_parent_unclear", g,
                "basis b2 (parent of a minor patient) is claimed but no beneficiary accompanies another",
                "set beneficiaries[].accompanies for the parent", f"{where}.basis")
    if fex.basis in _FAMILY_BASES:
        proof = [e for e in case.evidence if e.category in ("us_provider", "medical_abroad", "other")
                 and _mentions(e, _DEATH_WORDS)]
        if not proof:
            what = "imminent death" if fex.basis == "b4_family_member_death_imminent" else "death and funeral"
            out.add("error", "fees.parole_exception_no_event_evidence", g,
                    f"the parole-fee exception is claimed for a family member's {what} ({fex.basis}) but no "
                    f"exhibit shows it (no doctor's, hospice or funeral document whose title or 'shows' says so)",
                    "attach the physician's or hospice letter with the prognosis (or the death certificate and "
                    "funeral notice) and describe it in the exhibit's 'shows'", where)
        if fex.basis == "b4_family_member_death_imminent" and not case.request.visa.why_not_possible:
            out.add("warning", "fees.parole_exception_time_missing", g,
                    "basis b4 also needs that the person could not arrive in time through the normal visa process, "
                    "but request.visa.why_not_possible is empty",
                    "explain the visa wait against the prognosis in request.visa.why_not_possible",
                    "request.visa.why_not_possible")
    if not fex.explanation:
        out.add("error" if fex.basis == "other" else "warning", "fees.parole_exception_explanation_missing", g,
                "request.parole_fee_exception.explanation is empty",
                "explain, for each beneficiary, why the exception applies (case by case)"
                + ("; with basis 'other' the explanation is the only statement of the exception" if fex.basis == "other"
                   else ""), f"{where}.explanation")


def expedite(case, out: _Out):
    """An expedite request needs a reason of substance and at least one exhibit that proves it."""
    g = "Forms and fees"
    ex = case.request.expedite
    if not ex.requested:
        return
    reason = (ex.reason or "").strip()
    if not reason:
        out.add("error", "expedite.reason_missing", g,
                "request.expedite.requested is true but request.expedite.reason is empty",
                "state why the request is urgent (dates, medical risk) with evidence, or set requested to false",
                "request.expedite.reason")
    elif len(reason) < EXPEDITE_MIN_CHARS or len(re.findall(r"\w+", reason)) < EXPEDITE_MIN_WORDS:
        out.add("error", "expedite.reason_thin", g,
                f"request.expedite.reason ('{reason[:40]}') does not say what is urgent and when: it is "
                f"{len(reason)} characters long",
                "state the concrete deadline or risk (e.g. the surgery date and what happens if it is delayed)",
                "request.expedite.reason")
    ids = {e.id for e in case.evidence}
    for j, ref in enumerate(ex.evidence):
        if ref not in ids:
            out.add("error", "expedite.evidence_unknown", g,
                    f"request.expedite.evidence[{j}] is '{ref}', which is no evidence id",
                    f"use the id of an exhibit in evidence[] ({', '.join(sorted(ids)[:5])}...)",
                    f"request.expedite.evidence[{j}]")
    if not [r for r in ex.evidence if r in ids]:
        out.add("error", "expedite.evidence_missing", g,
                "an expedite is requested but request.expedite.evidence cites no exhibit that proves the urgency",
                "list the ids of the exhibits that show the deadline or risk (e.g. the doctor's letter with the "
                "surgery date) in request.expedite.evidence", "request.expedite.evidence")
