"""Planning the values of one form: evaluate each field-map entry, format it, fit it, or move it to the overflow part.

See docs/forms.md ("Fitting and overflow") for the policy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Optional

from reportlab.pdfbase.pdfmetrics import stringWidth

from packetgen.errors import FormError
from packetgen.forms.charset import latin_suggestion, script_names, showable
from packetgen.forms.fieldmap import Entry, FormDef, format_value
from packetgen.forms.library import FF_BITS
from packetgen.forms.template import Widget

MEASURE_FONT = "Courier-Bold"      # metrics of Courier New Bold: every WinAnsi glyph is 600/1000 em
RULED_PITCH = 18.0                 # the I-131's multiline boxes are ruled every 18 pt


# --------------------------------------------------------------------------- measuring

def text_width(text: str, size: float) -> float:
    return stringWidth(text, MEASURE_FONT, size)


def single_line_room(w: Widget) -> float:
    """Width for a single line: text starts at 2 pt and keeps 4 pt from the right edge (pypdf's margins)."""
    return w.width - 6.0 + 0.25


def line_pitch(w: Widget) -> float:
    h = w.height
    if h >= 2 * RULED_PITCH - 0.5 and abs(h / RULED_PITCH - round(h / RULED_PITCH)) < 0.03:
        return RULED_PITCH
    return round(w.size * 1.15, 2)


def first_baseline(w: Widget) -> float:
    """Baseline of the first line, centred in the first line band of the field."""
    return w.height - (line_pitch(w) + 0.7 * w.size) / 2


def line_capacity(w: Widget) -> int:
    """Lines whose descenders stay inside the field (1 pt clip margin)."""
    room = first_baseline(w) - 0.25 * w.size - 1.0
    return max(1, int(room // line_pitch(w)) + 1) if room >= 0 else 1


def chars_per_line(w: Widget) -> int:
    return max(1, int((w.width - 4.0) // (0.6 * w.size)))


def wrap(text: str, width_chars: int) -> list[str]:
    """Greedy word wrap at spaces; paragraphs (\\n) kept; over-long words split."""
    lines: list[str] = []
    for para in text.split("\n"):
        words = para.split(" ")
        cur = ""
        for word in words:
            while len(word) > width_chars:
                if cur:
                    lines.append(cur)
                    cur = ""
                lines.append(word[:width_chars])
                word = word[width_chars:]
            if not cur:
                cur = word
            elif len(cur) + 1 + len(word) <= width_chars:
                cur += " " + word
            else:
                lines.append(cur)
                cur = word
        lines.append(cur)
    while lines and lines[-1] == "":
        lines.pop()
    return lines


def fits(text: str, w: Widget) -> tuple[bool, Optional[str]]:
    """Does ``text`` fit in the widget? Returns (fits, text to write: pre-wrapped for multiline)."""
    if w.maxlen is not None and len(text.replace("\n", " ")) > w.maxlen:
        return False, None
    if w.comb:
        return True, text
    if w.multiline:
        lines = wrap(text, chars_per_line(w))
        if len(lines) <= line_capacity(w) and all(text_width(ln, w.size) <= w.width - 4.0 for ln in lines):
            return True, "\n".join(lines)
        return False, None
    if "\n" in text:
        text = " ".join(text.split("\n"))
    return (text_width(text, w.size) <= single_line_room(w)), text


FLOOR_SIZE = 6.0                   # the smallest font an identity value is shrunk to (Acrobat's auto-size floor)
SIZE_STEP = 0.5


def fit_size(text: str, w: Widget) -> Optional[float]:
    """The largest size (field size down to FLOOR_SIZE, in SIZE_STEP steps) at which ``text`` fits one line; None if none."""
    if w.maxlen is not None and len(text) > w.maxlen:
        return None
    room = single_line_room(w)
    size = w.size
    while size >= FLOOR_SIZE - 1e-9:
        if text_width(text, size) <= room:
            return size
        size = round(size - SIZE_STEP, 2)
    return None


#: Values whose beginning is a different value (a phone number, an A-number, a date, an e-mail address, an
#: amount): when one does not fit its box even at the floor size, the box stays blank and the value goes whole to
#: the form's additional-information part.  Names and address lines keep their beginning in the box (issue 12 §3).
ATOMIC_FORMATS = frozenset({"phone", "email", "a_number", "date", "digits", "int", "money", "zip"})


def head_that_fits(text: str, w: Widget) -> tuple[str, Optional[float]]:
    """The beginning of a value that does not fit: as much as fits at the floor size (and /MaxLen), cut at a word if possible."""
    limit = w.maxlen if w.maxlen is not None else len(text)
    room = single_line_room(w)
    n = min(len(text), limit)
    while n > 0 and text_width(text[:n], FLOOR_SIZE) > room:
        n -= 1
    head = text[:n]
    if 0 < n < len(text) and text[n] != " " and " " in head[: n]:
        cut = head.rstrip().rfind(" ")
        if cut >= n * 0.6:
            head = head[:cut]
    head = head.rstrip(" ,;")
    if not head:
        return "", None
    return head, fit_size(head, w) or FLOOR_SIZE


def narrative_head(text: str, w: Widget) -> str:
    """The lines of a narrative answer that fit its multiline box (the whole text continues in Additional Information)."""
    if not w.multiline:
        return head_that_fits(text, w)[0]
    lines = wrap(text, chars_per_line(w))[: line_capacity(w)]
    if w.maxlen is not None:
        out, total = [], 0
        for ln in lines:
            if total + len(ln) + 1 > w.maxlen:
                break
            out.append(ln)
            total += len(ln) + 1
        lines = out
    return "\n".join(lines)


# --------------------------------------------------------------------------- planning the values

@dataclass
class Write:
    field: str
    value: str            # text, combo choice, or a checkbox state such as '/23' or '/Off'
    entry: Optional[Entry]
    part: str
    item: str
    page: int
    label: str
    kind: str             # text, combo, checkbox, overflow-row
    multiline: bool = False
    size: Optional[float] = None    # font size when reduced to fit (None: the field's own size)
    derived: Optional[str] = None   # what the value was derived from (recorded in the manifest)


@dataclass(frozen=True)
class Unanswered:
    """A question the form requires and the case file does not answer."""
    form: str
    part: str
    item: str
    label: str
    page: int
    ask: str              # the case-file field to set, e.g. 'beneficiaries[1].in_removal_proceedings'
    kind: str = "unanswered"          # or 'script': text the form's font cannot show
    chars: str = ""                   # 'script': which script(s), e.g. 'Cyrillic'
    suggestion: Optional[str] = None  # 'script': a transliteration to suggest in the fix (never filed)
    source: str = ""                  # 'script': the case field that holds the text


@dataclass
class EntryValue:
    applies: bool
    value: Any = None
    unanswered: Optional[Unanswered] = None
    derived: Optional[str] = None


def _paths(ctx: dict, template: str) -> str:
    try:
        return template.format(**ctx.get("_paths", {}))
    except (KeyError, IndexError, ValueError):
        return template


_PATH_RX = re.compile(r"^([A-Za-z_]\w*)((?:\.[A-Za-z_]\w*|\[\d+\])*)$")


def source_path(src: Optional[str], ctx: dict) -> Optional[str]:
    """The case-file path an entry's value comes from ('beneficiary.form_name.family' -> 'beneficiaries[1].name.family')."""
    src = (src or "").strip()
    phys = re.match(r"^physical\((\w+)\)(.*)$", src)
    if phys:    # physical(person).city: the physical address, or the mailing address it was derived from
        person = ctx.get(phys.group(1))
        which = "physical_address" if getattr(person, "physical_address", None) is not None else "mailing_address"
        src = f"{phys.group(1)}.{which}{phys.group(2)}"
    m = _PATH_RX.match(src)
    if not m:   # e.g. names_from(applicant.other_names, 3): the first attribute chain inside
        inner = re.search(r"\b[A-Za-z_]\w*(?:\.[A-Za-z_]\w*|\[\d+\])+", src or "")
        m = _PATH_RX.match(inner.group(0)) if inner else None
        if not m:
            return None
    base, rest = m.group(1), m.group(2)
    paths = ctx.get("_paths", {})
    root = paths.get(base, "" if base == "case" else base)
    rest = rest.replace(".form_name", ".latin_name" if getattr(ctx.get(base), "latin_name", None) else ".name")
    return (root + rest).lstrip(".")


def unshowable_item(fd: FormDef, e: Entry, ctx: dict, text: str) -> Optional[Unanswered]:
    """An Unanswered of kind 'script' when the form's font cannot show ``text``; None when it can."""
    _, bad = showable(text)
    if not bad:
        return None
    src = source_path(e.value, ctx) or e.value or ""
    if ".name." in src or ".latin_name." in src or src.endswith(".name") or ".other_names" in src:
        person = src.split(".name")[0].split(".latin_name")[0].split(".other_names")[0]
        ask = (f"{person}.latin_name (family, given, middle: the Latin spelling in the passport)"
               if ".other_names" not in src else f"{src} (in Latin letters, as used)")
    else:
        ask = f"{src} (in Latin letters)"
    return Unanswered(fd.model.form, e.part, e.item, e.label, e.page, ask, kind="script", chars=script_names(bad),
                      suggestion=latin_suggestion(text), source=src)


def evaluate_entry(fd: FormDef, i: int, e: Entry, ctx: dict) -> EntryValue:
    """Does the entry apply, what is its value, is a required answer missing, and is the value derived?"""
    loc = fd.where(i, e)
    if e.when is not None and not fd.expr(e.when, where=loc).evaluate(ctx, where=loc):
        return EntryValue(False)
    v = fd.expr(e.value, where=loc).evaluate(ctx, where=loc) if e.value is not None else None
    if e.ask:
        ok = (fd.expr(e.answered, where=loc).evaluate(ctx, where=loc) if e.answered is not None
              else not (v is None or v == "" or v == []))
        if not ok:
            return EntryValue(True, v, Unanswered(fd.model.form, e.part, e.item, e.label, e.page, _paths(ctx, e.ask)))
    derived = None
    if e.derived and (e.derived_when is None or fd.expr(e.derived_when, where=loc).evaluate(ctx, where=loc)):
        derived = _paths(ctx, e.derived)
    return EntryValue(True, v, None, derived)


@dataclass
class Moved:
    part: str
    item: str
    page: int
    label: str
    text: str
    field: Optional[str]
    why: str
    box: str = ""           # for a single-line value cut at its box: "head" (the beginning shown) or "blank"
    fmt: str = ""           # the entry's format ("name", "text", "phone"...)


class _Plan:
    def __init__(self, fd: FormDef, ctx: dict, widgets: dict[str, Widget], form_title: str):
        self.fd, self.ctx, self.widgets, self.title = fd, ctx, widgets, form_title
        self.writes: list[Write] = []
        self.moved: list[Moved] = []
        self.warnings: list[str] = []
        self.written: set[str] = set()
        self.unanswered: list[Unanswered] = []
        self.derived: Optional[str] = None

    def warn(self, msg: str) -> None:
        self.warnings.append(f"{self.title}: {msg}")

    def widget(self, name: str, where: str, kind: Optional[str] = None) -> Widget:
        w = self.widgets.get(name)
        if w is None:
            raise FormError(f"{self.fd.model.form}: field '{name}' ({where}) is not in the form PDF",
                            fix=f"the PDF does not match {self.fd.path.name}: reinstall the official form "
                                "('packetgen forms add FILE') or update the field map")
        if kind and w.ftype != kind:
            raise FormError(f"{self.fd.model.form}: field '{name}' ({where}) is a {w.ftype} in the PDF, "
                            f"the field map expects a {kind}", fix=f"update the field map {self.fd.path.name}")
        if w.ftype == "signature" or self.fd.is_signature(name):
            raise FormError(f"{self.fd.model.form}: field '{name}' ({where}) is a signature field; "
                            "packetgen never writes into signature fields", fix=f"remove it from {self.fd.path.name}")
        return w

    def add(self, wr: Write) -> None:
        if wr.field in self.written:
            raise FormError(f"{self.fd.model.form}: field '{wr.field}' would be written twice "
                            f"(Part {wr.part} Item {wr.item})", fix=f"correct the 'when' conditions in {self.fd.path.name}")
        self.written.add(wr.field)
        if wr.entry is not None and self.derived:
            wr.derived = self.derived
        self.writes.append(wr)

    # -- checkboxes
    def box_for(self, e: Entry, where: str, *, field: Optional[str], group: Optional[str], on: str) -> tuple[Widget, str]:
        if field:
            w = self.widget(field, where, "checkbox")
            if on == "*":
                if len(w.states) != 1:
                    raise FormError(f"{self.fd.model.form}: checkbox '{field}' ({where}) has on-states {w.states}; "
                                    "the map expects exactly one", fix=f"name the state in {self.fd.path.name}")
                return w, w.states[0]
            if on not in w.states:
                raise FormError(f"{self.fd.model.form}: checkbox '{field}' ({where}) has no state {on} "
                                f"(its states: {', '.join(w.states) or 'none'}); "
                                "writing it would leave the box silently /Off",
                                fix=f"use one of the form's states in {self.fd.path.name}")
            return w, on
        rx = re.compile(re.escape(group) + r"\[\d+\]")
        boxes = [w for n, w in self.widgets.items() if rx.fullmatch(n)]
        for w in sorted(boxes, key=lambda b: b.name):
            if on in w.states:
                self.widget(w.name, where, "checkbox")
                return w, on
        states = sorted({s for b in boxes for s in b.states})
        raise FormError(f"{self.fd.model.form}: no box of '{group}[n]' ({where}) has the state {on} "
                        f"(states found: {', '.join(states) or 'none'})",
                        fix=f"correct the option in {self.fd.path.name}")

    def plan_entry(self, i: int, e: Entry) -> None:
        fd, ctx = self.fd, self.ctx
        where = f"Part {e.part}, Item {e.item}: {e.label}"
        loc = fd.where(i, e)
        ev = evaluate_entry(fd, i, e, ctx)
        self.derived = ev.derived
        if not ev.applies:
            return
        if ev.unanswered:
            self.unanswered.append(ev.unanswered)   # left blank, never guessed; check reports it
            return
        if e.value is None:
            if e.manual:
                self.warn(f"Part {e.part}, Item {e.item} ({e.label}) was left blank: {e.manual}")
            return
        v = ev.value
        if (v is None or v == "") and e.manual:
            self.warn(f"Part {e.part}, Item {e.item} ({e.label}) was left blank: {e.manual}")
            return
        if e.lookup and v is not None and not isinstance(v, bool):
            v = {k.casefold(): val for k, val in e.lookup.items()}.get(str(v).casefold(), v)
        if e.type == "checkbox":
            if v:
                w, state = self.box_for(e, where, field=e.field, group=None, on=e.on)
                self.add(Write(w.name, state, e, e.part, e.item, w.page, e.label, "checkbox"))
            return
        if e.type == "choice":
            if v is None or v == "":
                return
            key = ("yes" if v else "no") if isinstance(v, bool) else str(v)
            opts = {k.casefold(): (k, o) for k, o in e.options.items()}
            if key.casefold() not in opts:
                raise FormError(f"{fd.model.form}: {where}: the case value '{key}' is not one of the form's "
                                f"choices ({', '.join(e.options)})", fix=f"correct the value in the case file ({e.value})")
            chosen_key, chosen = opts[key.casefold()]
            w, state = self.box_for(e, where, field=chosen.field, group=chosen.group, on=chosen.on)
            self.add(Write(w.name, state, e, e.part, e.item, w.page, f"{e.label}: {chosen.label or chosen_key}", "checkbox"))
            for k, o in e.options.items():       # exclusive: every other box of the item is off
                if k == chosen_key:
                    continue
                ow, _ = self.box_for(e, where, field=o.field, group=o.group, on=o.on)
                if ow.name != w.name and ow.name not in self.written:
                    self.writes.append(Write(ow.name, "/Off", e, e.part, e.item, ow.page, f"{e.label}: {o.label or k}",
                                             "checkbox-off"))
                    self.written.add(ow.name)
            return
        if v is None or v == "" or v == []:
            return
        try:
            text = format_value(e.format, v, e.args)
        except (ValueError, TypeError) as exc:
            raise FormError(f"{fd.model.form}: {where}: cannot write '{v}' ({exc})",
                            fix=f"correct the case value ({e.value})")
        if text is None or text == "":
            return
        text = str(text)
        if e.format == "zip" and len(re.sub(r"\D", "", str(v))) > 5:
            self.warn(f"Part {e.part}, Item {e.item} ({e.label}): the form has room for a 5-digit ZIP code; "
                      f"wrote {text} for {v}")
        bad = unshowable_item(fd, e, ctx, text)
        if bad is not None:
            self.unanswered.append(bad)     # left blank: never a '?' or a guessed transliteration on a form
            self.warn(f"Part {e.part}, Item {e.item} ({e.label}) was left blank: the form's font cannot show "
                      f"{bad.chars}; set {bad.ask}")
            return
        text, _ = showable(text)
        display = text
        if e.format == "phone":
            display, _ = showable(" ".join(str(v).split()))
        if e.type == "extra":
            self.moved.append(Moved(e.part, e.item, e.page, e.label, f"{e.label}: {display}", None,
                                    "more entries than the form has rows for"))
            return
        w = self.widget(e.field, where, "combo" if e.type == "combo" else "text")
        if e.type == "combo":
            choice = self._combo_choice(w, text)
            if choice is None:
                self.warn(f"Part {e.part}, Item {e.item} ({e.label}): '{text}' is not one of the form's choices; "
                          f"written in Part {fd.model.overflow.part} instead")
                self.moved.append(Moved(e.part, e.item, w.page, e.label, f"{e.label}: {display}", None,
                                        "not one of the form's choices"))
                return
            self.add(Write(w.name, choice, e, e.part, e.item, w.page, e.label, "combo"))
            return
        narrative = e.format == "paragraphs" or w.multiline
        if e.format == "phone" and w.maxlen is not None and len(text) > w.maxlen:
            text = re.sub(r"[^\d+]", "", text)   # '+504 9555 0101' -> '+50495550101' where the grouping does not fit
        if not narrative and not w.comb:
            # identity values (names, numbers, dates, phones, e-mails, address lines) stay in their box:
            # the font shrinks to fit, down to a legible floor (as Acrobat's auto-size does)
            size = fit_size(text, w)
            if size is not None:
                self.add(Write(w.name, text, e, e.part, e.item, w.page, e.label, "text",
                               size=None if size == w.size else size))
                return
            self._continue(e, w, display, text)
            if e.format in ATOMIC_FORMATS:
                self._left_blank(e)
                return
            head, size = head_that_fits(text, w)
            if head:
                self.add(Write(w.name, head, e, e.part, e.item, w.page, e.label, "text", size=size))
            return
        ok, out = fits(text, w)
        if ok:
            self.add(Write(w.name, out, e, e.part, e.item, w.page, e.label, "text", multiline=w.multiline))
            return
        if not narrative and e.format in ATOMIC_FORMATS:      # a comb field (A-Number boxes) too short for it
            self._continue(e, w, display, text)
            self._left_blank(e)
            return
        # a narrative answer: the box shows its beginning, the whole text continues in the Additional Information part
        self._continue(e, w, display, text)
        head = narrative_head(text, w)
        if head:
            self.add(Write(w.name, head, e, e.part, e.item, w.page, e.label, "text", multiline=w.multiline))

    def _left_blank(self, e: Entry) -> None:
        # the beginning of a number, date or e-mail address is another number, date or address, which the intake
        # clerk would key: the box stays blank and Part 13 / Part 8 holds the value whole
        ov = self.fd.model.overflow
        where_whole = (f"the whole value is in Part {ov.part}" if ov is not None
                       else "the form has no additional-information part: write it by hand")
        self.warn(f"Part {e.part}, Item {e.item} ({e.label}): the value does not fit the box; the box is left "
                  f"blank and {where_whole}")

    def _continue(self, e: Entry, w: Widget, display: str, text: str) -> None:
        body = display if (e.format == "paragraphs" or w.multiline) else f"{e.label}: {display}"
        why = (f"{len(text)} characters, the field holds {w.maxlen}" if w.maxlen is not None and len(text) > w.maxlen
               else f"{'lines' if w.multiline else 'width'}: does not fit the {w.width:.0f} x {w.height:.0f} pt field"
               + ("" if w.multiline else f" even at {FLOOR_SIZE:g} pt"))
        box = "" if (e.format == "paragraphs" or w.multiline) else \
            "blank" if e.format in ATOMIC_FORMATS else "head"
        self.moved.append(Moved(e.part, e.item, w.page, e.label, body, w.name, why, box, e.format or ""))

    @staticmethod
    def _combo_choice(w: Widget, text: str) -> Optional[str]:
        if not w.options:
            return text
        if text in w.options:
            return text
        for o in w.options:
            if o.casefold() == text.casefold():
                return o
        if w.ff & FF_BITS["Edit"]:
            return text
        return None


# --------------------------------------------------------------------------- overflow routing

@dataclass
class _Block:
    moved: Moved
    rows: list[tuple[str, str]]      # (row item, text written in the row)
    rest: list[str]                  # lines for continuation sheets


def _route_overflow(plan: _Plan) -> tuple[list[_Block], list[dict]]:
    """Put the moved texts in the Additional Information rows, then on continuation sheets."""
    fd = plan.fd
    ov = fd.model.overflow
    if ov is None:              # a form without an Additional Information part: the box keeps the beginning
        return [], []
    rows = list(ov.rows)
    blocks: list[_Block] = []
    ri = 0
    for mv in plan.moved:
        blk = _Block(mv, [], [])
        lines: Optional[list[str]] = None
        while ri < len(rows):
            row = rows[ri]
            tw = plan.widget(row.text_field, f"Part {ov.part} row {row.item}", "text")
            per = chars_per_line(tw) if tw.multiline else max(1, int(single_line_room(tw) // (0.6 * tw.size)))
            cap = line_capacity(tw) if tw.multiline else 1
            if lines is None:
                lines = wrap(mv.text, per)
            take, lines = lines[:cap], lines[cap:]
            ref_item = mv.item
            iw = plan.widget(row.item_field, f"Part {ov.part} row {row.item}", "text")
            if iw.maxlen is not None and len(ref_item) > iw.maxlen:
                ref_item = ""
                take = [f"(Item {mv.item})"] + take
                take, back = take[:cap], take[cap:]
                lines = back + lines
            text = "\n".join(take) if tw.multiline else " ".join(take)
            for fname, val, lab in ((row.page_field, str(mv.page), "page number"), (row.part_field, mv.part, "part number"),
                                    (row.item_field, ref_item, "item number"), (row.text_field, text, "additional information")):
                if val:
                    w = plan.widget(fname, f"Part {ov.part} row {row.item}", "text")
                    plan.add(Write(fname, val, None, ov.part, row.item, w.page, f"Part {ov.part} row {row.item}: {lab}",
                                   "overflow-row", multiline=w.multiline))
            blk.rows.append((row.item, text))
            ri += 1
            if not lines:
                break
        if lines is None:
            lines = wrap(mv.text, 85)
        blk.rest = lines
        blocks.append(blk)
    return blocks, []
