"""The argument per beneficiary: each one's reason, narrative, discretion facts and parole-fee exception (the
beneficiary's own values, else the case's), and the exception's elements with their facts and evidence.
Policy: docs/letter.md ("The argument")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from packetgen.facts import rule
from packetgen.wording import long_date, pronouns

_DISCRETION_FIELDS = ("criminal_history", "immigration_history", "payment_plan", "departure_plan", "character",
                      "no_threat")


@dataclass(frozen=True)
class Element:
    """One element of a parole-fee exception, with what proves it."""
    id: str
    label: str                  # "(A)", "(B)(i)", "1."
    requirement: str            # plain-English paraphrase of the statute
    facts: Optional[str]        # the facts for this element (a sentence, third person), or None
    evidence: tuple = ()        # evidence objects (exhibits) that prove it
    key: Optional[str] = None   # the named passage to cite in them ("prognosis")
    optional: bool = False      # an alternative element (B)(ii) shown only with facts of its own


@dataclass(frozen=True)
class FeeArgument:
    basis: str
    cite: str
    elements: tuple[Element, ...]
    explanation: Optional[str] = None


@dataclass
class BeneficiaryArgument:
    """What the letter argues for one beneficiary."""
    b: object
    reason: str
    narrative: Optional[str]                 # the beneficiary's own narrative (None: the case's covers it)
    discretion: dict                         # field -> text, the beneficiary's own over the case's
    own_discretion: dict                     # only the fields the beneficiary has of their own
    fee: Optional[FeeArgument]
    accompanies: Optional[object] = None     # the beneficiary they accompany
    minor: bool = False
    age: int = 0
    consent: tuple = ()                      # 'consent' exhibits about this beneficiary
    consent_note: Optional[str] = None
    companion_evidence: tuple = ()           # relationship/consent exhibits about this person and the one accompanied


def build_arguments(case, citer, people: list[dict]) -> list[BeneficiaryArgument]:
    by_id = {p["id"]: p for p in people}
    out = []
    for pv in people:
        b = pv["b"]
        own = {f: getattr(b.discretion, f) for f in _DISCRETION_FIELDS if b.discretion and getattr(b.discretion, f)}
        merged = {f: own.get(f) or getattr(case.discretion, f) for f in _DISCRETION_FIELDS}
        fex = b.parole_fee_exception or case.request.parole_fee_exception
        other = by_id.get(b.accompanies)["b"] if b.accompanies in by_id else None
        arg = BeneficiaryArgument(
            b=b, reason=b.reason or case.request.reason, narrative=b.narrative, discretion=merged,
            own_discretion=own, fee=None, accompanies=other, minor=pv["minor"], age=pv["age"],
            consent=tuple(citer.exhibits_for("consent", about=b.id)), consent_note=b.other_parent_consent)
        if other is not None:
            arg.companion_evidence = tuple(e for e in citer.exhibits_for("relationship", "consent")
                                           if b.id in e.about and other.id in e.about)
        if fex and fex.claimed:
            arg.fee = _fee_argument(case, citer, b, fex, other, by_id)
        out.append(arg)
    return out


def _fee_argument(case, citer, b, fex, other, by_id) -> FeeArgument:
    table = rule("parole_fee.exception_elements")
    basis = fex.basis or "other"
    spec = table.get(basis)
    if spec is None:      # "other": the case's own explanation, under 8 U.S.C. 1804(b)
        return FeeArgument(basis, "8 U.S.C. 1804(b)", (), fex.explanation)
    patient = other if basis == "b2_parent_of_minor_patient" and other is not None else b
    elements = []
    for el in spec["elements"]:
        own = fex.elements.get(el["id"])
        if el.get("optional") and not own:
            continue
        source = el.get("facts")
        # else the case's own paragraph, restated: an officer reads each element on its own, so it states its
        # facts rather than pointing to a section above (short element facts of the case's own read better)
        facts = own or _computed_facts(source, b, patient, by_id) or case.request.stated_facts(source)[1]
        evidence = citer.exhibits_for(*el["evidence"], about=patient.id) if source == "minor" \
            else citer.exhibits_for(*el["evidence"])
        if source == "why_not_possible":   # the refusal and the appointment wait, not the whole visa history
            pick = {i for a in case.request.visa.attempts for i in (a.evidence or [])}
            pick |= {e.id for e in citer.exhibits_with(key="appointment", words=["appointment", "wait time"])}
            evidence = [e for e in evidence if e.id in pick] or evidence
        if source == "parent":   # the parent-child link (about both), and the patient's own medical evidence
            link = [e for e in evidence if e.category in ("relationship", "consent")]
            evidence = [e for e in link if b.id in e.about and patient.id in e.about] or link
            keep = {e.id for e in evidence} | {e.id for e in citer.exhibits_for(*el["evidence"], about=patient.id)
                                               if e.category not in ("relationship", "consent")}
            evidence = [e for e in citer.exhibits_for(*el["evidence"]) if e.id in keep]   # in exhibit order
        elements.append(Element(el["id"], el["label"], el["text"], facts, tuple(evidence), el.get("key"),
                                bool(el.get("optional"))))
    return FeeArgument(basis, spec["cite"], tuple(elements), fex.explanation)


def _computed_facts(source: Optional[str], b, patient, by_id) -> Optional[str]:
    """Facts the letter computes from the case's data (never invented): the patient's age, the parent's role."""
    if source == "minor":
        age = by_id[patient.id]["age"]
        if age >= 18:
            return None
        return (f"{patient.name.given} was born on {long_date(patient.date_of_birth)} and is {age} years old on the "
                f"date of this letter.")
    if source == "parent" and patient is not b:
        role = (b.role or "").strip()
        return f"{b.name.given} is {patient.name.given}'s {role}." if "parent" in role or "guardian" in role else None
    return None


def fee_groups(arguments: list[BeneficiaryArgument]) -> list[tuple[list, FeeArgument]]:
    """Beneficiaries whose exception is argued with the same elements, facts and evidence, argued once together."""
    groups: list[tuple[list, FeeArgument]] = []
    for a in arguments:
        if a.fee is None:
            continue
        for people, fee in groups:
            if fee == a.fee:
                people.append(a.b)
                break
        else:
            groups.append(([a.b], a.fee))
    return groups


def refusals_214b(case) -> list:
    """The visa attempts refused under INA 214(b)."""
    return [a for a in case.request.visa.attempts if re.search(r"214\s*\(\s*b\s*\)", a.outcome or "")]


def he_she(person) -> str:
    return pronouns(getattr(person, "sex", None)).he
