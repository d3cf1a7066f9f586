"""PNG pass-through (issue 16): a PNG's compressed rows go into the PDF unchanged, and render exactly as the
decoded path renders them; anything else (alpha, EXIF, damage, too many pixels for the bound) is decoded."""

from __future__ import annotations

import hashlib
import io
import struct
import zlib

import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageCms, ImageDraw

from packetgen.errors import EvidenceDamagedError
from packetgen.evidence import image as image_mod
from packetgen.evidence.normalize import normalize
from packetgen.evidence.png import png_passthrough


def _picture(size=(600, 800)) -> Image.Image:
    im = Image.new("RGB", size, (248, 248, 248))
    d = ImageDraw.Draw(im)
    for i in range(40):
        x, y = (i * 37) % size[0], (i * 53) % size[1]
        d.rectangle([x, y, x + 90, y + 30], fill=((i * 40) % 256, (i * 90) % 256, (i * 150) % 256))
        d.text((x + 2, y + 2), f"row {i}", fill=(0, 0, 0))
    return im


VARIANTS = {
    "rgb": lambda im, p: im.save(p),
    "gray": lambda im, p: im.convert("L").save(p),
    "bilevel": lambda im, p: im.convert("1").save(p),
    "palette-8bit": lambda im, p: im.convert("P", palette=Image.Palette.ADAPTIVE, colors=200).save(p),
    "palette-4bit": lambda im, p: im.convert("P", palette=Image.Palette.ADAPTIVE, colors=16).save(p, bits=4),
    "non-square-dpi": lambda im, p: im.save(p, dpi=(144, 72)),
    "icc": lambda im, p: im.save(p, icc_profile=ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()),
}


def _render(pdf) -> str:
    buf = io.BytesIO()
    pdf.save(buf)
    page = pdfium.PdfDocument(buf.getvalue())[0]
    return hashlib.sha256(page.render(scale=120 / 72).to_pil().tobytes()).hexdigest()


def _xobject(doc):
    return list(doc.pdf.pages[0].Resources.XObject.values())[0]


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_png_passes_through_and_renders_as_decoded(variant, tmp_path, monkeypatch):
    path = tmp_path / f"{variant}.png"
    VARIANTS[variant](_picture(), path)
    data = path.read_bytes()
    fast = normalize(path)
    xo = _xobject(fast)
    assert xo.DecodeParms.Predictor == 15
    stored = png_passthrough(data)
    assert stored is not None and xo.read_raw_bytes() == stored.idat       # the PNG's own bytes, unchanged
    monkeypatch.setattr(image_mod, "png_passthrough", lambda data: None)   # the decoding path
    slow = normalize(path)
    assert "/DecodeParms" not in _xobject(slow)
    assert _render(fast.pdf) == _render(slow.pdf)


@pytest.mark.parametrize("variant", ["alpha", "transparent-palette", "exif", "interlaced", "16-bit"])
def test_pngs_that_would_render_differently_are_decoded(variant, tmp_path):
    im = _picture()
    path = tmp_path / f"{variant}.png"
    if variant == "alpha":
        im.convert("RGBA").save(path)
    elif variant == "transparent-palette":
        im.convert("P", palette=Image.Palette.ADAPTIVE, colors=16).save(path, transparency=0)
    elif variant == "exif":
        exif = Image.Exif()
        exif[0x0112] = 6
        im.save(path, exif=exif.tobytes())
    elif variant == "interlaced":
        im.save(path)                             # Pillow cannot write Adam7: set IHDR's interlace byte, CRC fixed
        data = bytearray(path.read_bytes())
        data[28] = 1
        data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
        path.write_bytes(bytes(data))
    else:
        im.convert("I;16").save(path)
    assert png_passthrough(path.read_bytes()) is None


def _idat(data: bytes) -> tuple[int, int]:
    pos = data.index(b"IDAT") - 4
    assert data.count(b"IDAT") == 1
    return pos, struct.unpack(">I", data[pos:pos + 4])[0]


def _with_idat(data: bytes, body: bytes) -> bytes:
    """The PNG with its (single) IDAT body replaced, the chunk's CRC recomputed."""
    pos, length = _idat(data)
    chunk = struct.pack(">I", len(body)) + b"IDAT" + body + struct.pack(">I", zlib.crc32(b"IDAT" + body))
    return data[:pos] + chunk + data[pos + 12 + length:]


def test_damaged_pngs_are_not_passed_through(tmp_path):
    path = tmp_path / "ok.png"
    _picture((300, 200)).save(path, compress_level=1)
    data = path.read_bytes()
    assert png_passthrough(data) is not None
    cut = data[: len(data) // 2]
    assert png_passthrough(cut) is None
    bad_crc = bytearray(data)
    bad_crc[40] ^= 0xFF
    assert png_passthrough(bytes(bad_crc)) is None
    pos, length = _idat(data)
    raw = bytearray(zlib.decompress(data[pos + 8:pos + 8 + length]))
    assert png_passthrough(_with_idat(data, zlib.compress(bytes(raw)))) is not None    # the helper is sound
    assert png_passthrough(_with_idat(data, zlib.compress(bytes(raw[:-50])))) is None  # rows missing
    raw[0] = 9                                                                       # no such row filter
    assert png_passthrough(_with_idat(data, zlib.compress(bytes(raw)))) is None
    # and the build still names the damage, through the decoding path
    (tmp_path / "cut.png").write_bytes(cut)
    with pytest.raises(EvidenceDamagedError, match="cut.png"):
        normalize(tmp_path / "cut.png")


def test_a_png_over_the_resolution_bound_is_resampled(tmp_path):
    path = tmp_path / "big.png"
    _picture((3000, 4000)).save(path, compress_level=1)
    doc = normalize(path)
    xo = _xobject(doc)
    assert "/DecodeParms" not in xo and int(xo.Width) < 3000
