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
        for stream, key in _walk(pobj, res, seen):
            _check_stream(stream, key, number, repair, result)
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
        if all(f in _FLATE for f in layers):
            data = _bounded_flate(raw, len(layers), page, bound, what=_describe(stream, key),
                                  keep=codec in ("/DCTDecode", "/DCT"))
            size = data if isinstance(data, int) else len(data)
        else:
            # LZW, RunLength, ASCIIHex, ASCII85 (rare today): decoded by qpdf, then bounded
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


def _bounded_flate(raw: bytes, layers: int, page: int, bound: int, what: str, keep: bool):
    """The decoded size (or, with ``keep``, the decoded bytes) of ``layers`` Flate layers, stopping at ``bound``."""
    gen: Iterator[bytes] = iter([raw])
    for _ in range(layers):
        gen = _inflate(gen)
    total, parts = 0, []
    for piece in gen:
        total += len(piece)
        if total > bound:
            raise BoundExceeded(page, f"{what} that decodes to more than {_mb(bound)}")
        if keep:
            parts.append(piece)
    return b"".join(parts) if keep else total


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
