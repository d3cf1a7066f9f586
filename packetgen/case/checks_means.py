"""Pre-flight rules: the supporters' place, status and means (amounts in bounds, HHS poverty guideline).

The figures (poverty guidelines, what the I-134 instructions require) come from rules.json; docs/errors.md.
"""

from __future__ import annotations

import math

from packetgen.case.checks_base import _Out, _fold, _name_key
from packetgen.facts import load_rules, rule
from packetgen.wording import money

# No supporter's income or single asset is plausibly above this; larger numbers are typing mistakes
# (an extra digit group, a pasted 1e308) and would print as nonsense on Form I-134.
MAX_AMOUNT = 1_000_000_000


def amounts(case, out: _Out):
    """Every dollar amount is a finite number within sane bounds (1e308 must never reach a form)."""
    g = "Financial support"
    for i, s in enumerate(case.supporters):
        named = [(f"supporters[{i}].annual_income", s.annual_income)]
        named += [(f"supporters[{i}].assets[{j}].amount", a.amount) for j, a in enumerate(s.assets)]
        for where, v in named:
            if not math.isfinite(v):
                out.add("error", "support.amount_not_finite", g,
                        f"{where} is not a number ({v!r})", "enter the amount in U.S. dollars, e.g. 52000", where)
            elif v > MAX_AMOUNT:
                out.add("error", "support.amount_implausible", g,
                        f"{where} is a {len(str(int(v)))}-digit amount, more than {money(MAX_AMOUNT)}: almost "
                        f"certainly a typing mistake",
                        "enter the amount in U.S. dollars as on the tax return or statement (no exponent, no "
                        "extra digits)", where)


def _guideline(size: int, state) -> tuple[float, str]:
    pg = rule("hhs_poverty_guidelines")
    area = "alaska" if state == "AK" else "hawaii" if state == "HI" else "contiguous_states"
    t = pg[area]
    return t["first_person"] + t["each_additional"] * (size - 1), area


def poverty(case, out: _Out):
    """Each supporter's income against the HHS poverty guideline for their household (USCIS's yardstick)."""
    g = "Financial support"
    fact = load_rules()["hhs_poverty_guidelines"]
    year = fact["value"].get("year")
    for i, s in enumerate(case.supporters):
        if not math.isfinite(s.annual_income) or s.annual_income > MAX_AMOUNT:
            continue
        size = 1 + s.dependents + len(s.supports)
        addr = s.physical_address or s.mailing_address
        line, area = _guideline(size, addr.state if addr.is_us else None)
        assets = sum(a.amount for a in s.assets if math.isfinite(a.amount))
        text = (f"supporters[{i}] ({s.name.full}): income {money(s.annual_income)} for a household of {size} "
                f"(themself, {s.dependents} dependent(s), {len(s.supports)} beneficiar"
                f"{'y' if len(s.supports) == 1 else 'ies'}); the {year} HHS poverty guideline is {money(line)}"
                f"{'' if area == 'contiguous_states' else ' (' + area.title() + ')'} (as of {fact['as_of']})")
        if s.annual_income < line:
            out.add("warning", "support.below_poverty_guideline", g, text + ": the income is below it",
                    f"show assets that make up the difference ({money(assets)} listed), add another supporter, or "
                    "explain who covers the costs in discretion.payment_plan; USCIS uses the guideline as a yardstick",
                    f"supporters[{i}].annual_income")
        else:
            out.add("info", "support.poverty_guideline", g, text,
                    "nothing to fix; re-check the guideline figures each January (packetgen rules --stale)",
                    f"supporters[{i}].annual_income")


def place_and_status(case, out: _Out):
    """A supporter abroad, or a visitor, is allowed but weak: say what the I-134 instructions ask of them."""
    g = "Financial support"
    needs = rule("i134.supporter_requirements")
    ben_keys = {(_name_key(b.name), b.date_of_birth): b for b in case.beneficiaries}
    for i, s in enumerate(case.supporters):
        where = f"supporters[{i}]"
        addr = s.physical_address or s.mailing_address
        same = ben_keys.get((_name_key(s.name), s.date_of_birth))
        if same is not None and any(b != same.id for b in s.supports):
            others = [b for b in s.supports if b != same.id]
            out.add("warning", "support.beneficiary_supports_other", g,
                    f"{where} ({s.name.full}) is beneficiary '{same.id}', who is abroad, and signs Form I-134 for "
                    f"{', '.join(others)}",
                    "a beneficiary may support themself; for another beneficiary, prefer a supporter in the United "
                    f"States. The instructions ask: {needs}", where)
        elif not addr.is_us:
            out.add("warning", "support.supporter_abroad", g,
                    f"{where} ({s.name.full}) lives outside the United States ({addr.country})",
                    f"show how the funds reach the beneficiary in the United States (accounts, transfers). "
                    f"The I-134 instructions ask: {needs}", f"{where}.mailing_address")
        words = _fold(s.status_other or "")
        visitor = any(w in words for w in ("visitor", "b-2", "b-1", "b2", "b1", "tourist", "esta", "visa waiver"))
        if s.status == "nonimmigrant" or visitor:
            kind = "a visitor, who may not work in the United States" if visitor else \
                "in a temporary (nonimmigrant) status"
            out.add("warning", "support.supporter_visitor", g,
                    f"{where} ({s.name.full}) is {kind}"
                    + (f" ({s.status_other})" if s.status_other else ""),
                    "attach the I-94 and visa showing lawful status through the whole stay, and show the income is "
                    "lawfully earned (a visitor's comes from abroad; a worker's needs employment authorization). "
                    f"The I-134 instructions ask: {needs}", f"{where}.status")
