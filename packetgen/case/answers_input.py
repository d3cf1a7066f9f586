"""The answers ``packetgen init`` collects: their types, and the checks that turn what was typed into values.

Each check takes the typed text and returns the clean value or raises ValueError with a message that
says what to type instead.  Only the standard library is imported here (``packetgen --help`` stays fast).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Optional

from packetgen.case.todo import TODO  # noqa: F401  (re-exported: init writes it)

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

# Traditional (pre-ZIP) state abbreviations people still type: "Ill." is IL.
_TRADITIONAL_STATES = {
    "ala": "AL", "ariz": "AZ", "ark": "AR", "cal": "CA", "calif": "CA", "colo": "CO", "conn": "CT", "del": "DE",
    "fla": "FL", "ill": "IL", "ind": "IN", "kan": "KS", "kans": "KS", "mass": "MA", "mich": "MI", "minn": "MN",
    "miss": "MS", "mont": "MT", "neb": "NE", "nebr": "NE", "nev": "NV", "okla": "OK", "ore": "OR", "oreg": "OR",
    "penn": "PA", "penna": "PA", "tenn": "TN", "tex": "TX", "wash": "WA", "wis": "WI", "wisc": "WI", "wyo": "WY",
    "wva": "WV", "w va": "WV", "n mex": "NM", "n dak": "ND", "s dak": "SD", "washington dc": "DC", "wash dc": "DC",
}

# Fee-exception bases of 8 U.S.C. 1804(b) the case model knows (reference/domain.md, parole fee).
FEE_BASES = {
    "b1_medical_emergency": "medical emergency: treatment not available at home, or life-threatening with no "
                            "time for a visa",
    "b2_parent_of_minor_patient": "parent or legal guardian of a minor patient with such an emergency",
    "b3_organ_donor": "organ or tissue donor, with insufficient time",
    "b4_family_member_death_imminent": "a close family member in the U.S. whose death is imminent",
    "b5_family_funeral": "the funeral of a close family member",
    "other": "another exception (explain it)",
}

EMERGENCY_KINDS = {
    "dying": "a close relative in the U.S. is seriously ill or dying",
    "funeral": "the funeral of a close relative in the U.S.",
    "other": "another family emergency (e.g. a child left alone)",
}

# ISO 639 codes for the languages evidence most often comes in (the case file stores the code).
LANGUAGES = {
    "es": "Spanish", "pt": "Portuguese", "fr": "French", "ht": "Haitian Creole", "ar": "Arabic", "ru": "Russian",
    "uk": "Ukrainian", "zh": "Chinese", "vi": "Vietnamese", "fa": "Persian", "prs": "Dari", "ps": "Pashto",
    "ti": "Tigrinya", "am": "Amharic", "so": "Somali", "tr": "Turkish", "hi": "Hindi", "ur": "Urdu",
    "bn": "Bengali", "tl": "Tagalog", "ko": "Korean", "ja": "Japanese", "de": "German", "it": "Italian",
    "pl": "Polish", "ro": "Romanian", "ne": "Nepali", "my": "Burmese", "sw": "Swahili", "quc": "K'iche'",
    "mam": "Mam", "en": "English",
}


# --------------------------------------------------------------------------- answer validation
# Each function takes what was typed and returns the clean value or raises ValueError with a
# message that says what to type instead.  The CLI uses them for prompts and for flags alike.

def today() -> dt.date:
    """Today, or the day SOURCE_DATE_EPOCH names (tests and reproducible runs)."""
    sde = os.environ.get("SOURCE_DATE_EPOCH")
    if sde and sde.strip().isdigit():
        return dt.datetime.fromtimestamp(int(sde), tz=dt.timezone.utc).date()
    return dt.date.today()


class AmbiguousDate(ValueError):
    """A date typed with slashes: ``choices`` holds the dates it can mean (U.S. order first)."""

    def __init__(self, message: str, choices: list[dt.date]):
        super().__init__(message)
        self.choices = choices


def long_date(d: dt.date) -> str:
    return f"{d.strftime('%B')} {d.day}, {d.year}"


def _slash_date(s: str, what: str) -> Optional[AmbiguousDate]:
    m = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", s)
    if not m:
        return None
    a, b, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
    options = []
    for month, day, order in ((a, b, "month first, U.S. order"), (b, a, "day first")):
        with contextlib.suppress(ValueError):
            d = dt.date(y, month, day)
            if d not in [o for o, _ in options]:
                options.append((d, order))
    if not options:
        return None
    if len(options) == 1:
        d, order = options[0]
        return AmbiguousDate(f"{s} can only be {d.isoformat()} ({long_date(d)}, {order}); "
                             f"type the {what} as YYYY-MM-DD: {d.isoformat()}", [d])
    return AmbiguousDate(f"{s} can be read two ways: " + " or ".join(
        f"{d.isoformat()} ({long_date(d)}, {order})" for d, order in options)
        + f"; type the {what} you mean as YYYY-MM-DD", [d for d, _ in options])


def parse_date(text: str, *, earliest: Optional[dt.date] = None, latest: Optional[dt.date] = None,
               what: str = "date") -> dt.date:
    s = str(text).strip()
    if not re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", s):
        ambiguous = _slash_date(s, what)
        if ambiguous:
            raise ambiguous
        raise ValueError(f"type the {what} as YYYY-MM-DD, e.g. 2019-07-02")
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
    """A two-letter state code from a code, a name or a traditional abbreviation ("Ill." -> IL)."""
    import difflib

    s = str(text).strip()
    code = s.upper().replace(".", "").replace(" ", "")
    if code in US_STATES:
        return code
    if s.lower() in _STATE_BY_NAME:
        return _STATE_BY_NAME[s.lower()]
    plain = " ".join(s.lower().replace(".", " ").split())
    if plain in _TRADITIONAL_STATES:
        return _TRADITIONAL_STATES[plain]
    near = difflib.get_close_matches(plain, list(_STATE_BY_NAME) + list(_TRADITIONAL_STATES), n=1, cutoff=0.7)
    if near:
        c = _STATE_BY_NAME.get(near[0]) or _TRADITIONAL_STATES[near[0]]
        raise ValueError(f"'{s}' is not a U.S. state; did you mean {c} ({US_STATES[c]})? Type {c}")
    raise ValueError(f"'{s}' is not a U.S. state code; type two letters such as TX, CA or NY")


def language_code(text: str) -> str:
    """An ISO 639 code from a code or an English language name ("Spanish" -> es)."""
    s = " ".join(str(text).split()).lower()
    if s in LANGUAGES:
        return s
    by_name = {v.lower(): k for k, v in LANGUAGES.items()}
    by_name.update({"espanol": "es", "español": "es", "castellano": "es", "creole": "ht", "farsi": "fa",
                    "mandarin": "zh", "cantonese": "zh", "filipino": "tl", "portugues": "pt", "português": "pt"})
    if s in by_name:
        return by_name[s]
    if re.fullmatch(r"[a-z]{2,3}", s):
        return s
    raise ValueError(f"'{text}' is not a language packetgen knows; type its ISO 639 code (es, pt, fr, ht...) "
                     "or its English name (Spanish)")


def visa_posts(country_name: str) -> Optional[dict]:
    """The U.S. posts handling visas for a country (packetgen/data/visa_posts.json), or None if not listed.

    The dict has ``country``, ``default`` ("City, Country" to notify) and, where it matters, ``note``.
    """
    import json as _json

    from packetgen.resources import data_dir

    doc = _json.loads((data_dir() / "visa_posts.json").read_text(encoding="utf-8"))
    want = str(country_name or "").strip().lower()
    for name, e in doc["posts"].items():
        if want == name.lower() or want in (a.lower() for a in e.get("aliases", [])):
            default = e.get("apply_at") or (f"{e['visa_posts'][0]}, {name}" if e.get("visa_posts") else None)
            return {"country": name, "default": default, "posts": e.get("visa_posts", []), "note": e.get("note"),
                    "as_of": doc["as_of"]}
    return None


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
class RelativeAnswers:
    """Family emergency: the relative in the U.S. the beneficiaries come to see."""
    name: str
    relationship: Optional[str] = None   # to the (first) beneficiary: "mother", "son"
    condition: Optional[str] = None      # diagnosis, or "died on ..."
    hospital: Optional[str] = None       # hospital, hospice or funeral home, with the city
    is_petitioner: bool = False


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
    emergency: Optional[str] = None                 # family emergency: an EMERGENCY_KINDS key
    relative: Optional[RelativeAnswers] = None      # family emergency: the relative in the U.S.
    agency: Optional[str] = None                    # public benefit: the agency, court or body asking
    fee_basis: Optional[str] = None                 # a FEE_BASES key; None: decide from the reason
    language: Optional[str] = None                  # ISO 639 code of documents issued abroad, if not English
    translator: Optional[str] = None                # who translates them (name)
    form_answers: dict = field(default_factory=dict)  # case-file path -> value: the forms' questions (init --answer)


# --------------------------------------------------------------------------- expected evidence
