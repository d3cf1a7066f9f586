"""Bounds inside a PDF, and streams no decoder accepts: decompression bombs refused, damaged streams repaired.

Every stream a page reaches (content, XObjects, fonts, patterns, annotation appearances...) is checked once,
before anything decodes it.  The bounds and the repairs are in ``docs/evidence.md`` ("Bounds").  The
packet's ``verify`` runs the same check on the finished packet.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from typing import Iterator, Optional

import pikepdf
from pikepdf import Array, Dictionary, Name

from packetgen.evidence.image import MAX_IMAGE_PIXELS

#: No single image may decode to more than this (a 600-dpi Letter colour scan is 101 MB decoded) ...
MAX_STREAM_BYTES = 256 << 20
#: ... nor any other stream (page content, fonts, drawings) to more than this (the corpus's largest: 2 MB).
MAX_CONTENT_BYTES = 64 << 20
#: Nor all streams of one evidence file together (images counted at their declared size).
MAX_FILE_DECODED_BYTES = 2 << 30

_FLATE = ("/FlateDecode", "/Fl")
_IMAGE_CODECS = ("/DCTDecode", "/DCT", "/JPXDecode", "/JBIG2Decode", "/CCITTFaxDecode", "/CCF")
# keys that lead away from what a page draws (to other pages, the page tree, actions)
_SKIP_KEYS = frozenset({"/Parent", "/P", "/Dest", "/A", "/AA", "/IRT", "/Popup", "/D", "/Next", "/Prev",
                        "/First", "/Last", "/StructParent", "/StructParents", "/Metadata", "/Thumb", "/PieceInfo",
                        # arrays of numbers or names only: nothing to find, and long (font widths)
                        "/Widths", "/W", "/W2", "/Differences", "/BBox", "/Matrix", "/Decode", "/Rect",
                        "/MediaBox", "/CropBox", "/BleedBox", "/TrimBox", "/ArtBox", "/QuadPoints", "/Domain",
                        "/Range", "/Coords", "/Extend", "/FontBBox", "/FontMatrix", "/Border", "/C"})
_WALK_LIMIT = 1_000_000       # objects visited per file: a bound on the walk itself


class BoundExceeded(Exception):
    """A bound is exceeded; ``str()`` says which, on which page (1-based)."""

    def __init__(self, page: int, text: str):
        super().__init__(text)
        self.page = page
        self.text = text


@dataclass
class Damage:
    page: int
    what: str            # "an image", "the page content", "a font"...
    repaired: str        # what was done


@dataclass
class StreamCheck:
    """The result of :func:`check_pages`: decoded bytes counted, and the damaged streams found (and repaired)."""

    decoded: int = 0
    damaged: list[Damage] = field(default_factory=list)


class _Undecodable(Exception):
    pass


def _filters(stream: pikepdf.Stream) -> list[str]:
    f = stream.get("/Filter")
    if isinstance(f, Name):
        return [str(f)]
    if isinstance(f, Array):
        return [str(x) for x in f if isinstance(x, Name)]
    return []


def _inflate(chunks: Iterator[bytes], piece: int = 1 << 20) -> Iterator[bytes]:
    d = zlib.decompressobj()
    for chunk in chunks:
        while chunk:
            try:
                out = d.decompress(chunk, piece)
            except zlib.error as exc:
                raise _Undecodable(str(exc)) from exc
            if out:
                yield out
            chunk = d.unconsumed_tail
        if d.eof:
            return
    if not d.eof:
        raise _Undecodable("cut off")


def _declared_image_bytes(stream: pikepdf.Stream) -> Optional[int]:
    try:
        w, h = int(stream.get("/Width", 0)), int(stream.get("/Height", 0))
        bpc = int(stream.get("/BitsPerComponent", 8)) if not stream.get("/ImageMask", False) else 1
    except (TypeError, ValueError):
        return None
    cs = stream.get("/ColorSpace")
    n = 4 if cs in (Name.DeviceCMYK,) else 1 if cs in (Name.DeviceGray, Name.CalGray) or bpc == 1 else 3
    return ((w * n * max(1, min(bpc, 16)) + 7) // 8) * h


def _describe(stream: pikepdf.Stream, key: Optional[str]) -> str:
    sub = stream.get("/Subtype")
    if sub == Name.Image:
        return "an image"
    if sub == Name.Form:
        return "a drawing (form XObject)"
    if key in ("/FontFile", "/FontFile2", "/FontFile3"):
        return "an embedded font"
    if key == "/Contents":
        return "the page content"
    return "a stream"


def _placeholder(stream: pikepdf.Stream, key: Optional[str]) -> None:
    """Replace a damaged image by a light-grey 1 x 1 image: a grey box shows where it was.

    (Viewers disagree on such an image: pdfium paints it black, others leave it out.)
    """
    mask = bool(stream.get("/ImageMask", False))
    for k in list(stream.keys()):
        if k not in ("/Type", "/Subtype", "/Length"):
            del stream[k]
    if mask:                               # a stencil mask whose one sample is "do not paint"
        stream.write(zlib.compress(b"\xff"), filter=Name.FlateDecode)
        stream.ImageMask, stream.BitsPerComponent = True, 1
    else:                                  # grey; as a soft mask: fully opaque
        stream.write(zlib.compress(b"\xff" if key == "/SMask" else b"\xd8"), filter=Name.FlateDecode)
        stream.ColorSpace, stream.BitsPerComponent = Name.DeviceGray, 8
    stream.Width, stream.Height = 1, 1


def _walk(page_obj: Dictionary, resources, seen: set) -> Iterator[tuple[pikepdf.Stream, Optional[str]]]:
    """Every stream reachable from a page (not through the page tree or actions), each once per file."""
    todo: list[tuple[object, Optional[str]]] = [(page_obj, None)]
    if isinstance(resources, Dictionary):
        todo.append((resources, "/Resources"))
    while todo:
        obj, key = todo.pop()
        if isinstance(obj, (Dictionary, pikepdf.Stream)):
            if obj.is_indirect:
                if obj.objgen in seen:
                    continue
                seen.add(obj.objgen)
                if len(seen) > _WALK_LIMIT:
                    raise BoundExceeded(0, f"more than {_WALK_LIMIT:,} objects")
            if isinstance(obj, pikepdf.Stream):
                yield obj, key
            for k, v in obj.items():
                if k not in _SKIP_KEYS and isinstance(v, (Dictionary, Array, pikepdf.Stream)):
                    todo.append((v, k))
        elif isinstance(obj, Array):
            if len(obj) > 100_000:
                continue
            for v in obj:
                if isinstance(v, (Dictionary, Array, pikepdf.Stream)):
                    todo.append((v, key))


def check_pages(pages, *, repair: bool, max_file_bytes: Optional[int] = None,
                inherited_resources=None) -> StreamCheck:
    """Check the bounds of every stream the pages reach; with ``repair``, fix damaged streams in place.

    Raises :class:`BoundExceeded` at the first bound exceeded.  Without ``repair``, damaged streams are
    only listed.  ``inherited_resources(page_obj)`` gives a page's /Resources when it is inherited.
    """
    result = StreamCheck()
    seen: set = set()
    max_file_bytes = max_file_bytes or MAX_FILE_DECODED_BYTES
    for number, page in enumerate(pages, start=1):
        pobj = page.obj
        res = inherited_resources(pobj) if inherited_resources else pobj.get("/Resources")
        content = 0
        for stream, key in _walk(pobj, res, seen):
            before = result.decoded
            _check_stream(stream, key, number, repair, result)
            if key == "/Contents":       # a page's content streams are joined into one drawing
                content += result.decoded - before
                if content > MAX_CONTENT_BYTES:
                    raise BoundExceeded(number, f"page content that decodes to more than {_mb(MAX_CONTENT_BYTES)}")
            if result.decoded > max_file_bytes:
                raise BoundExceeded(number, f"its streams decode to more than {_mb(max_file_bytes)} in all")
    return result


def _mb(n: int) -> str:
    return f"{n / (1 << 20):,.0f} MB"


def _check_stream(stream: pikepdf.Stream, key: Optional[str], page: int, repair: bool, result: StreamCheck) -> None:
    filters = _filters(stream)
    is_image = stream.get("/Subtype") == Name.Image
    declared = _declared_image_bytes(stream) if is_image else None
    if is_image:
        try:
            w, h = int(stream.get("/Width", 0)), int(stream.get("/Height", 0))
        except (TypeError, ValueError):
            w = h = 0
        if w * h > MAX_IMAGE_PIXELS:
            raise BoundExceeded(page, f"an image of {w:,} x {h:,} pixels (at most "
                                      f"{MAX_IMAGE_PIXELS / 1e6:.0f} megapixels)")
        if declared is not None and declared > MAX_STREAM_BYTES:
            raise BoundExceeded(page, f"an image of {w:,} x {h:,} pixels that decodes to {_mb(declared)} "
                                      f"(at most {_mb(MAX_STREAM_BYTES)} per stream)")
    bound = MAX_STREAM_BYTES if is_image else MAX_CONTENT_BYTES
    codec = next((f for f in filters if f in _IMAGE_CODECS), None)
    layers = filters[:filters.index(codec)] if codec else filters
    if not layers and codec is None:       # not encoded: its length is its size
        size = int(stream.get("/Length", 0) or 0)
        if size > bound:
            raise BoundExceeded(page, f"{_describe(stream, key)} of {_mb(size)} (at most {_mb(bound)})")
        result.decoded += size
        return
    raw = stream.read_raw_bytes()
    if not raw:                            # an empty stream decodes to nothing, whatever its filter says
        return
    try:
        if all(f in _DECODERS for f in layers):
            data = _bounded_decode(raw, layers, _parms(stream, len(filters)), page, bound,
                                   what=_describe(stream, key), keep=codec in ("/DCTDecode", "/DCT"))
            size = data if isinstance(data, int) else len(data)
        else:
            # a filter packetgen does not decode itself (/Crypt...): qpdf decodes it, then it is bounded
            decoded = stream.read_bytes()
            if len(decoded) > bound:
                raise BoundExceeded(page, f"{_describe(stream, key)} that decodes to more than {_mb(bound)}")
            data, size = decoded, len(decoded)
        if codec in ("/DCTDecode", "/DCT"):
            _check_jpeg(data if isinstance(data, bytes) else raw)
            size = declared or size
        elif codec is not None:
            size = declared or size
    except _Undecodable as exc:
        _damaged(stream, key, page, repair, result, raw, layers, str(exc))
        return
    except pikepdf.PdfError as exc:
        _damaged(stream, key, page, repair, result, raw, layers, str(exc))
        return
    result.decoded += size


def _bounded_decode(raw: bytes, layers: list[str], parms: list, page: int, bound: int, what: str, keep: bool):
    """The decoded size (or, with ``keep``, the decoded bytes) of the filter ``layers``, stopping at ``bound``.

    Flate is decoded incrementally (1 MB at a time); the other filters take their whole input, which an
    earlier layer may only produce up to twice the bound (ASCIIHex halves it).
    """
    def too_much() -> BoundExceeded:
        return BoundExceeded(page, f"{what} that decodes to more than {_mb(bound)}")

    gen: Iterator[bytes] = iter([raw])
    for f, p in zip(layers, parms):
        gen = _DECODERS[f](gen, p, 2 * bound + 1024, too_much)
    total, parts = 0, []
    for piece in gen:
        total += len(piece)
        if total > bound:
            raise too_much()
        if keep:
            parts.append(piece)
    return b"".join(parts) if keep else total


def _parms(stream: pikepdf.Stream, n: int) -> list:
    p = stream.get("/DecodeParms", stream.get("/DP"))
    if isinstance(p, Array):
        items = [x if isinstance(x, Dictionary) else None for x in p]
    else:
        items = [p if isinstance(p, Dictionary) else None]
    return (items + [None] * n)[:n]


def _gather(chunks: Iterator[bytes], limit: int, too_much) -> bytes:
    parts, total = [], 0
    for c in chunks:
        total += len(c)
        if total > limit:
            raise too_much()
        parts.append(c)
    return b"".join(parts)


def _d_flate(chunks, parms, limit, too_much):
    return _inflate(chunks)


def _d_a85(chunks, parms, limit, too_much):
    # ASCII85 only shrinks (5 characters to 4 bytes), so it is decoded whole, by qpdf's decoder: Python's
    # base64.a85decode loops in Python (0.8 s on the benchmark's 892 pages, whose reportlab PDFs hold their
    # images in ASCII85).
    data = _gather(chunks, limit, too_much).strip()
    if data.startswith(b"<~"):
        data = data[2:]
    if b"~>" not in data:
        data += b"~>"
    scratch = pikepdf.Pdf.new()
    try:
        yield pikepdf.Stream(scratch, data, Filter=Name.ASCII85Decode).read_bytes()
    except (pikepdf.PdfError, RuntimeError) as exc:
        raise _Undecodable("bad ASCII85 data") from exc
    finally:
        scratch.close()


def _d_ahx(chunks, parms, limit, too_much):
    data = _gather(chunks, limit, too_much)
    end = data.find(b">")
    data = b"".join((data[:end] if end >= 0 else data).split())
    if len(data) % 2:
        data += b"0"
    try:
        yield bytes.fromhex(data.decode("ascii"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise _Undecodable("bad ASCIIHex data") from exc


def _d_rl(chunks, parms, limit, too_much):
    data = _gather(chunks, limit, too_much)
    i, n, out, size = 0, len(data), bytearray(), 0
    while i < n:
        b = data[i]
        if b == 128:
            break
        if b < 128:
            out += data[i + 1:i + 2 + b]
            i += 2 + b
        else:
            out += data[i + 1:i + 2] * (257 - b)
            i += 2
        if len(out) >= 1 << 20:
            size += len(out)
            if size > limit:
                raise too_much()
            yield bytes(out)
            out = bytearray()
    yield bytes(out)


def _d_lzw(chunks, parms, limit, too_much):
    """LZW as PDF uses it (MSB first, 9-12 bit codes, EarlyChange), in pieces of at most 1 MB."""
    data = _gather(chunks, limit, too_much)
    early = 1
    if isinstance(parms, Dictionary):
        try:
            early = int(parms.get("/EarlyChange", 1))
        except (TypeError, ValueError):
            early = 1
    table: list[bytes] = [bytes([i]) for i in range(256)] + [b"", b""]
    width, bits, nbits, prev = 9, 0, 0, None
    out = bytearray()
    for byte in data:
        bits = (bits << 8) | byte
        nbits += 8
        while nbits >= width:
            nbits -= width
            code = (bits >> nbits) & ((1 << width) - 1)
            bits &= (1 << nbits) - 1
            if code == 256:
                table, width, prev = table[:258], 9, None
                continue
            if code == 257:
                yield bytes(out)
                return
            if code < len(table):
                entry = table[code]
                if prev is not None and len(table) < 4096:
                    table.append(prev + entry[:1])
            elif code == len(table) and prev is not None:
                entry = prev + prev[:1]
                if len(table) < 4096:
                    table.append(entry)
            else:
                raise _Undecodable("bad LZW code")
            out += entry
            prev = entry
            if len(table) + early >= (1 << width) and width < 12:
                width += 1
            if len(out) >= 1 << 20:
                yield bytes(out)
                out = bytearray()
    yield bytes(out)


_DECODERS = {"/FlateDecode": _d_flate, "/Fl": _d_flate, "/ASCII85Decode": _d_a85, "/A85": _d_a85,
             "/ASCIIHexDecode": _d_ahx, "/AHx": _d_ahx, "/RunLengthDecode": _d_rl, "/RL": _d_rl,
             "/LZWDecode": _d_lzw, "/LZW": _d_lzw}


def _check_jpeg(data: bytes) -> None:
    from packetgen.evidence.jpeg import _jpeg_structure_problem

    if not data.startswith(b"\xff\xd8"):
        raise _Undecodable("not JPEG data")
    if _jpeg_structure_problem(data) is None:
        return
    import io

    from PIL import Image

    try:       # the walk is stricter than libjpeg on some files: let the decoder decide
        with Image.open(io.BytesIO(data)) as im:
            if im.width * im.height > MAX_IMAGE_PIXELS:
                raise _Undecodable("too large")
            im.load()
    except _Undecodable:
        raise
    except Exception as exc:
        raise _Undecodable("damaged JPEG data") from exc


def _recovered(raw: bytes, layers: list[str]) -> bytes:
    """What a damaged Flate stream still yields before the damage (nothing for other filters)."""
    if len(layers) != 1 or layers[0] not in _FLATE:
        return b""
    d = zlib.decompressobj()
    out = []
    try:
        chunk = raw
        while chunk:
            piece = d.decompress(chunk, 1 << 20)
            out.append(piece)
            chunk = d.unconsumed_tail
    except zlib.error:
        pass
    return b"".join(out)[:MAX_STREAM_BYTES]


def _damaged(stream, key, page: int, repair: bool, result: StreamCheck, raw: bytes, layers: list[str],
             detail: str) -> None:
    what = _describe(stream, key)
    if not repair:
        result.damaged.append(Damage(page, what, ""))
        return
    if stream.get("/Subtype") == Name.Image:
        _placeholder(stream, key)
        done = "a grey box shows where it was"
    else:
        data = _recovered(raw, layers)
        for k in ("/DecodeParms", "/Filter"):
            if k in stream:
                del stream[k]
        stream.write(data)
        done = "kept what could be read of it" if data else "left it out"
    result.damaged.append(Damage(page, what, done))
