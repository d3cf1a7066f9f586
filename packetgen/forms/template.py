"""Templates for filling: the official PDF checked and prepared once (cached), or the stand-in; its widgets read once.

See docs/forms.md ("Templates and caches") for what preparation removes and why.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import pikepdf
from reportlab.pdfbase.pdfmetrics import stringWidth

from packetgen.errors import FormError
from packetgen.forms.fieldmap import FormDef
from packetgen.forms.library import FF_BITS, compare_fields, file_sha256, identify, locate_form, open_pdf, read_widgets
from packetgen.resources import user_data_dir, write_cache_file

DEFAULT_SIZE = 10.0                # /DA size 0 (auto) is filled at 10 pt

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
            write_cache_file(cpath, data)
    _templates[key] = data
    return data


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
            write_cache_file(cpath, json.dumps(_info_to_json(info), separators=(",", ":")).encode("utf-8"))
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
