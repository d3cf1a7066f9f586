"""Start a new case: turn a paralegal's answers into a valid case file and an evidence folder.

``packetgen init`` (``cli_init.py``) asks the questions; this module holds
everything that is not a question: the answer types and their validation, the
case file built from the answers, the evidence the case needs (one folder per
expected exhibit, with a README saying what goes in it), and writing it all
safely.

What a paralegal cannot type at a prompt (the narrative, the payment plan,
the criminal history...) is written as ``TODO: ...`` text so the case file is
valid from the first minute; :func:`todo_paths` lists those places and
``packetgen init`` prints them.

Only the standard library is imported at module level (``packetgen --help``
stays fast); pydantic comes in with :mod:`packetgen.case.model` when a case is made.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

TODO = "TODO:"
CASE_NAME = "case.json"
SCHEMA_NAME = "case.schema.json"
EVIDENCE_DIR = "evidence"
README_NAME = "README.txt"
_README_MARK = "(written by packetgen init)"

REASONS = {
    "medical": "medical treatment that is not available at home",
    "family_emergency": "a family emergency (a relative in the U.S. is dying, a funeral, a child alone)",
    "public_benefit": "a significant public benefit (e.g. a witness in a U.S. court case)",
    "other": "another urgent humanitarian reason",
}

STATUSES = {
    "citizen": "U.S. citizen",
    "lpr": "lawful permanent resident",
    "national": "U.S. national",
    "nonimmigrant": "nonimmigrant",
    "asylee": "asylee",
    "refugee": "refugee",
    "parolee": "parolee",
    "tps": "temporary protected status",
    "deferred_action": "deferred action",
    "other": "other status",
}

PAYMENTS = {
    "G-1450": "credit or debit card (Form G-1450)",
    "G-1650": "debit from a U.S. bank account (Form G-1650)",
    "fee_waiver": "fee waiver request (Form I-912)",
    "exempt": "fee exempt",
}

# 50 states, DC, territories and the military "states" used in mailing addresses.
US_STATES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California", "CO": "Colorado",
    "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia", "FL": "Florida", "GA": "Georgia",
    "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois", "IN": "Indiana", "IA": "Iowa", "KS": "Kansas",
    "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts",
    "MI": "Michigan", "MN": "Minnesota", "MS": "Mississippi", "MO": "Missouri", "MT": "Montana",
    "NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico",
    "NY": "New York", "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma",
    "OR": "Oregon", "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota",
    "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington",
    "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
    "PR": "Puerto Rico", "GU": "Guam", "VI": "U.S. Virgin Islands", "AS": "American Samoa",
    "MP": "Northern Mariana Islands", "AA": "Armed Forces Americas", "AE": "Armed Forces Europe",
    "AP": "Armed Forces Pacific",
}
_STATE_BY_NAME = {v.lower(): k for k, v in US_STATES.items()}

US = "United States"


# --------------------------------------------------------------------------- answer validation
# Each function takes what was typed and returns the clean value or raises ValueError with a
# message that says what to type instead.  The CLI uses them for prompts and for flags alike.

def today() -> dt.date:
    """Today, or the day SOURCE_DATE_EPOCH names (tests and reproducible runs)."""
    sde = os.environ.get("SOURCE_DATE_EPOCH")
    if sde and sde.strip().isdigit():
        return dt.datetime.fromtimestamp(int(sde), tz=dt.timezone.utc).date()
    return dt.date.today()


def parse_date(text: str, *, earliest: Optional[dt.date] = None, latest: Optional[dt.date] = None,
               what: str = "date") -> dt.date:
    s = str(text).strip()
    if not re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", s):
        hint = ""
        m = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", s)
        if m and int(m.group(1)) <= 12:
            hint = (f" ({m.group(1)}/{m.group(2)}/{m.group(3)} in U.S. order is "
                    f"{m.group(3)}-{int(m.group(1)):02d}-{int(m.group(2)):02d})")
        raise ValueError(f"type the {what} as YYYY-MM-DD, e.g. 2019-07-02{hint}")
    try:
        d = dt.date.fromisoformat("-".join(p.zfill(2) for p in s.split("-")))
    except ValueError:
        raise ValueError(f"{s} is not a real date; type the {what} as YYYY-MM-DD")
    if earliest and d < earliest:
        raise ValueError(f"the {what} must be on or after {earliest.isoformat()}")
    if latest and d > latest:
        raise ValueError(f"the {what} must be on or before {latest.isoformat()}")
    return d


def birth_date(text: str) -> dt.date:
    t = today()
    return parse_date(text, earliest=t.replace(year=t.year - 120), latest=t, what="date of birth")


def arrival_date(text: str) -> dt.date:
    t = today()
    return parse_date(text, earliest=t, latest=t + dt.timedelta(days=2 * 366), what="intended arrival date")


def expiry_date(text: str) -> dt.date:
    t = today()
    return parse_date(text, earliest=t.replace(year=t.year - 30), latest=t.replace(year=t.year + 30),
                      what="passport expiry date")


def visa_date(text: str) -> dt.date:
    t = today()
    return parse_date(text, earliest=t.replace(year=t.year - 15), latest=t, what="visa interview date")


def filing_date(text: str) -> dt.date:
    t = today()
    return parse_date(text, earliest=t - dt.timedelta(days=31), latest=t + dt.timedelta(days=366),
                      what="mailing date")


def state_code(text: str) -> str:
    s = str(text).strip()
    code = s.upper().replace(".", "")
    if code in US_STATES:
        return code
    if s.lower() in _STATE_BY_NAME:
        return _STATE_BY_NAME[s.lower()]
    raise ValueError(f"'{s}' is not a U.S. state code; type two letters such as TX, CA or NY")


def zip_code(text: str) -> str:
    s = str(text).strip()
    if re.fullmatch(r"\d{5}(-\d{4})?", s):
        return s
    if re.fullmatch(r"\d{9}", s):
        return f"{s[:5]}-{s[5:]}"
    raise ValueError("a ZIP code is 5 digits (or ZIP+4, e.g. 77004-1234)")


def email(text: str) -> str:
    s = str(text).strip()
    if re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", s):
        return s
    raise ValueError("type an email address such as name@example.org")


def text_line(text: str, *, what: str = "answer", max_len: int = 200) -> str:
    s = " ".join(str(text).split())
    if not s:
        raise ValueError(f"the {what} cannot be empty")
    if len(s) > max_len:
        raise ValueError(f"the {what} is {len(s)} characters; keep it under {max_len}")
    if any(unicodedata.category(c) in {"Cc", "Cf"} for c in s):
        raise ValueError(f"the {what} contains an invisible control character; retype it")
    return s


def country(text: str) -> str:
    s = text_line(text, what="country")
    if s.lower().replace(".", "") in {"us", "usa", "united states", "united states of america", "america"}:
        return US
    return s[:1].upper() + s[1:]


def months(text: str) -> float:
    try:
        m = float(str(text).strip().removesuffix("months").strip())
    except ValueError:
        raise ValueError("type a number of months, e.g. 6")
    if not 0 < m <= 60:
        raise ValueError("the stay must be more than 0 and at most 60 months (parole is usually 1 year at most)")
    return m


def money(text: str) -> float:
    s = str(text).strip().replace(",", "").replace("$", "").replace("USD", "").strip()
    try:
        v = float(s)
    except ValueError:
        raise ValueError("type an amount in U.S. dollars, e.g. 52000")
    if v < 0:
        raise ValueError("the amount cannot be negative")
    return v


def person_name(text: str) -> tuple[str, Optional[str], str]:
    """'Given Family', 'Given Middle Family' is ambiguous: use 'Family, Given [Middle]' for compound names.

    Returns (given, middle, family).  Without a comma the first word is the given
    name and the rest is the family name ("Mateo Reyes Castillo" -> Mateo / Reyes Castillo).
    """
    s = text_line(text, what="name")
    if "," in s:
        family, _, rest = s.partition(",")
        family, rest = family.strip(), rest.strip().split()
        if not family or not rest:
            raise ValueError("write 'Family, Given' (e.g. 'Reyes Castillo, Mateo Andrés')")
        return rest[0], (" ".join(rest[1:]) or None), family
    parts = s.split()
    if len(parts) < 2:
        raise ValueError("write the given and family name, e.g. 'Mateo Reyes' or 'Reyes Castillo, Mateo'")
    return parts[0], None, " ".join(parts[1:])


def slug(text: str, taken: set[str] = frozenset()) -> str:
    """A short id from a name: 'María José' -> 'maria'; unique against ``taken``."""
    base = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    base = re.sub(r"[^a-z0-9]+", "_", base).strip("_")[:24] or "person"
    out, n = base, 2
    while out in taken:
        out, n = f"{base}{n}", n + 1
    return out


# --------------------------------------------------------------------------- answers

@dataclass
class AddressAnswers:
    street: Optional[str] = None
    city: Optional[str] = None
    country: Optional[str] = None
    state: Optional[str] = None
    zip_code: Optional[str] = None
    province: Optional[str] = None
    postal_code: Optional[str] = None
    unit: Optional[str] = None          # "Apt 12B" / "Ste 400" / "Flr 3"


@dataclass
class PersonAnswers:
    given: str
    family: str
    date_of_birth: dt.date
    middle: Optional[str] = None
    sex: Optional[str] = None
    country_of_birth: Optional[str] = None
    country_of_citizenship: Optional[str] = None
    city_of_birth: Optional[str] = None
    phone: Optional[str] = None
    email: Optional[str] = None
    address: AddressAnswers = field(default_factory=AddressAnswers)

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.given, self.middle, self.family) if p)


@dataclass
class BeneficiaryAnswers(PersonAnswers):
    relationship: Optional[str] = None   # to the petitioner ("son", "nephew"); "self" when self-petitioning
    role: Optional[str] = None           # "patient", "accompanying parent", ...
    accompanies: Optional[int] = None    # index of the beneficiary this person accompanies
    passport_number: Optional[str] = None
    passport_expires: Optional[dt.date] = None
    id: Optional[str] = None
    removal_proceedings: Optional[bool] = None       # I-131 Part 4 Item 1
    reentry_permit: Optional[bool] = None            # I-131 Part 4 Item 2.a
    advance_parole: Optional[bool] = None            # I-131 Part 4 Item 3.a


@dataclass
class SupporterAnswers(PersonAnswers):
    status: str = "citizen"
    employer: Optional[str] = None
    occupation: Optional[str] = None
    annual_income: Optional[float] = None
    supports: Optional[list[int]] = None  # beneficiary indices; None = all
    relationships: dict[int, str] = field(default_factory=dict)  # beneficiary index -> "aunt", "friend"
    is_petitioner: bool = False
    id: Optional[str] = None
    other_obligations_none: Optional[bool] = None    # I-134 Part 2 Item 13: no other I-134/I-864 signed


@dataclass
class VisaAnswers:
    date: dt.date
    place: str
    outcome: str = "refused under INA 214(b)"
    visa_class: str = "B-2"


@dataclass
class Answers:
    reason: str
    beneficiaries: list[BeneficiaryAnswers]
    petitioner: Optional[PersonAnswers] = None      # None when the petitioner is a beneficiary
    petitioner_is: Optional[int] = None             # index into beneficiaries
    petitioner_status: Optional[str] = None         # a STATUSES key (U.S. petitioners)
    supporters: list[SupporterAnswers] = field(default_factory=list)
    summary: Optional[str] = None
    intended_arrival: Optional[dt.date] = None
    stay_months: float = 6
    treatment_months: Optional[float] = None
    consulate_city: Optional[str] = None
    consulate_country: Optional[str] = None
    visa: list[VisaAnswers] = field(default_factory=list)
    expedite: bool = False
    fee_exception: Optional[bool] = None            # None: decide from the reason
    criminal_history_none: Optional[bool] = None    # True: "no arrests or convictions" was confirmed
    payment: str = "G-1450"
    filing_date: Optional[dt.date] = None
    case_name: Optional[str] = None
    preparer: Optional[str] = None                  # "Given Family" of the paralegal preparing the forms
    organization: Optional[str] = None


# --------------------------------------------------------------------------- expected evidence

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


# --------------------------------------------------------------------------- the case file

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


def _todo(what: str) -> str:
    return f"{TODO} {what}"


def _address(ad: AddressAnswers, *, us: bool) -> dict:
    out: dict = {"street": ad.street or _todo("street and number")}
    if ad.unit:
        m = re.fullmatch(r"(?i)(apt|apartment|ste|suite|flr|floor|unit|#)\.?\s*(.+)", ad.unit.strip())
        kind = {"apartment": "apt", "suite": "ste", "floor": "flr", "unit": "apt", "#": "apt"}.get(
            m.group(1).lower(), m.group(1).lower()) if m else "apt"
        out["unit_type"] = kind
        out["unit_number"] = m.group(2) if m else ad.unit.strip()
    out["city"] = ad.city or _todo("city")
    country_ = ad.country or (US if us else None)
    if country_ == US:
        out["state"] = ad.state or None
        out["zip_code"] = ad.zip_code or None
    else:
        if ad.province:
            out["province"] = ad.province
        if ad.postal_code:
            out["postal_code"] = ad.postal_code
    out["country"] = country_ or _todo("country")
    return {k: v for k, v in out.items() if v is not None}


def _person(p: PersonAnswers, *, us: bool) -> dict:
    name = {"family": p.family, "given": p.given}
    if p.middle:
        name["middle"] = p.middle
    out: dict = {"name": name, "date_of_birth": p.date_of_birth.isoformat()}
    if p.city_of_birth:
        out["city_of_birth"] = p.city_of_birth
    default_country = US if us else None
    out["country_of_birth"] = p.country_of_birth or p.country_of_citizenship or _todo("country of birth")
    out["country_of_citizenship"] = p.country_of_citizenship or default_country or _todo("country of citizenship")
    if p.sex:
        out["sex"] = p.sex
    if p.phone:
        out["phone"] = p.phone
    if p.email:
        out["email"] = p.email
    ad = p.address
    if ad.country is None and not us:
        ad = AddressAnswers(**{**ad.__dict__, "country": p.country_of_citizenship})
    out["mailing_address"] = _address(ad, us=us)
    return out


def case_data(a: Answers) -> tuple[dict, list[EvidenceSlot]]:
    """The case file (plain data, not yet validated) and the evidence slots it points at."""
    if not a.beneficiaries:
        raise ValueError("a case needs at least one beneficiary")
    if a.intended_arrival is None:
        raise ValueError("the date of intended arrival is needed")
    ids = _ids(a)
    bens = []
    for i, (b, bid) in enumerate(zip(a.beneficiaries, ids.beneficiaries)):
        d = {"id": bid, **_person(b, us=False)}
        if a.petitioner_is == i:
            d["relationship_to_petitioner"] = "self"
        elif b.relationship:
            d["relationship_to_petitioner"] = b.relationship
        if b.role:
            d["role"] = b.role
        if b.accompanies is not None and b.accompanies != i:
            d["accompanies"] = ids.beneficiaries[b.accompanies]
        if b.removal_proceedings is not None:
            d["in_removal_proceedings"] = b.removal_proceedings
        if b.reentry_permit is not None:
            d["ever_issued_reentry_permit_or_refugee_travel_document"] = b.reentry_permit
        if b.advance_parole is not None:
            d["ever_issued_advance_parole"] = b.advance_parole
        if b.passport_number and b.passport_expires:
            d["passport"] = {"number": b.passport_number,
                             "country": b.country_of_citizenship or _todo("issuing country"),
                             "expires": b.passport_expires.isoformat()}
        bens.append(d)

    if a.petitioner_is is not None:
        pet_src = a.beneficiaries[a.petitioner_is]
        petitioner = {k: v for k, v in _person(pet_src, us=False).items()}
        petitioner["is_beneficiary"] = ids.beneficiaries[a.petitioner_is]
    else:
        if a.petitioner is None:
            raise ValueError("name the petitioner, or say the petitioner is one of the beneficiaries")
        petitioner = _person(a.petitioner, us=True)
        if a.petitioner_status:
            petitioner["immigration_status"] = STATUSES.get(a.petitioner_status, a.petitioner_status)

    supporters = []
    for s, sid in zip(a.supporters, ids.supporters):
        d = {"id": sid,
             "supports": [ids.beneficiaries[k] for k in (s.supports if s.supports else range(len(a.beneficiaries)))],
             **_person(s, us=True), "status": s.status}
        emp: dict = {}
        if s.employer:
            emp["employer"] = s.employer
        if s.occupation:
            emp["occupation"] = s.occupation
        if emp:
            d["employment"] = {"status": "employed", **emp}
        if s.annual_income is not None:
            d["annual_income"] = s.annual_income
        if s.relationships:
            d["relationship"] = {ids.beneficiaries[k]: v for k, v in s.relationships.items() if v}
        d["will_provide"] = _todo("what this supporter provides (housing, food, medical costs, travel)")
        if s.other_obligations_none is True:
            d["other_obligations"] = "None"
        elif s.other_obligations_none is False:
            d["other_obligations"] = _todo("people already sponsored or supported under other Forms I-134 or I-864, "
                                           "with dates")
        supporters.append(d)

    slots = expected_evidence(a, ids)
    patient = a.beneficiaries[0]
    summary = a.summary or _todo("one or two sentences: who needs to come, why, and how urgently")
    medical = a.reason == "medical"
    fee = {"claimed": False}
    if a.fee_exception if a.fee_exception is not None else medical:
        fee = {"claimed": True,
               "basis": "b1_medical_emergency" if medical else ("b4_family_member_death_imminent"
                                                                 if a.reason == "family_emergency" else "other"),
               "explanation": _todo("why the 8 U.S.C. 1804(b) parole-fee exception applies, citing the exhibits")}
    res_country = patient.address.country or patient.country_of_citizenship
    visa_attempts = []
    for i, v in enumerate(a.visa):
        visa_attempts.append({"date": v.date.isoformat(), "place": v.place, "visa_class": v.visa_class,
                              "outcome": v.outcome, "evidence": [f"visa_refusal{'' if i == 0 else i + 1}"]})
    request = {
        "reason": a.reason,
        "summary": summary,
        "narrative": _todo("why parole is needed and how urgent it is, in a few paragraphs (for the cover letter)"),
        "stay": {"months": a.stay_months,
                 "justification": _todo("why this length of stay (e.g. the treatment plan and recovery)")},
        "intended_arrival": a.intended_arrival.isoformat(),
        "consulate": {"city": a.consulate_city or _todo("city of the U.S. embassy or consulate"),
                      "country": a.consulate_country or res_country or _todo("country")},
        "visa": {"attempts": visa_attempts,
                 "why_not_possible": _todo("why a U.S. visa cannot be obtained in time (or why no attempt was possible)")},
        "expedite": ({"requested": True, "reason": _todo("why USCIS should decide quickly, with dates")}
                     if a.expedite else {"requested": False}),
        "parole_fee_exception": fee,
    }
    if a.treatment_months:
        request["stay"]["treatment_months"] = a.treatment_months
    if medical:
        request["urgency"] = _todo("why it cannot wait: dates of surgery or treatment, what happens if delayed")
    elif a.reason != "public_benefit":
        request["urgency"] = _todo("why it cannot wait: the dates that matter and what happens if parole comes late")
    if a.reason == "public_benefit":
        request["public_benefit"] = _todo("the significant public benefit of the beneficiary's presence")

    crim = ("No beneficiary has ever been arrested, charged or convicted of any offence anywhere."
            if a.criminal_history_none else
            _todo("each beneficiary's criminal history (arrests, charges, convictions), or 'None'"))
    discretion = {
        "criminal_history": crim,
        "immigration_history": _todo("prior U.S. visas, travel and any violations of each beneficiary, or 'None'"),
        "payment_plan": _todo("how treatment, the stay and the return travel are paid for"),
        "departure_plan": _todo("why each beneficiary will go home when parole ends (job, family, home)"),
        "no_threat": _todo("why the beneficiaries pose no threat to the security of the United States"),
    }
    family = patient.family.split()[0] if patient.family else "New"
    default_name = f"{family} {'Medical' if medical else 'Humanitarian'} Parole"
    data: dict = {
        "$schema": SCHEMA_NAME,
        "schema_version": 1,
        "case_name": a.case_name or default_name,
        "petitioner": petitioner,
        "beneficiaries": bens,
        "supporters": supporters,
        "request": request,
        "discretion": discretion,
    }
    if a.preparer:
        given, middle, fam = person_name(a.preparer)
        prep: dict = {"name": {"family": fam, "given": given, **({"middle": middle} if middle else {})}}
        if a.organization:
            prep["organization"] = a.organization
        data["preparer"] = prep
    data["evidence"] = [s.entry() for s in slots]
    for att in visa_attempts:
        att["evidence"] = [e for e in att["evidence"] if any(s.id == e for s in slots)]
    data["filing"] = {"payment": a.payment, **({"filing_date": a.filing_date.isoformat()} if a.filing_date else {})}
    return data, slots


def todo_paths(data, prefix: str = "") -> list[tuple[str, str]]:
    """Every place in the case data still holding a ``TODO:`` placeholder: (path, what to write)."""
    out = []
    if isinstance(data, dict):
        for k, v in data.items():
            out += todo_paths(v, f"{prefix}.{k}" if prefix else k)
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += todo_paths(v, f"{prefix}[{i}]")
    elif isinstance(data, str) and data.startswith(TODO):
        out.append((prefix, data[len(TODO):].strip()))
    return out


def validate(data: dict, where: Path):
    """Validate with the case model; a failure here is a bug in init (answers are validated as typed)."""
    from pydantic import ValidationError

    from packetgen.case.model import Case
    from packetgen.errors import CaseError

    try:
        return Case.model_validate(data)
    except ValidationError as exc:
        from packetgen.case.model import validation_problems

        problems = validation_problems(exc)
        raise CaseError(f"{where}: the answers do not make a valid case file ({len(problems)} problem"
                        f"{'s' if len(problems) != 1 else ''}); nothing was written",
                        details=[f"{p}: {m}" for p, m in problems],
                        fix="correct the answers named above and run 'packetgen init' again")


# --------------------------------------------------------------------------- writing

@dataclass
class InitResult:
    case_file: Path
    schema_file: Path
    evidence_dir: Path
    slots: list[EvidenceSlot]
    todos: list[tuple[str, str]]
    created_folders: list[Path]
    beneficiaries: int
    supporters: int


def _write_file(path: Path, data: bytes, *, replace: bool) -> None:
    """Write via a same-folder temporary file (mode 0600).

    ``replace=False``: the final step is a hard link, which fails if the target
    appeared meanwhile, so an existing file is never clobbered, even by a race.
    """
    from packetgen.errors import OutputError

    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), 0o600)
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if replace:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)
            except FileExistsError:
                raise OutputError(f"{path}: already exists; nothing was written",
                                  fix="pass --force to replace it, or choose another folder")
            except OSError:  # file systems without hard links: fall back to an exclusive create
                with open(path, "xb") as out:
                    os.fchmod(out.fileno(), 0o600)
                    out.write(data)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write ({exc.strerror})",
                          fix="check free disk space and the folder's permissions")
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def _readme(slot: EvidenceSlot, case_file: Path) -> str:
    name = Path(slot.file).name
    stem = Path(slot.file).stem
    lines = [
        f"{slot.title}",
        "=" * min(len(slot.title), 78),
        "",
        f"Put in this folder: {slot.what_to_put[0]}",
        *[f"  - {w}" for w in slot.what_to_put[1:]],
        "",
        f"Save it here as:    {name}",
        f"It shows:           {slot.shows}",
        "",
        f"case.json expects the file {slot.file} (evidence id '{slot.id}').",
        f"A photo or scan is fine: a JPG or PNG named {stem}.jpg or {stem}.png works too, but then",
        f"change \"file\" for '{slot.id}' in case.json to match. Several files for this exhibit?",
        "List the others under \"more_files\" in the same entry, in order.",
        "Not in English? Add the English translation and the translator's details (\"translation\").",
    ]
    if slot.optional_extras:
        lines += ["", "You may also add:", *[f"  - {x}" for x in slot.optional_extras]]
    lines += ["", f"When the files are in place, run:  packetgen check {case_file.name}", "",
              f"{_README_MARK}", ""]
    return "\n".join(lines)


def _index_readme(slots: list[EvidenceSlot], case_name: str) -> str:
    lines = [f"Evidence for {case_name}", "=" * 40, "",
             "One folder per exhibit the case needs. Put each document in its folder under the file name",
             "shown below (case.json points at these names). The packet letters the exhibits A, B, C...",
             "when it is built, in the order of the packet, so folders have names, not letters.", ""]
    width = max(len(s.file) for s in slots) if slots else 10
    for s in slots:
        lines.append(f"  [ ] {s.file:<{width}}  {s.title}")
    lines += ["", "Check what is still missing at any time:  packetgen check case.json", "", _README_MARK, ""]
    return "\n".join(lines)


def ensure_can_write(folder: str | Path, *, force: bool = False) -> None:
    """Fail early (before any question is asked) when init would have to overwrite a case file."""
    from packetgen.errors import OutputError

    folder = Path(folder)
    case_file = folder / CASE_NAME
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{folder}: exists and is not a folder", fix="choose another folder")
    if case_file.is_dir():
        raise OutputError(f"{case_file}: is a folder", fix="choose another folder")
    if case_file.exists() and not force:
        raise OutputError(f"{case_file}: a case file already exists; nothing was written",
                          fix="pass --force to replace it (evidence files are kept), or choose another folder")


def create_case(folder: str | Path, answers: Answers, *, force: bool = False) -> InitResult:
    """Write ``folder/case.json`` (validated; atomic; 0600), its JSON Schema, and the evidence folders.

    Refuses to replace an existing case.json unless ``force``.  Existing evidence
    files and folders are never touched; only missing folders and READMEs are created.
    """
    from packetgen.errors import CaseError, OutputError

    folder = Path(folder)
    case_file = folder / CASE_NAME
    ensure_can_write(folder, force=force)
    try:
        data, slots = case_data(answers)
    except ValueError as exc:
        raise CaseError(f"cannot make a case file: {exc}", fix="answer the question named above")
    validate(data, case_file)

    created: list[Path] = []
    try:
        if not folder.exists():
            folder.mkdir(parents=True, mode=0o700)
            created.append(folder)
        elif not folder.is_dir():
            raise OutputError(f"{folder}: exists and is not a folder", fix="choose another folder")
        ev_dir = folder / EVIDENCE_DIR
        if not ev_dir.exists():
            ev_dir.mkdir(mode=0o700)
            created.append(ev_dir)
        for s in slots:
            d = folder / s.folder
            if not d.exists():
                d.mkdir(mode=0o700)
                created.append(d)
    except OSError as exc:
        raise OutputError(f"{folder}: cannot create folders ({exc.strerror})",
                          fix="choose a folder you can write to")

    from packetgen.case.model import json_schema

    schema_file = folder / SCHEMA_NAME
    _write_file(schema_file, (json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n").encode(), replace=True)
    for s in slots:
        readme = folder / s.folder / README_NAME
        if not readme.exists() or _README_MARK in readme.read_text(encoding="utf-8", errors="replace"):
            _write_file(readme, _readme(s, case_file).encode(), replace=True)
    index = ev_dir / README_NAME
    if not index.exists() or _README_MARK in index.read_text(encoding="utf-8", errors="replace"):
        _write_file(index, _index_readme(slots, data["case_name"]).encode(), replace=True)
    # The case file last: if anything above failed, there is no half-made case.
    _write_file(case_file, (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode(), replace=force)
    return InitResult(case_file=case_file, schema_file=schema_file, evidence_dir=ev_dir, slots=slots,
                      todos=todo_paths(data), created_folders=created, beneficiaries=len(answers.beneficiaries),
                      supporters=len(answers.supporters))
