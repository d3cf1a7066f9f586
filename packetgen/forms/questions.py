"""Which items of a case's forms must be answered and are not: the data behind the check errors.

Driven by the field maps: an entry with ``ask`` is a question the form requires (docs/forms.md).
"""

from __future__ import annotations

from packetgen.forms.fieldmap import format_value, load_formdef
from packetgen.forms.plan import Unanswered, evaluate_entry, unshowable_item


def unanswered_questions(case) -> list[tuple[str, Unanswered]]:
    """(form title, question) for every required item the case file leaves unanswered, in form order."""
    from packetgen.forms.fill import i131_context, i134_context

    out: list[tuple[str, Unanswered]] = []
    fd131 = load_formdef("I-131")
    for b in case.beneficiaries:
        out += _walk(fd131, i131_context(case, b), f"Form I-131 for {b.id}")
    from packetgen.forms.companion import applicable_companions

    for b in case.beneficiaries:
        for fd, ctx in applicable_companions(case, b):
            out += _walk(fd, ctx, f"Form {fd.model.form} for {b.id}")
    pairs = case.supporter_pairs()
    if pairs:
        fd134 = load_formdef("I-134")
        for s, b in pairs:
            out += _walk(fd134, i134_context(case, s, b), f"Form I-134 by {s.id} for {b.id}")
    return out


def _walk(fd, ctx, title: str) -> list[tuple[str, Unanswered]]:
    """Required items left unanswered, and text the form's font cannot show (kind 'script')."""
    out = []
    for i, e in enumerate(fd.model.entries):
        if not (e.ask or (e.value is not None and e.type in {"text", "combo", "extra"})):
            continue
        ev = evaluate_entry(fd, i, e, ctx)
        if not ev.applies:
            continue
        if ev.unanswered:
            out.append((title, ev.unanswered))
            continue
        v = ev.value
        if e.type not in {"text", "combo", "extra"} or v is None or v == "" or v == []:
            continue
        try:
            text = format_value(e.format, v, e.args)
        except (ValueError, TypeError):
            continue            # the filler reports values it cannot format
        if text:
            bad = unshowable_item(fd, e, ctx, str(text))
            if bad is not None:
                out.append((title, bad))
    return out
