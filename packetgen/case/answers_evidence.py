"""The exhibits a new case needs: one evidence slot (folder, expected file name, README text) per document.

The list follows USCIS guidance (reference/domain.md section 3); ``packetgen init`` makes a folder per slot.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from packetgen.case.answers_input import EVIDENCE_DIR, STATUSES, Answers, slug, today


@dataclass
class EvidenceSlot:
    """One exhibit the case needs: its folder, the file name case.json expects, and what goes in it."""
    id: str
    folder: str          # relative to the case folder, e.g. evidence/mateo-passport
    file: str            # relative to the case folder, e.g. evidence/mateo-passport/passport.pdf
    title: str
    shows: str
    category: str
    what_to_put: list[str]
    about: list[str] = field(default_factory=list)
    supporter: Optional[str] = None
    optional_extras: list[str] = field(default_factory=list)

    def entry(self) -> dict:
        e = {"id": self.id, "file": self.file, "title": self.title, "shows": self.shows,
             "category": self.category}
        if self.about:
            e["about"] = self.about
        if self.supporter:
            e["supporter"] = self.supporter
        return e


def _folder_name(eid: str) -> str:
    return eid.replace("_", "-")


def _slot(eid: str, filename: str, title: str, shows: str, category: str, what: list[str], **kw) -> EvidenceSlot:
    folder = f"{EVIDENCE_DIR}/{_folder_name(eid)}"
    return EvidenceSlot(id=eid, folder=folder, file=f"{folder}/{filename}", title=title, shows=shows,
                        category=category, what_to_put=what, **kw)


def expected_evidence(a: Answers, ids: "_Ids") -> list[EvidenceSlot]:
    """The exhibits a case of this kind needs (USCIS guidance, reference/domain.md section 3)."""
    slots: list[EvidenceSlot] = []
    pet_name = ids.petitioner_name
    slots.append(_slot(
        "petitioner_statement", "statement.pdf", f"Declaration of {pet_name}",
        "Why parole is needed now, the length of stay, why a visa is not available, the plan to return, and who pays.",
        "petitioner_statement",
        ["The petitioner's signed, dated statement (declaration), in English.",
         "It answers: the urgent reason; why now; how long and why; when and where a visa was sought and what "
         "happened (or why no visa is possible); the plan to return home; who pays for what."],
        about=["petitioner"]))
    for b, bid in zip(a.beneficiaries, ids.beneficiaries):
        slots.append(_slot(
            f"{bid}_passport", "passport.pdf", f"Passport biographic page of {b.given} {b.family}",
            f"Identity and citizenship of {b.given} {b.family}.", "beneficiary_identity",
            ["A clear copy of the passport page with the photo and personal details.",
             "No passport? Another government ID showing citizenship, plus a short explanation why there is no passport."],
            about=[bid]))
    if a.petitioner_is is None and not any(s.is_petitioner for s in a.supporters):
        slots.append(_slot(
            "petitioner_status", "status.pdf", f"Proof of U.S. status of {pet_name}",
            "The petitioner's identity and U.S. immigration status.", "petitioner_identity",
            ["A copy of the U.S. passport, naturalization certificate, green card (both sides) or other status document."],
            about=["petitioner"]))
    reason = a.reason
    patients = [bid for b, bid in zip(a.beneficiaries, ids.beneficiaries)
                if (b.role or "").lower() in {"patient", ""} and b.accompanies is None] or ids.beneficiaries[:1]
    if reason == "medical":
        slots.append(_slot(
            "doctor_letter", "doctor-letter.pdf", "Letter of the treating doctor abroad",
            "Diagnosis, prognosis, urgency, why treatment is not available at home or in a neighbouring country, "
            "and fitness to travel.", "medical_abroad",
            ["A signed letter on letterhead from the treating doctor, dated within the last 90 days.",
             "It must state: the diagnosis, the prognosis, why the treatment cannot be had at home or in a "
             "neighbouring country, how urgent it is, and how long treatment will take.",
             "Not in English? Add the English translation (see the case file's 'translation' field)."],
            about=patients, optional_extras=["Medical records, imaging, lab results (add them as more_files)."]))
        slots.append(_slot(
            "us_provider_letter", "acceptance-letter.pdf", "Acceptance letter of the U.S. hospital or doctor",
            "A U.S. provider has accepted the patient, with the treatment plan and its length.", "us_provider",
            ["The U.S. hospital's or doctor's letter accepting the patient, with the treatment plan, dates "
             "and expected length of treatment and follow-up."], about=patients))
        slots.append(_slot(
            "cost_estimate", "cost-estimate.pdf", "U.S. treatment cost estimate and payment arrangements",
            "The itemized cost of treatment and how it will be paid (deposit, charity care, insurance).",
            "cost_estimate",
            ["The U.S. provider's itemized cost estimate (doctors, hospital, follow-up care).",
             "Any charity-care approval, insurance commitment or deposit receipt."], about=patients))
    elif reason == "family_emergency":
        slots.append(_slot(
            "emergency_evidence", "emergency.pdf", "Evidence of the family emergency",
            "The emergency and why it cannot wait (e.g. a doctor's letter about the dying relative, a death certificate).",
            "other",
            ["A document proving the emergency: a U.S. doctor's letter about the relative's condition and "
             "prognosis, or a death certificate and funeral notice, with dates."]))
        slots.append(_slot(
            "relationship", "relationship.pdf", "Proof of the family relationship",
            "How the beneficiary is related to the family member in the U.S.", "relationship",
            ["Birth or marriage certificates showing the relationship (both sides if annotated).",
             "Not in English? Add the English translation."], about=list(ids.beneficiaries)))
    elif reason == "public_benefit":
        slots.append(_slot(
            "public_benefit_letter", "public-benefit.pdf", "Letter describing the significant public benefit",
            "The public benefit of the beneficiary's presence (e.g. a prosecutor's or agency's letter).",
            "public_benefit",
            ["A letter from the U.S. agency, court or organization explaining why the beneficiary's presence "
             "is a significant public benefit, with dates."]))
    else:
        slots.append(_slot(
            "reason_evidence", "reason.pdf", "Evidence of the urgent humanitarian reason",
            "The urgent reason for the request and why it cannot wait.", "other",
            ["Documents proving the urgent reason and its dates."]))
    if reason == "medical":
        t = today()
        minors = [bid for b, bid in zip(a.beneficiaries, ids.beneficiaries)
                  if bid in patients and (t.year - b.date_of_birth.year
                                          - ((t.month, t.day) < (b.date_of_birth.month, b.date_of_birth.day))) < 18]
        if minors:
            slots.append(_slot(
                "parental_consent", "consent.pdf", "Consent of the parents to the treatment and travel",
                "Both parents (or the parent who does not travel) consent to the child's travel and treatment.",
                "consent",
                ["A signed, dated letter of consent from both parents, or from the parent who does not travel, "
                 "with a copy of that parent's ID.",
                 "Not in English? Add the English translation."], about=minors))
    accompanying = [(b, bid) for b, bid in zip(a.beneficiaries, ids.beneficiaries) if b.accompanies is not None]
    if accompanying and reason != "family_emergency":
        about = sorted({ids.beneficiaries[b.accompanies] for b, _ in accompanying} | {bid for _, bid in accompanying},
                       key=ids.beneficiaries.index)
        slots.append(_slot(
            "relationship", "relationship.pdf", "Proof of the relationship of the accompanying family member",
            "Why the accompanying person must travel with the patient (e.g. the patient's birth certificate).",
            "relationship",
            ["The patient's birth certificate naming the accompanying parent, or another proof of the relationship.",
             "Not in English? Add the English translation and set 'language' in case.json."], about=about))
    for i, v in enumerate(a.visa):
        slots.append(_slot(
            f"visa_refusal{'' if i == 0 else i + 1}", "refusal.pdf",
            f"{'Visa refusal' if 'refus' in v.outcome.lower() else 'Visa application'}, {v.place}, "
            f"{v.date.isoformat()}",
            f"The {v.visa_class} visa application of {v.date.isoformat()} and its outcome: {v.outcome}.",
            "visa_history",
            ["The refusal sheet or letter (e.g. the INA 214(b) letter), the DS-160 confirmation and the appointment "
             "confirmation."], about=list(ids.beneficiaries)))
    for s, sid in zip(a.supporters, ids.supporters):
        name = f"{s.given} {s.family}"
        slots.append(_slot(
            f"{sid}_status", "status.pdf", f"Proof of U.S. status of {name}",
            f"{name}'s identity and U.S. immigration status ({STATUSES.get(s.status, s.status)}).",
            "supporter_identity",
            ["A copy of the U.S. passport, naturalization certificate, green card (both sides), EAD or I-94."],
            about=[sid], supporter=sid))
        slots.append(_slot(
            f"{sid}_income", "income.pdf", f"Income of {name}: tax return and employer letter",
            f"{name}'s income (most recent federal tax return or IRS transcript, W-2s, employer letter).",
            "supporter_financial",
            ["The most recent federal tax return or IRS tax transcript, with W-2s.",
             "An employer letter on letterhead (salary, start date, permanent or not) and recent pay stubs.",
             "Several files? Put the first here and list the others under 'more_files' in case.json."],
            about=[sid], supporter=sid))
        slots.append(_slot(
            f"{sid}_assets", "bank-statements.pdf", f"Bank statements and assets of {name}",
            f"The savings and assets {name} can use to support the beneficiaries.", "supporter_financial",
            ["Recent bank statements (opening date, deposits over the past year, current balance).",
             "Proof of other assets, if any (deeds with valuation, securities)."],
            about=[sid], supporter=sid))
    return slots



@dataclass
class _Ids:
    beneficiaries: list[str]
    supporters: list[str]
    petitioner_name: str


def _ids(a: Answers) -> _Ids:
    taken = {"petitioner"}
    bids = []
    for b in a.beneficiaries:
        bid = b.id or slug(b.given, taken)
        taken.add(bid)
        bids.append(bid)
    sids = []
    for s in a.supporters:
        sid = s.id or slug(s.given, taken)
        taken.add(sid)
        sids.append(sid)
    pet = a.beneficiaries[a.petitioner_is] if a.petitioner_is is not None else a.petitioner
    return _Ids(bids, sids, pet.full_name if pet else "the petitioner")
