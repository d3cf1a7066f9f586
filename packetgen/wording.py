"""Plain-English wording from data: dates, money, lists and country names in running text."""

from __future__ import annotations

import datetime as dt
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
