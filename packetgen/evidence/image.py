"""Images (JPEG, PNG, GIF, TIFF, WebP, BMP, HEIC/AVIF) as US-Letter pages.

Resolution bound, halving, pass-through and colour handling: ``docs/evidence.md`` ("Images").
"""

from __future__ import annotations

import io
import math
import warnings as _warnings
import zlib
from typing import Callable, Optional

import pikepdf
from pikepdf import Array, Dictionary, Name

from packetgen.errors import EvidenceDamagedError, EvidenceError
from packetgen.evidence.common import _PAGE_H, _PAGE_W, Matrix, _cm, _fit, _short
from packetgen.evidence.jpeg import _PASS_SOF, _jpeg_sof, _jpeg_structure_problem
from packetgen.evidence.png import PngData, png_passthrough


#: Images with more pixels than this are rejected before decoding.  It equals
#: Pillow's DecompressionBombError threshold (2 x Image.MAX_IMAGE_PIXELS,
#: 178,956,970 pixels), which is not changed globally.
MAX_IMAGE_PIXELS = 178_956_970
#: Images are bounded to at most this resolution at page size (docs/evidence.md, "Images").
IMAGE_DPI = 300
#: A lossy photo (JPEG, HEIC) between IMAGE_DPI and 2 x IMAGE_DPI is halved (libjpeg's 1/2 DCT
#: scaling, no resample) when that keeps at least this resolution; else it is resampled to IMAGE_DPI.
#: Set it to IMAGE_DPI to always resample to exactly IMAGE_DPI (3.5x the CPU time on phone photos, see docs/evidence.md).
HALF_SCALE_MIN_DPI = 150
JPEG_QUALITY = 90


def _normalize_image(data: bytes, fmt: str, name: str, warnings: list[str]) -> pikepdf.Pdf:
    from PIL import Image

    if fmt in ("HEIC", "AVIF"):
        try:
            import pillow_heif
            pillow_heif.register_heif_opener()
        except ImportError as exc:
            raise EvidenceError(
                f"{name}: is a {fmt} photo and this installation cannot read {fmt} (pillow-heif is missing)",
                fix="convert it to JPEG (on an iPhone: Settings > Camera > Formats > Most Compatible, "
                    "or share it as JPEG) or install pillow-heif") from exc
    with _warnings.catch_warnings():
        _warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            im = Image.open(io.BytesIO(data))
        except Image.DecompressionBombError as exc:
            raise _too_large(name, None) from exc
        except Exception as exc:
            raise EvidenceDamagedError(f"{name}: is a damaged or unsupported {fmt} image ({_short(exc)})",
                                       fix=_FIX_IMAGE) from exc
        with im:
            frames = getattr(im, "n_frames", 1) or 1
            real_fmt = im.format or fmt
            if real_fmt in ("GIF", "WEBP", "PNG", "HEIF", "AVIF", "MPO") and frames > 1:
                if real_fmt == "MPO":
                    pass  # a camera's multi-picture JPEG: frame 0 is the photo itself
                elif real_fmt in ("HEIF", "AVIF"):
                    warnings.append(f"{name}: contains {frames} images; only the primary image is included")
                else:
                    warnings.append(f"{name}: is an animated {real_fmt} ({frames} frames); only the first "
                                    f"frame is included")
                frames = 1
            frames = min(frames, 10_000)
            out = pikepdf.Pdf.new()
            for i in range(frames):
                if i:
                    im.seek(i)
                w, h = im.size
                if w <= 0 or h <= 0:
                    raise EvidenceDamagedError(f"{name}: image has no pixels ({w} x {h})", fix=_FIX_IMAGE)
                if w * h > MAX_IMAGE_PIXELS:
                    raise _too_large(name, (w, h))
                jpeg = png = None
                if real_fmt == "JPEG" and frames == 1:
                    jpeg = data
                elif real_fmt == "MPO":
                    jpeg = _mpo_primary(im, data)
                elif real_fmt == "PNG" and frames == 1:
                    png = png_passthrough(data)
                try:
                    _add_image_page(out, im, jpeg, "JPEG" if jpeg is not None else real_fmt, png)
                except (OSError, SyntaxError, ValueError, EOFError, zlib.error) as exc:
                    what = "frame %d of " % (i + 1) if frames > 1 else ""
                    raise EvidenceDamagedError(
                        f"{name}: {what}the image cannot be decoded; it is damaged or cut off ({_short(exc)})",
                        fix=_FIX_IMAGE) from exc
    return out


def _mpo_primary(im, data: bytes) -> Optional[bytes]:
    """The first JPEG of a camera's multi-picture (MPO) file, or None to re-encode instead."""
    offsets = getattr(im, "_MpoImageFile__mpoffsets", None)   # Pillow internals: fall back if absent
    try:
        end = int(offsets[1]) if offsets and len(offsets) > 1 else len(data)
    except (TypeError, ValueError):
        return None
    first = data[:end].rstrip(b"\0")
    return first if first.startswith(b"\xff\xd8") and first.endswith(b"\xff\xd9") else None


_FIX_IMAGE = ("get a fresh copy (send or download it again), or open it in an image viewer and "
              "save it as a new JPEG or PNG")


def _too_large(name: str, size: Optional[tuple[int, int]]) -> EvidenceDamagedError:
    dims = f" ({size[0]} x {size[1]} pixels)" if size else ""
    return EvidenceDamagedError(
        f"{name}: image is too large{dims}: over {MAX_IMAGE_PIXELS / 1e6:.0f} megapixels "
        f"(possibly a decompression bomb)",
        fix="resize it (e.g. to 4000 pixels on the long side) or scan it at a lower resolution")


_LOSSY_FORMATS = {"JPEG", "MPO", "HEIF", "AVIF"}
_ORIENT_MAPS: dict[int, Callable[[float, float], tuple[float, float]]] = {
    # stored (u, v from top-left, 0..1) -> displayed (u, v); EXIF orientation semantics
    1: lambda u, v: (u, v),
    2: lambda u, v: (1 - u, v),
    3: lambda u, v: (1 - u, 1 - v),
    4: lambda u, v: (u, 1 - v),
    5: lambda u, v: (v, u),
    6: lambda u, v: (1 - v, u),
    7: lambda u, v: (1 - v, 1 - u),
    8: lambda u, v: (v, 1 - u),
}


def _orientation(im) -> int:
    try:
        o = int(im.getexif().get(0x0112, 1))
    except Exception:
        return 1
    return o if o in _ORIENT_MAPS else 1


def _image_matrix(o: int, x: float, y: float, w: float, h: float) -> Matrix:
    """Map the image unit square (stored pixels) to the displayed rectangle (x, y, w, h)."""
    f = _ORIENT_MAPS[o]

    def to_page(px: float, py: float) -> tuple[float, float]:
        u, v = f(px, 1 - py)
        return x + u * w, y + (1 - v) * h
    x0, y0 = to_page(0, 0)
    x1, y1 = to_page(1, 0)
    x2, y2 = to_page(0, 1)
    return (x1 - x0, y1 - y0, x2 - x0, y2 - y0, x0, y0)


def _density(im) -> tuple[float, float]:
    """The file's (x, y) pixel density if it is plausible, else square pixels; only the ratio matters."""
    dpi = im.info.get("dpi")
    try:
        if dpi and float(dpi[0]) > 0 and float(dpi[1]) > 0 and 0.1 <= float(dpi[0]) / float(dpi[1]) <= 10:
            return float(dpi[0]), float(dpi[1])
    except (TypeError, ValueError, IndexError):
        pass
    return 1.0, 1.0


def _bound_ratio(sw: int, sh: int, disp_w: float, disp_h: float, o: int) -> float:
    """Scale that brings the stored image to IMAGE_DPI *at page size*; >= 1 means it is within the bound.

    At page size = fitted (aspect kept) to the whole 8.5 x 11 in page, i.e. upright at most
    2550 x 3300 px for square pixels; at most IMAGE_DPI along both axes, also for non-square
    pixels.  Placed in CONTENT_BOX (30 pt shorter) a tall image is up to 792/762 = 3.9 % denser,
    so at most 311.8 dpi as placed (see docs/evidence.md).
    """
    sp = min(_PAGE_W / disp_w, _PAGE_H / disp_h)
    pt_w, pt_h = disp_w * sp, disp_h * sp
    if o >= 5:
        pt_w, pt_h = pt_h, pt_w
    return min(pt_w / 72.0 * IMAGE_DPI / sw, pt_h / 72.0 * IMAGE_DPI / sh)


def _add_image_page(out: pikepdf.Pdf, im, jpeg_bytes: Optional[bytes], fmt: str,
                    png: Optional[PngData] = None) -> None:
    from PIL import Image

    if fmt not in ("JPEG", "MPO") and png is None:
        # decoded anyway; loading first finds EXIF stored after the pixels (PNG eXIf), and
        # Pillow's TIFF decoder applies the Orientation tag itself and then drops it
        im.load()
    # JPEG: size, mode, density and EXIF all come from the header; no pixel is decoded yet.
    # A PNG that may pass through has no EXIF (png_passthrough checked its chunks): upright.
    sw, sh = im.size                       # stored pixels
    o = _orientation(im) if png is None else 1
    xdpi, ydpi = _density(im)
    phys_w, phys_h = sw / xdpi, sh / ydpi  # stored orientation, arbitrary unit; only the ratio matters
    disp_w, disp_h = (phys_h, phys_w) if o >= 5 else (phys_w, phys_h)
    s, x, y = _fit(disp_w, disp_h, upscale=True)
    pw, ph = disp_w * s, disp_h * s        # displayed size in pt
    ratio = _bound_ratio(sw, sh, disp_w, disp_h, o)
    # floor: never a pixel over the bound (2550 px across, not 2551)
    target = (max(1, math.floor(sw * ratio + 1e-6)), max(1, math.floor(sh * ratio + 1e-6))) \
        if ratio < 1 - 1e-9 else None

    xobj: pikepdf.Stream
    if fmt == "JPEG" and jpeg_bytes is not None and target is None and im.mode in ("L", "RGB", "CMYK") \
            and _jpeg_sof(jpeg_bytes) in _PASS_SOF and _jpeg_structure_problem(jpeg_bytes) is None:
        # Pass the JPEG through byte for byte, without decoding it: its marker structure is walked
        # instead, 40x cheaper than even a 1/8-scale decode.  A JPEG that fails the walk takes the
        # decoding branch below: libjpeg refuses it there (cut off, damaged) or it is re-encoded.
        xobj = _jpeg_xobject(out, jpeg_bytes, im, sw, sh)
    elif png is not None and target is None:
        xobj = _png_xobject(out, png, im.info.get("icc_profile"))
    else:
        lossy = fmt in _LOSSY_FORMATS or (fmt == "WEBP" and not _webp_lossless(im)) or \
            (fmt == "TIFF" and str(im.info.get("compression", "")).startswith(("jpeg", "tiff_jpeg")))
        # A lossy photo between IMAGE_DPI and 2 x IMAGE_DPI is halved rather than resampled when
        # that keeps at least HALF_SCALE_MIN_DPI (docs/evidence.md: "Images")
        half = target is not None and lossy and 0.5 <= ratio and IMAGE_DPI * 0.5 / ratio >= HALF_SCALE_MIN_DPI
        limit = (max(1, (sw + 1) // 2), max(1, (sh + 1) // 2)) if half else target
        sampling = _jpeg_sampling(im) if fmt in ("JPEG", "MPO") else -1
        if target is not None and fmt in ("JPEG", "MPO") and im.mode in ("L", "RGB", "CMYK", "YCbCr"):
            # libjpeg decodes at 1/2, 1/4 or 1/8 scale in the DCT domain: far cheaper than a
            # full-size decode plus a resample, and a 48 MP photo never exists at full size
            im.draft(im.mode, (max(1, sw // 2), max(1, sh // 2)) if half else target)
        im.load()
        img = _to_pdf_mode(im)
        if limit is not None and half and img.mode != "1" and (img.width > limit[0] or img.height > limit[1]):
            img = img.reduce(2)            # decoded without DCT scaling (HEIC, or draft refused)
        if target is not None and (img.width > limit[0] or img.height > limit[1]):
            if img.mode == "1":
                img = img.convert("L").resize(target, Image.Resampling.LANCZOS).point(
                    lambda v: 255 if v >= 128 else 0).convert("1")
            elif lossy:                     # a photo: HAMMING is within 2.6/255 of LANCZOS, at half the cost
                img = img.resize(target, Image.Resampling.HAMMING, reducing_gap=2.0)
            else:                           # lossless (scans, screenshots): keep edges crisp
                img = img.resize(target, Image.Resampling.LANCZOS, reducing_gap=3.0)
        xobj = _encoded_xobject(out, img, lossy, im.info.get("icc_profile"), sampling)
    m = _image_matrix(o, x, y, pw, ph)
    content = pikepdf.Stream(out, b"q " + _cm(m) + b" cm /Im0 Do Q")
    page = Dictionary(Type=Name.Page, MediaBox=Array([0, 0, int(_PAGE_W), int(_PAGE_H)]),
                      Resources=Dictionary(XObject=Dictionary(Im0=xobj)), Contents=content)
    out.pages.append(pikepdf.Page(out.make_indirect(page)))


def _png_xobject(out: pikepdf.Pdf, png: PngData, icc: Optional[bytes]) -> pikepdf.Stream:
    """The PNG's own compressed rows, read by PDF's Flate filter with the PNG predictors."""
    stream = pikepdf.Stream(out, b"")
    stream.write(png.idat, filter=Name.FlateDecode,
                 decode_parms=Dictionary(Predictor=15, Colors=png.colors, BitsPerComponent=png.depth,
                                         Columns=png.width))
    stream.Type = Name.XObject
    stream.Subtype = Name.Image
    stream.Width = png.width
    stream.Height = png.height
    stream.BitsPerComponent = png.depth
    if png.palette is not None:
        stream.ColorSpace = Array([Name.Indexed, _icc_colorspace(out, icc, "RGB"), len(png.palette) // 3 - 1,
                                   pikepdf.String(png.palette)])
    elif png.colors == 3:
        stream.ColorSpace = _icc_colorspace(out, icc, "RGB")
    else:   # as the decoded path: a 1-bit image is plain DeviceGray
        stream.ColorSpace = Name.DeviceGray if png.depth == 1 else _icc_colorspace(out, icc, "L")
    return out.make_indirect(stream)


def _jpeg_sampling(im) -> int:
    """The source JPEG's chroma subsampling as Pillow's ``subsampling`` value (0 = 4:4:4), or -1."""
    try:
        from PIL import JpegImagePlugin
        return int(JpegImagePlugin.get_sampling(im))
    except Exception:
        return -1


def _webp_lossless(im) -> bool:
    try:
        fp = im.fp
        fp.seek(0)
        head = fp.read(64)
    except Exception:
        return False
    return b"VP8L" in head


def _icc_colorspace(out: pikepdf.Pdf, icc: Optional[bytes], mode: str):
    n = {"L": 1, "RGB": 3, "CMYK": 4}.get(mode)
    base = {"L": Name.DeviceGray, "RGB": Name.DeviceRGB, "CMYK": Name.DeviceCMYK}[mode]
    if not icc or n is None or len(icc) < 128:
        return base
    space = icc[16:20]
    if {1: b"GRAY", 3: b"RGB ", 4: b"CMYK"}[n] != space:
        return base
    stream = pikepdf.Stream(out, icc)
    stream.N = n
    stream.Alternate = base
    return Array([Name.ICCBased, out.make_indirect(stream)])


def _jpeg_xobject(out: pikepdf.Pdf, jpeg: bytes, im, w: int, h: int) -> pikepdf.Stream:
    stream = pikepdf.Stream(out, jpeg)     # stored as is: the filter below describes the bytes
    stream.write(jpeg, filter=Name.DCTDecode)
    stream.Type = Name.XObject
    stream.Subtype = Name.Image
    stream.Width = w
    stream.Height = h
    stream.BitsPerComponent = 8
    stream.ColorSpace = _icc_colorspace(out, im.info.get("icc_profile"), im.mode)
    if im.mode == "CMYK" and "adobe" in im.info:
        stream.Decode = Array([1, 0, 1, 0, 1, 0, 1, 0])   # Adobe CMYK JPEGs store inverted inks
    return out.make_indirect(stream)


def _to_pdf_mode(im):
    """Convert any Pillow mode to 1, L, RGB or CMYK, flattening transparency onto white."""
    from PIL import Image

    mode = im.mode
    if mode in ("1", "L", "RGB", "CMYK"):
        if mode in ("L", "RGB") and "transparency" in im.info:
            im = im.convert("RGBA" if mode == "RGB" else "LA")
            mode = im.mode
        else:
            return im
    if mode == "P":
        has_alpha = "transparency" in im.info or (im.palette is not None and im.palette.mode == "RGBA")
        im = im.convert("RGBA" if has_alpha else "RGB")
        mode = im.mode
        if mode == "RGB":
            return im
    if mode == "PA":
        im = im.convert("RGBA")
        mode = "RGBA"
    if mode in ("I;16", "I;16L", "I;16B", "I;16N", "I"):
        if mode != "I":
            im = im.convert("I")
        hi = im.getextrema()[1]
        scale = 1 / 256 if hi > 255 else 1
        return im.point(lambda v: v * scale).convert("L")
    if mode == "F":
        return im.convert("L")
    if mode in ("LA", "La"):
        bg = Image.new("L", im.size, 255)
        bg.paste(im.convert("L"), mask=im.getchannel("A"))
        return bg
    if mode in ("RGBA", "RGBa", "RGBX"):
        if mode == "RGBX":
            return im.convert("RGB")
        bg = Image.new("RGB", im.size, (255, 255, 255))
        bg.paste(im.convert("RGB"), mask=im.getchannel("A"))
        return bg
    return im.convert("RGB")


def _encoded_xobject(out: pikepdf.Pdf, img, lossy: bool, icc: Optional[bytes],
                     sampling: int = -1) -> pikepdf.Stream:
    mode = img.mode
    w, h = img.size
    if lossy and mode in ("L", "RGB", "CMYK"):
        if mode == "CMYK":
            img, mode, icc = img.convert("RGB"), "RGB", None
        buf = io.BytesIO()
        extra = {"subsampling": sampling} if sampling in (0, 1, 2) and mode == "RGB" else {}
        img.save(buf, format="JPEG", quality=JPEG_QUALITY, **extra)
        stream = pikepdf.Stream(out, b"")
        stream.write(buf.getvalue(), filter=Name.DCTDecode)
        bpc = 8
    else:
        raw = img.tobytes()
        stream = pikepdf.Stream(out, b"")
        stream.write(zlib.compress(raw, 6), filter=Name.FlateDecode)
        bpc = 1 if mode == "1" else 8
    stream.Type = Name.XObject
    stream.Subtype = Name.Image
    stream.Width = w
    stream.Height = h
    stream.BitsPerComponent = bpc
    stream.ColorSpace = Name.DeviceGray if mode == "1" else _icc_colorspace(out, icc, mode)
    return out.make_indirect(stream)
