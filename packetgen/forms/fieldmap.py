"""Field maps: which case fact goes into which field of an official form.

A field map is a JSON file in ``forms/`` (installed as ``packetgen/fieldmaps``),
one per form and edition, e.g. ``forms/i-131_2025-01-20.json``.  It is data,
not code: a new edition is a new file.  It holds

* ``form``, ``edition``, ``title``, ``page_count``, ``footer_text`` and the
  ``barcode`` pattern used to recognise the official PDF;
* ``context``: the names an expression may use (``applicant``, ``beneficiary``,
  ``supporter``, ...), each with what it means;
* ``entries``: one per value written.  ``value`` is a small expression
  evaluated against the context (``applicant.name.family``,
  ``beneficiary.date_of_birth``, ``request.stay.as_text``); ``format`` says how
  the form wants it (``date`` = mm/dd/yyyy, ``a_number`` = 9 digits, ``phone``
  = digits only, ``state`` = a combo choice, ...);
* ``overflow``: the rows of the "Additional Information" part where text that
  does not fit is continued, and the continuation-sheet header;
* ``signatures``: where someone signs by hand (never filled);
* ``inventory``: every widget of the form (name, type, page, rect, max length,
  flags, checkbox on-states, combo options), regenerated from an inventory TSV
  or a real PDF by ``forms/build_fieldmaps.py``.

Entries (one JSON object per line in the file)::

    {"part": "2", "item": "9", "label": "Your date of birth", "page": 5, "type": "text",
     "field": "form1[0].P5[0].Part2_Line9_DateOfBirth[0]", "value": "applicant.date_of_birth", "format": "date"}
    {"part": "1", "item": "7", "label": "...", "page": 3, "type": "checkbox",
     "field": "form1[0].P3[0].CB_AppType[5]", "on": "/23", "value": "True"}
    {"part": "2", "item": "8", "label": "Your sex", "page": 5, "type": "choice", "value": "applicant.sex",
     "options": {"F": {"field": "...Part2_Line8_Gender[0]", "on": "/F"}, "M": {"field": "...Gender[1]", "on": "/M"}}}
    {"part": "2", "item": "3", "label": "...: state", "type": "combo", "field": "...", "value": "...state", "format": "state"}
    {"part": "2", "item": "2", "label": "Other names used (more than 3)", "type": "extra", "value": "names_from(applicant.other_names, 3)"}

* ``type``: ``text``, ``combo`` (value must be one of the PDF's choices, unless the
  combo is editable), ``checkbox`` (checked when ``value`` is true; ``on`` is the
  on-state, ``*`` = the box's only state), ``choice`` (exactly one box of a group is
  checked, the others are set Off; a bool value picks ``yes``/``no``; an option names
  its box by ``field``, or by ``group`` + ``on`` when the box order is not known),
  ``extra`` (text that has no field and goes straight to the Additional Information part);
* ``when``: the entry is used only when this expression is true (e.g. ``for_other``);
* ``value: null`` with ``manual`` (a warning asks for the item to be completed by hand)
  or ``note`` (why nothing is written); a value that evaluates to null with ``manual``
  also warns;
* ``format``: see :data:`FORMATS`; ``args`` (e.g. ``{"width": 3, "index": 0}`` for one
  digit of a zero-padded number); ``lookup`` translates values before formatting;
* ``page``, ``maxlen``, ``multiline``, ``comb`` are copied from the inventory by the builder.

Expressions are a safe subset of Python (names, attributes, indexing,
comparisons, ``and``/``or``/``not``, ``x if c else y`` and a few helper
functions); ``None`` propagates through attribute access, so
``applicant.physical_address.street`` is ``None`` when there is no physical
address, while a misspelt attribute on a real object is an error.
"""

from __future__ import annotations

import ast
import datetime as dt
import functools
import hashlib
import json
import re
import unicodedata
from pathlib import Path
from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from packetgen.errors import FormError
from packetgen.resources import formdefs_dir

FORMAT_VERSION = 1

# --------------------------------------------------------------------------- the JSON model


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid")


class InventoryField(_M):
    """One widget of the form, as found in the PDF (or derived, for the I-134)."""

    name: str
    type: Literal["text", "checkbox", "combo", "list", "radio", "button", "signature"]
    page: int
    rect: Optional[list[float]] = None
    maxlen: Optional[int] = None
    flags: list[str] = Field(default_factory=list)
    on: Optional[list[str]] = Field(None, description="Checkbox on-states, as PDF names ('/23', '/ APT ').")
    options: Optional[list[str]] = Field(None, description="Combo or list options.")
    font_size: Optional[float] = None
    align: Optional[int] = None
    label: Optional[str] = None
    part: Optional[str] = None
    item: Optional[str] = None
    barcode: bool = False
    signature: bool = False
    certain: bool = Field(True, description="False when type/on-states were guessed (derived inventory).")


class Option(_M):
    """One box of a choice group (Yes/No, sex, eye colour...)."""

    field: Optional[str] = Field(None, description="The checkbox widget, when known exactly.")
    group: Optional[str] = Field(
        None, description="Name prefix of the boxes (without [n]); the box whose on-state is `on` is used. "
                          "For derived maps where the widget order is not known.")
    on: str = Field(description="On-state of the box, e.g. '/Y'.")
    label: Optional[str] = None

    @model_validator(mode="after")
    def _one_address(self) -> "Option":
        if (self.field is None) == (self.group is None):
            raise ValueError("give exactly one of 'field' or 'group'")
        if not self.on.startswith("/"):
            raise ValueError(f"on-state '{self.on}' must be a PDF name starting with '/'")
        return self


class Entry(_M):
    """One value written to the form."""

    id: Optional[str] = None
    part: str
    item: str
    label: str
    page: int
    type: Literal["text", "combo", "checkbox", "choice", "extra"]
    field: Optional[str] = None
    value: Optional[str] = Field(None, description="Expression; null = no case fact (see 'manual').")
    when: Optional[str] = Field(None, description="Expression; the entry is used only when it is true.")
    format: str = "text"
    args: dict[str, Any] = Field(default_factory=dict)
    lookup: Optional[dict[str, str]] = Field(None, description="Value translation before formatting (case-insensitive keys).")
    on: Optional[str] = Field(None, description="Checkbox on-state; '*' = the box's only on-state.")
    options: Optional[dict[str, Option]] = None
    maxlen: Optional[int] = None
    multiline: bool = False
    comb: bool = False
    manual: Optional[str] = Field(None, description="Why the item is completed by hand (a warning names it).")
    note: Optional[str] = None

    @model_validator(mode="after")
    def _shape(self) -> "Entry":
        if self.type in {"text", "combo", "checkbox"} and not self.field:
            raise ValueError(f"a '{self.type}' entry needs 'field'")
        if self.type == "choice":
            if not self.options:
                raise ValueError("a 'choice' entry needs 'options'")
            if self.field:
                raise ValueError("a 'choice' entry names its boxes in 'options', not 'field'")
        if self.type == "checkbox" and not self.on:
            raise ValueError("a 'checkbox' entry needs 'on' (the on-state, e.g. '/Y', or '*')")
        if self.type != "checkbox" and self.on:
            raise ValueError("'on' belongs to checkbox entries; choices give it per option")
        if self.value is None and not self.manual and not self.note:
            raise ValueError("an entry without 'value' must say why in 'manual' or 'note'")
        if self.format not in FORMATS:
            raise ValueError(f"unknown format '{self.format}' (known: {', '.join(sorted(FORMATS))})")
        return self


class OverflowRow(_M):
    item: str
    page_field: str
    part_field: str
    item_field: str
    text_field: str


class Continuation(_M):
    title: str = Field(description="Heading of a continuation sheet.")
    name: str = Field(description="Expression: the Name printed at the top of each sheet.")
    a_number: Optional[str] = Field(None, description="Expression: the A-Number printed at the top of each sheet.")
    who: str = Field(description="Who signs each sheet (role), e.g. 'petitioner'.")


class Overflow(_M):
    part: str
    page: int
    title: str
    rows: list[OverflowRow] = Field(min_length=1)
    markers: list[str] = Field(min_length=1, description="What an overflowed field says, longest first.")
    continuation: Continuation


class Signature(_M):
    page: int
    part: str
    item: str
    who: str = Field(description="Role that signs: petitioner, supporter, beneficiary, interpreter, preparer.")
    name: Optional[str] = Field(None, description="Expression: the signer's name, for the filing instructions.")
    field: Optional[str] = None
    date_field: Optional[str] = None
    when: Optional[str] = None


class Barcode(_M):
    field_pattern: str = Field(description="Full name of the per-page barcode field, {index} = page - 1.")
    value_pattern: str = Field(description="Its value, e.g. 'I-131|01/20/25|{page}'.")


class Source(_M):
    inventory: str
    status: Literal["official", "derived"]
    checked: str
    notes: Optional[str] = None


class FormDefModel(_M):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    schema_: Optional[str] = Field(None, alias="$comment")
    format_version: Literal[1]
    form: str = Field(pattern=r"^[A-Z]-\d{2,4}[A-Z]?$")
    edition: str = Field(pattern=r"^\d\d/\d\d/\d\d$")
    edition_date: dt.date
    title: str
    short_title: str
    page_count: int = Field(gt=0)
    page_size: list[float] = Field(min_length=2, max_length=2)
    footer_text: str
    barcode: Optional[Barcode] = None
    download_name: str = Field(description="File name on uscis.gov, e.g. 'i-131.pdf'.")
    info_url: str
    root_field: str
    font: str = Field(description="The form's text font as named in its /DR, e.g. 'CourierNewPS-BoldMT'.")
    source: Source
    parts: dict[str, str] = Field(default_factory=dict, description="Part number -> title, for stand-ins and reports.")
    context: dict[str, str]
    entries: list[Entry]
    overflow: Overflow
    signatures: list[Signature]
    inventory_hints: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="Attributes the inventory source lacks (derived maps), applied by build_fieldmaps.py.")
    inventory: list[InventoryField]


# --------------------------------------------------------------------------- expressions

_ALLOWED_NODES = (
    ast.Expression, ast.Name, ast.Attribute, ast.Subscript, ast.Constant, ast.Compare, ast.BoolOp,
    ast.UnaryOp, ast.IfExp, ast.Call, ast.Load, ast.And, ast.Or, ast.Not, ast.Eq, ast.NotEq, ast.In,
    ast.NotIn, ast.Is, ast.IsNot, ast.Gt, ast.Lt, ast.GtE, ast.LtE, ast.List, ast.Tuple, ast.BinOp, ast.Add,
    ast.Sub, ast.USub,
)


def _names_from(people, start=0):
    if not people:
        return None
    rest = list(people)[start:]
    return "; ".join(p.full if hasattr(p, "full") else str(p) for p in rest) or None


def _money(x) -> Optional[str]:
    if x is None:
        return None
    x = float(x)
    return f"${x:,.0f}" if x.is_integer() else f"${x:,.2f}"


def _assets_from(assets, start=0):
    if not assets:
        return None
    rest = list(assets)[start:]
    return "; ".join(f"{a.type}: {_money(a.amount)}" for a in rest) or None


FUNCTIONS = {
    "len": lambda x: len(x) if x is not None else 0,
    "sum": lambda xs: sum(x for x in xs if x is not None) if xs is not None else None,
    "any": lambda xs: any(xs) if xs is not None else False,
    "all": lambda xs: all(xs) if xs is not None else False,
    "str": lambda x: None if x is None else str(x),
    "int": lambda x: None if x is None else int(x),
    "names_from": _names_from,
    "assets_from": _assets_from,
    "money": _money,
    "amounts": lambda xs: [a.amount for a in xs] if xs is not None else None,
}


class Expr:
    """A compiled field-map expression."""

    __slots__ = ("source", "tree", "names")

    def __init__(self, source: str, *, where: str, context: dict[str, str]):
        self.source = source
        try:
            self.tree = ast.parse(source.strip(), mode="eval")
        except SyntaxError as exc:
            raise FormError(f"{where}: '{source}' is not a valid expression ({exc.msg})",
                            fix="correct the expression in the field map")
        names = set()
        for node in ast.walk(self.tree):
            if not isinstance(node, _ALLOWED_NODES):
                raise FormError(f"{where}: '{source}' uses {type(node).__name__}, which field maps do not allow",
                                fix="use names, attributes, [index], comparisons, and/or/not, 'a if c else b'")
            if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
                raise FormError(f"{where}: '{source}' reads a private attribute '{node.attr}'",
                                fix="use the case model's public fields")
            if isinstance(node, ast.BinOp) and not isinstance(node.op, (ast.Add, ast.Sub)):
                raise FormError(f"{where}: '{source}': only + and - are allowed", fix="simplify the expression")
            if isinstance(node, ast.Call):
                if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS or node.keywords:
                    raise FormError(f"{where}: '{source}' calls something other than {', '.join(sorted(FUNCTIONS))}",
                                    fix="use one of the helper functions")
            if isinstance(node, ast.Name) and node.id not in FUNCTIONS and node.id not in {"True", "False", "None"}:
                names.add(node.id)
        unknown = names - set(context)
        if unknown:
            raise FormError(f"{where}: '{source}' uses {', '.join(sorted(unknown))}, not in the map's context",
                            fix=f"use one of: {', '.join(sorted(context))}")
        self.names = names

    def __repr__(self) -> str:
        return f"Expr({self.source!r})"

    def evaluate(self, ctx: dict[str, Any], *, where: str) -> Any:
        return _eval(self.tree.body, ctx, where, self.source)


_CMP = {
    ast.Eq: lambda a, b: a == b, ast.NotEq: lambda a, b: a != b,
    ast.In: lambda a, b: b is not None and a in b, ast.NotIn: lambda a, b: b is None or a not in b,
    ast.Is: lambda a, b: a is b, ast.IsNot: lambda a, b: a is not b,
    ast.Gt: lambda a, b: a is not None and b is not None and a > b,
    ast.Lt: lambda a, b: a is not None and b is not None and a < b,
    ast.GtE: lambda a, b: a is not None and b is not None and a >= b,
    ast.LtE: lambda a, b: a is not None and b is not None and a <= b,
}


def _eval(node, ctx, where, src):
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        if node.id in ctx:
            return ctx[node.id]
        if node.id in FUNCTIONS:
            return FUNCTIONS[node.id]
        raise FormError(f"{where}: '{src}': '{node.id}' is not available for this form",
                        fix="report this bug: the filler does not provide a name the map uses")
    if isinstance(node, ast.Attribute):
        obj = _eval(node.value, ctx, where, src)
        if obj is None:
            return None
        if isinstance(obj, dict):
            return obj.get(node.attr)
        if not hasattr(obj, node.attr):
            raise FormError(f"{where}: '{src}': {type(obj).__name__} has no '{node.attr}'",
                            fix="correct the path in the field map (see 'packetgen schema' for the case fields)")
        return getattr(obj, node.attr)
    if isinstance(node, ast.Subscript):
        obj = _eval(node.value, ctx, where, src)
        key = _eval(node.slice, ctx, where, src)
        if obj is None or key is None:
            return None
        try:
            return obj[key]
        except (IndexError, KeyError):
            return None
        except TypeError:
            raise FormError(f"{where}: '{src}': cannot index {type(obj).__name__} with {key!r}",
                            fix="correct the expression in the field map")
    if isinstance(node, ast.BoolOp):
        if isinstance(node.op, ast.And):
            val = True
            for v in node.values:
                val = _eval(v, ctx, where, src)
                if not val:
                    return val
            return val
        val = None
        for v in node.values:
            val = _eval(v, ctx, where, src)
            if val:
                return val
        return val
    if isinstance(node, ast.UnaryOp):
        v = _eval(node.operand, ctx, where, src)
        if isinstance(node.op, ast.Not):
            return not v
        return None if v is None else -v
    if isinstance(node, ast.Compare):
        left = _eval(node.left, ctx, where, src)
        for op, comp in zip(node.ops, node.comparators):
            right = _eval(comp, ctx, where, src)
            if not _CMP[type(op)](left, right):
                return False
            left = right
        return True
    if isinstance(node, ast.IfExp):
        return _eval(node.body if _eval(node.test, ctx, where, src) else node.orelse, ctx, where, src)
    if isinstance(node, ast.Call):
        fn = FUNCTIONS[node.func.id]
        return fn(*[_eval(a, ctx, where, src) for a in node.args])
    if isinstance(node, (ast.List, ast.Tuple)):
        return [_eval(e, ctx, where, src) for e in node.elts]
    if isinstance(node, ast.BinOp):
        a, b = _eval(node.left, ctx, where, src), _eval(node.right, ctx, where, src)
        if a is None or b is None:
            return None
        return a + b if isinstance(node.op, ast.Add) else a - b
    raise FormError(f"{where}: '{src}': unsupported expression", fix="simplify the expression")  # pragma: no cover


# --------------------------------------------------------------------------- value formats

def _date(v, args):
    if isinstance(v, dt.datetime):
        v = v.date()
    if isinstance(v, dt.date):
        return v.strftime("%m/%d/%Y")
    raise ValueError(f"expected a date, got {v!r}")


def _digits_only(v) -> str:
    return re.sub(r"\D", "", str(v))


def _a_number(v, args):
    d = _digits_only(v)
    if not 7 <= len(d) <= 9:
        raise ValueError(f"an A-Number has 8 or 9 digits, got '{v}'")
    return d.rjust(9, "0")


def _digits(v, args):
    d = _digits_only(v)
    width = args.get("width")
    if width:
        d = d.rjust(int(width), "0")
    if "index" in args:
        i = int(args["index"])
        return d[i] if i < len(d) else ""
    return d


def _text(v, args):
    if isinstance(v, bool):
        return "Yes" if v else "No"
    if isinstance(v, dt.date):
        return v.strftime("%m/%d/%Y")
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return " ".join(str(v).split()) if not args.get("keep_lines") else str(v).strip()


def _paragraphs(v, args):
    """Free text: keep paragraph breaks, collapse other whitespace."""
    paras = [" ".join(p.split()) for p in re.split(r"\n\s*\n|\n", str(v))]
    return "\n".join(p for p in paras if p)


def _int(v, args):
    return str(int(round(float(v))))


def _state(v, args):
    return str(v).strip().upper()


FORMATS = {
    "text": _text,
    "paragraphs": _paragraphs,
    "name": _text,
    "date": _date,
    "a_number": _a_number,
    "phone": lambda v, a: _digits_only(v),
    "digits": _digits,
    "int": _int,
    "money": lambda v, a: _money(v),
    "state": _state,
    "zip": lambda v, a: _digits_only(v)[:5],
    "option": lambda v, a: str(v).strip(),
    "email": lambda v, a: str(v).strip(),
    "bool": lambda v, a: bool(v),
}


def format_value(fmt: str, value: Any, args: Optional[dict] = None) -> Any:
    """Format a case value the way the form expects it (raises ValueError with the reason)."""
    return FORMATS[fmt](value, args or {})


# --------------------------------------------------------------------------- loading

class FormDef:
    """A loaded and checked field map, with compiled expressions and lookups."""

    def __init__(self, model: FormDefModel, *, path: Path, raw: bytes):
        self.model = model
        self.path = path
        self.sha256 = hashlib.sha256(raw).hexdigest()
        self.fields = {f.name: f for f in model.inventory}
        self._exprs: dict[str, Expr] = {}
        self._groups: Optional[dict[str, list[InventoryField]]] = None
        self._check()

    # handy pass-throughs
    def __getattr__(self, name):
        return getattr(self.model, name)

    @property
    def key(self) -> str:
        """File stem, e.g. 'i-131_2025-01-20'; also the name of the installed PDF."""
        return self.path.stem

    @property
    def file_name(self) -> str:
        return f"{self.key}.pdf"

    def __repr__(self) -> str:
        return f"<FormDef {self.model.form} {self.model.edition} ({self.path.name})>"

    def where(self, i: int, e: Entry) -> str:
        return f"{self.path.name}: entries[{i}] (Part {e.part}, Item {e.item}, {e.label})"

    def expr(self, source: str, *, where: str) -> Expr:
        ex = self._exprs.get(source)
        if ex is None:
            ex = self._exprs[source] = Expr(source, where=where, context=self.model.context)
        return ex

    def is_signature(self, name: str) -> bool:
        f = self.fields.get(name)
        return bool(f and f.signature) or looks_like_signature(name)

    def group_members(self, prefix: str) -> list[InventoryField]:
        """The boxes named prefix[0], prefix[1], ... in index order."""
        if self._groups is None:
            groups: dict[str, list[tuple[int, InventoryField]]] = {}
            for n, f in self.fields.items():
                m = re.fullmatch(r"(.*)\[(\d+)\]", n)
                if m:
                    groups.setdefault(m.group(1), []).append((int(m.group(2)), f))
            self._groups = {k: [f for _, f in sorted(v, key=lambda t: t[0])] for k, v in groups.items()}
        return self._groups.get(prefix, [])

    def _check(self) -> None:
        m = self.model
        problems: list[str] = []

        def need(name: str, where: str, kind: Optional[str] = None) -> Optional[InventoryField]:
            f = self.fields.get(name)
            if f is None:
                problems.append(f"{where}: field '{name}' is not in the inventory")
                return None
            if kind and f.type != kind:
                problems.append(f"{where}: field '{name}' is a {f.type}, not a {kind}")
            if f.signature or looks_like_signature(name):
                problems.append(f"{where}: field '{name}' is a signature field; packetgen never fills signatures")
            return f

        used: dict[str, str] = {}
        for i, e in enumerate(m.entries):
            where = self.where(i, e)
            for src in (e.value, e.when):
                if src is not None:
                    self.expr(src, where=where)
            if e.type in {"text", "combo", "checkbox"}:
                f = need(e.field, where, {"text": "text", "combo": "combo", "checkbox": "checkbox"}[e.type])
                if f is not None:
                    if e.type == "checkbox" and e.on != "*" and f.on is not None and e.on not in f.on:
                        problems.append(f"{where}: on-state {e.on} is not one of {f.on} of '{e.field}'")
                    if f.page != e.page:
                        problems.append(f"{where}: page {e.page}, but '{e.field}' is on page {f.page}")
                # the same field may be written by two entries only if their 'when' differ
                prev = used.get(e.field)
                if prev is not None and prev == (e.when or ""):
                    problems.append(f"{where}: field '{e.field}' is already written by another entry with the same 'when'")
                used[e.field] = e.when or ""
            if e.type == "choice":
                seen_on = set()
                for key, o in e.options.items():
                    if o.field:
                        f = need(o.field, f"{where} option '{key}'", "checkbox")
                        if f is not None and f.on is not None and o.on not in f.on:
                            problems.append(f"{where} option '{key}': on-state {o.on} is not one of {f.on} of '{o.field}'")
                    else:
                        members = self.group_members(o.group)
                        if not members:
                            problems.append(f"{where} option '{key}': no boxes named '{o.group}[n]' in the inventory")
                    ident = (o.field or o.group, o.on)
                    if ident in seen_on:
                        problems.append(f"{where}: two options use the same box and state {ident}")
                    seen_on.add(ident)
        ov = m.overflow
        for r in ov.rows:
            for name in (r.page_field, r.part_field, r.item_field, r.text_field):
                need(name, f"{self.path.name}: overflow row {r.item}", "text")
        for src in (ov.continuation.name, ov.continuation.a_number):
            if src:
                self.expr(src, where=f"{self.path.name}: overflow.continuation")
        for s in m.signatures:
            for src in (s.when, s.name):
                if src:
                    self.expr(src, where=f"{self.path.name}: signature Part {s.part} Item {s.item}")
            if s.field and s.field not in self.fields:
                problems.append(f"{self.path.name}: signature field '{s.field}' is not in the inventory")
        if m.barcode:
            for p in range(1, m.page_count + 1):
                name = m.barcode.field_pattern.format(index=p - 1, page=p)
                if name not in self.fields:
                    problems.append(f"{self.path.name}: barcode field '{name}' (page {p}) is not in the inventory")
        pages = {f.page for f in m.inventory}
        if pages and max(pages) > m.page_count:
            problems.append(f"{self.path.name}: inventory has fields on page {max(pages)} of {m.page_count}")
        if problems:
            raise FormError(f"{self.path}: the field map is inconsistent ({len(problems)} problem"
                            f"{'s' if len(problems) != 1 else ''})", details=problems,
                            fix="correct the field map (python forms/build_fieldmaps.py re-checks it)")


_SIG_RX = re.compile(r"(?i)(signature|sig\[\d+\]$|_sign\[\d+\]$)")


def looks_like_signature(full_name: str) -> bool:
    """True for signature boxes ('Part10_Line4_ApplicantSignature[0]', 'P8_Line6_Sign[0]'), false for their dates."""
    tail = full_name.rsplit(".", 1)[-1]
    return bool(_SIG_RX.search(tail)) and "date" not in tail.lower()


def load_formdef_file(path: Path) -> FormDef:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise FormError(f"{path}: cannot read the field map ({exc.strerror})",
                        fix="reinstall packetgen, or check the forms/ folder of the checkout")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FormError(f"{path}: the field map is not valid JSON ({exc})", fix="correct the JSON syntax")
    try:
        model = FormDefModel.model_validate(data)
    except ValidationError as exc:
        details = []
        for err in exc.errors(include_url=False):
            loc = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err["loc"]).lstrip(".")
            details.append(f"{loc}: {err['msg']}")
        raise FormError(f"{path}: the field map does not follow the format ({len(details)} problem"
                        f"{'s' if len(details) != 1 else ''})", details=details[:30],
                        fix="correct the entries named above (see packetgen/formdefs.py for the format)")
    return FormDef(model, path=path, raw=raw)


@functools.lru_cache(maxsize=None)
def _load_cached(path: str, mtime: float) -> FormDef:
    return load_formdef_file(Path(path))


def formdef_paths(directory: Optional[Path] = None) -> list[Path]:
    d = Path(directory) if directory else formdefs_dir()
    return sorted(p for p in d.glob("*.json") if re.match(r"^[a-z]-\d+[a-z]?_\d{4}-\d\d-\d\d\.json$", p.name))


def all_formdefs(directory: Optional[Path] = None) -> list[FormDef]:
    """Every field map, sorted by form and then newest edition first."""
    defs = []
    for p in formdef_paths(directory):
        defs.append(_load_cached(str(p), p.stat().st_mtime))
    return sorted(defs, key=lambda d: (d.model.form, -d.model.edition_date.toordinal()))


def load_formdef(form_id: str, edition: Optional[str] = None, directory: Optional[Path] = None) -> FormDef:
    """The field map for ``form_id`` ('I-131') and ``edition`` ('01/20/25'); newest edition if not given."""
    defs = [d for d in all_formdefs(directory) if d.model.form.upper() == form_id.upper()]
    if not defs:
        raise FormError(f"no field map for Form {form_id} in {directory or formdefs_dir()}",
                        fix="reinstall packetgen; field maps ship with it")
    if edition is None:
        return defs[0]
    for d in defs:
        if d.model.edition == edition:
            return d
    raise FormError(f"no field map for Form {form_id} edition {edition}",
                    fix=f"packetgen has field maps for edition(s) {', '.join(d.model.edition for d in defs)}")


# --------------------------------------------------------------------------- text the form font can show

_CYRILLIC = dict(zip(
    "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдеёжзийклмнопрстуфхцчшщъыьэюяІіЇїЄєҐґЎў",
    ["A", "B", "V", "G", "D", "E", "E", "Zh", "Z", "I", "Y", "K", "L", "M", "N", "O", "P", "R", "S", "T", "U",
     "F", "Kh", "Ts", "Ch", "Sh", "Shch", "", "Y", "", "E", "Yu", "Ya",
     "a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s", "t", "u",
     "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya",
     "I", "i", "Yi", "yi", "Ye", "ye", "G", "g", "U", "u"]))
_GREEK = dict(zip(
    "ΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩαβγδεζηθικλμνξοπρσςτυφχψω",
    ["A", "V", "G", "D", "E", "Z", "I", "Th", "I", "K", "L", "M", "N", "X", "O", "P", "R", "S", "T", "Y", "F",
     "Ch", "Ps", "O", "a", "v", "g", "d", "e", "z", "i", "th", "i", "k", "l", "m", "n", "x", "o", "p", "r", "s",
     "s", "t", "y", "f", "ch", "ps", "o"]))
_OTHER = {"ß": "ss", "Æ": "AE", "æ": "ae", "Ø": "O", "ø": "o", "Đ": "D", "đ": "d", "Ł": "L", "ł": "l",
          "Ħ": "H", "ħ": "h", "ı": "i", "Œ": "OE", "œ": "oe", "Þ": "Th", "þ": "th", "\u00a0": " ",
          "\u2010": "-", "\u2011": "-", "\u2212": "-", "\u2032": "'", "\u2033": '"'}


def encodable(ch: str, encoding: str = "cp1252") -> bool:
    try:
        ch.encode(encoding)
        return True
    except UnicodeEncodeError:
        return False


def to_form_charset(text: str, encoding: str = "cp1252") -> tuple[str, list[str]]:
    """Make ``text`` showable in the form's WinAnsi font; return it and the characters replaced.

    Characters in WinAnsi (é, ñ, ü, —, “”) stay; others are transliterated
    (NFKD without accents, Cyrillic and Greek tables); what cannot be
    transliterated becomes '?'.  Each replacement is listed so the caller can warn.
    """
    out = []
    replaced = []
    for ch in text:
        if ch in "\n\t" or encodable(ch, encoding) and (ch >= " " or ch in "\n"):
            out.append(ch if ch != "\t" else " ")
            continue
        if ch < " ":
            continue  # control characters are dropped (never shown by any font)
        rep = _CYRILLIC.get(ch) or _GREEK.get(ch) or _OTHER.get(ch)
        if rep is None:
            decomposed = unicodedata.normalize("NFKD", ch)
            base = "".join(c for c in decomposed if not unicodedata.combining(c))
            rep = base if base and all(encodable(c, encoding) for c in base) else None
        if rep is None:
            g = unicodedata.normalize("NFKD", ch)
            g = _GREEK.get(g[:1]) or _CYRILLIC.get(g[:1])
            rep = g
        if rep is None:
            rep = "?"
        replaced.append(f"{ch}→{rep or '(nothing)'}")
        out.append(rep)
    return "".join(out), replaced
