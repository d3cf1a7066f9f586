"""The official form PDFs: find, identify, verify, install and download them.

packetgen does not ship USCIS PDFs.  The user installs them once
(``packetgen forms add FILE`` or ``packetgen forms fetch``) into the user forms
folder (``~/.local/share/packetgen/forms``), or points ``--forms-dir`` /
``$PACKETGEN_FORMS_DIR`` at a folder that holds them.  When a form is not found,
the filler uses a generated stand-in marked NOT FOR FILING.

A PDF is identified by its edition, never by its hash (USCIS re-issues files
without changing the edition): first from the PDF417 barcode fields, whose value
is ``I-131|01/20/25|<page>``, then from the footer text ``Form I-131 Edition
01/20/25``.  Before installing, its fields are compared with the field map:
a form whose mapped fields are missing or differ is refused, with the list.
Identification results are cached in ``user_data_dir()/cache`` by the file's SHA-256,
so finding an installed form under another name costs no PDF parse on later builds.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Optional

import pikepdf

from packetgen.errors import FormError
from packetgen.forms.fieldmap import FormDef, all_formdefs, looks_like_signature
from packetgen.resources import user_data_dir

ENV_FORMS_DIR = "PACKETGEN_FORMS_DIR"
MAX_DOWNLOAD = 25_000_000
STANDIN_INFO_KEY = "/PacketgenStandIn"

# Field flag bits (PDF 32000-1, tables 221, 226, 228, 230)
FF_BITS = {
    "ReadOnly": 1 << 0, "Required": 1 << 1, "NoExport": 1 << 2,
    "Multiline": 1 << 12, "Password": 1 << 13, "NoToggleToOff": 1 << 14, "Radio": 1 << 15,
    "Pushbutton": 1 << 16, "Combo": 1 << 17, "Edit": 1 << 18, "Sort": 1 << 19, "FileSelect": 1 << 20,
    "MultiSelect": 1 << 21, "DoNotSpellCheck": 1 << 22, "DoNotScroll": 1 << 23, "Comb": 1 << 24,
    "RichText": 1 << 25, "CommitOnSelChange": 1 << 26,
}
_BARCODE_RX = re.compile(r"^([A-Z]-\d{2,4}[A-Z]?)\|(\d\d/\d\d/\d\d)\|(\d+)$")
_FOOTER_RX = re.compile(r"Form\s+([A-Z]-\d{2,4}[A-Z]?)\s+(?:Edition\s+)?(\d{1,2}/\d{1,2}/\d{2})\b")


def edition_key(form_id: str, edition: str) -> str:
    """'I-131', '01/20/25' -> 'i-131_2025-01-20' (the field map's and the installed PDF's name)."""
    m, d, y = edition.split("/")
    return f"{form_id.lower()}_20{y}-{m}-{d}"


# --------------------------------------------------------------------------- reading a PDF's fields

def open_pdf(path: Path) -> pikepdf.Pdf:
    """Open a PDF (official forms are encrypted with an empty password) with errors a user can act on."""
    path = Path(path)
    if not path.exists():
        raise FormError(f"{path}: file not found", fix="check the path")
    if path.is_dir():
        raise FormError(f"{path}: is a folder, not a PDF", fix="name the PDF file inside it")
    try:
        with open(path, "rb") as fh:
            head = fh.read(1024)
    except OSError as exc:
        raise FormError(f"{path}: cannot read it ({exc.strerror})", fix="check the file's permissions")
    if b"%PDF-" not in head:
        kind = "an HTML page" if b"<html" in head.lower() or b"<!doctype" in head.lower() else "not a PDF"
        raise FormError(f"{path}: {kind} (it starts with {head[:16]!r})",
                        fix="download the PDF itself from uscis.gov (the 'Form' link), not the web page")
    try:
        return pikepdf.open(path)
    except pikepdf.PasswordError:
        raise FormError(f"{path}: the PDF needs a password to open; official USCIS forms do not",
                        fix="download a fresh copy from uscis.gov")
    except pikepdf.PdfError as exc:
        raise FormError(f"{path}: damaged PDF ({exc})", fix="download a fresh copy from uscis.gov")


def _inherited(obj, key):
    seen = 0
    while obj is not None and seen < 50:
        if key in obj:
            return obj[key]
        obj = obj.get("/Parent")
        seen += 1
    return None


def full_name(annot) -> str:
    parts = []
    obj = annot
    seen = 0
    while obj is not None and seen < 50:
        t = obj.get("/T")
        if t is not None:
            parts.append(str(t))
        obj = obj.get("/Parent")
        seen += 1
    return ".".join(reversed(parts))


def flag_names(ff: int, ftype: str) -> list[str]:
    names = []
    for name, bit in FF_BITS.items():
        if not ff & bit:
            continue
        if name in {"Multiline", "Password", "FileSelect", "DoNotSpellCheck", "DoNotScroll", "Comb", "RichText"} \
                and ftype != "text":
            if not (name == "RichText" and ftype == "checkbox"):
                continue
        if name in {"NoToggleToOff", "Radio", "Pushbutton"} and ftype not in {"checkbox", "radio", "button"}:
            continue
        if name in {"Combo", "Edit", "Sort", "MultiSelect", "CommitOnSelChange"} and ftype not in {"combo", "list"}:
            continue
        names.append(name)
    return names


def read_widgets(pdf: pikepdf.Pdf) -> list[dict]:
    """Every widget of a PDF as an inventory record (see formdefs.InventoryField), plus 'value'."""
    out = []
    for pno, page in enumerate(pdf.pages, 1):
        for annot in page.obj.get("/Annots", []) or []:
            if annot.get("/Subtype") != "/Widget":
                continue
            name = full_name(annot)
            ft = str(_inherited(annot, "/FT") or "")
            ff = int(_inherited(annot, "/Ff") or 0)
            if ft == "/Tx":
                ftype = "text"
            elif ft == "/Btn":
                ftype = "button" if ff & FF_BITS["Pushbutton"] else "radio" if ff & FF_BITS["Radio"] else "checkbox"
            elif ft == "/Ch":
                ftype = "combo" if ff & FF_BITS["Combo"] else "list"
            elif ft == "/Sig":
                ftype = "signature"
            else:
                continue
            rec: dict = {"name": name, "type": ftype, "page": pno,
                         "rect": [round(float(v), 1) for v in annot.get("/Rect", [0, 0, 0, 0])]}
            maxlen = _inherited(annot, "/MaxLen")
            if maxlen is not None:
                rec["maxlen"] = int(maxlen)
            rec["flags"] = flag_names(ff, ftype)
            if ftype in {"checkbox", "radio"}:
                ap = annot.get("/AP")
                states = set()
                if ap is not None:
                    for k in ("/N", "/D"):
                        d = ap.get(k)
                        if isinstance(d, pikepdf.Dictionary):
                            states |= {str(s) for s in d.keys() if str(s) != "/Off"}
                rec["on"] = sorted(states)
            opt = _inherited(annot, "/Opt")
            if opt is not None:
                vals = []
                for o in opt:
                    vals.append(str(o[1] if isinstance(o, pikepdf.Array) else o))
                rec["options"] = vals
            da = str(_inherited(annot, "/DA") or pdf.Root.get("/AcroForm", {}).get("/DA", "") or "")
            m = re.search(r"/(\S+)\s+([\d.]+)\s+Tf", da)
            if m:
                rec["font"] = m.group(1)
                rec["font_size"] = float(m.group(2))
            q = _inherited(annot, "/Q")
            if q is not None:
                rec["align"] = int(q)
            tu = annot.get("/TU")
            if tu is not None:
                rec["tooltip"] = str(tu)
            v = _inherited(annot, "/V")
            if v is None:
                v = _inherited(annot, "/DV")
            rec["value"] = None if v is None else str(v)
            rec["barcode"] = "PDF417BarCode" in name
            rec["signature"] = ftype == "signature" or looks_like_signature(name)
            out.append(rec)
    return out


# --------------------------------------------------------------------------- identification

def _footer_text(path: Path, pages: list[int]) -> str:
    try:
        import pypdfium2 as pdfium
    except ImportError:  # pragma: no cover - a dependency
        return ""
    try:
        doc = pdfium.PdfDocument(str(path))
    except Exception:
        return ""
    try:
        texts = []
        for i in pages:
            if 0 <= i < len(doc):
                tp = doc[i].get_textpage()
                texts.append(tp.get_text_range())
        return "\n".join(texts)
    finally:
        doc.close()


def identify(path: Path, pdf: Optional[pikepdf.Pdf] = None, widgets: Optional[list[dict]] = None) -> dict:
    """What form and edition a PDF is: {'form','edition','how','pages','standin'} (form/edition None if unknown)."""
    path = Path(path)
    own = pdf is None
    pdf = pdf or open_pdf(path)
    try:
        info = pdf.trailer.get("/Info")
        standin = bool(info is not None and STANDIN_INFO_KEY in info)
        if widgets is None:
            widgets = read_widgets(pdf)
        pages = len(pdf.pages)
        found: dict[tuple[str, str], int] = {}
        for w in widgets:
            if w["barcode"] and w.get("value"):
                m = _BARCODE_RX.match(w["value"].strip())
                if m:
                    found[(m.group(1), m.group(2))] = found.get((m.group(1), m.group(2)), 0) + 1
        if found:
            (form, edition), _ = max(found.items(), key=lambda kv: kv[1])
            return {"form": form, "edition": edition, "how": "barcode", "pages": pages, "standin": standin}
        text = _footer_text(path, [0, pages - 1])
        m = _FOOTER_RX.search(text)
        if m:
            mm, dd, yy = m.group(2).split("/")
            return {"form": m.group(1), "edition": f"{int(mm):02d}/{int(dd):02d}/{yy}", "how": "footer text",
                    "pages": pages, "standin": standin}
        return {"form": None, "edition": None, "how": None, "pages": pages, "standin": standin}
    finally:
        if own:
            pdf.close()


IDENTIFY_CACHE_VERSION = 1


@functools.lru_cache(maxsize=64)
def _sha256_cached(path: str, mtime_ns: int, size: int) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's content (hashed once per process while its size and mtime stay the same)."""
    st = Path(path).stat()
    return _sha256_cached(str(path), st.st_mtime_ns, st.st_size)


@functools.lru_cache(maxsize=64)
def _identify_cached(path: str, mtime: float, size: int) -> dict:
    """identify(), remembered on disk by the file's SHA-256 (opening an encrypted form costs ~50 ms)."""
    import json

    p = Path(path)
    cache = user_data_dir() / "cache" / f"identify-{file_sha256(p)[:32]}-v{IDENTIFY_CACHE_VERSION}.json"
    try:
        got = json.loads(cache.read_text(encoding="utf-8"))
        if isinstance(got, dict) and {"form", "edition", "how", "pages", "standin"} <= set(got):
            return got
    except (OSError, ValueError):
        pass
    ident = identify(p)
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        fdesc, tmp = tempfile.mkstemp(prefix=".identify-", suffix=".json", dir=cache.parent)
        with os.fdopen(fdesc, "w", encoding="utf-8") as fh:
            json.dump(ident, fh)
        os.replace(tmp, cache)
    except OSError:
        pass
    return ident


def _quick_identify(path: Path) -> Optional[dict]:
    try:
        st = path.stat()
        return _identify_cached(str(path), st.st_mtime, st.st_size)
    except (FormError, OSError):
        return None


# --------------------------------------------------------------------------- comparing with the map

def _mapped_fields(fd: FormDef) -> dict[str, str]:
    """Full name -> what the map uses it for."""
    used: dict[str, str] = {}
    for e in fd.model.entries:
        if e.field:
            used[e.field] = f"Part {e.part} Item {e.item} ({e.label})"
        for key, o in (e.options or {}).items():
            if o.field:
                used[o.field] = f"Part {e.part} Item {e.item} ({e.label}: {key})"
    for r in (fd.model.overflow.rows if fd.model.overflow else []):
        for n in (r.page_field, r.part_field, r.item_field, r.text_field):
            used[n] = f"Part {fd.model.overflow.part} row {r.item}"
    return used


def compare_fields(fd: FormDef, widgets: list[dict]) -> dict:
    """Compare a PDF's widgets with the field map.

    Returns {'missing', 'extra', 'retyped', 'blocking'}: missing = in the map's
    inventory but not in the PDF; extra = in the PDF but not in the inventory;
    retyped = in both with another type, max length or on-states.  'blocking'
    lists the differences that would put a value in the wrong place (mapped
    fields missing or changed, a choice whose box or state is gone).
    """
    pdf_fields = {w["name"]: w for w in widgets}
    inv = fd.fields
    used = _mapped_fields(fd)
    missing = sorted(n for n in inv if n not in pdf_fields)
    extra = sorted(n for n in pdf_fields if n not in inv)
    retyped = []
    blocking = []
    for n in sorted(set(inv) & set(pdf_fields)):
        a, b = inv[n], pdf_fields[n]
        why = []
        if a.type != b["type"]:
            why.append(f"type {a.type} in the map, {b['type']} in the PDF")
        elif a.type == "checkbox" and a.on is not None and a.certain and sorted(a.on) != b.get("on", []):
            why.append(f"on-states {a.on} in the map, {b.get('on')} in the PDF")
        if a.type == "text" and a.maxlen != b.get("maxlen") and a.certain and a.maxlen is not None:
            why.append(f"max length {a.maxlen} in the map, {b.get('maxlen')} in the PDF")
        if why:
            retyped.append(f"{n}: {'; '.join(why)}")
            if n in used and not why[0].startswith("max length"):
                blocking.append(f"{n} ({used[n]}): {'; '.join(why)}")
    for n, what in used.items():
        if n not in pdf_fields:
            blocking.append(f"{n} ({what}): not in the PDF")
    # checkbox entries and choice options: the state the map writes must exist
    for e in fd.model.entries:
        if e.type == "checkbox" and e.field in pdf_fields and e.on != "*":
            if e.on not in pdf_fields[e.field].get("on", []):
                blocking.append(f"{e.field} (Part {e.part} Item {e.item}): the map checks it with {e.on}, "
                                f"the PDF's states are {pdf_fields[e.field].get('on')}")
        if e.type == "checkbox" and e.field in pdf_fields and e.on == "*" and len(pdf_fields[e.field].get("on", [])) != 1:
            blocking.append(f"{e.field} (Part {e.part} Item {e.item}): expected one on-state, "
                            f"found {pdf_fields[e.field].get('on')}")
        for key, o in (e.options or {}).items():
            if o.field and o.field in pdf_fields and o.on not in pdf_fields[o.field].get("on", []):
                blocking.append(f"{o.field} (Part {e.part} Item {e.item}, '{key}'): the map checks it with {o.on}, "
                                f"the PDF's states are {pdf_fields[o.field].get('on')}")
            if o.group:
                rx = re.compile(re.escape(o.group) + r"\[\d+\]")
                boxes = [w for n, w in pdf_fields.items() if rx.fullmatch(n)]
                if not any(o.on in w.get("on", []) for w in boxes):
                    states = sorted({s for w in boxes for s in w.get("on", [])})
                    blocking.append(f"{o.group}[n] (Part {e.part} Item {e.item}, '{key}'): no box with state {o.on}; "
                                    f"the PDF's boxes have {states or 'none'}")
    return {"missing": missing, "extra": extra, "retyped": retyped, "blocking": sorted(set(blocking))}


# --------------------------------------------------------------------------- locating installed forms

def _search_dirs(forms_dir: Optional[Path]) -> list[tuple[Path, str]]:
    dirs: list[tuple[Path, str]] = []
    if forms_dir:
        dirs.append((Path(forms_dir).expanduser(), "--forms-dir"))
    env = os.environ.get(ENV_FORMS_DIR)
    if env and (not forms_dir or Path(env).expanduser() != Path(forms_dir).expanduser()):
        dirs.append((Path(env).expanduser(), f"${ENV_FORMS_DIR}"))
    dirs.append((user_data_dir() / "forms", "the user forms folder"))
    for d, what in dirs[:-1]:
        if not d.is_dir():
            raise FormError(f"{d}: forms folder not found (given by {what})",
                            fix="check the path, or install the forms with 'packetgen forms add FILE'")
    return dirs


def install_dir(forms_dir: Optional[Path] = None) -> Path:
    """Where add_form/fetch_forms install: --forms-dir, else $PACKETGEN_FORMS_DIR, else the user forms folder."""
    if forms_dir:
        return Path(forms_dir).expanduser()
    env = os.environ.get(ENV_FORMS_DIR)
    if env:
        return Path(env).expanduser()
    return user_data_dir() / "forms"


def locate_form(form_id: str, edition: str, forms_dir: Optional[Path] = None) -> tuple[Optional[Path], bool]:
    """Find the installed official PDF of ``form_id`` ``edition``: (path, True), or (None, False) = use the stand-in.

    Search order: ``forms_dir``, ``$PACKETGEN_FORMS_DIR``, ``user_data_dir()/forms``.  In each
    folder the installed name (``i-131_2025-01-20.pdf``) is used first; otherwise any
    ``i-131*.pdf`` whose barcode or footer shows the same form and edition (names with "official" first).
    """
    key = edition_key(form_id, edition)
    for d, _ in _search_dirs(forms_dir):
        if not d.is_dir():
            continue
        canonical = d / f"{key}.pdf"
        if canonical.is_file():
            return canonical, True
        cands = {p for pat in (f"{form_id.lower()}*.pdf", f"{form_id.upper()}*.pdf") for p in d.glob(pat)}
        for cand in sorted(cands, key=lambda p: ("official" not in p.name.lower(), p.name)):
            ident = _quick_identify(cand)
            if ident and not ident["standin"] and ident["form"] == form_id and ident["edition"] == edition:
                return cand, True
    return None, False


def list_forms(forms_dir: Optional[Path] = None) -> list[dict]:
    """Each form and edition packetgen fills: {'form','edition','title','status','path'}."""
    rows = []
    for fd in all_formdefs():
        path, official = locate_form(fd.model.form, fd.model.edition, forms_dir)
        rows.append({"form": fd.model.form, "edition": fd.model.edition, "title": fd.model.short_title,
                     "status": "official" if official else "stand-in", "path": str(path) if path else None,
                     "map": fd.path.name, "map_status": fd.model.source.status})
    return rows


# --------------------------------------------------------------------------- installing

def verify_form(path: Path) -> tuple[FormDef, dict]:
    """Check that ``path`` is an official form packetgen has a field map for, with matching fields.

    Returns (field map, report); raises FormError saying what was found otherwise.
    """
    path = Path(path)
    pdf = open_pdf(path)
    try:
        widgets = read_widgets(pdf)
        ident = identify(path, pdf, widgets)
    finally:
        pdf.close()
    defs = all_formdefs()
    known = sorted({d.model.form for d in defs})
    if ident["standin"]:
        raise FormError(f"{path}: this is a stand-in generated by packetgen, not the official form",
                        fix="download the official PDF from uscis.gov and add that file")
    if not ident["form"]:
        raise FormError(f"{path}: not a recognisable USCIS form: no edition barcode and no "
                        f"'Form X-000 Edition mm/dd/yy' footer ({ident['pages']} page(s), {len(widgets)} fields)",
                        fix=f"add the official fillable PDF of Form {' or '.join(known)} from uscis.gov")
    pages = f"{ident['pages']} page{'s' if ident['pages'] != 1 else ''}"
    found = f"Form {ident['form']} edition {ident['edition']} (from its {ident['how']}, {pages})"
    same_form = [d for d in defs if d.model.form == ident["form"]]
    if not same_form:
        raise FormError(f"{path}: found {found}; packetgen fills Form {' and Form '.join(known)} only",
                        fix=f"add the official PDF of Form {' or '.join(known)}")
    fd = next((d for d in same_form if d.model.edition == ident["edition"]), None)
    if fd is None:
        eds = ", ".join(d.model.edition for d in same_form)
        newest = same_form[0]
        found_date = _edition_date(ident["edition"])
        if found_date and found_date < newest.model.edition_date:
            raise FormError(f"{path}: found {found}, an outdated edition; packetgen fills edition {eds}",
                            fix=f"USCIS rejects outdated editions: download the current form from {newest.model.info_url}")
        raise FormError(f"{path}: found {found}; packetgen has a field map only for edition {eds}",
                        fix="a newer edition needs a new field map: update packetgen (forms/*.json), "
                            f"or use edition {eds} while USCIS still accepts it")
    if ident["pages"] != fd.model.page_count:
        raise FormError(f"{path}: found {found}, but it has {ident['pages']} pages where edition "
                        f"{fd.model.edition} has {fd.model.page_count}",
                        fix=f"download the complete form from {fd.model.info_url}")
    report = compare_fields(fd, widgets)
    if report["blocking"]:
        derived = fd.model.source.status == "derived"
        raise FormError(
            f"{path}: found {found}, but {len(report['blocking'])} field(s) the map fills differ from "
            f"the map {fd.path.name}" + (" (that map was derived without the official PDF)" if derived else ""),
            details=report["blocking"][:40] + ([f"... and {len(report['blocking']) - 40} more"]
                                               if len(report["blocking"]) > 40 else []),
            fix=(f"update the field map from this PDF: python forms/build_fieldmaps.py --pdf {path} "
                 f"forms/{fd.path.name}, review the entries it reports, and reinstall packetgen"))
    report.update({"form": fd.model.form, "edition": fd.model.edition, "how": ident["how"],
                   "fields": len(widgets), "mapped": len(_mapped_fields(fd))})
    return fd, report


def _edition_date(edition: str) -> Optional[dt.date]:
    try:
        m, d, y = (int(x) for x in edition.split("/"))
        return dt.date(2000 + y, m, d)
    except ValueError:
        return None


def add_form(path: Path, forms_dir: Optional[Path] = None) -> dict:
    """Verify an official form PDF (form, edition, fields) and copy it into the forms folder.

    Returns {'form','edition','path','official','replaced','fields','mapped','missing','extra','retyped','warnings'}.
    """
    path = Path(path).expanduser()
    fd, report = verify_form(path)
    dest_dir = install_dir(forms_dir)
    try:
        dest_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FormError(f"{dest_dir}: cannot create the forms folder ({exc.strerror})",
                        fix="choose another folder with --forms-dir")
    dest = dest_dir / fd.file_name
    replaced = dest.exists()
    if dest.exists() and dest.resolve() == path.resolve():
        pass
    else:
        try:
            fdesc, tmp = tempfile.mkstemp(prefix=".adding-", suffix=".pdf", dir=dest_dir)
            with os.fdopen(fdesc, "wb") as out, open(path, "rb") as src:
                shutil.copyfileobj(src, out)
            os.replace(tmp, dest)
        except OSError as exc:
            raise FormError(f"{dest}: cannot install the form ({exc.strerror})",
                            fix="check the folder's permissions, or choose another with --forms-dir")
    _identify_cached.cache_clear()
    warnings = []
    if report["extra"] or report["missing"] or report["retyped"]:
        warnings.append(f"{len(report['missing'])} missing, {len(report['extra'])} extra and "
                        f"{len(report['retyped'])} changed fields that the map does not fill")
    return {"form": fd.model.form, "edition": fd.model.edition, "path": str(dest), "official": True,
            "replaced": replaced, "how": report["how"], "fields": report["fields"], "mapped": report["mapped"],
            "missing": report["missing"], "extra": report["extra"], "retyped": report["retyped"],
            "warnings": warnings}


def fetch_forms(base_url: str = "https://www.uscis.gov/sites/default/files/document/forms/",
                forms_dir: Optional[Path] = None, *, form_ids: Optional[list[str]] = None,
                timeout: float = 60.0) -> list[dict]:
    """Download the current edition of each form (``i-131.pdf``, ``i-134.pdf``), verify and install it.

    Every form is tried; if any fails, the others stay installed and a FormError lists
    what was installed and what failed.
    """
    if not base_url.endswith("/"):
        base_url += "/"
    seen = set()
    results, failures = [], []
    for fd in all_formdefs():
        if fd.model.form in seen or (form_ids and fd.model.form not in form_ids):
            continue
        seen.add(fd.model.form)  # newest edition of each form only
        url = base_url + fd.model.download_name
        try:
            data = _download(url, timeout=timeout)
            with tempfile.TemporaryDirectory(prefix="packetgen-fetch-") as tmp:
                p = Path(tmp) / fd.model.download_name
                p.write_bytes(data)
                got = identify(p)
                if got["form"] and got["form"] != fd.model.form:
                    raise FormError(f"{url}: the download is Form {got['form']} edition {got['edition']}, "
                                    f"not Form {fd.model.form}", fix=f"download Form {fd.model.form} from {fd.model.info_url}")
                r = add_form(p, forms_dir)
            r["url"] = url
            results.append(r)
        except FormError as exc:
            msg = exc.message if url in exc.message else f"{url}: {exc.message}"
            failures.append(f"Form {fd.model.form}: {msg}" + "".join(f"; {d}" for d in exc.details[:5]))
    if failures:
        done = [f"installed Form {r['form']} edition {r['edition']}: {r['path']}" for r in results]
        raise FormError(f"{len(failures)} of {len(failures) + len(results)} form(s) could not be fetched",
                        details=failures + done,
                        fix="download the PDF in a browser from uscis.gov and install it with 'packetgen forms add FILE'")
    return results


def _download(url: str, *, timeout: float) -> bytes:
    import urllib.error
    import urllib.request   # only here: 10-20 ms of imports that every build would pay

    req = urllib.request.Request(url, headers={"User-Agent": "packetgen (forms fetch)", "Accept": "application/pdf"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            buf = io.BytesIO()
            while True:
                chunk = resp.read(65536)
                if not chunk:
                    break
                buf.write(chunk)
                if buf.tell() > MAX_DOWNLOAD:
                    raise FormError(f"{url}: larger than {MAX_DOWNLOAD // 1_000_000} MB; not a form PDF",
                                    fix="check the address")
            data = buf.getvalue()
    except urllib.error.HTTPError as exc:
        raise FormError(f"{url}: the server answered HTTP {exc.code} {exc.reason}",
                        fix="check the address; uscis.gov may have moved the file")
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise FormError(f"{url}: download failed ({reason})", fix="check the internet connection and try again")
    if not data.lstrip()[:1024].startswith(b"%PDF-") and b"%PDF-" not in data[:1024]:
        raise FormError(f"{url}: the download is not a PDF (it starts with {data[:16]!r})",
                        fix="download the PDF in a browser and add it with 'packetgen forms add FILE'")
    return data
