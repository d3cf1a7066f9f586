"""Turn a drawn document into a phone-style photo: a table top, a shadow, a tilt, uneven light, sensor noise.

The document is drawn with reportlab (same fonts as the PDFs), rasterised with pypdfium2, and composed
with Pillow.  Noise comes from a seeded ``random.Random``, never from Pillow's unseeded effect_noise, so
the JPEGs are byte-identical on every run with the same library versions.
"""

from __future__ import annotations

import io
import math
from typing import Callable, Optional, Sequence

import pypdfium2 as pdfium
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont, ImageOps
from reportlab.pdfgen import canvas as rl_canvas

from .common import MARK, rng

ORIENTATION = 0x0112


def render(draw: Callable, size_pts: tuple[float, float], px_width: int) -> Image.Image:
    """Draw on a reportlab canvas of ``size_pts`` and rasterise it ``px_width`` pixels wide (RGB)."""
    buf = io.BytesIO()
    c = rl_canvas.Canvas(buf, pagesize=size_pts, invariant=1)
    draw(c, *size_pts)
    c.showPage()
    c.save()
    pdf = pdfium.PdfDocument(buf.getvalue())
    try:
        page = pdf[0]
        bitmap = page.render(scale=px_width / size_pts[0], draw_annots=False)
        img = bitmap.to_pil().convert("RGB")
        page.close()
    finally:
        pdf.close()
    return img


def _noise(size: tuple[int, int], r, amp: int) -> Image.Image:
    """Grey noise centred on 128 with +/- amp, at half resolution then upscaled (looks like sensor grain)."""
    w, h = (size[0] + 1) // 2, (size[1] + 1) // 2
    raw = r.randbytes(w * h)
    lut = [128 + (b * (2 * amp + 1)) // 256 - amp for b in range(256)]
    img = Image.frombytes("L", (w, h), raw).point(lut)
    return img.resize(size, Image.BILINEAR)


def table_background(size: tuple[int, int], r, kind: str = "wood") -> Image.Image:
    w, h = size
    sw, sh = w // 4, h // 4
    if kind == "wood":
        base = (150, 108, 72)
        img = Image.new("RGB", (sw, sh), base)
        d = ImageDraw.Draw(img)
        y = 0.0
        while y < sh:
            shade = r.randint(-22, 14)
            col = tuple(max(0, min(255, v + shade)) for v in base)
            thick = r.uniform(1.0, 4.0)
            amp, freq, ph = r.uniform(0.5, 3.0), r.uniform(0.004, 0.02), r.uniform(0, 6.28)
            pts = [(x, y + amp * math.sin(freq * x * 4 + ph)) for x in range(0, sw + 8, 8)]
            d.line(pts, fill=col, width=max(1, int(thick)))
            y += thick * r.uniform(0.6, 1.4)
        img = img.filter(ImageFilter.GaussianBlur(0.8))
    elif kind == "cloth":
        img = Image.new("RGB", (sw, sh), (58, 72, 96))
        d = ImageDraw.Draw(img)
        for x in range(0, sw, 3):
            d.line([(x, 0), (x, sh)], fill=(54 + r.randint(-4, 4), 68 + r.randint(-4, 4), 92 + r.randint(-4, 4)))
        img = img.filter(ImageFilter.GaussianBlur(0.6))
    else:  # pale laminate
        img = Image.new("RGB", (sw, sh), (214, 210, 202))
        d = ImageDraw.Draw(img)
        for _ in range(400):
            x, y = r.randrange(sw), r.randrange(sh)
            g = r.randint(196, 222)
            d.ellipse([x, y, x + r.randint(2, 9), y + r.randint(1, 4)], fill=(g, g - 3, g - 9))
        img = img.filter(ImageFilter.GaussianBlur(1.2))
    return img.resize(size, Image.BICUBIC)


def _light(size: tuple[int, int], r, strength: float) -> Image.Image:
    """A soft light falloff (brighter toward one corner), as an L mask to multiply with."""
    w, h = size
    sw, sh = 64, 48
    cx, cy = r.uniform(0.2, 0.8) * sw, r.uniform(0.1, 0.5) * sh
    maxd = math.hypot(sw, sh)
    data = bytes(int(255 * (1 - strength * min(1.0, math.hypot(x - cx, y - cy) / maxd * 1.3)))
                 for y in range(sh) for x in range(sw))
    return Image.frombytes("L", (sw, sh), data).resize(size, Image.BICUBIC)


def _place(canvas: Image.Image, doc: Image.Image, center: tuple[float, float], angle: float, r,
           shadow: int = 18) -> None:
    """Paste ``doc`` rotated by ``angle`` degrees with a soft drop shadow onto ``canvas`` (in place)."""
    rgba = doc.convert("RGBA")
    rot = rgba.rotate(angle, resample=Image.BICUBIC, expand=True)
    alpha = rot.getchannel("A")
    sh = Image.new("L", canvas.size, 0)
    ox = int(center[0] - rot.width / 2)
    oy = int(center[1] - rot.height / 2)
    dx, dy = shadow // 2 + r.randint(0, shadow // 2), shadow // 2 + r.randint(0, shadow // 2)
    sh.paste(alpha.point(lambda a: a * 120 // 255), (ox + dx, oy + dy))
    sh = sh.filter(ImageFilter.GaussianBlur(shadow * 0.8))
    dark = Image.new("RGB", canvas.size, (20, 16, 12))
    canvas.paste(dark, (0, 0), sh)
    canvas.paste(rot.convert("RGB"), (ox, oy), alpha)


def phone_photo(docs: Sequence[tuple[Image.Image, tuple[float, float], float]], size: tuple[int, int],
                seed: str, background: str = "wood", noise: int = 5, light: float = 0.28,
                blur: float = 0.7) -> Image.Image:
    """Compose documents (image, centre as fractions of the frame, angle) into one upright photo."""
    r = rng("photo", seed)
    img = table_background(size, r, background)
    for doc, (fx, fy), angle in docs:
        _place(img, doc, (fx * size[0], fy * size[1]), angle, r, shadow=max(10, size[0] // 110))
    img = img.filter(ImageFilter.GaussianBlur(blur))
    # uneven light, a hint of warm white balance, then grain
    mask = _light(size, r, light)
    img = ImageChops.multiply(img, Image.merge("RGB", (mask, mask, mask)))
    img = Image.merge("RGB", [ch.point(lambda v, k=k: min(255, int(v * k))) for ch, k in
                              zip(img.split(), (1.04, 1.0, 0.94))])
    n = _noise(size, r, noise)
    img = ImageChops.add(img, Image.merge("RGB", (n, n, n)), scale=1.0, offset=-128)
    return img


def _mark_font(px: int):
    import reportlab
    import os
    path = os.path.join(os.path.dirname(reportlab.__file__), "fonts", "VeraBd.ttf")
    return ImageFont.truetype(path, px)


def stamp_mark(img: Image.Image) -> Image.Image:
    """The small 'SAMPLE - FICTIONAL' mark, crisp in the top-right corner of the photo."""
    img = img.copy()
    d = ImageDraw.Draw(img)
    px = max(14, img.width // 90)
    font = _mark_font(px)
    text = MARK.replace("\u2014", "-")
    x0, y0, x1, y1 = d.textbbox((0, 0), text, font=font)
    pad = px // 3
    x = img.width - (x1 - x0) - 3 * pad
    y = 2 * pad
    d.rectangle([x - pad, y - pad, x + (x1 - x0) + pad, y + (y1 - y0) + pad + 2], fill=(255, 255, 255),
                outline=(176, 48, 48), width=2)
    d.text((x - x0, y - y0), text, font=font, fill=(176, 48, 48))
    return img


def save_jpeg(img: Image.Image, path, orientation: Optional[int] = None, quality: int = 80) -> None:
    """Save ``img`` (upright) as a JPEG.  With orientation 6 the pixels are stored rotated 90 degrees
    counter-clockwise and EXIF Orientation=6 tells viewers to rotate them clockwise to display upright."""
    img = stamp_mark(img)
    exif = Image.Exif()
    exif[0x010F] = "SampleCam"          # Make
    exif[0x0110] = "Fictional Phone 12"  # Model
    exif[0x0131] = "packetgen samples"   # Software
    if orientation == 6:
        img = img.transpose(Image.Transpose.ROTATE_90)
        exif[ORIENTATION] = 6
    elif orientation:
        raise ValueError("only orientation 6 is generated")
    else:
        exif[ORIENTATION] = 1
    # quality about 80, lowered a little for busy images so each photo stays under ~390 KB
    for q in range(quality, 59, -3):
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=q, optimize=True, exif=exif.tobytes())
        if buf.tell() <= 390_000:
            break
    with open(path, "wb") as fh:
        fh.write(buf.getvalue())


def check_upright(path, expected_size: tuple[int, int]) -> None:
    with Image.open(path) as im:
        up = ImageOps.exif_transpose(im)
        assert up.size == expected_size, (path, up.size, expected_size)
