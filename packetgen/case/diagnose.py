"""Case-file mistakes explained: the line with a caret and the likely cause of a JSON/YAML syntax error,
list positions counted from 1 with the item's id, the nearest field name for a misspelled key, and
validation messages that say what to type, with an example.  Policy and examples: docs/errors.md.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Optional

CURLY = "\u201c\u201d\u2018\u2019\u201e\u201f\u2033\u00ab\u00bb"
_EXCERPT_WIDTH = 76


@dataclass(frozen=True)
class SyntaxProblem:
    """Where a syntax error really is (1-based line and column) and what probably caused it."""
    line: int
    col: int
    cause: str
    fix: str


# --------------------------------------------------------------------------- syntax errors

def excerpt(text: str, line: int, col: int) -> list[str]:
    """The offending line (and the one before it) with a caret under the column, clipped to the terminal."""
    lines = text.splitlines() or [""]
    line = max(1, min(line, len(lines)))
    out = []
    width = len(str(line))
    for n in (line - 1, line):
        if n < 1:
            continue
        src = lines[n - 1].replace("\t", " ")
        start = 0
        if n == line and col > _EXCERPT_WIDTH - 10:
            start = col - (_EXCERPT_WIDTH - 20)
        shown = src[start:start + _EXCERPT_WIDTH]
        prefix = "…" if start else ""
        out.append(f"  {n:>{width}} | {prefix}{shown}{'…' if len(src) > start + _EXCERPT_WIDTH else ''}")
        if n == line:
            out.append(f"  {'':>{width}} | {' ' * (len(prefix) + max(0, col - 1 - start))}^")
    return out


def _pos_to_linecol(text: str, pos: int) -> tuple[int, int]:
    line = text.count("\n", 0, pos) + 1
    col = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return line, col


def _prev_significant(text: str, pos: int) -> int:
    i = pos - 1
    while i >= 0 and text[i] in " \t\r\n":
        i -= 1
    return i


def _next_significant(text: str, pos: int) -> int:
    i = pos
    while i < len(text) and text[i] in " \t\r\n":
        i += 1
    return i


def json_problem(text: str, msg: str, pos: int) -> SyntaxProblem:
    """Explain a json.JSONDecodeError (its ``msg`` and ``pos``), pointing where the mistake was made."""
    curly = next((i for i, c in enumerate(text) if c in CURLY), None)
    if curly is not None and curly <= pos + 1:
        line, col = _pos_to_linecol(text, curly)
        return SyntaxProblem(line, col, "curly quotes (“ ” or ‘ ’), as a word processor types them",
                             'JSON needs straight double quotes ("): retype the quotes in a plain-text editor, '
                             "or turn off smart quotes")
    ch = text[pos] if pos < len(text) else ""
    if msg.startswith("Invalid control character"):
        line, col = _pos_to_linecol(text, pos)
        if ch in "\r\n":
            return SyntaxProblem(line, col, "a line break inside a text value",
                                 'keep the value on one line and close it with "; for a new paragraph write '
                                 "\\n\\n inside the text")
        if ch == "\t":
            return SyntaxProblem(line, col, "a tab inside a text value",
                                 "replace the tab with a space (or write \\t)")
        return SyntaxProblem(line, col, "an invisible control character inside a text value",
                             "retype the text around the caret")
    prev = _prev_significant(text, pos)
    nxt = _next_significant(text, pos)
    prev_ch = text[prev] if prev >= 0 else ""
    next_ch = text[nxt] if nxt < len(text) else ""
    if prev_ch == "," and next_ch in "}]" and msg.startswith(("Expecting property name", "Expecting value",
                                                              "Illegal trailing comma")):
        line, col = _pos_to_linecol(text, prev)
        return SyntaxProblem(line, col, "a comma after the last item",
                             f"remove this comma: JSON allows no comma before {next_ch}")
    if msg.startswith("Expecting ',' delimiter") or (
            msg.startswith("Expecting property name") and ch == '"'):
        if prev >= 0 and text.count("\n", prev, pos) >= 1:
            line, col = _pos_to_linecol(text, prev + 1)
            return SyntaxProblem(line, col, f"a comma is missing at the end of line {line}",
                                 "add a comma after the value at the caret")
        line, col = _pos_to_linecol(text, pos)
        return SyntaxProblem(line, col, "a comma (or a closing quote) is missing before the caret",
                             "add the comma between the two values, or close the text with \"")
    if ch == "'":
        line, col = _pos_to_linecol(text, pos)
        return SyntaxProblem(line, col, "single quotes", 'JSON needs double quotes: write "..." instead of \'...\'')
    if msg.startswith("Expecting property name"):
        line, col = _pos_to_linecol(text, pos)
        return SyntaxProblem(line, col, "a field name without double quotes",
                             'write field names in double quotes: "email": "name@example.org"')
    if msg.startswith("Expecting value") and pos >= len(text.rstrip()):
        line, col = _pos_to_linecol(text, len(text.rstrip()))
        return SyntaxProblem(line, col, "the file ends too early (a } or ] is missing, or the file is cut off)",
                             "close every { with } and every [ with ]")
    if msg.startswith("Expecting value"):
        line, col = _pos_to_linecol(text, pos)
        return SyntaxProblem(line, col, "a value is missing or is not valid JSON",
                             'write text in double quotes ("Chicago"), numbers as digits (52000), '
                             "and true, false or null in lower case")
    if msg.startswith("Unterminated string"):
        line, col = _pos_to_linecol(text, pos)
        return SyntaxProblem(line, col, "a text value is not closed", 'close it with a double quote (")')
    if msg.startswith("Extra data"):
        line, col = _pos_to_linecol(text, pos)
        return SyntaxProblem(line, col, "more text after the closing } of the case",
                             "remove it, or move it inside the braces")
    line, col = _pos_to_linecol(text, pos)
    return SyntaxProblem(line, col, msg[:1].lower() + msg[1:], "fix the syntax at the caret")


def yaml_problem(text: str, exc) -> Optional[SyntaxProblem]:
    """Explain a yaml.YAMLError; None when PyYAML gave no position."""
    mark = getattr(exc, "problem_mark", None)
    if mark is None:
        return None
    line, col = mark.line + 1, mark.column + 1
    problem = str(getattr(exc, "problem", "") or "")
    src = text.splitlines()[line - 1] if 0 < line <= len(text.splitlines()) else ""
    curly = next((i for i, c in enumerate(text) if c in CURLY), None)
    if "\t" in src[:max(col, 1)] or "found character '\\t'" in problem:
        return SyntaxProblem(line, src.find("\t") + 1 if "\t" in src else col, "a tab used for indenting",
                             "indent with spaces only (two per level)")
    if curly is not None and _pos_to_linecol(text, curly)[0] <= line:
        cl, cc = _pos_to_linecol(text, curly)
        return SyntaxProblem(cl, cc, "curly quotes (“ ” or ‘ ’), as a word processor types them",
                             'use straight quotes (") or none at all')
    if "mapping values are not allowed" in problem:
        return SyntaxProblem(line, col, "a second ': ' on one line (a value that itself contains ': ')",
                             'put the value in double quotes: summary: "Time: short"')
    if "could not find expected ':'" in problem or "expected <block end>" in problem:
        return SyntaxProblem(line, col, "the indentation does not line up with the lines above",
                             "indent the fields of one item by the same number of spaces")
    return SyntaxProblem(line, col, problem or "not valid YAML", "fix the syntax at the caret")


# --------------------------------------------------------------------------- positions and field names

_SINGULAR = {"beneficiaries": "beneficiary", "supporters": "supporter", "translators": "translator",
             "attempts": "visa attempt", "helpers": "helper", "assets": "asset"}
_INDEX = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\[(\d+)\]")


def friendly_path(where: str, data) -> str:
    """``evidence[2].file`` -> ``evidence #3 ('doctor_letter').file`` (1-based, with the item's id)."""
    out = []
    node = data
    pos = 0
    for m in re.finditer(r"\.?([A-Za-z_][A-Za-z0-9_]*)((?:\[\d+\])*)", where):
        if m.start() != pos:
            return where                      # not a path we made; leave it alone
        pos = m.end()
        name, idx = m.group(1), [int(i) for i in re.findall(r"\d+", m.group(2))]
        node = node.get(name) if isinstance(node, dict) else None
        if not idx:
            out.append(name)
            continue
        label = name
        for k in idx:
            item = node[k] if isinstance(node, list) and 0 <= k < len(node) else None
            ident = item.get("id") if isinstance(item, dict) and isinstance(item.get("id"), str) else None
            label = f"{_SINGULAR.get(label, label)} #{k + 1}" + (f" ('{ident[:40]}')" if ident else "")
            node = item
        out.append(label)
    if pos != len(where):
        return where
    return ".".join(out)


def _unwrap_model(annotation):
    """The pydantic model inside Optional[...] / list[...] / Annotated[...], or None."""
    import typing

    from pydantic import BaseModel

    stack = [annotation]
    while stack:
        a = stack.pop()
        if isinstance(a, type) and issubclass(a, BaseModel):
            return a
        stack.extend(typing.get_args(a))
    return None


def field_names_at(model, loc: tuple) -> list[str]:
    """The field names allowed in the object at ``loc`` (the location of an unknown key)."""
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        f = model.model_fields.get(part) or next(
            (fi for fi in model.model_fields.values() if fi.alias == part), None)
        sub = _unwrap_model(f.annotation) if f else None
        if sub is None:
            return []
        model = sub
    return [fi.alias or name for name, fi in model.model_fields.items()]


def suggest(word: str, choices: list[str]) -> Optional[str]:
    close = difflib.get_close_matches(str(word).lower(), choices, n=1, cutoff=0.6)
    return close[0] if close else None


_EXAMPLES = {
    "float": 'a number, digits only, e.g. 52000 or 1250.50 (no "$", no thousands commas, no quotes)',
    "int": "a whole number, digits only, e.g. 3 (no quotes)",
    "bool": "true or false, in lower case and without quotes",
    "str": 'text in double quotes, e.g. "Chicago"',
    "list": 'a list in square brackets, e.g. ["mateo", "ana"] (one item still needs the brackets)',
    "dict": 'an object in braces, e.g. {"family": "Lopez", "given": "Ana"} for a name',
}


def plain_message(err: dict, model=None) -> Optional[str]:
    """What to type instead, for the pydantic error types the model's own messages do not cover.

    ``model`` (the case model) lets an object's message list the fields the object takes.
    """
    typ = err.get("type", "")
    ctx = err.get("ctx") or {}
    if typ.startswith("float") or typ in {"decimal_parsing", "decimal_type"}:
        return "expected " + _EXAMPLES["float"]
    if typ.startswith("int"):
        return "expected " + _EXAMPLES["int"]
    if typ.startswith("bool"):
        return "expected " + _EXAMPLES["bool"]
    if typ in {"string_type", "string_sub_type"}:
        return "expected " + _EXAMPLES["str"]
    if typ in {"list_type", "tuple_type", "set_type"}:
        return "expected " + _EXAMPLES["list"]
    if typ in {"dict_type", "model_type", "model_attributes_type"}:
        fields = field_names_at(model, tuple(err.get("loc", ())) + ("?",)) if model is not None else []
        if fields:
            shown = ", ".join(f'"{f}"' for f in fields[:8]) + (", ..." if len(fields) > 8 else "")
            return f"expected an object in braces {{ ... }} with its fields ({shown})"
        return "expected " + _EXAMPLES["dict"]
    if typ == "string_too_short":
        return "is empty: write the value between the quotes, or remove the field if it is optional"
    if typ == "too_short":
        return f"needs at least {ctx.get('min_length', 1)} item(s) in the list"
    if typ == "too_long":
        return f"has too many items (at most {ctx.get('max_length')})"
    for op, words in (("greater_than_equal", "at least"), ("greater_than", "more than"),
                      ("less_than_equal", "at most"), ("less_than", "less than")):
        if typ == op:
            bound = next(iter(ctx.values()), "")
            return f"expected a number {words} {bound}"
    if typ in {"date_from_datetime_parsing", "date_parsing", "date_type", "date_from_datetime_inexact"}:
        return 'expected a date as YYYY-MM-DD, e.g. "2019-07-02" for July 2, 2019'
    return None
