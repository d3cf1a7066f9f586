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
    abroad: bool = False                 # issued abroad: may need an English translation
    language: Optional[str] = None       # ISO 639 code when not English
    translation: Optional[dict] = None   # the case file's "translation" entry

    def entry(self) -> dict:
        e = {"id": self.id, "file": self.file, "title": self.title, "shows": self.shows,
             "category": self.category}
        if self.language:
            e["language"] = self.language
        if self.translation:
            e["translation"] = self.translation
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
            about=patients, optional_extras=["Medical records, imaging, lab results (add them as more_files)."],
            abroad=True))
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
        slots += _family_emergency_slots(a, ids)
    elif reason == "public_benefit":
        agency = a.agency or "the U.S. agency, court or organization"
        slots.append(_slot(
            "public_benefit_letter", "public-benefit.pdf",
            f"Letter of {a.agency}" if a.agency else "Letter describing the significant public benefit",
            f"The public benefit of the beneficiary's presence, as {agency} explains it.",
            "public_benefit",
            [f"A letter from {agency} explaining why the beneficiary's presence is a significant public benefit, "
             "with the dates the beneficiary is needed (e.g. the trial or hearing dates)."]))
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
                 "Not in English? Add the English translation."], about=minors, abroad=True))
    accompanying = [(b, bid) for b, bid in zip(a.beneficiaries, ids.beneficiaries) if b.accompanies is not None]
    if accompanying and reason != "family_emergency":
        about = sorted({ids.beneficiaries[b.accompanies] for b, _ in accompanying} | {bid for _, bid in accompanying},
                       key=ids.beneficiaries.index)
        slots.append(_slot(
            "relationship", "relationship.pdf", "Proof of the relationship of the accompanying family member",
            "Why the accompanying person must travel with the patient (e.g. the patient's birth certificate).",
            "relationship",
            ["The patient's birth certificate naming the accompanying parent, or another proof of the relationship.",
             "Not in English? Add the English translation and set 'language' in case.json."], about=about,
            abroad=True))
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
    if a.language and a.language != "en":
        tid = slug(a.translator, set()) if a.translator else None
        for sl in slots:
            if sl.abroad:
                sl.language = a.language
                sl.translation = {"file": f"{sl.folder}/translation.pdf", **({"translator": tid} if tid else {})}
                sl.what_to_put = sl.what_to_put + [
                    "Its English translation as translation.pdf in this folder"
                    + (f" (by {a.translator}; packetgen adds the translator's certificate)." if tid else ".")]
    return slots


def _family_emergency_slots(a: Answers, ids: "_Ids") -> list[EvidenceSlot]:
    """The relative's medical letter is medical evidence (category us_provider): the letter cites it for the
    prognosis and the urgency; a funeral needs the death certificate and the funeral notice."""
    r = a.relative
    who = r.name if r else "the relative in the U.S."
    where = f" at {r.hospital}" if r and r.hospital else ""
    about = ["petitioner"] if r and r.is_petitioner else []
    out = []
    if a.emergency == "funeral":
        out.append(_slot(
            "death_certificate", "death-certificate.pdf", f"Death certificate and funeral notice of {who}",
            f"The death of {who} and the date and place of the funeral.", "other",
            [f"The death certificate of {who} (or the doctor's or funeral home's statement of death).",
             "The funeral home's notice or letter with the date and place of the funeral."], about=about))
    else:
        condition = f" ({r.condition})" if r and r.condition else ""
        out.append(_slot(
            "relative_medical_letter", "doctor-letter.pdf", f"Letter of the doctor of {who}",
            f"The diagnosis{condition}, the prognosis and the time left for {who}{where}, and why the family "
            "must come now.", "us_provider",
            [f"A signed letter on letterhead from the doctor, hospital or hospice treating {who}{where}, dated "
             "within the last 30 days.",
             "It must state: the diagnosis, the prognosis (how much time is left, if the doctor can say), "
             "and that a visit by the family is urgent."], about=about,
            optional_extras=["Hospital or hospice admission records (add them as more_files)."]))
    rel = f" ({r.relationship} of {a.beneficiaries[0].given})" if r and r.relationship and a.beneficiaries else ""
    out.append(_slot(
        "relationship", "relationship.pdf", "Proof of the family relationship",
        f"How each beneficiary is related to {who}{rel}.", "relationship",
        ["Birth or marriage certificates showing the relationship (both sides if annotated)."],
        about=list(ids.beneficiaries), abroad=True))
    return out



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
