"""Helpers shared by the evidence normalizers: page geometry, the fix texts, short error text.

Policy: ``docs/evidence.md``.
"""

from __future__ import annotations

import math
import re
from typing import Iterable, Optional

from pikepdf import Array, Name

from packetgen.layout import CONTENT_BOX, LETTER

_PAGE_W, _PAGE_H = LETTER
_BOX_X0, _BOX_Y0, _BOX_X1, _BOX_Y1 = CONTENT_BOX
_BOX_W = _BOX_X1 - _BOX_X0
_BOX_H = _BOX_Y1 - _BOX_Y0
_XOBJ_NAME = Name("/EvidencePage")
_TINY_PT = 72.0            # pages smaller than this (both sides) get a warning
_SHRINK_WARN = 0.5         # pages scaled below this get a warning
_HEADER_WINDOW = 1024      # %PDF- may start this far into the file

Matrix = tuple[float, float, float, float, float, float]


_FIX_RESAVE = ("get a fresh copy from where it came from (download it again or ask the sender), "
               "or open it in a viewer and save/print it as a new PDF")


def _short(exc: BaseException, limit: int = 160) -> str:
    text = f"{type(exc).__name__}: {exc}".replace("\n", " ")
    text = re.sub(r"stream <_io\.BytesIO object at 0x[0-9a-f]+>:? ?", "", text)
    # never a Python object's repr ("<_io.BytesIO object at 0x7f...>") in a message
    text = re.sub(r"<[\w.]+ (object )?at 0x[0-9a-fA-F]+>", "the file", text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _fit(w: float, h: float, upscale: bool) -> tuple[float, float, float]:
    """Scale and lower-left corner that fit a w x h box centred in CONTENT_BOX."""
    s = min(_BOX_W / w, _BOX_H / h)
    if not upscale:
        s = min(s, 1.0)
    return s, _BOX_X0 + (_BOX_W - w * s) / 2, _BOX_Y0 + (_BOX_H - h * s) / 2


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


def _fmt(v: float) -> bytes:
    text = f"{v:.10f}".rstrip("0").rstrip(".")
    return (text if text not in ("", "-0") else "0").encode()


def _cm(m: Matrix) -> bytes:
    return b" ".join(_fmt(v) for v in m)


def _page_ranges(numbers: Iterable[int]) -> str:
    nums = sorted(set(numbers))
    parts, start, prev = [], None, None
    for n in nums + [None]:
        if start is None:
            start = prev = n
        elif n is not None and n == prev + 1:
            prev = n
        else:
            parts.append(str(start) if start == prev else f"{start}-{prev}")
            start = prev = n
    return ", ".join(parts)


def _plain(obj, depth: int = 0):
    """A copy made of numbers, names and arrays of them only (None for anything else)."""
    if isinstance(obj, bool):
        return obj
    if isinstance(obj, (int, float)) or type(obj).__name__ == "Decimal":
        return obj
    if isinstance(obj, Name):
        return Name(str(obj))
    if isinstance(obj, Array) and depth < 3:
        items = [_plain(v, depth + 1) for v in obj]
        return Array([v for v in items if v is not None])
    return None


def _num(obj, default: float) -> float:
    try:
        v = float(obj)
    except (TypeError, ValueError):
        return default
    return v if math.isfinite(v) else default


def _rect(obj) -> Optional[tuple[float, float, float, float]]:
    """A normalized rectangle (x0 < x1, y0 < y1) from a PDF array, or None if unusable."""
    try:
        if not isinstance(obj, Array) or len(obj) != 4:
            return None
        x0, y0, x1, y1 = (float(v) for v in obj)
    except (TypeError, ValueError):
        return None
    if not all(math.isfinite(v) for v in (x0, y0, x1, y1)):
        return None
    x0, x1 = min(x0, x1), max(x0, x1)
    y0, y1 = min(y0, y1), max(y0, y1)
    if x1 - x0 <= 0 or y1 - y0 <= 0:
        return None
    return x0, y0, x1, y1

