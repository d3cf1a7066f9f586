"""The case file: what a humanitarian-parole filing needs, as a validated model.

A case file (``case.json``, or YAML) is loaded into :class:`Case`.  Every
validation problem is collected and reported at once, each with the file, the
path inside it (``beneficiaries[0].date_of_birth``) and what was expected.

The model is the contract between all stages: the form field maps address
facts by dotted paths into it, the letter templates read it, and the checks
inspect it.  Paths to evidence are relative to the case file's folder.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path
from typing import Annotated, Literal, Optional, Union

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator


SCHEMA_VERSION = 1

# Control characters and bidirectional overrides have no place on a form or in a letter:
# they are invisible on paper, break PDF text and can disguise a name (U+202E).
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff]")


def _clean_text(multiline: bool):
    def check(v: str) -> str:
        m = _FORBIDDEN.search(v) or (None if multiline else re.search("[\n\r\t]", v))
        if m:
            raise ValueError(f"contains an invisible control character (U+{ord(m.group()):04X}); "
                             "retype the text or remove the character")
        # composed form (NFC): 'e' + U+0301 typed on macOS is the same 'é' as a composed one everywhere
        return unicodedata.normalize("NFC", v)
    return AfterValidator(check)


Str = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20000), _clean_text(True)]
ShortStr = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), _clean_text(False)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_\-]{0,63}$")]


class _Model(BaseModel):
    """Base of every case-file model.

    ``defer_build=True``: pydantic builds a model's validator on first use instead of at import.  Only
    :class:`Case` is validated in practice, so the ~25 nested models never build validators of their own;
    their schemas are built once, inline, inside Case's.  Measured (2 cores, load ~1.7, median of 15 fresh
    processes, CPU time): ``import packetgen.case.model`` 0.23 s -> 0.12 s; import + first ``load_case`` +
    ``model_dump`` 0.23-0.24 s -> 0.20 s.  ``packetgen schema`` output is byte-identical.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=False, defer_build=True)


class Name(_Model):
    family: ShortStr = Field(description="Family name (last name), as in the passport.")
    given: ShortStr = Field(description="Given name (first name), as in the passport.")
    middle: Optional[ShortStr] = Field(None, description="Middle name, if any.")

    @property
    def full(self) -> str:
        return " ".join(p for p in (self.given, self.middle, self.family) if p)


class Address(_Model):
    in_care_of: Optional[ShortStr] = Field(None, description="In care of (c/o) name, if any.")
    street: ShortStr = Field(description="Street number and name.")
    unit_type: Optional[Literal["apt", "ste", "flr"]] = Field(None, description="Apartment, suite or floor.")
    unit_number: Optional[ShortStr] = None
    city: ShortStr
    state: Optional[Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]] = Field(
        None, description="Two-letter U.S. state or territory code (U.S. addresses only).")
    zip_code: Optional[Annotated[str, StringConstraints(pattern=r"^\d{5}(-\d{4})?$")]] = Field(
        None, description="U.S. ZIP code (U.S. addresses only).")
    province: Optional[ShortStr] = Field(None, description="Province or region (foreign addresses).")
    postal_code: Optional[ShortStr] = Field(None, description="Postal code (foreign addresses).")
    country: ShortStr = Field(description="Country, in English (e.g. 'United States', 'Honduras').")

    @property
    def is_us(self) -> bool:
        return self.country.strip().lower() in {"united states", "usa", "u.s.", "u.s.a.", "us", "united states of america"}

    @property
    def lines(self) -> list[str]:
        out = []
        if self.in_care_of:
            out.append(f"c/o {self.in_care_of}")
        unit = f" {self.unit_type.upper()} {self.unit_number}" if self.unit_type and self.unit_number else ""
        out.append(self.street + unit)
        if self.is_us:
            out.append(f"{self.city}, {self.state or ''} {self.zip_code or ''}".strip())
        else:
            parts = [self.city, self.province, self.postal_code]
            out.append(", ".join(p for p in parts if p))
            out.append(self.country)
        return out


ANumber = Annotated[str, StringConstraints(pattern=r"^[Aa]?-?\s?\d{3}-?\s?\d{3}-?\s?\d{2,3}$")]


class Passport(_Model):
    number: ShortStr
    country: ShortStr = Field(description="Issuing country.")
    expires: dt.date = Field(description="Expiry date (YYYY-MM-DD).")


class Person(_Model):
    name: Name
    other_names: list[Name] = Field(default_factory=list, description="Other names used (aliases, maiden names).")
    date_of_birth: dt.date = Field(description="Date of birth (YYYY-MM-DD).")
    city_of_birth: Optional[ShortStr] = None
    country_of_birth: ShortStr
    country_of_citizenship: ShortStr
    sex: Optional[Literal["F", "M"]] = None
    a_number: Optional[ANumber] = Field(None, description="USCIS A-Number, if any (9 digits; 'A' prefix allowed).")
    uscis_online_account: Optional[Annotated[str, StringConstraints(pattern=r"^\d{12}$")]] = None
    ssn: Optional[Annotated[str, StringConstraints(pattern=r"^\d{3}-?\d{2}-?\d{4}$")]] = None
    phone: Optional[ShortStr] = Field(None, description="Daytime phone number.")
    mobile_phone: Optional[ShortStr] = None
    email: Optional[Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]] = None
    mailing_address: Address
    physical_address: Optional[Address] = Field(None, description="Only when different from the mailing address.")
    passport: Optional[Passport] = None
    latin_name: Optional[Name] = Field(
        None, description="The name in Latin letters exactly as in the passport (machine-readable zone or bio page), "
                          "when 'name' is written in another script or with letters the forms cannot show. The forms "
                          "use it.")
    physical_address_same_as_mailing: Optional[bool] = Field(
        None, description="true when the person lives at the mailing address (the forms' physical-address items are "
                          "then filled from it); false with physical_address given otherwise. Never assumed.")

    @property
    def a_number_digits(self) -> Optional[str]:
        if not self.a_number:
            return None
        return re.sub(r"\D", "", self.a_number).rjust(9, "0")

    @property
    def form_name(self) -> Name:
        """The name written on the forms: the passport's Latin spelling when given."""
        return self.latin_name or self.name

    def age_on(self, day: dt.date) -> int:
        b = self.date_of_birth
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))


class Biographics(_Model):
    ethnicity: Optional[Literal["hispanic", "not_hispanic"]] = None
    race: list[Literal["white", "asian", "black", "american_indian", "pacific_islander"]] = Field(default_factory=list)
    height_feet: Optional[Annotated[int, Field(ge=2, le=8)]] = None
    height_inches: Optional[Annotated[int, Field(ge=0, le=11)]] = None
    weight_pounds: Optional[Annotated[int, Field(ge=1, le=999)]] = None
    eye_color: Optional[Literal["black", "blue", "brown", "gray", "green", "hazel", "maroon", "pink", "other"]] = None
    hair_color: Optional[Literal["bald", "black", "blond", "brown", "gray", "red", "sandy", "white", "other"]] = None


class PriorDocument(_Model):
    date_issued: dt.date = Field(description="Date issued (YYYY-MM-DD).")
    disposition: ShortStr = Field(description="e.g. 'attached', 'lost', 'stolen', 'still in my possession'.")


class Beneficiary(Person):
    id: Slug = Field(description="Short identifier used elsewhere in the case file, e.g. 'mateo'.")
    relationship_to_petitioner: Optional[ShortStr] = Field(None, description="e.g. 'son', 'brother', 'self'.")
    marital_status: Optional[Literal["single", "married", "divorced", "widowed", "separated", "annulled", "other"]] = None
    biographics: Biographics = Field(default_factory=Biographics)
    in_removal_proceedings: Optional[bool] = Field(
        None, description="Ever in exclusion, deportation, removal or rescission proceedings (I-131 Part 4 Item 1). "
                          "Sworn: required, never assumed.")
    ever_issued_reentry_permit_or_refugee_travel_document: Optional[bool] = Field(
        None, description="I-131 Part 4 Item 2.a: ever issued a Reentry Permit or Refugee Travel Document.")
    ever_issued_advance_parole: Optional[bool] = Field(
        None, description="I-131 Part 4 Item 3.a: ever issued an Advance Parole Document.")
    reentry_permit_or_refugee_travel_document: Optional[PriorDocument] = Field(
        None, description="I-131 Part 4 Items 2.b-2.c, when Item 2.a is Yes: date issued and disposition.")
    advance_parole_document: Optional[PriorDocument] = Field(
        None, description="I-131 Part 4 Items 3.b-3.c, when Item 3.a is Yes: date issued and disposition.")
    role: Optional[ShortStr] = Field(None, description="Role in the request, e.g. 'patient', 'accompanying parent', 'witness'.")
    accompanies: Optional[Slug] = Field(None, description="Id of the beneficiary this person accompanies (e.g. a parent of a minor patient).")
    reason: Optional[Literal["medical", "family_emergency", "public_benefit", "other"]] = Field(
        None, description="This beneficiary's own reason; default: request.reason.")
    narrative: Optional[Str] = Field(None, description="This beneficiary's own need for parole (e.g. why a parent "
                                     "must accompany the patient), for the letter.")
    discretion: Optional["DiscretionFacts"] = Field(None, description="This beneficiary's own discretion facts; "
                                                    "each empty field falls back to the case's discretion.")
    parole_fee_exception: Optional["FeeException"] = Field(
        None, description="This beneficiary's own parole-fee exception; default: request.parole_fee_exception.")
    other_parent_consent: Optional[Str] = Field(
        None, description="Minors: the other parent's consent to the travel, or why there is none (the letter says "
        "it when no 'consent' evidence is about this beneficiary).")


class Petitioner(Person):
    is_beneficiary: Optional[Slug] = Field(
        None, description="Id of the beneficiary when the petitioner files for themself; omit when filing for someone else.")
    immigration_status: Optional[ShortStr] = Field(None, description="e.g. 'U.S. citizen', 'lawful permanent resident'.")
    holds_refugee_status: Optional[bool] = Field(
        None, description="I-131 Part 1 Item 13: do you hold status as a refugee, were you paroled as a refugee, or are "
                          "you a lawful permanent resident as a direct result of being a refugee? Required, never assumed.")


class Asset(_Model):
    type: ShortStr = Field(description="e.g. 'savings account', 'real estate', 'stocks'.")
    amount: Annotated[float, Field(ge=0)]


class Employment(_Model):
    status: Optional[Literal["employed", "self_employed", "unemployed", "retired", "other"]] = Field(
        None, description="I-134 Part 2 Item 12. Required, never assumed.")
    employer: Optional[ShortStr] = None
    occupation: Optional[ShortStr] = None
    description: Optional[ShortStr] = None


class Supporter(Person):
    id: Slug
    supports: list[Slug] = Field(min_length=1, description="Ids of the beneficiaries this supporter files an I-134 for.")
    status: Literal["citizen", "national", "lpr", "nonimmigrant", "asylee", "refugee", "parolee", "tps",
                    "deferred_action", "other"] = Field(description="The supporter's U.S. immigration status.")
    status_other: Optional[ShortStr] = None
    relationship: dict[Slug, ShortStr] = Field(default_factory=dict, description="Relationship to each beneficiary, by id.")
    employment: Employment = Field(default_factory=Employment)
    annual_income: Annotated[float, Field(ge=0)] = 0
    assets: list[Asset] = Field(default_factory=list)
    dependents: Annotated[int, Field(ge=0, le=99)] = 0
    will_provide: Optional[Str] = Field(
        None, description="What support is provided (housing, food, medical costs), as the supporter writes it on Form "
        "I-134 ('a room in my apartment'); a letter the supporter does not sign quotes it.")
    contributions: Optional[Str] = Field(
        None, description="Form I-134 Part 2 Item 19, which asks for the type, amount and duration of each "
        "contribution, in the supporter's words ('a room, food and local transport from January 4 to April 4, 2027; "
        "visitor medical insurance for the stay, $412.50, paid'); when empty, will_provide is printed there. The "
        "letter keeps quoting will_provide.")
    reads_english: Optional[bool] = Field(
        None, description="I-134 Part 4/5 Item 1: true = 'I can read and understand English'; false = the case's "
                          "interpreter read the form to the supporter. Required, never assumed.")
    specific_contributions: Optional[bool] = Field(
        None, description="I-134 Part 2 Item 18: intends to provide specific contributions. Default: Yes when "
                          "will_provide is given (recorded as derived); otherwise required.")
    other_obligations: Optional[Str] = Field(
        None, description="I-134 Part 2 Item 13: people already sponsored or supported under other Forms I-134 or "
                          "I-864, with dates; 'None' if none.")


class VisaAttempt(_Model):
    date: dt.date
    place: ShortStr = Field(description="Embassy or consulate, e.g. 'U.S. Embassy Tegucigalpa'.")
    visa_class: ShortStr = Field("B-2", description="Visa class sought.")
    outcome: ShortStr = Field(description="e.g. 'refused under INA 214(b)'.")
    evidence: list[Slug] = Field(default_factory=list, description="Evidence ids that document this attempt.")


class Visa(_Model):
    attempts: list[VisaAttempt] = Field(default_factory=list)
    why_not_possible: Optional[Str] = Field(None, description="Why a visa could not be obtained, or why no attempt was possible.")


def add_months(d: dt.date, months: float) -> dt.date:
    """``d`` plus a (possibly fractional) number of months: whole months by the calendar, the rest as 30-day months.

    The one definition of "the end of the stay": the letter, the I-134 support period and the checks all use it,
    so they can never disagree by a day.
    """
    import calendar

    whole = int(months)
    y, m = divmod(d.month - 1 + whole, 12)
    year, month = d.year + y, m + 1
    day = min(d.day, calendar.monthrange(year, month)[1])
    out = dt.date(year, month, day)
    frac = months - whole
    return out + dt.timedelta(days=round(frac * 30)) if frac else out


class Stay(_Model):
    months: Annotated[float, Field(gt=0, le=60)] = Field(description="Requested length of stay, in months.")
    text: Optional[ShortStr] = Field(None, description="As written on the form, e.g. '6 months'. Default: from months.")
    justification: Str = Field(description="Why this length (e.g. treatment plan and recovery).")
    treatment_months: Optional[Annotated[float, Field(gt=0, le=60)]] = Field(
        None, description="Length of treatment stated by the doctors, in months, to check against the stay.")

    @property
    def as_text(self) -> str:
        if self.text:
            return self.text
        m = self.months
        return f"{int(m)} months" if float(m).is_integer() else f"{m:g} months"


class Consulate(_Model):
    city: ShortStr
    country: ShortStr


class Expedite(_Model):
    requested: bool = False
    reason: Optional[Str] = None
    evidence: list[Slug] = Field(default_factory=list, description="Evidence ids that prove the urgency (e.g. the doctor's letter with the surgery date); an expedite request needs at least one.")


class FeeException(_Model):
    claimed: bool = False
    basis: Optional[Literal["b1_medical_emergency", "b2_parent_of_minor_patient", "b3_organ_donor",
                            "b4_family_member_death_imminent", "b5_family_funeral", "other",
                            "law_enforcement"]] = None
    explanation: Optional[Str] = None
    elements: dict[Slug, Str] = Field(
        default_factory=dict, description="The facts for each element of the exception, by element id (see "
        "docs/letter.md: a, b, b_i, b_ii, c), argued one by one in the letter.")


class Request(_Model):
    reason: Literal["medical", "family_emergency", "public_benefit", "other"]
    summary: Str = Field(description="One or two sentences: who needs to come, why, and how urgently. Goes on I-131 "
                         "Part 8 Item 1, so it is the petitioner's own words ('my nephew'); a letter the petitioner does "
                         "not sign quotes it. packetgen adds 'See the cover letter and Exhibits A–O.' (the exhibits of that "
                         "beneficiary's set), so end it with a full stop.")
    narrative: Str = Field(description="Why parole is needed and how urgent it is (for the cover letter), in the voice "
                           "of the letter's signer (letter.signer).")
    urgency: Optional[Str] = Field(None, description="Why it cannot wait; dates that matter.")
    stay: Stay
    intended_arrival: dt.date
    consulate: Consulate = Field(description="U.S. embassy or consulate to notify (I-131 Part 8 Item 3.b).")
    visa: Visa
    expedite: Expedite = Field(default_factory=Expedite)
    parole_fee_exception: FeeException = Field(default_factory=FeeException)
    public_benefit: Optional[Str] = Field(None, description="The significant public benefit, for public-benefit cases.")
    agency_channel: Optional[Str] = Field(
        None, description="For a law-enforcement witness or informant: why this request is made to USCIS and not by "
        "the agency through ICE's law-enforcement parole channel, as the agency's letter states it (cite that letter "
        "with its 'pages' key 'channel').")

    def stated_facts(self, source: Optional[str]) -> tuple[Optional[str], Optional[str]]:
        """Where a parole-fee element's facts come from when the case gives it none of its own (its ``facts``
        source in the rules' parole_fee.exception_elements): (field path, text), or (None, None)."""
        field = {"urgency": "urgency", "why_not_possible": "visa.why_not_possible",
                 "public_benefit": "public_benefit"}.get(source or "")
        if field is None:
            return None, None
        text = self.visa.why_not_possible if field == "visa.why_not_possible" else getattr(self, field)
        return f"request.{field}", text or None


class Discretion(_Model):
    criminal_history: Str = Field(description="Criminal history of each beneficiary, or 'None'.")
    immigration_history: Str = Field(description="Prior immigration history (visas, travel, violations), or 'None'.")
    payment_plan: Str = Field(description="How treatment, stay and return travel are paid for.")
    departure_plan: Optional[Str] = Field(None, description="Why the beneficiary will leave when parole ends.")
    character: Optional[Str] = Field(None, description="Character and community ties; letters of support.")
    no_threat: Optional[Str] = Field(None, description="Why the beneficiary poses no threat to the U.S.")


class DiscretionFacts(_Model):
    """One beneficiary's own discretion facts; each empty field falls back to the case's ``discretion``."""
    criminal_history: Optional[Str] = None
    immigration_history: Optional[Str] = None
    payment_plan: Optional[Str] = None
    departure_plan: Optional[Str] = None
    character: Optional[Str] = None
    no_threat: Optional[Str] = None


class Helper(_Model):
    name: Name
    latin_name: Optional[Name] = Field(None, description="The name in Latin letters, when 'name' is in another script.")
    organization: Optional[ShortStr] = None
    phone: Optional[ShortStr] = None
    mobile_phone: Optional[ShortStr] = None
    email: Optional[Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]] = None
    address: Optional[Address] = None
    language: Optional[ShortStr] = Field(None, description="Interpreters: the language interpreted.")
    bar_number: Optional[ShortStr] = Field(None, description="Attorneys: bar number.")
    bar_state: Optional[ShortStr] = Field(None, description="Attorneys: the state whose bar admitted them, e.g. 'Texas' "
                                          "(printed with the bar number in the letter's signature block).")
    g28: bool = Field(False, description="Attorneys: a Form G-28 is attached.")
    licensing_authority: Optional[ShortStr] = Field(
        None, description="Attorneys (G-28 Part 2 Item 1.b): the licensing authority, e.g. 'Supreme Court of Texas'.")
    subject_to_restrictions: Optional[bool] = Field(
        None, description="Attorneys (G-28 Part 2 Item 1.d): subject to any order suspending, enjoining, restraining, "
                          "disbarring or otherwise restricting the practice of law. Required with g28, never assumed.")
    fax: Optional[ShortStr] = None

    @property
    def form_name(self) -> Name:
        return self.latin_name or self.name


class Translator(_Model):
    id: Slug
    name: ShortStr
    address: Optional[ShortStr] = None
    phone: Optional[ShortStr] = None
    languages: list[ShortStr] = Field(default_factory=list)


EvidenceCategory = Literal[
    "petitioner_statement", "beneficiary_identity", "petitioner_identity", "medical_abroad", "us_provider",
    "cost_estimate", "unavailability", "visa_history", "beneficiary_funds", "relationship", "consent",
    "prior_filings", "criminal_record", "supporter_identity", "supporter_financial", "public_benefit",
    "character", "other"]


class Translation(_Model):
    file: ShortStr = Field(description="The English translation, relative to the case file.")
    translator: Optional[Slug] = Field(None, description="Id of the translator; a certificate page is generated.")
    certificate_file: Optional[ShortStr] = Field(None, description="A signed certificate, if you have one instead.")
    date: Optional[dt.date] = None
    pages: dict[Slug, Annotated[int, Field(ge=1, le=9999)]] = Field(
        default_factory=dict, description="The translation's page of each passage the evidence entry's 'pages' "
        "names, counted from the translation's first page, e.g. {\"prognosis\": 3}: the letter cites it with the "
        "original's page ('Exhibit H, p. 76, English translation at p. 79'). Needed only when the translation does not "
        "follow the original page for page (a different number of pages); otherwise page k of the original is cited "
        "with page k of the translation.")


class Evidence(_Model):
    id: Slug = Field(description="Identifier the letter cites, e.g. 'us_hospital_estimate'.")
    file: ShortStr = Field(description="PDF or image, relative to the case file.")
    more_files: list[ShortStr] = Field(default_factory=list, description="Further files of the same exhibit, in order.")
    title: ShortStr = Field(description="Exhibit title, e.g. 'U.S. hospital cost estimate'.")
    shows: Optional[Str] = Field(None, description="What it proves, for the exhibit index.")
    category: EvidenceCategory = "other"
    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}$")] = Field("en", description="ISO 639 code.")
    translation: Optional[Translation] = None
    about: list[Slug] = Field(default_factory=list, description="Ids of the people this evidence is about.")
    supporter: Optional[Slug] = Field(None, description="Supporter id: places it with that supporter's I-134.")
    password: Optional[ShortStr] = Field(None, description="Password to open an encrypted PDF.")
    date: Optional[dt.date] = Field(None, description="Date of the document, for recency checks.")
    pages: dict[Slug, Annotated[int, Field(ge=1, le=9999)]] = Field(
        default_factory=dict, description="Key pages of the document by passage, e.g. {\"prognosis\": 2}: the letter "
        "cites that page (Exhibit H, p. 76) instead of the whole range.")


class Letter(_Model):
    date: Optional[dt.date] = Field(None, description="Letter date; default: the build date.")
    signer: Optional[ShortStr] = Field(
        None, description="Who signs the letter; default: the petitioner. The case texts the letter prints as its own "
        "(request.narrative, discretion ...) are written in the signer's voice: 'I' for a petitioner who signs, the "
        "third person throughout when an attorney signs (docs/letter.md, 'Whose voice').")
    signer_title: Optional[ShortStr] = None
    letterhead: list[ShortStr] = Field(default_factory=list, description="Letterhead lines (firm name, address).")
    template: ShortStr = Field("letter.j2", description="Top-level letter template.")
    draft: bool = Field(False, description="Mark the letter as a DRAFT for attorney review.")


_NUMBER_KEYS = {"card_number", "card", "number", "cvv", "cvc", "security_code", "expiration", "expiration_date",
                "expiry", "account_number", "routing_number", "aba", "iban"}


class Payer(_Model):
    """Who pays the filing fee (Form G-1450 card holder or G-1650 account holder). Never card or account numbers."""

    name: Name = Field(description="Name as it appears on the card or bank account.")
    latin_name: Optional[Name] = Field(None, description="The name in Latin letters, when 'name' is in another script.")
    billing_address: Address = Field(description="The card's billing address (G-1450) or the account holder's address.")
    phone: Optional[ShortStr] = None
    email: Optional[Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]] = None
    card_type: Optional[Literal["visa", "mastercard", "amex", "discover"]] = Field(
        None, description="G-1450: the card type box (optional). The card holder writes number, expiry and code by hand.")
    account_type: Optional[Literal["checking", "savings"]] = Field(
        None, description="G-1650: the account type. The account holder writes routing and account numbers by hand.")

    @model_validator(mode="before")
    @classmethod
    def _no_numbers(cls, data):
        if isinstance(data, dict):
            bad = sorted(k for k in data if isinstance(k, str) and k.lower() in _NUMBER_KEYS)
            if bad:
                raise ValueError(f"holds {', '.join(bad)}: card and bank account numbers, expiry dates and security "
                                 "codes never go in the case file; remove them (the payer writes them by hand on "
                                 "the printed G-1450 / G-1650)")
        return data

    @property
    def form_name(self) -> Name:
        return self.latin_name or self.name


class Filing(_Model):
    payment: Literal["G-1450", "G-1650", "fee_waiver", "exempt", "check", "money_order"] = "G-1450"
    payer: Optional[Payer] = Field(
        None, description="Who pays the fee (G-1450 card holder / G-1650 account holder). Default: the petitioner, "
                          "with the petitioner's mailing address as billing address (recorded as derived).")
    e_notification: bool = Field(
        True, description="Include Form G-1145 (e-mail/text notice of acceptance) for the petitioner; it needs an "
                          "e-mail address or a mobile number.")
    filing_date: Optional[dt.date] = Field(None, description="Planned mailing date; default: the build date.")
    exhibit_order: Union[Literal["argument", "supporters_first"], list[Union[EvidenceCategory, Literal["supporter"]]]] = Field(
        "argument", description="Exhibit order: 'argument' (the letter's order: for a medical request, medical "
        "evidence before financial), 'supporters_first', or a list of evidence categories ('supporter' for each "
        "supporter's evidence).")


class Case(_Model):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, defer_build=True)

    schema_: Optional[str] = Field(None, alias="$schema")
    schema_version: Literal[1] = SCHEMA_VERSION
    case_name: ShortStr = Field(description="Short name printed in page stamps, e.g. 'Reyes Medical Parole'.")
    petitioner: Petitioner
    beneficiaries: list[Beneficiary] = Field(min_length=1)
    supporters: list[Supporter] = Field(default_factory=list)
    request: Request
    discretion: Discretion
    preparer: Optional[Helper] = None
    interpreter: Optional[Helper] = None
    attorney: Optional[Helper] = None
    translators: list[Translator] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)
    letter: Letter = Field(default_factory=Letter)
    filing: Filing = Field(default_factory=Filing)

    # Set by the loader, not part of the file.
    _source: Optional[Path] = None

    @model_validator(mode="after")
    def _cross_references(self) -> "Case":
        # Reported with the same path-style locations as field errors.
        problems: list[tuple[str, str]] = []
        ben_ids = [b.id for b in self.beneficiaries]
        for i, dup in enumerate(ben_ids):
            if ben_ids.index(dup) != i:
                problems.append((f"beneficiaries[{i}].id", f"duplicate id '{dup}'"))
        if self.petitioner.is_beneficiary and self.petitioner.is_beneficiary not in ben_ids:
            problems.append(("petitioner.is_beneficiary", f"no beneficiary with id '{self.petitioner.is_beneficiary}'"))
        for i, s in enumerate(self.supporters):
            for j, b in enumerate(s.supports):
                if b not in ben_ids:
                    problems.append((f"supporters[{i}].supports[{j}]", f"no beneficiary with id '{b}'"))
        ev_ids = [e.id for e in self.evidence]
        sup_ids = {s.id for s in self.supporters}
        tr_ids = {t.id for t in self.translators}
        person_ids = set(ben_ids) | sup_ids | {"petitioner"}
        for i, e in enumerate(self.evidence):
            if ev_ids.index(e.id) != i:
                problems.append((f"evidence[{i}].id", f"duplicate id '{e.id}'"))
            if e.supporter and e.supporter not in sup_ids:
                problems.append((f"evidence[{i}].supporter", f"no supporter with id '{e.supporter}'"))
            if e.translation and e.translation.translator and e.translation.translator not in tr_ids:
                problems.append((f"evidence[{i}].translation.translator",
                                 f"no translator with id '{e.translation.translator}'"))
            for key in (e.translation.pages if e.translation else {}):
                if key not in e.pages:
                    problems.append((f"evidence[{i}].translation.pages.{key}",
                                     f"names passage '{key}', which evidence[{i}].pages does not name: add "
                                     f"\"{key}\": N (its page in the original) to evidence[{i}].pages, or remove it "
                                     f"here"))
            for j, who in enumerate(e.about):
                if who not in person_ids:
                    problems.append((f"evidence[{i}].about[{j}]", f"no beneficiary or supporter with id '{who}'"))
        for i, a in enumerate(self.request.visa.attempts):
            for j, ref in enumerate(a.evidence):
                if ref not in ev_ids:
                    problems.append((f"request.visa.attempts[{i}].evidence[{j}]", f"no evidence with id '{ref}'"))
        if problems:
            raise ValueError("\n".join(f"@{loc}: {msg}" for loc, msg in problems))
        return self

    # ----- convenience views used by templates, forms and checks -----
    @property
    def source(self) -> Optional[Path]:
        return self._source

    @property
    def base_dir(self) -> Path:
        return self._source.parent if self._source else Path.cwd()

    def beneficiary(self, bid: str) -> Beneficiary:
        return next(b for b in self.beneficiaries if b.id == bid)

    @property
    def files_for_self(self) -> bool:
        return self.petitioner.is_beneficiary is not None

    def supporter_pairs(self) -> list[tuple[Supporter, Beneficiary]]:
        """One I-134 per supporter and beneficiary pair, in case-file order."""
        return [(s, self.beneficiary(b)) for s in self.supporters for b in s.supports]

    def evidence_by_id(self, eid: str) -> Evidence:
        return next(e for e in self.evidence if e.id == eid)

    def translator(self, tid: str) -> Translator:
        return next(t for t in self.translators if t.id == tid)


# --------------------------------------------------------------------------- loading
