"""Rendering the letter as its own editable source: case sentences in place, every citation and page number a live
call.  Used by 'packetgen letter init' (packetgen/letter/source.py); docs/walkthrough.md explains the workflow."""

from __future__ import annotations

import datetime as dt
import json

from markupsafe import Markup, escape

from packetgen.letter.citations import _Citer

# Live calls are written between these markers while the template renders, and turned into "{{ ... }}" at the end,
# so that braces in case text can be neutralised without touching the calls.
OPEN, CLOSE = "\x01", "\x02"


def live(expr: str) -> Markup:
    return Markup(f"{OPEN}{expr}{CLOSE}")


class _LiveDate(dt.date):
    """The letter date, printed as the live ``{{ letter_date|longdate }}``."""


class _SourceCiter(_Citer):
    """Citations as calls: ``{{ exhibit("doctor_letter", "prognosis") }}``."""

    def exhibit(self, evidence_id, key=None) -> Markup:
        ref = self._ref(evidence_id)
        self.cited.add(ref.evidence_id)
        args = json.dumps(ref.evidence_id, ensure_ascii=False)
        ev = self.by_id.get(ref.evidence_id)
        if key is not None and str(key) in (getattr(ev, "pages", None) or {}):
            args += ", " + json.dumps(str(key), ensure_ascii=False)
        return live(f"exhibit({args})")


def live_context(ctx: dict) -> None:
    """Make the page-dependent context values live calls."""
    d = ctx["letter_date"]
    ctx["letter_date"] = _LiveDate(d.year, d.month, d.day)
    for i, s in enumerate(ctx["sections"]):
        s["pages"] = live(f"sections[{i}].pages")
    if ctx.get("exhibit_span"):
        ctx["exhibit_span"] = live("exhibit_span")
    ctx["letter_source"] = True


def source_finalize(value):
    """Every value printed into the source: escaped, with '{' written as an entity (case text never becomes Jinja)."""
    if value is None:
        return ""
    text = str(value) if isinstance(value, Markup) else str(escape(value))
    return Markup(text.replace("{", "&#123;"))


def source_longdate(d, plain):
    if isinstance(d, _LiveDate):
        return live("letter_date|longdate")
    return plain(d)


def finish(markup: str) -> str:
    """The rendered source with its live calls written out, and quotes made readable again."""
    return markup.replace(OPEN, "{{ ").replace(CLOSE, " }}").replace("&#39;", "'").replace("&#34;", '"')
