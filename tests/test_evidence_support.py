"""Helpers for tests/test_evidence.py: the evidence corpus, page geometry read back, rendering.

(Named test_evidence_* to stay next to its tests; it holds no tests itself.)
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pikepdf
import pytest

from .conftest import CORPUS

needs_corpus = pytest.mark.skipif(
    not (CORPUS / "MANIFEST.tsv").is_file(),
    reason=f"evidence corpus not present at {CORPUS} (it lives in ../shared next to the checkout)")


def corpus_rows(prefix: str = "") -> list[dict]:
    if not (CORPUS / "MANIFEST.tsv").is_file():
        return []
    with open(CORPUS / "MANIFEST.tsv", newline="", encoding="utf-8") as fh:
        return [r for r in csv.DictReader(fh, delimiter="\t") if r["path"].startswith(prefix)]


def saved(pdf: pikepdf.Pdf) -> bytes:
    buf = io.BytesIO()
    pdf.save(buf)
    return buf.getvalue()


def _mul(m1, m2):
    """m1 then m2 (PDF row-vector convention: x' = x * m1 * m2)."""
    a, b, c, d, e, f = m1
    A, B, C, D, E, F = m2
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _apply(m, x, y):
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


def placement(page: pikepdf.Page):
    """(matrix, xobject, placed box) for a normalized page: its content is 'q <cm> /Name Do Q'."""
    ops = pikepdf.parse_content_stream(page)
    cm = next(o for o in ops if str(o.operator) == "cm")
    do = next(o for o in ops if str(o.operator) == "Do")
    m = tuple(float(v) for v in cm.operands)
    xobj = page.obj.Resources.XObject[str(do.operands[0])]
    if xobj.Subtype == pikepdf.Name.Form:
        x0, y0, x1, y1 = (float(v) for v in xobj.BBox)
        fm = tuple(float(v) for v in xobj.get("/Matrix", [1, 0, 0, 1, 0, 0]))
        m = _mul(fm, m)
    else:
        x0, y0, x1, y1 = 0.0, 0.0, 1.0, 1.0
    pts = [_apply(m, x, y) for x in (x0, x1) for y in (y0, y1)]
    xs, ys = zip(*pts)
    return m, xobj, (min(xs), min(ys), max(xs), max(ys))


def render(pdf_bytes: bytes, index: int = 0, dpi: float = 50):
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf_bytes)
    try:
        return doc[index].render(scale=dpi / 72).to_pil().convert("RGB")
    finally:
        doc.close()


def crop_pt(img, box, dpi: float, page_h: float = 792.0):
    """Crop a rendered page image to a box given in PDF points."""
    s = dpi / 72
    x0, y0, x1, y1 = box
    return img.crop((round(x0 * s), round((page_h - y1) * s), round(x1 * s), round((page_h - y0) * s)))


def mean_abs_diff(a, b) -> float:
    from PIL import ImageChops, ImageStat

    b = b.resize(a.size)
    return sum(ImageStat.Stat(ImageChops.difference(a.convert("RGB"), b.convert("RGB"))).mean) / 3


def forbidden_keys(pdf: pikepdf.Pdf) -> set[str]:
    """Keys and action types that must not survive sanitizing, wherever they occur."""
    bad = {"/JavaScript", "/JS", "/OpenAction", "/AA", "/Launch", "/EmbeddedFiles", "/EmbeddedFile",
           "/AcroForm", "/XFA", "/Outlines", "/FileAttachment", "/Widget", "/GoToR", "/SubmitForm"}
    found = set()
    for obj in pdf.objects:
        if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
            for k in obj.keys():
                if k in bad:
                    found.add(k)
            for k in ("/S", "/Subtype", "/Type"):
                v = obj.get(k)
                if isinstance(v, pikepdf.Name) and str(v) in bad:
                    found.add(str(v))
    for k in pdf.Root.keys():
        if k in bad:
            found.add(k)
    return found


# --------------------------------------------------------------------------- photos (image policy tests)

def jpeg_file(path: Path, img, orientation: int | None = None, **save) -> bytes:
    """Save ``img`` as a JPEG (q90 unless given) with an optional EXIF Orientation; return the bytes."""
    from PIL import Image

    kw = {"quality": 90, **save}
    if orientation is not None:
        exif = Image.Exif()
        exif[0x0112] = orientation
        kw["exif"] = exif.tobytes()
    img.save(path, "JPEG", **kw)
    return path.read_bytes()


def spy_jpeg_decodes(monkeypatch) -> list[tuple[int, int]]:
    """Record the size each JPEG is decoded at (after draft(): the reduced size)."""
    from PIL import JpegImagePlugin

    decoded: list[tuple[int, int]] = []
    real_load = JpegImagePlugin.JpegImageFile.load

    def load(self):
        if self.tile:                   # pixels not decoded yet
            decoded.append(self.size)
        return real_load(self)
    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "load", load)
    return decoded


def placed_dpi(page: pikepdf.Page) -> tuple[float, float]:
    """Pixels per inch of a normalized image page, as placed, along its displayed width and height."""
    m, xobj, (x0, y0, x1, y1) = placement(page)
    w, h = int(xobj.Width), int(xobj.Height)
    turned = abs(m[0]) < 1e-9           # EXIF 5-8: stored width runs along the page's height
    disp_w, disp_h = (h, w) if turned else (w, h)
    return disp_w / ((x1 - x0) / 72), disp_h / ((y1 - y0) / 72)


def page_size_dpi(page: pikepdf.Page) -> float:
    """The image's resolution at page size: fitted to the whole 8.5 x 11 in page."""
    m, xobj, _ = placement(page)
    w, h = int(xobj.Width), int(xobj.Height)
    disp_w, disp_h = (h, w) if abs(m[0]) < 1e-9 else (w, h)
    return max(disp_w / 8.5, disp_h / 11)


def embedded_jpeg(xobj):
    """The /DCTDecode image of an XObject, opened with Pillow."""
    from PIL import Image

    assert xobj.Filter == pikepdf.Name.DCTDecode
    return Image.open(io.BytesIO(xobj.read_raw_bytes()))
