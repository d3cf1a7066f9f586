"""Fill Form I-131 and Form I-134 from the case, on the official PDF or on a generated stand-in.

For each form:

1. **Template.**  The official PDF from the forms folder (see :mod:`packetgen.forms.library`),
   checked (edition from its barcode, mapped fields present), decrypted, with
   ``/AcroForm/XFA``, ``/Root/Perms`` (the usage-rights signature that any change
   breaks), the form's JavaScript and its structure tree removed; cached on disk
   (``user_data_dir()/cache``) so later builds skip all of that.  Without an
   installed PDF: the stand-in of :mod:`packetgen.forms.standin`.
2. **Values.**  Every field-map entry is evaluated against the context (who is
   "you", who is the beneficiary...), formatted the way the form wants it
   (mm/dd/yyyy, 9-digit A-Number, digits-only phone, a state from the combo's
   choices), and made showable in the form's WinAnsi font (transliterated, with
   a warning naming the field).  Checkbox states are read from the PDF: an
   unknown state is a FormError, never a silent /Off.  Signature fields are never written.
3. **Fit.**  Each text is measured with the font's metrics (Courier: 600/1000 em),
   the field's width from its rect and the size from its /DA (0 = 10 pt), the
   line count of multiline fields, and /MaxLen.  What does not fit is moved to
   the "Additional Information" part (I-131 Part 13, I-134 Part 8) with its
   page, part and item; the field says "See Part 13".  When those rows are full,
   continuation sheets in the same format are added (name, A-Number, references,
   signature and date line).  Nothing is cut: ``FilledForm.overflow`` lists each move.
4. **PDF.**  pikepdf writes the values and this module generates the appearance
   streams (no NeedAppearances, so the PDF417 barcodes stay images): single-line,
   comb and combo fields placed exactly as pypdf 7 placed them (the filled pages
   render pixel-identical in poppler and pdfium), multiline fields with the form's
   line pitch.  Filled fields lose ReadOnly (Ff bit 1) and annotation flag 64 so a
   person can correct them; the root field is renamed (``form1[0]`` -> ``i131_mateo``)
   so two forms in one packet never share field names.  ``flatten=True`` draws the
   appearances into the pages and removes the fields.  One open, one save per form.

Speed (measured 2026-11-29 on the 2-core benchmark machine, under a load average of
2-3 from other sessions, so wall times are +-30 %; CPU times are steadier):

* Before: every form was ``PdfWriter(clone_from=PdfReader(template))`` (pure-Python
  parse of the whole form: 0.35-0.6 s for the I-131), ``update_page_form_field_values``,
  ``writer.write`` to a BytesIO, then re-opened in pikepdf by ``_finish`` and saved
  again; the official I-131 was decrypted, identified and stripped of XFA in every
  process (0.2 s).  ``fill_case_forms`` for the sample (2 I-131 + 2 I-134) took
  1.4-2.0 s with stand-ins and 2.4-3.3 s with the official I-131 (CPU 1.4 / 2.4 s),
  and the build's forms stage 1.7-2.6 s.
* Now: a template is prepared once and cached on disk (``prepared-*.pdf``, keyed by
  the SHA-256 of the official file and of the field map); its widgets are read once
  and cached as JSON (``widgets-*.json``, keyed by the template's SHA-256), and the
  official file's identification too (``formlib``, ``identify-*.json``).  Per form:
  ``pikepdf.open`` (1-5 ms), the values and their appearance streams (10-15 ms),
  one ``save`` (15-30 ms): 25-50 ms per form instead of 0.3-1.1 s.
  ``fill_case_forms`` in a fresh process including the forms modules' imports
  (PYTHONDONTWRITEBYTECODE=1 here, so they are compiled every run): warm cache
  0.28-0.36 s wall, 0.23-0.27 s CPU (stand-ins / official I-131); cold cache
  (stand-ins generated, official form prepared) 0.66-0.75 s wall, 0.50-0.59 s CPU.
  The build's forms stage: 0.25-0.32 s median (was 1.7-2.6 s); the whole small-sample
  build 1.4-1.8 s wall, 1.3-1.6 s CPU (was 3.5-5.5 s wall, 3.0-4.0 s CPU).
* Of what is left per build: importing formdefs (pydantic) and loading both field
  maps about 0.1 s, the four fills about 0.15 s.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import logging
import os
import re
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import pikepdf
from pikepdf import Array, Dictionary, Name, String
from reportlab.pdfbase.pdfmetrics import stringWidth

from packetgen.case.model import add_months
from packetgen.errors import FormError
from packetgen.forms.fieldmap import Entry, FormDef, format_value, load_formdef, to_form_charset
from packetgen.forms.library import FF_BITS, compare_fields, file_sha256, identify, locate_form, open_pdf, read_widgets
from packetgen.resources import user_data_dir

log = logging.getLogger(__name__)

MEASURE_FONT = "Courier-Bold"      # metrics of Courier New Bold: every WinAnsi glyph is 600/1000 em
DEFAULT_SIZE = 10.0                # /DA size 0 (auto) is filled at 10 pt
RULED_PITCH = 18.0                 # the I-131's multiline boxes are ruled every 18 pt


@dataclass
class FilledForm:
    form_id: str
    edition: str
    official: bool
    title: str
    beneficiary_id: str
    supporter_id: Optional[str]
    pdf: bytes
    page_count: int
    values: list[dict] = field(default_factory=list)
    overflow: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    signatures: list[dict] = field(default_factory=list)
    seconds: float = 0.0
    root_name: str = ""


# --------------------------------------------------------------------------- contexts


def i131_context(case, beneficiary) -> dict[str, Any]:
    return {
        "case": case, "request": case.request, "discretion": case.discretion,
        "applicant": case.petitioner, "beneficiary": beneficiary,
        "for_other": case.petitioner.is_beneficiary != beneficiary.id,
        "interpreter": case.interpreter, "preparer": case.preparer or case.attorney, "attorney": case.attorney,
        "g28": bool(case.attorney and case.attorney.g28),
    }


def same_person(a, b) -> bool:
    return (a.name.family.casefold() == b.name.family.casefold() and a.name.given.casefold() == b.name.given.casefold()
            and a.date_of_birth == b.date_of_birth)


def i134_context(case, supporter, beneficiary) -> dict[str, Any]:
    start = case.request.intended_arrival
    return {
        "case": case, "request": case.request, "supporter": supporter, "beneficiary": beneficiary,
        "self_support": same_person(supporter, beneficiary),
        "support_from": start, "support_until": add_months(start, case.request.stay.months),
        "interpreter": case.interpreter, "preparer": case.preparer or case.attorney, "attorney": case.attorney,
    }


def _slug(s: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", s)


# --------------------------------------------------------------------------- templates

PREPARED_VERSION = 1               # bump when _prepare_uncached changes what it removes
_templates: dict[tuple, bytes] = {}


def _prepare_uncached(fd: FormDef, path: Path) -> bytes:
    """Check the official PDF against the map and strip what filling would break (XFA, /Perms, JavaScript...)."""
    pdf = open_pdf(path)
    try:
        widgets = read_widgets(pdf)
        ident = identify(path, pdf, widgets)
        if ident["standin"] or ident["form"] != fd.model.form or ident["edition"] != fd.model.edition:
            what = ("a packetgen stand-in" if ident["standin"] else
                    f"Form {ident['form']} edition {ident['edition']}" if ident["form"] else "not a recognisable USCIS form")
            raise FormError(f"{path}: installed as Form {fd.model.form} edition {fd.model.edition}, but it is {what}",
                            fix=f"install the right file with 'packetgen forms add FILE' (from {fd.model.info_url})")
        report = compare_fields(fd, widgets)
        if report["blocking"]:
            raise FormError(f"{path}: {len(report['blocking'])} field(s) the map fills differ from {fd.path.name}",
                            details=report["blocking"][:30],
                            fix=f"python forms/build_fieldmaps.py --pdf {path} forms/{fd.path.name}, then review the entries")
        root = pdf.Root
        acro = root.get("/AcroForm")
        if acro is None or "/Fields" not in acro:
            raise FormError(f"{path}: the PDF has no form fields", fix="install the fillable PDF from uscis.gov")
        for k in ("/XFA", "/NeedAppearances", "/SigFlags"):  # SigFlags: append-only was for the UR3 signature
            if k in acro:
                del acro[k]
        for k in ("/Perms", "/StructTreeRoot", "/OpenAction", "/AA"):
            if k in root:
                del root[k]
        if "/Names" in root and "/JavaScript" in root.Names:
            del root.Names["/JavaScript"]
            if not len(root.Names.keys()):
                del root["/Names"]
        if "/MarkInfo" in root:
            del root["/MarkInfo"]  # the structure tree is gone; the file is no longer tagged
        for page in pdf.pages:
            if "/StructParents" in page.obj:
                del page.obj["/StructParents"]
            for a in page.obj.get("/Annots", []) or []:
                for k in ("/StructParent", "/AA"):
                    if k in a:
                        del a[k]
        buf = io.BytesIO()
        # the official files are AES-encrypted with an empty password; object streams keep the template small
        pdf.save(buf, encryption=False, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return buf.getvalue()
    finally:
        pdf.close()


def _prepared_cache_path(fd: FormDef, source_sha256: str) -> Path:
    return (user_data_dir() / "cache" /
            f"prepared-{fd.key}-{source_sha256[:24]}-{fd.sha256[:16]}-v{PREPARED_VERSION}.pdf")


def _prepare_official(fd: FormDef, path: Path, *, cache: bool = True) -> bytes:
    """The official PDF, checked and prepared for filling: once per process, and cached on disk.

    The disk cache (``user_data_dir()/cache/prepared-*.pdf``) is keyed by the SHA-256 of the
    official file and of the field map: the checks and the preparation depend on nothing else,
    so a cached file is what ``_prepare_uncached`` would return again (without the 0.2 s of
    decrypting, identifying, comparing and rewriting).
    """
    st = path.stat()
    key = (str(path), st.st_mtime_ns, st.st_size, fd.sha256)
    if key in _templates:
        return _templates[key]
    source_sha = file_sha256(path)
    cpath = _prepared_cache_path(fd, source_sha)
    data = None
    if cache:
        try:
            data = cpath.read_bytes()
            if not (data.startswith(b"%PDF-") and b"%%EOF" in data[-64:]):
                data = None
        except OSError:
            data = None
    if data is None:
        data = _prepare_uncached(fd, path)
        if cache:
            _write_cache(cpath, data)
    _templates[key] = data
    return data


def _write_cache(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fdesc, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=path.suffix, dir=path.parent)
        try:
            with os.fdopen(fdesc, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
    except OSError:
        pass  # a read-only home folder only costs the preparation time


def template_for(fd: FormDef, forms_dir: Optional[Path] = None) -> tuple[bytes, bool, Optional[Path]]:
    """(template PDF bytes, official?, path of the official PDF)."""
    path, official = locate_form(fd.model.form, fd.model.edition, forms_dir)
    if official and path is not None:
        return _prepare_official(fd, path), True, path
    from packetgen.forms.standin import standin_pdf

    return standin_pdf(fd), False, None


# --------------------------------------------------------------------------- widgets

@dataclass
class Widget:
    name: str
    page: int                      # 1-based
    rect: tuple[float, float, float, float]
    ftype: str                     # text, checkbox, combo, list, signature
    ff: int
    maxlen: Optional[int]
    size: float
    states: list[str]
    options: list[str]
    align: int = 0
    auto_size: bool = False        # /DA size 0: filled at DEFAULT_SIZE

    @property
    def width(self) -> float:
        return self.rect[2] - self.rect[0]

    @property
    def height(self) -> float:
        return self.rect[3] - self.rect[1]

    @property
    def multiline(self) -> bool:
        return bool(self.ff & FF_BITS["Multiline"]) and self.ftype == "text"

    @property
    def comb(self) -> bool:
        return bool(self.ff & FF_BITS["Comb"]) and self.ftype == "text" and bool(self.maxlen)


@dataclass
class _Font:
    """What the appearance generator needs of a /DR font: advance widths (1/1000 em) and ascent."""
    first: int
    widths: list[float]
    default: float
    ascent: float

    def width(self, raw: bytes, size: float) -> float:
        n = len(self.widths)
        return sum(self.widths[c - self.first] if 0 <= c - self.first < n else self.default for c in raw) * size / 1000


_CORE_ASCENT = {"Helvetica": 718, "Courier": 629, "Times": 683, "ZapfDingbats": 0, "Symbol": 0}


def _font_info(font) -> _Font:
    desc = font.get("/FontDescriptor")
    base = str(font.get("/BaseFont", "/Helvetica"))[1:]
    if desc is not None and "/Ascent" in desc:
        ascent = float(desc.Ascent)
    else:
        ascent = next((v for k, v in _CORE_ASCENT.items() if base.startswith(k)), 718)
    if "/Widths" in font:
        widths = [float(x) for x in font.Widths]
        first = int(font.get("/FirstChar", 0))
        default = float(desc.get("/MissingWidth", 0)) if desc is not None else 0.0
    else:  # a standard 14 font without widths: reportlab has the metrics
        core = {"Helv": "Helvetica", "HeBo": "Helvetica-Bold", "Cour": "Courier", "CoBo": "Courier-Bold",
                "TiRo": "Times-Roman", "TiBo": "Times-Bold"}.get(base, base)
        try:
            first, widths = 32, [stringWidth(bytes([c]).decode("cp1252", errors="replace"), core, 1000)
                                 for c in range(32, 256)]
        except Exception:  # noqa: BLE001 - not a base-14 name reportlab knows: every glyph at the default
            first, widths = 0, []
        default = 556.0
    return _Font(first, widths, default, ascent)


@dataclass
class _TemplateInfo:
    """A template parsed once: its widgets and where each one is (fonts are read when first needed)."""
    widgets: dict[str, Widget]
    where: dict[str, list[tuple[int, int]]]     # full name -> [(page index, index in /Annots)]
    page_count: int
    fonts: dict[str, _Font] = field(default_factory=dict)


WIDGETS_VERSION = 1                # bump when _read_widgets or Widget change
_infos: dict[str, _TemplateInfo] = {}


def _template_info(template: bytes, *, cache: bool = True) -> _TemplateInfo:
    """Widgets of a template: once per process, and cached on disk by the template's SHA-256.

    Reading the widgets of the I-131 (339 widgets on 14 pages) through pikepdf takes 30-50 ms;
    the JSON in ``user_data_dir()/cache/widgets-*.json`` loads in about 2 ms.
    """
    key = hashlib.sha256(template).hexdigest()
    info = _infos.get(key)
    if info is not None:
        return info
    cpath = user_data_dir() / "cache" / f"widgets-{key[:32]}-v{WIDGETS_VERSION}.json"
    if cache:
        try:
            info = _info_from_json(json.loads(cpath.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError):
            info = None
    if info is None:
        pdf = pikepdf.open(io.BytesIO(template))
        try:
            widgets, where = _read_widgets(pdf)
            info = _TemplateInfo(widgets, where, len(pdf.pages))
        finally:
            pdf.close()
        if cache:
            _write_cache(cpath, json.dumps(_info_to_json(info), separators=(",", ":")).encode("utf-8"))
    if len(_infos) >= 16:
        _infos.clear()
    _infos[key] = info
    return info


_WIDGET_FIELDS = ("name", "page", "rect", "ftype", "ff", "maxlen", "size", "states", "options", "align", "auto_size")


def _info_to_json(info: _TemplateInfo) -> dict:
    return {"page_count": info.page_count,
            "widgets": [[getattr(w, k) for k in _WIDGET_FIELDS] + [info.where[w.name]] for w in info.widgets.values()]}


def _info_from_json(d: dict) -> _TemplateInfo:
    widgets, where = {}, {}
    for row in d["widgets"]:
        w = Widget(**dict(zip(_WIDGET_FIELDS, row)))
        w.rect = tuple(w.rect)
        widgets[w.name] = w
        where[w.name] = [tuple(x) for x in row[len(_WIDGET_FIELDS)]]
    return _TemplateInfo(widgets, where, int(d["page_count"]))


def _read_widgets(pdf: pikepdf.Pdf) -> tuple[dict[str, Widget], dict[str, list[tuple[int, int]]]]:
    out: dict[str, Widget] = {}
    where: dict[str, list[tuple[int, int]]] = {}
    for pidx, page in enumerate(pdf.pages):
        pno = pidx + 1
        for aidx, a in enumerate(page.obj.get("/Annots", []) or []):
            if not isinstance(a, pikepdf.Dictionary) or a.get("/Subtype") != "/Widget":
                continue
            names, obj, inh = [], a, {}
            depth = 0
            while obj is not None and depth < 50:
                if "/T" in obj:
                    names.append(str(obj.T))
                for k in ("/FT", "/Ff", "/MaxLen", "/DA", "/Opt", "/Q"):
                    if k not in inh and k in obj:
                        inh[k] = obj[k]
                obj = obj.get("/Parent")
                depth += 1
            name = ".".join(reversed(names))
            ft = str(inh.get("/FT", ""))
            ff = int(inh.get("/Ff", 0))
            ftype = {"/Tx": "text", "/Btn": "checkbox", "/Ch": "combo" if ff & FF_BITS["Combo"] else "list",
                     "/Sig": "signature"}.get(ft, "other")
            m = re.search(r"([\d.]+)\s+Tf", str(inh.get("/DA", "")))
            size = float(m.group(1)) if m else 0.0
            states = []
            ap = a.get("/AP")
            if ap is not None and "/N" in ap:
                n = ap.N
                if isinstance(n, pikepdf.Dictionary):
                    states = [str(k) for k in n.keys() if str(k) != "/Off"]
            opts = []
            for o in inh.get("/Opt", []) or []:
                opts.append(str(o[1] if isinstance(o, pikepdf.Array) else o))
            r = [float(v) for v in a.get("/Rect", [0, 0, 0, 0])]
            out[name] = Widget(name, pno, (min(r[0], r[2]), min(r[1], r[3]), max(r[0], r[2]), max(r[1], r[3])),
                               ftype, ff, int(inh["/MaxLen"]) if "/MaxLen" in inh else None, size or DEFAULT_SIZE,
                               states, opts, int(inh.get("/Q", 0)), auto_size=not size)
            where.setdefault(name, []).append((pidx, aidx))
    return out, where


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


@dataclass
class Moved:
    part: str
    item: str
    page: int
    label: str
    text: str
    field: Optional[str]
    why: str


class _Plan:
    def __init__(self, fd: FormDef, ctx: dict, widgets: dict[str, Widget], form_title: str):
        self.fd, self.ctx, self.widgets, self.title = fd, ctx, widgets, form_title
        self.writes: list[Write] = []
        self.moved: list[Moved] = []
        self.warnings: list[str] = []
        self.written: set[str] = set()

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
        if e.when is not None and not fd.expr(e.when, where=loc).evaluate(ctx, where=loc):
            return
        if e.value is None:
            if e.manual:
                self.warn(f"Part {e.part}, Item {e.item} ({e.label}) was left blank: {e.manual}")
            return
        v = fd.expr(e.value, where=loc).evaluate(ctx, where=loc)
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
        shown, replaced = to_form_charset(text)
        if replaced:
            self.warn(f"Part {e.part}, Item {e.item} ({e.label}): the form's font cannot show "
                      f"{', '.join(r.split('→')[0] for r in replaced)}; wrote '{shown}' for '{text}' ({', '.join(replaced)})")
        text = shown
        display = text
        if e.format == "phone":
            display, _ = to_form_charset(" ".join(str(v).split()))
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
        ok, out = fits(text, w)
        if ok:
            self.add(Write(w.name, out, e, e.part, e.item, w.page, e.label, "text", multiline=w.multiline))
            return
        # does not fit: the whole value goes to the Additional Information part, the field points there
        body = display if (e.format == "paragraphs" or w.multiline) else f"{e.label}: {display}"
        why = (f"{len(text)} characters, the field holds {w.maxlen}" if w.maxlen is not None and len(text) > w.maxlen
               else f"{'lines' if w.multiline else 'width'}: does not fit the {w.width:.0f} x {w.height:.0f} pt field")
        self.moved.append(Moved(e.part, e.item, w.page, e.label, body, w.name, why))
        marker = next((m for m in fd.model.overflow.markers if fits(m, w)[0]), None)
        if marker is not None:
            self.add(Write(w.name, marker, e, e.part, e.item, w.page, e.label, "text", multiline=w.multiline))
        else:
            self.warn(f"Part {e.part}, Item {e.item} ({e.label}): left blank (too small even for "
                      f"'{fd.model.overflow.markers[-1]}'); the value is in Part {fd.model.overflow.part}")

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


# --------------------------------------------------------------------------- continuation sheets

def _continuation_pdf(fd: FormDef, ctx: dict, blocks: list[_Block], *, first_page: int, standin: bool,
                      signer: str) -> tuple[bytes, int, list[dict]]:
    """Continuation sheets for the texts that did not fit the rows. Returns (pdf, pages, placements)."""
    from reportlab.lib.colors import Color
    from reportlab.pdfgen import canvas

    ov = fd.model.overflow
    cont = ov.continuation
    name = fd.expr(cont.name, where="overflow.continuation.name").evaluate(ctx, where="overflow.continuation.name")
    a_num = fd.expr(cont.a_number, where="overflow.continuation.a_number").evaluate(ctx, where="continuation") \
        if cont.a_number else None
    a_text = f"A-{re.sub(r'[^0-9]', '', a_num).rjust(9, '0')}" if a_num else "None"
    name_text = ", ".join(p for p in (getattr(name, "family", None), " ".join(
        x for x in (getattr(name, "given", None), getattr(name, "middle", None)) if x)) if p) if name else ""
    name_text, _ = to_form_charset(name_text)

    W, H = fd.model.page_size
    left, right, top, bottom = 48.0, W - 48.0, H - 48.0, 118.0
    size, pitch = 10.0, 13.0
    per = int((right - left) // (0.6 * size))   # 86: the lines wrapped for the Part 13 rows (85) fit as they are
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(W, H), pageCompression=1, invariant=1)
    c.setTitle(cont.title)
    pages: list[list] = []
    placements: list[dict] = []

    def header(n):
        c.setFont("Helvetica-Bold", 12)
        c.drawString(left, top - 4, cont.title)
        c.setFont("Helvetica", 9)
        c.drawString(left, top - 22, f"Form {fd.model.form}, Edition {fd.model.edition}. {ov.title}: "
                                     "continued on this separate sheet.")
        c.setFont("Helvetica-Bold", 10)
        c.drawString(left, top - 42, "Name:")
        c.drawString(left + 300, top - 42, "A-Number:")
        c.setFont("Courier-Bold", 10)
        c.drawString(left + 36, top - 42, name_text)
        c.drawString(left + 358, top - 42, a_text)
        c.setLineWidth(0.7)
        c.line(left, top - 50, right, top - 50)
        return top - 68

    def footer(n, total):
        c.setLineWidth(0.7)
        c.line(left, 92, left + 300, 92)
        c.line(left + 340, 92, right, 92)
        c.setFont("Helvetica", 8.5)
        c.drawString(left, 80, f"Signature of the {signer}")
        c.drawString(left + 340, 80, "Date of signature (mm/dd/yyyy)")
        c.setFont("Helvetica", 8)
        c.drawString(left, 56, f"{fd.model.footer_text} \u2014 {ov.title}, continuation sheet {n} of {total}")
        if standin:
            from packetgen.forms.standin import MARK, MARK_SHORT

            c.saveState()
            c.setFillColor(Color(0.85, 0.1, 0.1, alpha=0.16))
            c.translate(W / 2, H / 2)
            c.rotate(52)
            c.setFont("Helvetica-Bold", 58)
            c.drawCentredString(0, 10, MARK_SHORT)
            c.restoreState()
            c.setFillColor(Color(0.78, 0.08, 0.08))
            c.rect(18, H - 40, W - 36, 16, stroke=0, fill=1)
            c.setFillColor(Color(1, 1, 1))
            c.setFont("Helvetica-Bold", 9)
            c.drawCentredString(W / 2, H - 35.5, MARK)
            c.setFillColor(Color(0, 0, 0))

    # lay out: one block per moved value that still has lines
    todo = [b for b in blocks if b.rest]
    items: list[tuple[str, Any]] = []
    for b in todo:
        mv = b.moved
        cont_note = " (continued from the form)" if b.rows else ""
        items.append(("ref", (f"Page Number: {mv.page}    Part Number: {mv.part}    Item Number: {mv.item}{cont_note}", b)))
        for ln in b.rest:
            for piece in (wrap(ln, per) if len(ln) > per else [ln]):
                items.append(("line", (piece, b)))
        items.append(("gap", None))
    # paginate
    y = None
    cur: list = []
    for kind, data in items:
        need = 20 if kind == "ref" else pitch if kind == "line" else 8
        if kind == "ref":
            need += 2 * pitch  # keep a reference with at least two lines of its text
        if y is None or y - need < bottom:
            if cur:
                pages.append(cur)
            cur = []
            y = top - 68
        cur.append((kind, data, y))
        y -= 20 if kind == "ref" else pitch if kind == "line" else 8
    if cur:
        pages.append(cur)
    total = len(pages)
    for n, page in enumerate(pages, 1):
        header(n)
        for kind, data, y in page:
            if kind == "ref":
                text, b = data
                c.setFont("Helvetica-Bold", 10)
                c.drawString(left, y - 12, text)
                placements.append({"block": b, "page": first_page + n - 1})
            elif kind == "line":
                text, b = data
                c.setFont("Courier-Bold", size)
                c.drawString(left, y - 10, text)
        footer(n, total)
        c.showPage()
    c.save()
    return buf.getvalue(), total, placements


# --------------------------------------------------------------------------- writing the PDF

def _pdf_string(text: str) -> bytes:
    raw = text.encode("cp1252", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)").replace(b"\r", b"\\r") + b")"


def _color_op(values, stroke: bool = False) -> Optional[str]:
    vals = [float(v) for v in values or []]
    op = {1: "g", 3: "rg", 4: "k"}.get(len(vals))
    if op is None:
        return None
    return " ".join(f"{v:g}" for v in vals) + " " + (op.upper() if stroke else op)


_DA_TF = re.compile(r"/(\S+)\s+([\d.]+)\s+Tf")
_DA_COLOR = re.compile(r"((?:[-+]?(?:\d+\.?\d*|\.\d+)\s+){1,4})(g|rg|k)(?=\s|$)")


def _da_parts(da: str) -> tuple[Optional[str], str]:
    """(font resource name, fill colour operator) of a /DA string; the last colour wins, black by default."""
    m = _DA_TF.search(da)
    colors = _DA_COLOR.findall(da)
    color = (" ".join(colors[-1][0].split()) + " " + colors[-1][1]) if colors else "0 g"
    return (m.group(1) if m else None), color


def _text_appearance(w: Widget, text: str, *, font_name: str, font: _Font, color: str, mk) -> tuple[bytes, list]:
    """Content and /BBox of a single-line, comb or multiline text (or combo) field.

    Single-line text is placed as pypdf 7 placed it (the filled pages render pixel-identical in
    poppler and pdfium): from x = 2 pt, the baseline at (height - ascent) / 2, centred or right-aligned
    by /Q, one character per comb cell.  The clip is the field's box: pypdf's narrower clip
    (``re W`` without ``n``) never took effect in viewers, and ``fits`` keeps text 4 pt from the right
    edge anyway.  Multiline fields: one line per ``\\n`` (pre-wrapped by ``fits``) at the form's line
    pitch.  /MK background, border and rotation (/R) are honoured.
    """
    size = w.size
    rot = int(mk.get("/R", 0)) % 360 if mk is not None else 0
    width, height = (w.height, w.width) if rot in (90, 270) else (w.width, w.height)
    ops: list[bytes] = []
    border = None
    bg = _color_op(mk.get("/BG")) if mk is not None else None
    bc = _color_op(mk.get("/BC"), stroke=True) if mk is not None else None
    if bg:
        ops.append(f"q {bg} 0 0 {width:.3f} {height:.3f} re f Q".encode())
    if bc:
        border = 1.0
        ops.append(f"q {bc} 0.5 0.5 {width - 1:.3f} {height - 1:.3f} re s Q".encode())
    margin = border or 0.0
    lines = text.split("\n")
    if w.multiline:
        pitch = line_pitch(w)
        ops += [b"/Tx BMC", b"q", f"1 1 {width - 2:.2f} {height - 2:.2f} re W n".encode(), b"BT",
                f"/{font_name} {size:g} Tf {color}".encode(), f"2 {first_baseline(w):.2f} Td".encode()]
        for i, line in enumerate(lines):
            if i:
                ops.append(f"0 {-pitch:.2f} Td".encode())
            ops.append(_pdf_string(line) + b" Tj")
    else:
        pad = 2 * max(margin, 1.0)
        y = margin + (height - 2 * margin - font.ascent * size / 1000) / 2
        clip = f"{margin:g} {margin:g} {width - 2 * margin:.3f} {height - 2 * margin:.3f} re W n"
        ops += [b"/Tx BMC", b"q", clip.encode(), b"BT", f"/{font_name} {size:g} Tf {color}".encode()]
        line = " ".join(lines)
        if w.comb:
            cell = width / w.maxlen
            x_prev = 0.0
            for i, ch in enumerate(line[: w.maxlen]):
                x = i * cell + (cell - font.width(ch.encode("cp1252", errors="replace"), size)) / 2
                ops.append(f"{x - x_prev:.3f} {y if i == 0 else 0:.3f} Td ".encode() + _pdf_string(ch) + b" Tj")
                x_prev = x
        else:
            lw = font.width(line.encode("cp1252", errors="replace"), size)
            x = ((width - lw) / 2 if w.align == 1 else width - pad - lw if w.align == 2 else pad)
            ops.append(f"{x:.3f} {y:.3f} Td ".encode() + _pdf_string(line) + b" Tj")
    ops += [b"ET", b"Q", b"EMC"]
    matrix = None
    if rot:
        matrix = {90: [0, 1, -1, 0, height, 0], 180: [-1, 0, 0, -1, width, height],
                  270: [0, -1, 1, 0, 0, width]}.get(rot)
    return b"\n".join(ops) + b"\n", [round(width, 3), round(height, 3), matrix]


def _helvetica(pdf: pikepdf.Pdf, acro) -> tuple[str, Any]:
    """A /DR font for a /DA that names none: Helvetica (WinAnsi), added to /DR as /Helv if missing."""
    if "/DR" not in acro:
        acro.DR = Dictionary()
    if "/Font" not in acro.DR:
        acro.DR.Font = Dictionary()
    if "/Helv" not in acro.DR.Font:
        acro.DR.Font.Helv = pdf.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica,
                                                         Encoding=Name.WinAnsiEncoding))
    return "Helv", acro.DR.Font.Helv


def _write_pdf(fd: FormDef, pdf: pikepdf.Pdf, info: _TemplateInfo, writes: list[Write], *, root_name: str,
               continuation: Optional[bytes], flatten: bool) -> tuple[bytes, int]:
    """Write the values into the opened template, with appearance streams; rename the root; save once."""
    acro = pdf.Root.AcroForm
    if "/NeedAppearances" in acro:
        del acro["/NeedAppearances"]
    dr_fonts = acro.get("/DR", Dictionary()).get("/Font", Dictionary())
    acro_da = str(acro.get("/DA", "") or "")
    pages = list(pdf.pages)
    annots_of: dict[int, Any] = {}
    res_of: dict[str, Any] = {}
    for wr in writes:
        w = info.widgets[wr.field]
        for pidx, aidx in info.where.get(wr.field, ()):
            if pidx not in annots_of:
                annots_of[pidx] = pages[pidx].obj.Annots
            a = annots_of[pidx][aidx]
            field = a if ("/T" in a or "/Parent" not in a) else a.Parent   # where /V lives
            if w.ftype == "checkbox":
                state = Name(wr.value)
                n = a.get("/AP", Dictionary()).get("/N")
                if not isinstance(n, pikepdf.Dictionary) or wr.value not in n:
                    state = Name.Off
                a.AS = state
                field.V = state
            else:
                field.V = String(wr.value)
                if w.ftype in {"combo", "list"} and "/I" in field:
                    del field["/I"]
                da = str(a.get("/DA") or field.get("/DA") or acro_da or "")
                font_name, color = _da_parts(da)
                font_ref = dr_fonts.get("/" + font_name) if font_name else None
                if font_ref is None:
                    font_name, font_ref = _helvetica(pdf, acro)
                font = info.fonts.get(font_name)
                if font is None:
                    font = info.fonts[font_name] = _font_info(font_ref)
                resources = res_of.get(font_name)
                if resources is None:
                    resources = res_of[font_name] = pdf.make_indirect(
                        Dictionary(Font=Dictionary({"/" + font_name: font_ref})))
                content, (bw, bh, matrix) = _text_appearance(w, wr.value, font_name=font_name, font=font,
                                                             color=color, mk=a.get("/MK"))
                old = a.get("/AP", Dictionary()).get("/N")
                if matrix is None and isinstance(old, pikepdf.Stream) and "/Matrix" in old:
                    matrix = list(old.Matrix)
                extra = {"Matrix": Array(matrix)} if matrix is not None else {}
                # pikepdf.Stream() is 5x quicker than Pdf.make_stream(); one shared /Resources per font
                a.AP = Dictionary(N=pikepdf.Stream(pdf, content, Type=Name.XObject, Subtype=Name.Form,
                                                   BBox=Array([0, 0, bw, bh]), Resources=resources, **extra))
            # clear ReadOnly (field flag bit 1) where the flag is set: on the widget, or override an inherited one
            holder, obj = None, a
            while obj is not None:
                if "/Ff" in obj:
                    holder = obj
                    break
                obj = obj.get("/Parent")
            if holder is not None:
                ff = int(holder.Ff)
                new = ff & ~FF_BITS["ReadOnly"]
                if wr.kind in {"text", "overflow-row"}:
                    new &= ~FF_BITS["RichText"]   # /V is plain text; no /RV
                if new != ff:
                    field.Ff = new    # the field itself (an inherited value is overridden)
            if "/F" in a:
                a.F = int(a.F) & ~64
    # unique root name, so two forms in one packet never share field names
    for f in acro.Fields:
        if str(f.get("/T", "")) == fd.model.root_field.split(".")[0]:
            f.T = String(root_name)
    if continuation:
        extra_pdf = pikepdf.open(io.BytesIO(continuation))
        pdf.pages.extend(extra_pdf.pages)
    if flatten:
        pdf.flatten_annotations("all")
        for page in pdf.pages:
            if "/Annots" in page.obj:
                keep = Array([a for a in page.obj.Annots if a.get("/Subtype") != "/Widget"])
                if len(keep):
                    page.obj.Annots = keep
                else:
                    del page.obj["/Annots"]
        if "/AcroForm" in pdf.Root:
            del pdf.Root["/AcroForm"]
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue(), len(pdf.pages)


def fill_form(fd: FormDef, ctx: dict, *, template: bytes, official: bool, root_name: str, title: str,
              beneficiary_id: str, supporter_id: Optional[str] = None, flatten: bool = False) -> FilledForm:
    """Fill one form from a context (see ``i131_context`` / ``i134_context``)."""
    t0 = time.perf_counter()
    info = _template_info(template)
    widgets = info.widgets
    plan = _Plan(fd, ctx, widgets, title)
    for i, e in enumerate(fd.model.entries):
        plan.plan_entry(i, e)
    blocks, _ = _route_overflow(plan)

    # continuation sheets for what the rows could not hold
    cont_who = fd.model.overflow.continuation.who
    cont_bytes, cont_pages, placements = None, 0, []
    if any(b.rest for b in blocks):
        cont_bytes, cont_pages, placements = _continuation_pdf(
            fd, ctx, blocks, first_page=info.page_count + 1, standin=not official, signer=cont_who)

    # write the values and their appearance streams (no NeedAppearances: the PDF417 barcodes stay images)
    pdf = pikepdf.open(io.BytesIO(template))
    try:
        pdf_bytes, page_count = _write_pdf(fd, pdf, info, plan.writes, root_name=root_name,
                                           continuation=cont_bytes, flatten=flatten)
    finally:
        pdf.close()

    # report
    values = []
    for wr in plan.writes:
        if wr.kind == "checkbox-off":
            continue
        values.append({"field": root_name + wr.field[len(fd.model.root_field):] if wr.field.startswith(fd.model.root_field)
                       else wr.field, "form_field": wr.field, "value": wr.value, "page": wr.page, "part": wr.part,
                       "item": wr.item, "label": wr.label, "kind": "checkbox" if wr.kind == "checkbox" else
                       "overflow" if wr.kind == "overflow-row" else wr.kind})
    overflow = []
    for b in blocks:
        mv = b.moved
        where = []
        if b.rows:
            items = [r for r, _ in b.rows]
            where.append(f"Part {fd.model.overflow.part} "
                         f"{'row' if len(items) == 1 else 'rows'} {', '.join(items)} (page {fd.model.overflow.page})")
        sheet_pages = sorted({p["page"] for p in placements if p["block"] is b})
        if b.rest:
            where.append(f"continuation sheet{'s' if len(sheet_pages) > 1 else ''} "
                         f"(page{'s' if len(sheet_pages) > 1 else ''} {', '.join(map(str, sheet_pages))})")
        overflow.append({"part": mv.part, "item": mv.item, "page": mv.page, "label": mv.label, "field": mv.field,
                         "text_len": len(mv.text), "where": "; ".join(where), "why": mv.why})
    signatures = []
    for s in fd.model.signatures:
        if s.when and not fd.expr(s.when, where="signatures").evaluate(ctx, where="signatures"):
            continue
        who_name = fd.expr(s.name, where="signatures").evaluate(ctx, where="signatures") if s.name else None
        signatures.append({"page": s.page, "part": s.part, "item": s.item, "who": s.who, "name": who_name})
    if cont_pages:
        name_expr = fd.model.overflow.continuation.name
        nm = fd.expr(name_expr, where="continuation").evaluate(ctx, where="continuation")
        for k in range(cont_pages):
            signatures.append({"page": page_count - cont_pages + k + 1, "part": fd.model.overflow.part,
                               "item": f"continuation sheet {k + 1}", "who": cont_who,
                               "name": getattr(nm, "full", None)})
    if official and fd.model.source.status == "derived":
        plan.warn(f"the field map {fd.path.name} was derived without the official PDF; it matched this PDF's "
                  "fields, but check every filled page before filing")
    if plan.moved:
        plan.warn(f"{len(plan.moved)} answer(s) did not fit their fields and are in Part {fd.model.overflow.part}"
                  + (f" and {cont_pages} continuation sheet(s) that must be signed and dated" if cont_pages else "")
                  + ": " + "; ".join(f"Part {m.part} Item {m.item}" for m in plan.moved))
    return FilledForm(form_id=fd.model.form, edition=fd.model.edition, official=official, title=title,
                      beneficiary_id=beneficiary_id, supporter_id=supporter_id, pdf=pdf_bytes, page_count=page_count,
                      values=values, overflow=overflow, warnings=plan.warnings, signatures=signatures,
                      seconds=time.perf_counter() - t0, root_name=root_name)


def fill_case_forms(case, *, forms_dir: Optional[Path] = None, flatten: bool = False) -> list[FilledForm]:
    """One I-131 per beneficiary (case order), then one I-134 per (supporter, beneficiary) pair."""
    out: list[FilledForm] = []
    fd131 = load_formdef("I-131")
    tpl, official, _ = template_for(fd131, forms_dir)
    for b in case.beneficiaries:
        out.append(fill_form(fd131, i131_context(case, b), template=tpl, official=official,
                             root_name=f"i131_{_slug(b.id)}", title=f"Form I-131 \u2014 {b.name.full}",
                             beneficiary_id=b.id, flatten=flatten))
    pairs = case.supporter_pairs()
    if pairs:
        fd134 = load_formdef("I-134")
        tpl, official, _ = template_for(fd134, forms_dir)
        for s, b in pairs:
            title = f"Form I-134 \u2014 {s.name.given} {s.name.family} for {b.name.given} {b.name.family}"
            out.append(fill_form(fd134, i134_context(case, s, b), template=tpl, official=official,
                                 root_name=f"i134_{_slug(s.id)}_{_slug(b.id)}", title=title,
                                 beneficiary_id=b.id, supporter_id=s.id, flatten=flatten))
    return out
