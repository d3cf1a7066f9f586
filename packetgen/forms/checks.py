"""Checks of what the forms need from the case file: questions the forms require that the case leaves unanswered.

They read the field maps, so they live in the forms stage and :func:`packetgen.api.check` runs them after the
case's own checks (``form.*`` codes).

packetgen never answers a question signed under penalty of perjury for the user (docs/forms.md).
"""

from __future__ import annotations

import re

from packetgen.case.checks import _Out

_CARD_RX = re.compile(r"(?<![\d])(?:\d[ -]?){12,18}\d(?![\d])")


def check_boxes(case, out: _Out, forms_dir=None) -> None:
    """Values that will not fit their box on the forms as ``build`` fills them (``packetgen check`` only: a build
    reports the same from the filled forms).  Messages name the form, item and label, never the value."""
    from packetgen.forms.questions import cut_values

    for title, fd, m in cut_values(case, forms_dir):
        over = m.why.split(":")[0] if ":" in m.why else m.why
        head = f"{title}, Part {m.part} Item {m.item} ('{_short(m.label)}') does not fit its box ({over})"
        ov = fd.model.overflow
        where_whole = f"Part {ov.part}" if ov is not None else "nowhere on the form (complete it by hand)"
        if m.box == "blank":
            out.add("info", "form.box_blank", "Forms and fees",
                    f"{head}: a part of it would be another number, so the box is left blank and the whole is in "
                    f"{where_whole}", "nothing to do if that is right; the intake clerk reads it there", None)
        elif m.fmt == "name":
            out.add("info", "form.box_cut", "Forms and fees",
                    f"{head}: the box shows its beginning and {where_whole} the whole name",
                    "keep the passport spelling; nothing to do", None)
        else:
            out.add("warning", "form.box_cut", "Forms and fees",
                    f"{head}: the box will show only its beginning, and {where_whole} the whole",
                    "shorten it where the documents allow (the street and number first; standard abbreviations such "
                    "as Av., Col., Apt., Subd.), so the intake clerk keys it whole from the box", None)


def check_forms(case, out: _Out) -> None:
    """Every required form item (field-map entries with ``ask``) must be answered by the case file."""
    from packetgen.forms.questions import unanswered_questions

    by_path: dict[str, list] = {}
    for title, q in unanswered_questions(case):
        key = q.ask if q.kind != "script" or ".latin_name " in q.ask else q.source
        by_path.setdefault(key, []).append((title, q))
    for path, hits in by_path.items():
        title, q = hits[0]
        forms = sorted({t for t, _ in hits})
        more = f" (and {len(forms) - 1} more form{'s' if len(forms) > 2 else ''})" if len(forms) > 1 else ""
        if q.kind == "script":
            is_name = ".latin_name " in q.ask
            where = q.ask.split(" ")[0] if is_name else q.source
            suggestions = [h.suggestion for _, h in hits if h.suggestion]
            seen = []
            for x in suggestions:
                if x not in seen:
                    seen.append(x)
            hint = (f" (passport spelling? e.g. {' '.join(seen)})" if seen and is_name else
                    f" (e.g. {seen[0]})" if seen else
                    " (the passport's machine-readable zone or bio page gives it)" if is_name else "")
            what = (f"the name of {where.rsplit('.', 1)[0]}" if is_name else q.source)
            out.add("error", "form.script", "Forms and fees",
                    f"{what} is written in {q.chars}, which the form's font cannot show "
                    f"({title}{more}, Part {q.part} Item {q.item}: '{_short(q.label)}'); it would print as '?'",
                    f"set {q.ask}{hint}; packetgen never transliterates {'a name' if is_name else 'text'} onto a form",
                    where)
            continue
        out.add("error", "form.unanswered", "Forms and fees",
                f"{title}{more}, Part {q.part} Item {q.item} ('{_short(q.label)}') is not answered by the case file",
                f"set {path} in the case file; packetgen never answers a form question for you "
                "(a --draft build leaves it blank)", path.split(" ")[0].rstrip(","))
    check_card_numbers(case, out)
    if case.filing.payment == "G-1450":
        payer = case.filing.payer
        addr, path = ((payer.billing_address, "filing.payer.billing_address") if payer else
                      (case.petitioner.mailing_address, "petitioner.mailing_address"))
        if not addr.is_us:
            out.add("warning", "payment.billing_address_not_us", "Forms and fees",
                    f"the G-1450 billing address ({path}) is outside the United States; the form has room for a U.S. "
                    "state and ZIP code only",
                    "give the card's U.S. billing address in filing.payer, or complete the address by hand", path)
    for i, s in enumerate(case.supporters):
        if s.reads_english is False and case.interpreter is None:
            out.add("error", "form.interpreter_missing", "Forms and fees",
                    f"supporters[{i}].reads_english is false, but the case names no interpreter "
                    "(Form I-134 Part 5 Item 1.b and Part 6)",
                    "add the interpreter under 'interpreter' (name, language, contact), or set reads_english: true",
                    f"supporters[{i}].reads_english")
    for i, p in enumerate([case.petitioner, *case.beneficiaries, *case.supporters]):
        if p.physical_address is not None and p.physical_address_same_as_mailing:
            path = "petitioner" if i == 0 else (f"beneficiaries[{i - 1}]" if i <= len(case.beneficiaries)
                                                else f"supporters[{i - 1 - len(case.beneficiaries)}]")
            out.add("error", "form.physical_address_conflict", "Forms and fees",
                    f"{path}.physical_address is given, but {path}.physical_address_same_as_mailing is true",
                    "remove physical_address when the person lives at the mailing address, or set "
                    "physical_address_same_as_mailing: false", f"{path}.physical_address_same_as_mailing")


def check_card_numbers(case, out: _Out) -> None:
    """A payment card number anywhere in the case file is refused: the card holder writes it by hand."""
    data = case.model_dump(mode="json", by_alias=True, exclude_none=True)
    for path, text in _strings(data, ""):
        for m in _CARD_RX.finditer(text):
            digits = re.sub(r"\D", "", m.group())
            if 15 <= len(digits) <= 16 and digits[0] in "3456" and _luhn(digits):
                out.add("error", "payment.card_number", "Forms and fees",
                        f"{path} holds what looks like a payment card number",
                        "remove it: card numbers, expiry dates and security codes never go in the case file; the "
                        "card holder writes them by hand on the printed Form G-1450", path)
                break


def _strings(node, path):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _strings(v, f"{path}.{k}" if path else str(k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _strings(v, f"{path}[{i}]")
    elif isinstance(node, str):
        yield path, node


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _short(label: str, n: int = 90) -> str:
    return label if len(label) <= n else label[: n - 3].rstrip() + "..."
