#!/usr/bin/env python3
"""Generate a large, realistic benchmark case: ~65 exhibits, ~800 evidence pages, 40 phone photos.

    python benchmarks/make_case.py --out /tmp/packetgen-bench/case            # full size (~1 min)
    python benchmarks/make_case.py --out /tmp/smoke --scale 0.05              # a few seconds

The case is the child-surgery sample (same people, same request) with its
evidence list replaced by a packet-sized one, the kind a paralegal assembles
for a medical parole request:

* text PDFs drawn with reportlab: bank and savings statements, pay stubs, tax
  transcripts, hospital records with lab tables and vital-sign charts, letters,
  declarations, a country report (some with an embedded TrueType font, some
  on A4);
* scanned-image PDFs: every page one JPEG (200 dpi gray, or colour for ID
  documents), slightly skewed, with paper noise, some A4, one with landscape
  pages and one whose scanner set /Rotate 90;
* 40 phone photos of 3-12 megapixels (JPEG q90 with camera EXIF), most in
  portrait with EXIF Orientation 6, some 8 or 3, some with no EXIF at all
  (messaging apps strip it), with sensor-like noise so they weigh ~0.45 bytes
  per pixel like real phone photos (a 12 MP photo is ~5 MB);
* Spanish documents with English translations (generated certificates by the
  case's translator).

Everything is deterministic: the same ``--seed`` and ``--scale`` give
byte-identical files.  Each file has its own random stream (seeded by the seed
and the file name), so ``--scale`` only drops or shortens files and never
changes the content of the others.

Only Pillow, reportlab and pikepdf are used (packetgen's own dependencies), so
this runs wherever packetgen's tests run.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import os
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

REPO = Path(__file__).resolve().parents[1]
TEMPLATE_CASE = REPO / "samples" / "child-surgery" / "case.json"
GENERATOR_VERSION = 1          # bump when the output changes, so cached cases are regenerated

# --------------------------------------------------------------------------- text material

EN_WORDS = """patient cardiology follow-up oxygen saturation surgery hospital report treatment plan
pulmonary artery ventricle repair procedure assessment medication dose daily review stable cyanosis
referral consultation echocardiogram catheterization result normal abnormal history family mother
child school teacher account balance deposit transfer payment salary employer verification annual
income savings housing support travel return ticket schedule appointment clinic physician nurse
recommendation urgent necessary available unavailable estimate coverage charity approval insurance
signature date page record note exam weight height pressure heart rate respiratory the of and to in
with for on by within after before during under over which was were has have been will""".split()

ES_WORDS = """paciente cardiología control saturación oxígeno cirugía hospital informe tratamiento
plan arteria pulmonar ventrículo reparación procedimiento evaluación medicamento dosis diaria estable
cianosis referencia consulta ecocardiograma cateterismo resultado normal anormal historia familia
madre niño escuela maestra cuenta saldo depósito pago salario empleador constancia ingresos casa
propiedad título registro notario firma fecha página expediente nota examen peso talla presión
frecuencia cardíaca el la de y en con para por sobre durante después antes que fue ha sido será""".split()

NATURAL_COLOURS = [(112, 128, 96), (180, 160, 130), (96, 118, 150), (200, 190, 170), (70, 60, 50),
                   (150, 92, 72), (220, 218, 210), (224, 172, 120), (170, 120, 80), (120, 80, 50),
                   (60, 70, 60), (140, 150, 160), (235, 230, 220), (90, 90, 95), (190, 200, 205)]


def words(rng: random.Random, n: int, vocab: list[str]) -> str:
    return " ".join(rng.choice(vocab) for _ in range(n))


def sentence(rng: random.Random, vocab: list[str]) -> str:
    s = words(rng, rng.randrange(6, 18), vocab)
    return s[0].upper() + s[1:] + "."


def paragraph(rng: random.Random, vocab: list[str], n: Optional[int] = None) -> str:
    return " ".join(sentence(rng, vocab) for _ in range(n or rng.randrange(3, 7)))


def rng_for(seed: int, name: str) -> random.Random:
    return random.Random(f"packetgen-bench:{seed}:{name}")


# --------------------------------------------------------------------------- text PDFs (reportlab)

def _vera() -> Optional[str]:
    import reportlab

    p = Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"
    return str(p) if p.is_file() else None


_REGISTERED = False


def _fonts(embedded: bool) -> tuple[str, str]:
    """(regular, bold) font names: the embedded Vera TrueType, or the standard Helvetica."""
    global _REGISTERED
    if embedded and _vera():
        if not _REGISTERED:
            from reportlab.pdfbase import pdfmetrics
            from reportlab.pdfbase.ttfonts import TTFont

            fdir = Path(_vera()).parent
            pdfmetrics.registerFont(TTFont("BenchVera", str(fdir / "Vera.ttf")))
            pdfmetrics.registerFont(TTFont("BenchVeraBd", str(fdir / "VeraBd.ttf")))
            _REGISTERED = True
        return "BenchVera", "BenchVeraBd"
    return "Helvetica", "Helvetica-Bold"


def text_pdf(path: Path, rng: random.Random, *, kind: str, pages: int, lang: str = "en",
             a4: bool = False, embedded: bool = False, org: str = "") -> int:
    """Draw a multi-page text document of one ``kind``; return its page count."""
    from reportlab.lib.pagesizes import A4, letter
    from reportlab.pdfgen import canvas

    size = A4 if a4 else letter
    w, h = size
    vocab = ES_WORDS if lang == "es" else EN_WORDS
    reg, bold = _fonts(embedded)
    c = canvas.Canvas(str(path), pagesize=size, invariant=1, pageCompression=1)
    c.setTitle(f"{org} {kind}".strip())
    balance = rng.uniform(20000, 70000)
    logo = _logo(org) if org else None
    for p in range(1, pages + 1):
        # letterhead: the organisation's raster logo (one shared image XObject) or a small vector mark
        if logo is not None:
            c.drawImage(logo, 44, h - 74, width=48, height=36)
        else:
            c.setFillColorRGB(*(rng.random() * 0.5 for _ in range(3)))
            c.circle(60, h - 55, 16, fill=1, stroke=0)
            c.rect(80, h - 70, 6, 30, fill=1, stroke=0)
        c.setFillColorRGB(0, 0, 0)
        c.setFont(bold, 14)
        c.drawString(100, h - 55, org or kind.replace("_", " ").title())
        c.setFont(reg, 8)
        c.drawString(100, h - 67, words(rng, 8, vocab))
        c.drawRightString(w - 50, h - 55, f"{'Página' if lang == 'es' else 'Page'} {p} / {pages}")
        c.line(50, h - 80, w - 50, h - 80)
        y = h - 100
        if kind in ("bank_statement", "savings_statement", "utility_bill", "pay_stub"):
            c.setFont(bold, 9)
            for x, label in ((50, "Date"), (110, "Description"), (w - 190, "Amount"), (w - 110, "Balance")):
                c.drawString(x, y, label)
            y -= 14
            c.setFont(reg, 8)
            rows = 48 if kind != "pay_stub" else 22
            for r in range(rows):
                amt = rng.choice([-1, -1, -1, 1]) * rng.uniform(3, 900)
                balance += amt
                if r % 2 == 0:
                    c.setFillColorRGB(0.94, 0.95, 0.97)
                    c.rect(48, y - 3, w - 96, 12, fill=1, stroke=0)
                    c.setFillColorRGB(0, 0, 0)
                c.drawString(50, y, f"{rng.randrange(1, 13):02d}/{rng.randrange(1, 29):02d}")
                c.drawString(110, y, words(rng, rng.randrange(2, 6), vocab).upper()[:48])
                c.drawRightString(w - 130, y, f"{amt:,.2f}")
                c.drawRightString(w - 52, y, f"{balance:,.2f}")
                y -= 13
            if kind == "pay_stub":
                y -= 10
                c.setFont(bold, 10)
                c.drawString(50, y, "Gross pay   3,553.85     Net pay   2,611.40     YTD gross   " f"{3553.85 * p:,.2f}")
        elif kind in ("medical_record", "lab_report", "treatment_plan"):
            c.setFont(bold, 10)
            c.drawString(50, y, f"{'Nota de evolución' if lang == 'es' else 'Progress note'}  "
                                f"{rng.randrange(1, 29):02d}/{rng.randrange(1, 13):02d}/2026")
            y -= 16
            c.setFont(reg, 9)
            for line in _wrap(paragraph(rng, vocab, 5), 100):
                c.drawString(50, y, line)
                y -= 12
            y -= 8
            # lab table
            c.setFont(bold, 8)
            c.drawString(50, y, "Test")
            c.drawString(250, y, "Result")
            c.drawString(340, y, "Reference")
            y -= 11
            c.setFont(reg, 8)
            for _ in range(14):
                c.drawString(50, y, words(rng, 2, vocab))
                c.drawString(250, y, f"{rng.uniform(0.1, 200):.1f}")
                c.drawString(340, y, f"{rng.uniform(0.1, 50):.1f} - {rng.uniform(50, 250):.1f}")
                c.line(50, y - 3, w - 50, y - 3)
                y -= 12
            # vital-sign chart (vector)
            y -= 10
            ch = 120
            c.rect(50, y - ch, w - 100, ch)
            pts = [(50 + i * (w - 100) / 40, y - ch + ch * (0.3 + 0.5 * rng.random())) for i in range(41)]
            path = c.beginPath()
            path.moveTo(*pts[0])
            for pt in pts[1:]:
                path.lineTo(*pt)
            c.drawPath(path, stroke=1, fill=0)
            y -= ch + 16
            c.setFont(reg, 9)
            while y > 80:
                for line in _wrap(paragraph(rng, vocab), 100):
                    if y <= 80:
                        break
                    c.drawString(50, y, line)
                    y -= 12
                y -= 6
        elif kind in ("tax_transcript", "w2"):
            c.setFont(reg, 8)
            for _ in range(26):
                c.rect(50, y - 14, w - 100, 18, stroke=1, fill=0)
                c.drawString(54, y - 8, words(rng, rng.randrange(3, 8), vocab).upper())
                c.drawRightString(w - 56, y - 8, f"{rng.uniform(0, 99000):,.2f}")
                y -= 22
        else:   # letters, declarations, reports, articles: running text
            c.setFont(reg, 10.5)
            if p == 1:
                c.drawString(50, y, "2026-10-" + f"{rng.randrange(1, 29):02d}")
                y -= 30
            while y > 110:
                for line in _wrap(paragraph(rng, vocab), 92):
                    if y <= 110:
                        break
                    c.drawString(50, y, line)
                    y -= 14
                y -= 8
            if p == pages:
                c.line(50, 95, 220, 95)
                # signature scribble
                path = c.beginPath()
                path.moveTo(60, 100)
                for i in range(12):
                    path.curveTo(60 + i * 12, 100 + rng.uniform(-12, 18), 66 + i * 12,
                                 100 + rng.uniform(-12, 18), 72 + i * 12, 100)
                c.drawPath(path)
        c.setFont(reg, 7)
        c.drawString(50, 40, words(rng, 12, vocab))
        c.showPage()
    c.save()
    return pages


def _logo(org: str):
    """A 240 x 180 RGB logo for ``org`` (deterministic), as a reportlab ImageReader."""
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader

    rng = random.Random(f"logo:{org}")
    img = Image.new("RGB", (240, 180), (255, 255, 255))
    d = ImageDraw.Draw(img)
    for i in range(6):
        col = tuple(rng.randrange(30, 200) for _ in range(3))
        x, y = rng.randrange(0, 160), rng.randrange(0, 110)
        d.ellipse([x, y, x + rng.randrange(40, 80), y + rng.randrange(40, 70)], fill=col)
    return ImageReader(img)


def _wrap(text: str, width: int) -> list[str]:
    from textwrap import wrap

    return wrap(text, width)


# --------------------------------------------------------------------------- images (Pillow only)

def _noise_tile(rng: random.Random, n: int, amp: int):
    """An n x n tile of uniform noise around 128 with amplitude ``amp`` (deterministic, no numpy)."""
    from PIL import Image

    t = Image.frombytes("L", (n, n), rng.randbytes(n * n))
    return t.point(lambda v: 128 + (v - 128) * amp // 128)


def _texture(rng: random.Random, w: int, h: int, coarse: int, fine: int):
    """Sensor-like noise: a coarse (blurred) and a fine component, tiled over w x h with random offsets."""
    from PIL import Image, ImageChops

    tile = 1024 if max(w, h) > 1024 else 256
    tex = ImageChops.add(_noise_tile(rng, tile // 2, coarse).resize((tile, tile), Image.BICUBIC),
                         _noise_tile(rng, tile, fine), 1.0, -128)
    full = Image.new("L", (w, h))
    ox, oy = rng.randrange(tile), rng.randrange(tile)
    for y in range(-oy, h, tile):
        for x in range(-ox, w, tile):
            full.paste(tex, (x, y))
    return full


def _colour(rng: random.Random) -> tuple[int, int, int]:
    base = rng.choice(NATURAL_COLOURS)
    return tuple(max(0, min(255, v + rng.randrange(-25, 26))) for v in base)


def photo_image(rng: random.Random, w: int, h: int, *, document: bool = False):
    """A phone-photo-like RGB image (as displayed, i.e. already upright): smooth light, objects, noise.

    ``document``: a sheet of paper with lines of text lying on a table (photo of a passport page,
    a ticket, a receipt), as people photograph documents for their lawyer.
    """
    from PIL import Image, ImageChops, ImageDraw, ImageFilter

    small = Image.new("RGB", (6, 5))
    small.putdata([_colour(rng) for _ in range(30)])
    img = small.resize((w, h), Image.BICUBIC)
    qw, qh = max(8, w // 4), max(8, h // 4)
    q = Image.new("RGB", (qw, qh))
    mask = Image.new("L", (qw, qh), 0)
    d, dm = ImageDraw.Draw(q), ImageDraw.Draw(mask)
    for _ in range(rng.randrange(15, 45)):
        x0, y0 = rng.randrange(qw), rng.randrange(qh)
        x1, y1 = x0 + rng.randrange(4, max(5, qw // 3)), y0 + rng.randrange(4, max(5, qh // 3))
        shape = rng.choice(("ellipse", "rectangle", "rounded_rectangle"))
        kw = {"radius": 8} if shape == "rounded_rectangle" else {}
        getattr(d, shape)([x0, y0, x1, y1], fill=_colour(rng), **kw)
        getattr(dm, shape)([x0, y0, x1, y1], fill=rng.randrange(140, 256), **kw)
    if document:
        # the paper, then text lines drawn as dark bars (at quarter resolution, like the objects)
        px0, py0 = int(qw * rng.uniform(0.08, 0.2)), int(qh * rng.uniform(0.08, 0.2))
        px1, py1 = int(qw * rng.uniform(0.8, 0.92)), int(qh * rng.uniform(0.8, 0.92))
        d.rectangle([px0, py0, px1, py1], fill=(236, 232, 222))
        dm.rectangle([px0, py0, px1, py1], fill=255)
        y = py0 + 10
        while y < py1 - 10:
            x = px0 + 8
            while x < px1 - 20:
                lw = rng.randrange(3, 14)
                d.rectangle([x, y, min(x + lw, px1 - 8), y + 2], fill=(50, 50, 60))
                x += lw + 3
            y += rng.randrange(6, 10)
    blur = max(1, min(w, h) // 1500)
    q, mask = q.filter(ImageFilter.GaussianBlur(blur)), mask.filter(ImageFilter.GaussianBlur(blur))
    img = Image.composite(q.resize((w, h), Image.BILINEAR), img, mask.resize((w, h), Image.BILINEAR))
    # vignette-ish light falloff
    light = Image.radial_gradient("L").resize((w, h), Image.BILINEAR).point(lambda v: 255 - v // 4)
    img = ImageChops.multiply(img, Image.merge("RGB", (light, light, light)))
    tex = _texture(rng, w, h, coarse=36, fine=14)
    return ImageChops.add(img, Image.merge("RGB", (tex, tex, tex)), 1.0, -128)


# EXIF orientation -> transpose that turns the displayed (upright) image into the stored pixels.
# (The inverse of what a viewer applies: 6 = viewer rotates 90 deg clockwise.)
def _stored(img, orientation: int):
    from PIL import Image

    return {1: img, 3: img.transpose(Image.Transpose.ROTATE_180),
            6: img.transpose(Image.Transpose.ROTATE_90),
            8: img.transpose(Image.Transpose.ROTATE_270)}[orientation]


PHONES = [("Apple", "iPhone 13"), ("samsung", "SM-A525M"), ("Xiaomi", "Redmi Note 11"),
          ("motorola", "moto g(60)"), ("HUAWEI", "P30 lite")]


def write_photo(path: Path, rng: random.Random, *, mp_size: tuple[int, int], orientation: Optional[int],
                document: bool = False, quality: int = 90) -> dict:
    """A phone photo: ``mp_size`` is the sensor's (landscape) pixel size; ``orientation`` the EXIF tag
    (None = no EXIF at all).  Orientation 6/8 photos are portrait when displayed."""
    from PIL import Image

    sw, sh = mp_size
    o = orientation or 1
    dw, dh = (sh, sw) if o in (6, 8) else (sw, sh)
    shown = photo_image(rng, dw, dh, document=document)
    stored = _stored(shown, o)
    kw: dict = {"quality": quality, "subsampling": 2}
    if orientation is not None:
        exif = Image.Exif()
        make, model = rng.choice(PHONES)
        exif[0x010F] = make
        exif[0x0110] = model
        exif[0x0112] = orientation
        stamp = f"2026:{rng.randrange(6, 11):02d}:{rng.randrange(1, 29):02d} {rng.randrange(7, 21):02d}:" \
                f"{rng.randrange(60):02d}:{rng.randrange(60):02d}"
        exif[0x0132] = stamp
        ifd = exif.get_ifd(0x8769)
        ifd[0x9003] = stamp      # DateTimeOriginal
        ifd[0x829D] = 1.8        # FNumber
        kw["exif"] = exif.tobytes()
    stored.save(path, "JPEG", **kw)
    return {"pixels": sw * sh, "orientation": orientation}


PAGE_SIZES_IN = {"letter": (8.5, 11.0), "a4": (8.27, 11.69), "legal": (8.5, 14.0)}


def scanned_page(rng: random.Random, *, size_in: tuple[float, float], dpi: int, colour: bool, lang: str,
                 landscape: bool = False) -> bytes:
    """One scanner page as JPEG bytes: off-white paper, text, a table, a stamp, skew and noise."""
    from PIL import Image, ImageChops, ImageDraw, ImageFont

    wi, hi = size_in
    if landscape:
        wi, hi = hi, wi
    w, h = int(wi * dpi), int(hi * dpi)
    mode = "RGB" if colour else "L"
    paper = (242, 240, 232) if colour else 242
    img = Image.new(mode, (w, h), paper)
    d = ImageDraw.Draw(img)
    vocab = ES_WORDS if lang == "es" else EN_WORDS
    fp = _vera()
    px = lambda pt: max(6, int(pt * dpi / 72))  # noqa: E731
    try:
        body = ImageFont.truetype(fp, px(10)) if fp else ImageFont.load_default()
        head = ImageFont.truetype(fp.replace("Vera.ttf", "VeraBd.ttf"), px(14)) if fp else body
    except OSError:
        body = head = ImageFont.load_default()
    ink = (30, 30, 60) if colour else 35
    m = int(0.8 * dpi)
    d.text((m, m), words(rng, 5, vocab).upper(), font=head, fill=ink)
    y = m + px(26)
    line_h = px(14)
    chars = int((w - 2 * m) / (px(10) * 0.55))
    while y < h - m - px(90):
        block = rng.random()
        if block < 0.7:
            for line in _wrap(paragraph(rng, vocab), chars):
                if y >= h - m - px(90):
                    break
                d.text((m, y), line, font=body, fill=ink)
                y += line_h
            y += line_h // 2
        else:   # a ruled table
            for _ in range(rng.randrange(4, 9)):
                if y >= h - m - px(90):
                    break
                d.line([(m, y + line_h), (w - m, y + line_h)], fill=ink, width=max(1, dpi // 100))
                d.text((m + 4, y), words(rng, 3, vocab), font=body, fill=ink)
                d.text((w // 2, y), f"{rng.uniform(1, 9999):,.2f}", font=body, fill=ink)
                y += line_h + 4
            y += line_h
    # rubber stamp and signature
    cx, cy, r = w - m - px(60), h - m - px(50), px(38)
    stamp_ink = (60, 70, 160) if colour else 90
    d.ellipse([cx - r, cy - r, cx + r, cy + r], outline=stamp_ink, width=max(2, dpi // 60))
    d.text((cx - r + px(8), cy - px(5)), words(rng, 2, vocab).upper()[:14], font=body, fill=stamp_ink)
    sx, sy = m, h - m - px(40)
    pts = [(sx + i * px(6), sy + rng.randrange(-px(10), px(10))) for i in range(20)]
    d.line(pts, fill=ink, width=max(2, dpi // 80), joint="curve")
    # skew as fed through the scanner, then paper/sensor noise
    img = img.rotate(rng.uniform(-0.9, 0.9), resample=Image.BICUBIC, expand=False, fillcolor=paper)
    # uneven paper/lighting (low frequency) and a little sensor grain; scanners clean the background,
    # so a 150 dpi gray page of text is ~230 KB and a 200 dpi colour page ~500 KB, as from real scanners
    tex = ImageChops.add(_noise_tile(rng, 24, 6).resize((w, h), Image.BICUBIC), _texture(rng, w, h, 0, 3),
                         1.0, -128)
    img = ImageChops.add(img, Image.merge("RGB", (tex, tex, tex)) if colour else tex, 1.0, -128)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=rng.choice((70, 75, 80)))
    return buf.getvalue()


def scanned_pdf(path: Path, rng: random.Random, *, pages: int, dpi: int, colour: bool, lang: str,
                paper: str = "letter", landscape_every: int = 0, rotate_all: int = 0) -> int:
    """A scanner's PDF: each page is one JPEG (/DCTDecode) image filling the page; return the page count."""
    import pikepdf
    from pikepdf import Array, Dictionary, Name

    pdf = pikepdf.Pdf.new()
    for i in range(pages):
        landscape = bool(landscape_every) and (i + 1) % landscape_every == 0
        size_in = PAGE_SIZES_IN[paper]
        jpeg = scanned_page(rng, size_in=size_in, dpi=dpi, colour=colour, lang=lang, landscape=landscape)
        wi, hi = (size_in[1], size_in[0]) if landscape else size_in
        pw, ph = int(wi * dpi), int(hi * dpi)
        img = pikepdf.Stream(pdf, jpeg, Type=Name.XObject, Subtype=Name.Image, Width=pw, Height=ph,
                             ColorSpace=Name.DeviceRGB if colour else Name.DeviceGray, BitsPerComponent=8,
                             Filter=Name.DCTDecode)
        W, H = round(wi * 72, 2), round(hi * 72, 2)
        content = pikepdf.Stream(pdf, f"q {W} 0 0 {H} 0 0 cm /Im0 Do Q\n".encode())
        page = Dictionary(Type=Name.Page, MediaBox=Array([0, 0, W, H]), Contents=content,
                          Resources=Dictionary(XObject=Dictionary(Im0=img)))
        if rotate_all:
            page.Rotate = rotate_all
        pdf.pages.append(pikepdf.Page(page))
    pdf.docinfo = pdf.make_indirect(Dictionary(Producer=pikepdf.String("Scanner firmware 2.1 (benchmark)")))
    pdf.save(path, deterministic_id=True, compress_streams=True)
    return pages


# --------------------------------------------------------------------------- the evidence plan

@dataclass
class FileSpec:
    name: str                        # file name under evidence/
    kind: str                        # text | scan | photo
    pages: int = 1                   # text/scan pages (photos: 1)
    opts: dict = field(default_factory=dict)


@dataclass
class ExhibitSpec:
    id: str
    title: str
    shows: str
    category: str
    files: list[FileSpec]
    about: list[str] = field(default_factory=list)
    supporter: Optional[str] = None
    language: str = "en"
    translation: Optional[FileSpec] = None     # English translation (text PDF); certificate generated
    date: Optional[str] = None
    core: bool = False                         # kept at every --scale (the letter and checks cite them)


def _t(name, pages, kind="letter", **o):
    return FileSpec(name, "text", pages, {"kind": kind, **o})


def _s(name, pages, **o):
    return FileSpec(name, "scan", pages, o)


# (sensor width, height): 3.1, 5.0, 8.0, 8.3, 12.0 and 12.2 megapixels
SENSORS = [(2048, 1536), (2592, 1944), (3264, 2448), (3840, 2160), (4000, 3000), (4032, 3024)]


def _photo_specs(n: int, prefix: str, seed_rng: random.Random, document: bool = False) -> list[FileSpec]:
    out = []
    for i in range(n):
        # Most phone photos are portrait (EXIF 6); some are upside down (3) or rotated the other way (8);
        # some were sent through a messaging app that stripped EXIF (None); some are landscape (1).
        o = seed_rng.choice((6, 6, 6, 6, 8, 3, 1, 1, None))
        out.append(FileSpec(f"{prefix}-{i + 1:02d}.jpg", "photo", 1,
                            {"sensor": seed_rng.choice(SENSORS), "orientation": o, "document": document}))
    return out


def exhibit_plan(seed: int) -> list[ExhibitSpec]:
    """The full evidence list (scale 1): the sample's 11 exhibits, then ~55 more."""
    r = rng_for(seed, "plan")
    ben, lucia = ["mateo", "ana"], ["lucia"]
    core = [
        ExhibitSpec("petitioner_statement", "Declaration of Lucía Reyes",
                    "Why parole is needed now, the length of stay, the visa refusal, and who pays.",
                    "petitioner_statement", [_t("petitioner-statement.pdf", 6, embedded=True)], ["petitioner"]),
        ExhibitSpec("mateo_passport", "Passport biographic page of Mateo Reyes Castillo",
                    "Identity and Honduran citizenship of the patient.", "beneficiary_identity",
                    _photo_specs(1, "mateo-passport", r, document=True), ["mateo"]),
        ExhibitSpec("ana_passport", "Passport biographic page of Ana Castillo Mejía",
                    "Identity and Honduran citizenship of the accompanying parent.", "beneficiary_identity",
                    _photo_specs(1, "ana-passport", r, document=True), ["ana"]),
        ExhibitSpec("birth_certificate", "Birth certificate of Mateo (Spanish)",
                    "Ana Castillo Mejía is Mateo's mother.", "relationship",
                    [_s("birth-certificate-es.pdf", 2, colour=True, paper="a4")], ben, language="es",
                    translation=_t("birth-certificate-en.pdf", 2)),
        ExhibitSpec("doctor_letter", "Letter of Dr. Rafael Medina, pediatric cardiologist, Hospital Escuela",
                    "Diagnosis, prognosis, urgency, and that the surgery is unavailable in Honduras and "
                    "neighbouring countries.", "medical_abroad", [_t("doctor-letter.pdf", 3, a4=True)],
                    ["mateo"], date="2026-10-14"),
        ExhibitSpec("us_hospital_acceptance", "Acceptance letter, Texas Children's Hospital",
                    "The U.S. hospital has accepted Mateo, with treatment plan and duration.", "us_provider",
                    [_t("us-hospital-acceptance.pdf", 4, org="Texas Children's Hospital")], ["mateo"],
                    date="2026-10-28"),
        ExhibitSpec("us_hospital_estimate", "U.S. hospital cost estimate and charity-care approval",
                    "Itemized cost of $148,600 and 80 percent charity-care coverage.", "cost_estimate",
                    [_t("us-hospital-estimate.pdf", 6, "tax_transcript", org="Texas Children's Hospital")],
                    ["mateo"], date="2026-10-28"),
        ExhibitSpec("visa_refusal", "B-2 visa refusal sheets, INA 214(b)",
                    "Both beneficiaries were refused visas on September 15, 2026.", "visa_history",
                    _photo_specs(1, "visa-refusal-214b", r, document=True), ben),
        ExhibitSpec("lucia_passport", "U.S. passport of Lucía Reyes", "The petitioner and supporter is a U.S. citizen.",
                    "supporter_identity", _photo_specs(1, "lucia-us-passport", r, document=True), lucia,
                    supporter="lucia"),
        ExhibitSpec("lucia_employer_letter", "Employment verification, Harris Health System",
                    "Salary of $92,400 and permanent employment since 2014.", "supporter_financial",
                    [_t("employer-letter.pdf", 2, org="Harris Health System")], lucia, supporter="lucia"),
        ExhibitSpec("lucia_bank_statements", "Bank statements, August–October 2026",
                    "Savings of $61,250 available for the family's support.", "supporter_financial",
                    [_t("bank-statements.pdf", 36, "bank_statement", org="Gulf Coast Federal Credit Union")],
                    lucia, supporter="lucia"),
    ]
    for x in core:
        x.core = True

    photos: list[ExhibitSpec] = []
    groups = [("hospital-photos", "Photos of Mateo at Hospital Escuela", "His condition and oxygen therapy.",
               "medical_abroad", 6, ["mateo"]),
              ("family-photos", "Family photos: Ana, her husband and their second child",
               "Ana's family ties in Honduras.", "character", 5, ["ana"]),
              ("home-photos", "Photos of the family home in Tegucigalpa", "The home the family returns to.",
               "character", 4, ["ana"]),
              ("school-photos", "Ana at Escuela República de Chile with her class", "Her employment as a teacher.",
               "character", 3, ["ana"]),
              ("oximeter-photos", "Pulse-oximeter readings photographed at home",
               "Oxygen saturation below 75 percent.", "medical_abroad", 4, ["mateo"])]
    for gid, title, shows, cat, n, about in groups:
        specs = _photo_specs(n, gid, r)
        photos.append(ExhibitSpec(gid.replace("-", "_"), title, shows, cat, specs, about))
    singles = ["discharge summary (photo)", "prescription", "pharmacy receipt", "return tickets",
               "property tax receipt", "school enrolment slip", "church certificate", "oxygen supplier invoice",
               "ambulance receipt", "clinic appointment card", "vaccination card", "ID card of Ana (front)",
               "ID card of Ana (back)", "marriage photo"]
    for i, what in enumerate(singles):
        doc = "photo" not in what and what != "marriage photo"
        spec = _photo_specs(1, f"photo-{i + 1:02d}", r, document=doc)
        photos.append(ExhibitSpec(f"photo_{i + 1:02d}", f"Photo: {what}", f"A phone photo of the {what}.",
                                  "other", spec, ["ana"] if i % 2 else ["mateo"]))

    scans = [
        ExhibitSpec("clinical_record_es", "Clinical record of Mateo, Hospital Escuela (Spanish)",
                    "Five years of cardiology follow-up.", "medical_abroad",
                    [_s("clinical-record-es.pdf", 60, paper="a4", landscape_every=12)], ["mateo"], language="es",
                    translation=_t("clinical-record-en.pdf", 12, "medical_record")),
        ExhibitSpec("echo_reports_es", "Echocardiogram reports (Spanish)", "Progression of the defect.",
                    "medical_abroad", [_s("echo-reports-es.pdf", 8, paper="a4")], ["mateo"], language="es",
                    translation=_t("echo-reports-en.pdf", 4, "lab_report")),
        ExhibitSpec("cath_report_es", "Cardiac catheterization report (Spanish)", "Anatomy requiring unifocalization.",
                    "medical_abroad", [_s("cath-report-es.pdf", 6, paper="a4")], ["mateo"], language="es",
                    translation=_t("cath-report-en.pdf", 3, "lab_report")),
        ExhibitSpec("ana_employment_es", "Employment certificate of Ana, Secretaría de Educación (Spanish)",
                    "Ana's permanent teaching post.", "character", [_s("ana-employment-es.pdf", 1, colour=True)],
                    ["ana"], language="es", translation=_t("ana-employment-en.pdf", 1)),
        ExhibitSpec("ana_payslips", "Ana's payslips, 2026", "Her salary in Honduras.", "beneficiary_funds",
                    [_s("ana-payslips.pdf", 6)], ["ana"]),
        ExhibitSpec("property_title_es", "Property title of the family home (Spanish)", "Ties to Honduras.",
                    "character", [_s("property-title-es.pdf", 5, paper="legal")], ["ana"], language="es",
                    translation=_t("property-title-en.pdf", 3)),
        ExhibitSpec("marriage_certificate_es", "Marriage certificate of Ana (Spanish)", "Her husband stays in Honduras.",
                    "relationship", [_s("marriage-certificate-es.pdf", 2, colour=True, paper="a4")], ["ana"],
                    language="es", translation=_t("marriage-certificate-en.pdf", 2)),
        ExhibitSpec("sibling_birth_es", "Birth certificate of Mateo's sister (Spanish)", "A child who stays in Honduras.",
                    "relationship", [_s("sibling-birth-es.pdf", 1, colour=True, paper="a4")], ["ana"],
                    language="es", translation=_t("sibling-birth-en.pdf", 1)),
        ExhibitSpec("police_clearance_es", "Police clearance certificate of Ana (Spanish)", "No criminal record.",
                    "criminal_record", [_s("police-clearance-es.pdf", 2, colour=True)], ["ana"], language="es",
                    translation=_t("police-clearance-en.pdf", 2)),
        ExhibitSpec("naturalization", "Certificate of naturalization of Lucía Reyes", "U.S. citizenship.",
                    "supporter_identity", [_s("naturalization.pdf", 1, colour=True)], lucia, supporter="lucia"),
        ExhibitSpec("tax_returns_2024", "Signed tax return 2024 (Form 1040)", "Income of the supporter.",
                    "supporter_financial", [_s("tax-return-2024.pdf", 16)], lucia, supporter="lucia"),
        ExhibitSpec("tax_returns_2025", "Signed tax return 2025 (Form 1040)", "Income of the supporter.",
                    "supporter_financial", [_s("tax-return-2025.pdf", 16, rotate_all=90)], lucia, supporter="lucia"),
        ExhibitSpec("lease", "Lease of Lucía's apartment", "Housing for the family.", "supporter_financial",
                    [_s("lease.pdf", 14)], lucia, supporter="lucia"),
        ExhibitSpec("medical_receipts_es", "Medical receipts paid by the family (Spanish)", "Costs borne so far.",
                    "medical_abroad", [_s("medical-receipts-es.pdf", 8)], ["mateo"], language="es",
                    translation=_t("medical-receipts-en.pdf", 2)),
        ExhibitSpec("inpatient_2025_es", "Inpatient records of Mateo, 2025 admission (Spanish)",
                    "Two hospitalisations for cyanotic spells.", "medical_abroad",
                    [_s("inpatient-2025-es.pdf", 30, paper="a4")], ["mateo"], language="es",
                    translation=_t("inpatient-2025-en.pdf", 10, "medical_record")),
        ExhibitSpec("sister_school_records", "School records of Mateo's sister", "A child who stays in Honduras.",
                    "relationship", [_s("sister-school-records.pdf", 4)], ["ana"]),
        ExhibitSpec("vaccination_record", "Vaccination record of Mateo", "Public-health requirements.",
                    "other", [_s("vaccination-record.pdf", 2, colour=True, paper="a4")], ["mateo"]),
    ]
    support_letters = [("school_director", "Letter of support from Ana's school director"),
                       ("parish_priest", "Letter of support from the parish priest"),
                       ("neighbour", "Letter of support from a neighbour"),
                       ("colleague", "Letter of support from a colleague of Lucía")]
    for sid, title in support_letters:
        scans.append(ExhibitSpec(f"{sid}_letter", title, "Good character and ties.", "character",
                                 [_s(f"{sid.replace('_', '-')}-letter.pdf", 2)], ["ana"]))

    texts = [
        ExhibitSpec("savings_statements", "Savings account statements, 2026", "Savings of the supporter.",
                    "supporter_financial", [_t("savings-statements.pdf", 36, "savings_statement",
                                               org="Gulf Coast Federal Credit Union")], lucia, supporter="lucia"),
        ExhibitSpec("pay_stubs", "Pay stubs, 26 pay periods", "Current salary.", "supporter_financial",
                    [_t("pay-stubs.pdf", 26, "pay_stub", org="Harris Health System", embedded=True)], lucia,
                    supporter="lucia"),
        ExhibitSpec("tax_transcript", "IRS tax return transcript 2025", "Reported income.", "supporter_financial",
                    [_t("tax-transcript.pdf", 8, "tax_transcript", org="Internal Revenue Service")], lucia,
                    supporter="lucia"),
        ExhibitSpec("w2s", "Forms W-2, 2023-2025", "Employment history.", "supporter_financial",
                    [_t("w2-2023.pdf", 1, "w2"), _t("w2-2024.pdf", 1, "w2"), _t("w2-2025.pdf", 1, "w2")], lucia,
                    supporter="lucia"),
        ExhibitSpec("retirement", "Retirement account statement", "Further assets.", "supporter_financial",
                    [_t("retirement.pdf", 6, "savings_statement", org="TIAA")], lucia, supporter="lucia"),
        ExhibitSpec("treatment_plan", "Treatment plan, Texas Children's Hospital", "Surgery and follow-up schedule.",
                    "us_provider", [_t("treatment-plan.pdf", 10, "treatment_plan", org="Texas Children's Hospital")],
                    ["mateo"], date="2026-10-28"),
        ExhibitSpec("charity_care", "Charity-care approval", "80 percent of the cost covered.", "cost_estimate",
                    [_t("charity-care.pdf", 3, org="Texas Children's Hospital")], ["mateo"], date="2026-10-28"),
        ExhibitSpec("us_cardiologist", "Letter of the U.S. pediatric cardiologist", "Urgency of the surgery.",
                    "us_provider", [_t("us-cardiologist.pdf", 3, embedded=True)], ["mateo"], date="2026-11-02"),
        ExhibitSpec("literature", "Medical literature on unifocalization outcomes", "Why timing matters.",
                    "unavailability", [_t("literature.pdf", 30, "report", embedded=True)], ["mateo"]),
        ExhibitSpec("country_report", "Report on pediatric cardiac surgery in Central America",
                    "The surgery is not available in Honduras or neighbouring countries.", "unavailability",
                    [_t("country-report.pdf", 56, "report", a4=True)], ["mateo"]),
        ExhibitSpec("unavailability_es", "Hospital Escuela certificate that the surgery is not performed (Spanish)",
                    "Unavailability in Honduras.", "unavailability", [_t("unavailability-es.pdf", 2, lang="es", a4=True)],
                    ["mateo"], language="es", translation=_t("unavailability-en.pdf", 2)),
        ExhibitSpec("ministry_es", "Ministry of Health certificate (Spanish)", "No public provider can operate.",
                    "unavailability", [_t("ministry-es.pdf", 2, lang="es", a4=True)], ["mateo"], language="es",
                    translation=_t("ministry-en.pdf", 2)),
        ExhibitSpec("telehealth_records", "Records of the telehealth consultation, Texas Children's Hospital",
                    "The U.S. team's review of Mateo's case.", "us_provider",
                    [_t("telehealth-records.pdf", 110, "medical_record", org="Texas Children's Hospital")],
                    ["mateo"]),
        ExhibitSpec("itinerary", "Flight reservations with return", "Planned departure.", "other",
                    [_t("itinerary.pdf", 3, org="Aerolíneas")], ben),
        ExhibitSpec("utility_bills", "Utility bills at Lucía's address", "Residence of the supporter.",
                    "supporter_financial", [_t("utility-bills.pdf", 12, "utility_bill", org="CenterPoint Energy")],
                    lucia, supporter="lucia"),
        ExhibitSpec("ana_bank_es", "Ana's bank statements (Spanish)", "Her own funds.", "beneficiary_funds",
                    [_t("ana-bank-es.pdf", 24, "bank_statement", lang="es", org="Banco Atlántida")], ["ana"],
                    language="es", translation=_t("ana-bank-en.pdf", 6, "bank_statement")),
        ExhibitSpec("ana_declaration", "Declaration of Ana Castillo Mejía", "Her intent to return.",
                    "character", [_t("ana-declaration.pdf", 5, embedded=True)], ["ana"]),
        ExhibitSpec("husband_declaration_es", "Declaration of Ana's husband (Spanish)", "He stays with their daughter.",
                    "character", [_t("husband-declaration-es.pdf", 3, lang="es")], ["ana"], language="es",
                    translation=_t("husband-declaration-en.pdf", 3)),
        ExhibitSpec("support_letters_en", "Letters of support from Lucía's colleagues", "Community ties.",
                    "character", [_t(f"colleague-{i}.pdf", 2) for i in range(1, 5)], lucia),
        ExhibitSpec("checking_statements", "Checking account statements, 2025", "Regular income and expenses.",
                    "supporter_financial", [_t("checking-statements.pdf", 36, "bank_statement",
                                               org="Gulf Coast Federal Credit Union")], lucia, supporter="lucia"),
        ExhibitSpec("pharmacy_records", "Pharmacy dispensing records", "Medication Mateo depends on.",
                    "medical_abroad", [_t("pharmacy-records.pdf", 12, "lab_report", org="Farmacia Kielsa")],
                    ["mateo"]),
        ExhibitSpec("doctor_cvs", "Curricula vitae of the treating physicians", "Their qualifications.",
                    "medical_abroad", [_t("doctor-cvs.pdf", 4)], ["mateo"]),
    ]
    # Interleave the three kinds so any prefix (--scale) still mixes photos, scans and text.
    extras = []
    for i in range(max(len(photos), len(scans), len(texts))):
        for group in (photos, scans, texts):
            if i < len(group):
                extras.append(group[i])
    return core + extras


# --------------------------------------------------------------------------- driver

def _scaled(plan: list[ExhibitSpec], scale: float) -> list[ExhibitSpec]:
    if scale >= 1:
        return plan
    core = [x for x in plan if x.core]
    extras = [x for x in plan if not x.core]
    keep = extras[:max(3, round(len(extras) * scale))]
    out = []
    for x in core + keep:
        files = x.files[:max(1, round(len(x.files) * scale))]
        out.append(ExhibitSpec(**{**x.__dict__, "files": files}))
    return out


def _pages(n: int, scale: float) -> int:
    return n if scale >= 1 else max(1, round(n * scale))


def write_file(spec: FileSpec, dest: Path, seed: int, scale: float) -> dict:
    rng = rng_for(seed, spec.name)
    o = spec.opts
    if spec.kind == "text":
        n = text_pdf(dest, rng, kind=o.get("kind", "letter"), pages=_pages(spec.pages, scale),
                     lang=o.get("lang", "en"), a4=o.get("a4", False), embedded=o.get("embedded", False),
                     org=o.get("org", ""))
        return {"pages": n}
    if spec.kind == "scan":
        dpi = o.get("dpi") or (200 if o.get("colour") else 150)
        if scale < 1:
            dpi = max(50, int(dpi * math.sqrt(scale)))
        n = scanned_pdf(dest, rng, pages=_pages(spec.pages, scale), dpi=dpi, colour=o.get("colour", False),
                        lang="es" if "-es" in spec.name else "en", paper=o.get("paper", "letter"),
                        landscape_every=o.get("landscape_every", 0), rotate_all=o.get("rotate_all", 0))
        return {"pages": n}
    sw, sh = o["sensor"]
    if scale < 1:
        f = max(0.08, math.sqrt(scale))
        sw, sh = max(64, int(sw * f)), max(48, int(sh * f))
    info = write_photo(dest, rng, mp_size=(sw, sh), orientation=o["orientation"], document=o.get("document", False))
    return {"pages": 1, **info}


def evidence_entry(x, extra: dict, translation: dict) -> dict:
    """The case file's evidence item for a generated exhibit (``make_mix.py`` uses it too): ``extra`` holds
    more fields of the item (a date...), ``translation`` the fields of its translation besides the file."""
    e = {"id": x.id, "file": f"evidence/{x.files[0].name}", "title": x.title, "shows": x.shows,
         "category": x.category}
    if len(x.files) > 1:
        e["more_files"] = [f"evidence/{f.name}" for f in x.files[1:]]
    if x.language != "en":
        e["language"] = x.language
    if x.about:
        e["about"] = x.about
    if x.supporter:
        e["supporter"] = x.supporter
    e.update(extra)
    if x.translation:
        e["translation"] = {"file": f"evidence/{x.translation.name}", **translation}
    return e


def make_case(out: Path, *, scale: float = 1.0, seed: int = 1, verbose: bool = True) -> dict:
    """Write ``out/case.json`` and ``out/evidence/*``; return a summary dict (also saved as ``out/bench-case.json``)."""
    t0 = time.perf_counter()
    out = Path(out)
    ev_dir = out / "evidence"
    ev_dir.mkdir(parents=True, exist_ok=True)
    plan = _scaled(exhibit_plan(seed), scale)
    stats = {"text_pages": 0, "scan_pages": 0, "photos": 0, "photo_megapixels": [], "orientations": {},
             "files": 0, "bytes": 0}
    evidence = []
    for x in plan:
        files = list(x.files) + ([x.translation] if x.translation else [])
        for f in files:
            info = write_file(f, ev_dir / f.name, seed, scale)
            stats["files"] += 1
            stats["bytes"] += (ev_dir / f.name).stat().st_size
            if f.kind == "photo":
                stats["photos"] += 1
                stats["photo_megapixels"].append(round(info["pixels"] / 1e6, 1))
                key = str(info["orientation"] or "none")
                stats["orientations"][key] = stats["orientations"].get(key, 0) + 1
            else:
                stats[f"{f.kind}_pages"] += info["pages"]
        if verbose:
            print(f"  {x.id:<28} {len(files)} file(s)", file=sys.stderr)
        evidence.append(evidence_entry(x, {"date": x.date} if x.date else {},
                                       {"translator": "mlopez", "date": "2026-10-20"}))

    case = json.loads(TEMPLATE_CASE.read_text(encoding="utf-8"))
    case.pop("$schema", None)
    case["case_name"] = "Reyes Medical Parole"
    case["evidence"] = evidence
    (out / "case.json").write_text(json.dumps(case, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    summary = {"generator_version": GENERATOR_VERSION, "seed": seed, "scale": scale, "exhibits": len(plan),
               "evidence_pages": stats["text_pages"] + stats["scan_pages"] + stats["photos"], **stats,
               "seconds": round(time.perf_counter() - t0, 1)}
    (out / "bench-case.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return summary


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, required=True, help="folder to write case.json and evidence/ into")
    ap.add_argument("--scale", type=float, default=1.0,
                    help="fraction of the full case (fewer exhibits, fewer pages, smaller photos), e.g. 0.05")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-q", "--quiet", action="store_true")
    a = ap.parse_args(argv)
    if not 0 < a.scale <= 1:
        ap.error("--scale must be in (0, 1]")
    s = make_case(a.out, scale=a.scale, seed=a.seed, verbose=not a.quiet)
    mp = s.pop("photo_megapixels")
    s["photo_megapixels_range"] = [min(mp), max(mp)] if mp else []
    print(json.dumps(s))
    print(f"wrote {a.out / 'case.json'}: {s['exhibits']} exhibits, {s['evidence_pages']} evidence pages, "
          f"{s['photos']} photos, {s['bytes'] / 1e6:.1f} MB in {s['seconds']} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
