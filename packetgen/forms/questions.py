"""Which items of a case's forms must be answered and are not: the data behind the check errors.

Driven by the field maps: an entry with ``ask`` is a question the form requires (docs/forms.md).
"""

from __future__ import annotations

from packetgen.forms.fieldmap import load_formdef
from packetgen.forms.plan import Unanswered, evaluate_entry


def unanswered_questions(case) -> list[tuple[str, Unanswered]]:
    """(form title, question) for every required item the case file leaves unanswered, in form order."""
    from packetgen.forms.fill import i131_context, i134_context

    out: list[tuple[str, Unanswered]] = []
    fd131 = load_formdef("I-131")
    for b in case.beneficiaries:
        out += _walk(fd131, i131_context(case, b), f"Form I-131 for {b.id}")
    pairs = case.supporter_pairs()
    if pairs:
        fd134 = load_formdef("I-134")
        for s, b in pairs:
            out += _walk(fd134, i134_context(case, s, b), f"Form I-134 by {s.id} for {b.id}")
    return out


def _walk(fd, ctx, title: str) -> list[tuple[str, Unanswered]]:
    out = []
    for i, e in enumerate(fd.model.entries):
        if e.ask:
            ev = evaluate_entry(fd, i, e, ctx)
            if ev.unanswered:
                out.append((title, ev.unanswered))
    return out
