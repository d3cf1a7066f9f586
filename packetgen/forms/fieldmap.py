"""Field maps: which case fact goes into which field of a form (``forms/*.json``, one per form and edition).

The JSON format, the entry types and the expression language are described in docs/forms.md.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re
from pathlib import Path
from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from packetgen.errors import FormError
from packetgen.forms.charset import encodable, to_form_charset  # noqa: F401 - re-exported
from packetgen.forms.expr import FORMATS, FUNCTIONS, Expr, format_value  # noqa: F401 - re-exported
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
    ask: Optional[str] = Field(
        None, description="The item must be answered: the case-file field to set when it is not, with {beneficiary}, "
                          "{supporter}, {applicant} for the person's path (e.g. '{beneficiary}.in_removal_proceedings'). "
                          "An unanswered item is a check error and stays blank on a draft.")
    answered: Optional[str] = Field(None, description="Expression: is the item answered? Default: the value is not null/empty.")
    derived: Optional[str] = Field(
        None, description="What the value is derived from (same placeholders as 'ask'), recorded in the manifest.")
    derived_when: Optional[str] = Field(None, description="Expression: the value is derived (default: always, when 'derived' is set).")

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


class Companion(_M):
    """A form filed with each beneficiary's I-131 (payment, e-notification, G-28), in mailing order."""

    order: int = Field(description="Place in the beneficiary's set: 1 payment, 2 G-1145, 4 G-28 (3 = cover letter).")
    applies: str = Field(description="Expression: the form is filed for this beneficiary (e.g. payment == 'G-1450').")
    placement: str = Field(description="Where it goes in the set, for the filing instructions.")


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
    overflow: Optional[Overflow] = Field(None, description="The Additional Information part; null when the form has none.")
    companion: Optional[Companion] = None
    signatures: list[Signature]
    inventory_hints: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="Attributes the inventory source lacks (derived maps), applied by build_fieldmaps.py.")
    inventory: list[InventoryField]


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
            for src in (e.value, e.when, e.answered, e.derived_when):
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
        for r in (ov.rows if ov else []):
            for name in (r.page_field, r.part_field, r.item_field, r.text_field):
                need(name, f"{self.path.name}: overflow row {r.item}", "text")
        for src in ((ov.continuation.name, ov.continuation.a_number) if ov else ()):
            if src:
                self.expr(src, where=f"{self.path.name}: overflow.continuation")
        if m.companion:
            self.expr(m.companion.applies, where=f"{self.path.name}: companion.applies")
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
