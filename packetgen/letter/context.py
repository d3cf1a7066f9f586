"""The variables a letter template sees, built from the case (documented in templates/README.md)."""

from __future__ import annotations

import datetime as dt

from packetgen.case.checks_letter import law_enforcement_witness
from packetgen.case.checks_voice import letter_signer, norm_name as _norm_name
from packetgen.case.model import add_months
from packetgen.facts import rule
from packetgen.letter.citations import ExhibitRef, _page_range, _pages
from packetgen.wording import and_list as _and_list, age_on, months_text, pronouns

_FEE_BASIS = {
    "b1_medical_emergency", "b2_parent_of_minor_patient", "b3_organ_donor",
    "b4_family_member_death_imminent", "b5_family_funeral", "other"}

_STATUS_TEXT = {
    "citizen": "U.S. citizen", "national": "U.S. national", "lpr": "lawful permanent resident",
    "nonimmigrant": "nonimmigrant", "asylee": "asylee", "refugee": "refugee", "parolee": "parolee",
    "tps": "holder of Temporary Protected Status", "deferred_action": "recipient of deferred action",
}


def _asset_phrase(kind: str) -> str:
    """An asset type as it follows "assets of $X in": "a savings account", but "real estate", "stocks"."""
    k = kind.strip()
    if k.lower().endswith("account"):
        return ("an " if k[:1].lower() in "aeiou" else "a ") + k
    return k


def _context(case, exhibits: list[ExhibitRef], sections: list[dict], today: dt.date, *,
             for_beneficiary: str | None = None, related_requests: list[str] | None = None) -> dict:
    req = case.request
    pet = case.petitioner
    signer = case.letter.signer or pet.name.full
    role = letter_signer(case)      # whose voice the letter is in: docs/letter.md ("Whose voice")
    petitioner_voice, attorney_voice = role == "petitioner", role == "attorney"
    letter_date = case.letter.date or today
    patients = [b for b in case.beneficiaries if b.role and "patient" in b.role.lower()]
    if not patients and req.reason == "medical":
        patients = [b for b in case.beneficiaries if not b.accompanies][:1]
    arrival = req.intended_arrival
    stay_end = add_months(arrival, req.stay.months)
    pay = case.filing.payment
    n = len(case.beneficiaries)
    fee = rule("fees.i131_paper")
    fex = req.parole_fee_exception
    exceptions = rule("parole_fee.exceptions")
    # the beneficiary the signer is (a self-petitioner who signs): "me", "my brother" (docs/letter.md, "Whose voice")
    self_id = pet.is_beneficiary if petitioner_voice else None
    supporter_rows = []
    for s in case.supporters:
        supported = [case.beneficiary(b) for b in s.supports]
        assets = sum(a.amount for a in s.assets)
        supporter_rows.append({
            "person": s, "name": s.name.full, "supports": supported,
            "supports_names": _and_list("me" if b.id == self_id else b.name.full for b in supported),
            "status_text": _STATUS_TEXT.get(s.status, s.status_other or "other status"),
            "income": s.annual_income, "assets_total": assets,
            "asset_types": _and_list(_asset_phrase(a.type) for a in s.assets),
            "relationship_text": _and_list(f"my {rel}" if b == self_id else f"{rel} of {case.beneficiary(b).name.given}"
                                           for b, rel in s.relationship.items() if b in s.supports),
            "same_as_petitioner": _norm_name(s.name.full) == _norm_name(pet.name.full)
                                  and s.date_of_birth == pet.date_of_birth,
        })
    secs = [{"title": s.get("title", ""), "first_page": s.get("first_page"), "last_page": s.get("last_page"),
             "pages": _pages(s.get("first_page"), s.get("last_page"))} for s in sections]
    letters = [x.letter for x in exhibits]
    exhibit_span = (f"{letters[0]}–{letters[-1]}" if len(letters) > 1 else (letters[0] if letters else ""))
    return {
        "case": case, "petitioner": pet, "beneficiaries": case.beneficiaries, "supporters": case.supporters,
        "supporter_rows": supporter_rows, "request": req, "discretion": case.discretion,
        "evidence": case.evidence, "attorney": case.attorney, "preparer": case.preparer,
        "interpreter": case.interpreter, "letter": case.letter,
        "letter_date": letter_date, "today": today,
        "attorney_voice": attorney_voice,
        "people": [_person_view(b, letter_date) for b in case.beneficiaries],
        "law_enforcement_witness": law_enforcement_witness(case),
        "pet_p": pronouns(pet.sex),
        "for_beneficiary": for_beneficiary, "related_requests": list(related_requests or []),
        "signer": signer, "signer_title": case.letter.signer_title, "petitioner_voice": petitioner_voice,
        "self_id": self_id,
        "patients": patients,
        "companions": [b for b in case.beneficiaries if b.accompanies],
        "beneficiary_names": _and_list(b.name.full for b in case.beneficiaries),
        "n_beneficiaries": n, "plural": n > 1,
        # in words in running text, as every other number in the letter ("two months"); stay.text as written
        "stay_text": req.stay.text or months_text(req.stay.months), "arrival": arrival, "stay_end": stay_end,
        "typical_max_months": rule("parole.typical_max_months"),
        "lockbox": rule("address.lockbox_usps"), "lockbox_courier": rule("address.lockbox_courier"),
        "i131_edition": rule("forms.i131.edition"), "i134_edition": rule("forms.i134.edition"),
        "part_item": rule("forms.i131.part_item"),
        "payment": pay, "fee_each": fee, "fee_total": fee * n,
        "fee_exception_text": exceptions.get(fex.basis or "other", exceptions["other"]) if fex.claimed else "",
        "parole_fee": rule("parole_fee.amount"),
        "exhibit_list": [{"letter": x.letter, "id": x.evidence_id, "title": x.title, "shows": x.shows,
                          "pages": _page_range(x.first_page, x.last_page)} for x in exhibits],
        "exhibit_span": exhibit_span, "n_exhibits": len(exhibits),
        "any_translation": bool({x.evidence_id for x in exhibits}
                                & {e.id for e in case.evidence if e.translation is not None}),
        "sections": secs,
        "status_text": pet.immigration_status or "",
        "pet_his": {"F": "her", "M": "his"}.get(pet.sex or "", "their"),
        "pet_he": {"F": "she", "M": "he"}.get(pet.sex or "", "they"),
        "contact": _contact(case),
        "payment_text": _PAYMENT_TEXT.get(pay, pay).replace("each request", "each request" if n > 1 else "the request"),
        "payment_text_set": _PAYMENT_TEXT.get(pay, pay).replace("each request", "this request"),
        "files_for_self": case.files_for_self,
    }


_PAYMENT_TEXT = {
    "G-1450": "paid by card with Form G-1450, placed on top of each request",
    "G-1650": "paid by ACH debit with Form G-1650, placed on top of each request",
    "fee_waiver": "the subject of the enclosed fee waiver request (Form I-912)",
    "exempt": "not enclosed because the request is exempt from it",
    "check": "paid by check",
    "money_order": "paid by money order",
}


def _contact(case) -> str:
    who = case.attorney if case.attorney else case.petitioner
    bits = [getattr(who, "phone", None) or getattr(who, "mobile_phone", None), getattr(who, "email", None)]
    return " or ".join(b for b in bits if b)


def _person_view(b, day: dt.date) -> dict:
    """A beneficiary as the letter speaks of them: age at the letter date, pronouns, short name."""
    age = age_on(b.date_of_birth, day)
    return {"b": b, "id": b.id, "age": age, "minor": age < 18, "p": pronouns(b.sex),
            "short": f"{b.name.given} {b.name.family}", "given": b.name.given}

