"""PNG pass-through: a PNG's compressed pixel data goes into the PDF as it is (no decode, no re-compression).

PDF's Flate filter with the PNG predictors (``/Predictor 15``) reads PNG's IDAT data directly, which is
what img2pdf does.  The data is inflated once to check it (cut-off or damaged files, wrong row filters), but
never unfiltered or compressed again: the screenshots of the benchmark took 90 ms each through Pillow and
zlib, 12 ms this way.  Only what renders the same as the decoded path passes (docs/evidence.md, "Images").
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from typing import Optional

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_CHANNELS = {0: 1, 2: 3, 3: 1}          # grey, RGB, palette; alpha types (4, 6) are flattened by decoding
_DEPTHS = {0: (1, 2, 4, 8), 2: (8,), 3: (1, 2, 4, 8)}
#: Chunks that change how the pixels look or where they go: such a PNG takes the decoding path
#: (tRNS: transparency is flattened onto white; eXIf: orientation; the others are not part of PNG 1.2).
_DECODE_FOR = {b"tRNS", b"eXIf", b"acTL", b"fcTL", b"fdAT"}


@dataclass
class PngData:
    width: int
    height: int
    depth: int                  # bits per sample
    colors: int                 # samples per pixel (1 or 3)
    palette: Optional[bytes]    # RGB triplets of an indexed PNG
    idat: bytes                 # the zlib stream, as stored


def png_passthrough(data: bytes) -> Optional[PngData]:
    """The PNG's pixel data when it can go into the PDF unchanged, else None (then it is decoded)."""
    if not data.startswith(_SIGNATURE):
        return None
    pos, n = len(_SIGNATURE), len(data)
    header = palette = None
    idat: list[bytes] = []
    while pos + 12 <= n:
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body_end = pos + 8 + length
        if body_end + 4 > n:
            return None                                     # cut off
        body = data[pos + 8:body_end]
        if zlib.crc32(kind + body) != struct.unpack(">I", data[body_end:body_end + 4])[0]:
            return None                                     # damaged: decoding says how
        if kind == b"IHDR":
            if length != 13:
                return None
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"PLTE":
            palette = body
        elif kind == b"IDAT":
            idat.append(body)
        elif kind in _DECODE_FOR or (kind in (b"tEXt", b"zTXt", b"iTXt")
                                     and body.startswith(b"Raw profile type exif\0")):
            return None                                     # Pillow finds EXIF (orientation) there too
        elif kind == b"IEND":
            break
        pos = body_end + 4
    else:
        return None                                         # no IEND
    if header is None or not idat:
        return None
    width, height, depth, ctype, compression, filtering, interlace = header
    if ctype not in _CHANNELS or depth not in _DEPTHS[ctype] or compression or filtering or interlace:
        return None
    if width == 0 or height == 0 or (ctype == 3 and (not palette or len(palette) % 3)):
        return None
    stream = b"".join(idat)
    if not _rows_ok(stream, height, 1 + (width * _CHANNELS[ctype] * depth + 7) // 8):
        return None
    return PngData(width, height, depth, _CHANNELS[ctype], palette if ctype == 3 else None, stream)


def _rows_ok(stream: bytes, rows: int, stride: int, piece: int = 1 << 20) -> bool:
    """The zlib stream inflates to exactly ``rows`` rows of ``stride`` bytes, each starting with a valid
    filter type (0-4); inflated a piece at a time, never held whole."""
    d = zlib.decompressobj()
    done = 0                                    # bytes inflated so far
    expected = rows * stride
    chunk = stream
    try:
        while True:
            out = d.decompress(chunk, piece)
            if out:
                first = (-done) % stride            # offset in ``out`` of the next row's filter byte
                if done + len(out) > expected or (first < len(out) and max(out[first::stride]) > 4):
                    return False
                done += len(out)
            chunk = d.unconsumed_tail
            if d.eof or (not chunk and not out):
                break
    except zlib.error:
        return False
    return d.eof and done == expected
