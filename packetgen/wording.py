"""Plain-English wording from data: dates, money, lists and country names in running text."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable


def long_date(d: dt.date | None) -> str:
    if d is None:
        return ""
    return f"{d:%B} {d.day}, {d.year}"


# Country names that take "the" in running English ("citizen of the Philippines").
_COUNTRIES_WITH_THE = {
    "bahamas", "central african republic", "comoros", "czech republic", "democratic republic of the congo",
    "dominican republic", "gambia", "maldives", "marshall islands", "netherlands", "philippines",
    "republic of the congo", "seychelles", "solomon islands", "united arab emirates", "united kingdom",
    "united states", "united states of america"}


def country_in_sentence(name) -> str:
    """'Philippines' -> 'the Philippines'; other names unchanged."""
    n = str(name or "").strip()
    return f"the {n}" if n.lower() in _COUNTRIES_WITH_THE else n


def money(x: float | int | None) -> str:
    if x is None:
        return ""
    return f"${x:,.0f}" if float(x).is_integer() else f"${x:,.2f}"


def and_list(items: Iterable[str], conj: str = "and") -> str:
    items = [str(i) for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    if len(items) == 2:
        return f"{items[0]} {conj} {items[1]}"
    return ", ".join(items[:-1]) + f", {conj} " + items[-1]


# --------------------------------------------------------------------------- grammar from data

_SMALL = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
          "seventeen eighteen nineteen twenty").split()


def number_word(n: int) -> str:
    """'seven' for 0-20 (running text), digits above."""
    return _SMALL[n] if 0 <= n < len(_SMALL) else str(n)


def months_text(m: float) -> str:
    """A length in months for running text: 'two months', 'one month', '1.5 months', '24 months'."""
    if float(m).is_integer():
        n = int(m)
        return f"{number_word(n)} {'month' if n == 1 else 'months'}"
    return f"{m:g} months"


def noun(n: int, singular: str, plural: str | None = None) -> str:
    """The noun that fits the count: noun(1, 'beneficiary') -> 'beneficiary', noun(2, ...) -> 'beneficiaries'."""
    if n == 1:
        return singular
    if plural:
        return plural
    if singular.endswith("y") and singular[-2:-1] not in "aeiou":
        return singular[:-1] + "ies"
    if singular.endswith(("s", "x", "ch", "sh")):
        return singular + "es"
    return singular + "s"


def possessive(word: str) -> str:
    """"the beneficiary's" / "the beneficiaries'" / "Ana's"."""
    return word + ("'" if word.endswith("s") else "'s")


@dataclass(frozen=True)
class Pronouns:
    """A person's pronouns in running text: ``p.he`` she/he/they, ``p.him``, ``p.his``, ``p.himself``."""
    he: str
    him: str
    his: str
    himself: str
    plural_verb: bool = False   # "they are": the verb takes the plural form

    def verb(self, singular: str, plural: str) -> str:
        return plural if self.plural_verb else singular


_PRONOUNS = {
    "F": Pronouns("she", "her", "her", "herself"),
    "M": Pronouns("he", "him", "his", "himself"),
    None: Pronouns("they", "them", "their", "themselves", True),
}


def pronouns(sex: str | None) -> Pronouns:
    """Pronouns that follow a person's recorded sex; 'they' when it is not recorded."""
    return _PRONOUNS.get(sex, _PRONOUNS[None])


def age_on(born: dt.date, day: dt.date) -> int:
    """Completed years of age on ``day``."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def months_between(a: dt.date, b: dt.date) -> float:
    """Months from ``a`` to ``b`` (30.44-day months; negative when ``b`` is earlier)."""
    return (b - a).days / 30.4375
