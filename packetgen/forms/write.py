"""Writing values into the opened template with appearance streams drawn here (no NeedAppearances).

See docs/forms.md ("Appearance streams") for the placement rules.
"""

from __future__ import annotations

import io
import re
from dataclasses import replace as dc_replace
from typing import Any, Optional

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from packetgen.forms.fieldmap import FormDef
from packetgen.forms.library import FF_BITS
from packetgen.forms.plan import Write, first_baseline, line_pitch
from packetgen.forms.template import Widget, _Font, _font_info, _TemplateInfo


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
               continuation: Optional[bytes], flatten: bool) -> int:
    """Write the values into the opened template, with appearance streams; rename the root; return the page count.

    Not saved here: the packet merges the filled document from one raw save (``packet.assemble.form_part_file``),
    and :func:`save_form` makes the stand-alone file only when one is asked for."""
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
        if wr.size:
            w = dc_replace(w, size=wr.size)    # shrunk to fit its box
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
                if wr.size:   # a viewer that redraws the field keeps the size that fits
                    a.DA = String(re.sub(r"([\d.]+)(\s+Tf)", f"{wr.size:g}\\2", da, count=1) if _DA_TF.search(da)
                                  else f"/{font_name} {wr.size:g} Tf {color}")
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
    return len(pdf.pages)


def save_form(pdf: pikepdf.Pdf) -> bytes:
    """A filled form as a stand-alone PDF file (object streams; the ID from the content: same form, same bytes)."""
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()
