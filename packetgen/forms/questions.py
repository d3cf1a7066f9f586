"""Which items of a case's forms must be answered and are not: the data behind the check errors.

Driven by the field maps: an entry with ``ask`` is a question the form requires (docs/forms.md).
"""

from __future__ import annotations

from packetgen.forms.fieldmap import format_value, load_formdef
from packetgen.forms.plan import Moved, Unanswered, evaluate_entry, unshowable_item


def _case_forms(case):
    """(field map, context, title) of every form the case files, as ``build`` fills them."""
    from packetgen.forms.companion import applicable_companions
    from packetgen.forms.fill import i131_context, i134_context

    fd131 = load_formdef("I-131")
    for b in case.beneficiaries:
        yield fd131, i131_context(case, b), f"Form I-131 for {b.id}"
    for b in case.beneficiaries:
        for fd, ctx in applicable_companions(case, b):
            yield fd, ctx, f"Form {fd.model.form} for {b.id}"
    pairs = case.supporter_pairs()
    if pairs:
        fd134 = load_formdef("I-134")
        for s, b in pairs:
            yield fd134, i134_context(case, s, b), f"Form I-134 by {s.id} for {b.id}"


def cut_values(case, forms_dir=None) -> list[tuple[str, object, Moved]]:
    """(form title, field map, moved value) for each single-line value that will not fit its box, planned exactly as
    ``build`` fills the form (the installed official PDF's boxes, else the stand-in's): the box shows the
    beginning of a name or address line, or stays blank for a number, date or e-mail address, and the
    Additional Information part holds the whole.  A form that cannot be planned (a field map and PDF that
    disagree) is skipped here; ``build`` reports it."""
    from packetgen.errors import PacketgenError
    from packetgen.forms.fill import _template_info
    from packetgen.forms.plan import _Plan
    from packetgen.forms.template import template_for

    out: list[tuple[str, object, Moved]] = []
    for fd, ctx, title in _case_forms(case):
        try:
            tpl, _, _ = template_for(fd, forms_dir)
            plan = _Plan(fd, ctx, _template_info(tpl).widgets, title)
            for i, e in enumerate(fd.model.entries):
                plan.plan_entry(i, e)
        except PacketgenError:
            continue
        out += [(title, fd, m) for m in plan.moved if m.box]
    return out


def unanswered_questions(case) -> list[tuple[str, Unanswered]]:
    """(form title, question) for every required item the case file leaves unanswered, in form order."""
    out: list[tuple[str, Unanswered]] = []
    for fd, ctx, title in _case_forms(case):
        out += _walk(fd, ctx, title)
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
