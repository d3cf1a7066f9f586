"""The AcroForm of a stand-in: the official field names, types, flags and check appearances on the drawn pages."""

from __future__ import annotations

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from packetgen.forms.fieldmap import FormDef, InventoryField


def _font_dict(pdf: pikepdf.Pdf, fd: FormDef) -> pikepdf.Object:
    """The form's text font as the official forms define it: non-embedded Courier New Bold, WinAnsi."""
    desc = pdf.make_indirect(Dictionary(
        Type=Name.FontDescriptor, FontName=Name("/" + fd.model.font), Flags=34, FontBBox=Array([-192, -710, 702, 1221]),
        ItalicAngle=0, Ascent=1221, Descent=-710, CapHeight=592, XHeight=443, StemV=100, FontWeight=700,
        FontFamily=String("Courier New")))
    return pdf.make_indirect(Dictionary(
        Type=Name.Font, Subtype=Name.TrueType, BaseFont=Name("/" + fd.model.font), Encoding=Name.WinAnsiEncoding,
        FirstChar=32, LastChar=255, Widths=Array([600] * 224), FontDescriptor=desc))


def _check_appearances(pdf: pikepdf.Pdf, zadb, on: str, rect) -> Dictionary:
    w, h = rect[2] - rect[0], rect[3] - rect[1]
    # the check mark is drawn as a path, not a ZapfDingbats glyph: a viewer without that font (poppler on a
    # minimal system) showed no mark at all
    lw = max(0.8, min(w, h) * 0.13)
    pts = [(0.22 * w, 0.52 * h), (0.42 * w, 0.26 * h), (0.80 * w, 0.78 * h)]
    path = f"{pts[0][0]:.2f} {pts[0][1]:.2f} m {pts[1][0]:.2f} {pts[1][1]:.2f} l {pts[2][0]:.2f} {pts[2][1]:.2f} l S"
    on_stream = pdf.make_stream(f"q 0 G {lw:.2f} w 1 J 1 j {path} Q".encode(),
                                Type=Name.XObject, Subtype=Name.Form, BBox=Array([0, 0, w, h]))
    off_stream = pdf.make_stream(b"", Type=Name.XObject, Subtype=Name.Form, BBox=Array([0, 0, w, h]))
    return Dictionary(N=Dictionary({on: on_stream, "/Off": off_stream}))


def _ff(f: InventoryField) -> int:
    from packetgen.forms.library import FF_BITS

    bits = 0
    for name in f.flags:
        bits |= FF_BITS.get(name, 0)
    if f.type == "combo":
        bits |= FF_BITS["Combo"]
    if f.signature:
        bits |= FF_BITS["ReadOnly"]
    return bits


def _add_acroform(pdf: pikepdf.Pdf, fd: FormDef, layout: dict[int, tuple[list[_Placed], bool]]) -> None:
    font = _font_dict(pdf, fd)
    zadb = pdf.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.ZapfDingbats))
    helv = pdf.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica,
                                        Encoding=Name.WinAnsiEncoding))
    fname = "/" + fd.model.font
    nodes: dict[str, pikepdf.Object] = {}
    roots = Array()

    def node(path: str) -> pikepdf.Object:
        if path in nodes:
            return nodes[path]
        parent_path, _, tail = path.rpartition(".")
        d = pdf.make_indirect(Dictionary(T=String(tail), Kids=Array()))
        if parent_path:
            parent = node(parent_path)
            d.Parent = parent
            parent.Kids.append(d)
        else:
            roots.append(d)
        nodes[path] = d
        return d

    for pno, (placed, _) in layout.items():
        page = pdf.pages[pno - 1]
        annots = Array()
        for p in placed:
            if p.heading or p.rect is None:
                continue
            f = p.f
            parent_path, _, tail = f.name.rpartition(".")
            rect = [round(v, 2) for v in p.rect]
            w = Dictionary(Type=Name.Annot, Subtype=Name.Widget, Rect=Array(rect), P=page.obj, F=4,
                           T=String(tail), TU=String(p.label), MK=Dictionary())
            ff = _ff(f)
            if f.type in {"text", "signature"}:
                w.FT = Name.Tx
                w.DA = String(f"{fname} {f.font_size or 10:g} Tf 0 g")
                if f.maxlen:
                    w.MaxLen = f.maxlen
                if f.align:
                    w.Q = f.align
            elif f.type in {"combo", "list"}:
                w.FT = Name.Ch
                w.DA = String(f"{fname} {f.font_size or 10:g} Tf 0 g")
                w.Opt = Array([String(o) for o in (f.options or [])])
            elif f.type in {"checkbox", "radio"}:
                w.FT = Name.Btn
                w.DA = String("/ZaDb 8 Tf 0 g")
                on = (f.on or ["/Y"])[0]
                w.AP = _check_appearances(pdf, zadb, on, rect)
                w.AS = Name.Off
                w.V = Name.Off
                w.MK = Dictionary(CA=String("4"))
            else:
                continue
            if ff:
                w.Ff = ff
            if f.signature:
                w.F = 4 | 64
            w = pdf.make_indirect(w)
            if parent_path:
                par = node(parent_path)
                w.Parent = par
                par.Kids.append(w)
            else:
                roots.append(w)
            annots.append(w)
        if len(annots):
            page.obj.Annots = annots
    pdf.Root.AcroForm = pdf.make_indirect(Dictionary(
        Fields=roots, DA=String("/Helv 0 Tf 0 g"),
        DR=Dictionary(Font=Dictionary({fname: font, "/ZaDb": zadb, "/Helv": helv}))))
