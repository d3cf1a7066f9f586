"""Writing systems and the bundled fonts that show them: which script a character belongs to, which font family
covers it, and the families' character maps (each font file parsed only when its script appears).
Policy and the font list: docs/letter.md ("Scripts and fonts") and packetgen/data/fonts/README.md."""

from __future__ import annotations

import threading
import unicodedata
from dataclasses import dataclass
from typing import Optional

from packetgen.errors import InternalError
from packetgen.resources import data_dir


@dataclass(frozen=True)
class Family:
    """A bundled font family: reportlab names and files of its faces, how its runs are set."""
    name: str
    faces: tuple[str, str, str, str]       # regular, bold, italic, bold italic (reportlab font names)
    files: dict                            # reportlab font name -> file in packetgen/data/fonts
    rtl: bool = False                      # runs are laid out right to left (visual order)
    shaped: bool = False                   # runs need HarfBuzz shaping (conjuncts, mark positioning)
    ranges: tuple = ()                     # code point ranges this family is chosen for


FAMILIES: dict[str, Family] = {f.name: f for f in (
    Family("latin", ("PG-Serif", "PG-Serif-Bold", "PG-Serif-Italic", "PG-Serif-BoldItalic"),
           {"PG-Serif": "NotoSerif-Regular.ttf", "PG-Serif-Bold": "NotoSerif-Bold.ttf",
            "PG-Serif-Italic": "NotoSerif-Italic.ttf", "PG-Serif-BoldItalic": "NotoSerif-BoldItalic.ttf"}),
    Family("arabic", ("PG-Arabic", "PG-Arabic-Bold", "PG-Arabic", "PG-Arabic-Bold"),
           {"PG-Arabic": "NotoSansArabic-Regular.ttf", "PG-Arabic-Bold": "NotoSansArabic-Bold.ttf"}, rtl=True,
           ranges=((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))),
    Family("hebrew", ("PG-Hebrew", "PG-Hebrew-Bold", "PG-Hebrew", "PG-Hebrew-Bold"),
           {"PG-Hebrew": "NotoSerifHebrew-Regular.ttf", "PG-Hebrew-Bold": "NotoSerifHebrew-Bold.ttf"}, rtl=True,
           ranges=((0x0590, 0x05FF), (0xFB1D, 0xFB4F))),
    Family("devanagari", ("PG-Devanagari", "PG-Devanagari-Bold", "PG-Devanagari", "PG-Devanagari-Bold"),
           {"PG-Devanagari": "NotoSerifDevanagari-Regular.ttf", "PG-Devanagari-Bold": "NotoSerifDevanagari-Bold.ttf"},
           shaped=True, ranges=((0x0900, 0x097F), (0xA8E0, 0xA8FF), (0x1CD0, 0x1CFF))),
    Family("thai", ("PG-Thai", "PG-Thai-Bold", "PG-Thai", "PG-Thai-Bold"),
           {"PG-Thai": "NotoSerifThai-Regular.ttf", "PG-Thai-Bold": "NotoSerifThai-Bold.ttf"}, shaped=True,
           ranges=((0x0E00, 0x0E7F),)),
    Family("ethiopic", ("PG-Ethiopic", "PG-Ethiopic-Bold", "PG-Ethiopic", "PG-Ethiopic-Bold"),
           {"PG-Ethiopic": "NotoSerifEthiopic-Regular.ttf", "PG-Ethiopic-Bold": "NotoSerifEthiopic-Bold.ttf"},
           ranges=((0x1200, 0x139F), (0x2D80, 0x2DDF), (0xAB00, 0xAB2F))),
    Family("korean", ("PG-Korean", "PG-Korean", "PG-Korean", "PG-Korean"),
           {"PG-Korean": "NanumMyeongjo.ttf"},
           ranges=((0x1100, 0x11FF), (0x3130, 0x318F), (0xA960, 0xA97F), (0xAC00, 0xD7AF), (0xD7B0, 0xD7FF))),
    Family("cjk", ("PG-CJK", "PG-CJK", "PG-CJK", "PG-CJK"), {"PG-CJK": "NotoSansSC-Regular.ttf"},
           ranges=((0x2E80, 0x2FDF), (0x3000, 0x30FF), (0x31F0, 0x31FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF),
                   (0xF900, 0xFAFF), (0xFF00, 0xFFEF), (0x20000, 0x3FFFF))),
)}

# The order other families are tried for a character that no family claims by its range and the body lacks.
FALLBACK_ORDER = ("cjk", "arabic", "hebrew", "devanagari", "thai", "ethiopic", "korean")

_CMAPS: dict[str, set[int]] = {}
_LOADED: set[str] = set()
_LOCK = threading.Lock()


def register_family(family: str) -> None:
    """Register one bundled family with reportlab (once per process)."""
    if family in _LOADED:
        return
    with _LOCK:
        if family in _LOADED:
            return
        from reportlab.lib.fonts import addMapping
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        fam = FAMILIES[family]
        folder = data_dir() / "fonts"
        for name in dict.fromkeys(fam.faces):
            path = folder / fam.files[name]
            try:
                # Shaping is done by packetgen before layout (letter/fonts.py), never by reportlab's paragraphs.
                font = TTFont(name, str(path), shapable=False)
            except Exception as exc:  # missing or damaged bundled file
                raise InternalError(f"bundled font {path} cannot be loaded ({exc})",
                                    fix="reinstall packetgen; the fonts ship in packetgen/data/fonts")
            pdfmetrics.registerFont(font)
            _CMAPS[name] = set(font.face.charToGlyph.keys())
        base, bold, italic, bold_italic = fam.faces
        addMapping(base, 0, 0, base)
        addMapping(base, 1, 0, bold)
        addMapping(base, 0, 1, italic)
        addMapping(base, 1, 1, bold_italic)
        _LOADED.add(family)


def cmap(family: str) -> set[int]:
    """The code points a family's regular face has (registering the family first)."""
    register_family(family)
    return _CMAPS[FAMILIES[family].faces[0]]


def family_by_range(cp: int) -> Optional[str]:
    for fam in FAMILIES.values():
        for lo, hi in fam.ranges:
            if lo <= cp <= hi:
                return fam.name
    return None


def script_name(ch: str) -> str:
    """'Armenian', 'Georgian', 'Hangul'... from the character's Unicode name (its first word)."""
    try:
        word = unicodedata.name(ch).split()[0]
    except ValueError:
        return f"U+{ord(ch):04X}"
    return {"CJK": "Chinese/Japanese", "HANGUL": "Korean (Hangul)"}.get(word, word.title())


def family_for(ch: str) -> Optional[str]:
    """The bundled family that shows ``ch``, or None when no bundled font has it."""
    cp = ord(ch)
    if cp < 0x80:
        return "latin"
    fam = family_by_range(cp)
    if fam is not None and fam != "cjk":
        return fam if cp in cmap(fam) else None
    if cp in cmap("latin"):
        return "latin"
    if fam == "cjk":
        return "cjk" if cp in cmap("cjk") else None
    if unicodedata.category(ch) in ("Zs", "Cc", "Cf"):
        return "latin"
    for other in FALLBACK_ORDER:
        if cp in cmap(other):
            return other
    return None


def unshowable(text: str) -> list[str]:
    """The characters of ``text`` that no bundled font can show (each once, in order)."""
    out: dict[str, None] = {}
    for ch in text or "":
        if ord(ch) >= 0x80 and not unicodedata.combining(ch) and family_for(ch) is None:
            out[ch] = None
    return list(out)
