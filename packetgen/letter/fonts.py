"""Fonts for the letter: bundled Noto families registered lazily, text split into script runs, each run set in a
font that has its glyphs (Arabic shaped, right to left).  Policy: docs/letter.md ("Scripts and fonts")."""

from __future__ import annotations

import re
import threading
import unicodedata
from typing import Optional

from packetgen.errors import InternalError
from packetgen.resources import data_dir

FONT_BODY = "PG-Serif"
FONT_BOLD = "PG-Serif-Bold"
FONT_ITALIC = "PG-Serif-Italic"
FONT_BOLD_ITALIC = "PG-Serif-BoldItalic"
FONT_ARABIC = "PG-Arabic"
FONT_ARABIC_BOLD = "PG-Arabic-Bold"
FONT_CJK = "PG-CJK"

_FONT_FILES = {
    FONT_BODY: "NotoSerif-Regular.ttf",
    FONT_BOLD: "NotoSerif-Bold.ttf",
    FONT_ITALIC: "NotoSerif-Italic.ttf",
    FONT_BOLD_ITALIC: "NotoSerif-BoldItalic.ttf",
    FONT_ARABIC: "NotoSansArabic-Regular.ttf",
    FONT_ARABIC_BOLD: "NotoSansArabic-Bold.ttf",
    FONT_CJK: "NotoSansSC-Regular.ttf",
}
# Families, each registered as a whole (its bold/italic mapping needs every face): name -> (regular, bold,
# italic, bold italic).  Only "latin" is registered up front; the others when text needs them.
_FAMILIES = {
    "latin": (FONT_BODY, FONT_BOLD, FONT_ITALIC, FONT_BOLD_ITALIC),
    "arabic": (FONT_ARABIC, FONT_ARABIC_BOLD, FONT_ARABIC, FONT_ARABIC_BOLD),
    "cjk": (FONT_CJK, FONT_CJK, FONT_CJK, FONT_CJK),
}
_CMAPS: dict[str, set[int]] = {}
_LOADED: set[str] = set()       # families registered with reportlab
_FONT_LOCK = threading.Lock()


def _register_family(family: str) -> None:
    """Register one bundled family with reportlab (once per process)."""
    if family in _LOADED:
        return
    with _FONT_LOCK:
        if family in _LOADED:
            return
        from reportlab.lib.fonts import addMapping
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        folder = data_dir() / "fonts"
        faces = _FAMILIES[family]
        for name in dict.fromkeys(faces):
            path = folder / _FONT_FILES[name]
            try:
                font = TTFont(name, str(path))
            except Exception as exc:  # missing or damaged bundled file
                raise InternalError(f"bundled font {path} cannot be loaded ({exc})",
                                    fix="reinstall packetgen; the fonts ship in packetgen/data/fonts")
            pdfmetrics.registerFont(font)
            _CMAPS[name] = set(font.face.charToGlyph.keys())
        base, bold, italic, bold_italic = faces
        addMapping(base, 0, 0, base)
        addMapping(base, 1, 0, bold)
        addMapping(base, 0, 1, italic)
        addMapping(base, 1, 1, bold_italic)
        _LOADED.add(family)


def _cmap(family: str) -> set[int]:
    """The code points a family's regular face has (registering the family first)."""
    _register_family(family)
    return _CMAPS[_FAMILIES[family][0]]


def register_fonts(*scripts: str) -> None:
    """Register the bundled OFL fonts with reportlab (each family once per process).

    Families: PG-Serif (Noto Serif: Latin, Greek, Cyrillic, with bold/italic) always;
    PG-Arabic (Noto Sans Arabic) and PG-CJK (Noto Sans SC: Chinese and Japanese kana) only when
    named here (``register_fonts("arabic", "cjk")``, or ``"all"``) or when :func:`font_markup` meets
    text that needs them.  Nothing else has to register them: the choice of font for each character
    is the same as when every family was registered up front (the CJK and Arabic character maps are
    consulted, and so loaded, for any character the body font lacks), so text never prints as empty
    boxes and output does not depend on what the process rendered before.

    Why lazily: parsing all seven faces took 0.17 s CPU unprofiled (0.10 s of it the 9.8 MB Noto Sans
    SC) and 0.49-0.68 s under pyinstrument/cProfile, for letters that are almost always Latin only.
    The four Noto Serif faces take 0.05 s together.
    """
    _register_family("latin")
    for s in scripts:
        for family in (_FAMILIES if s == "all" else (s,)):
            _register_family(family)


def _is_arabic(cp: int) -> bool:
    return (0x0600 <= cp <= 0x06FF or 0x0750 <= cp <= 0x077F or 0x08A0 <= cp <= 0x08FF
            or 0xFB50 <= cp <= 0xFDFF or 0xFE70 <= cp <= 0xFEFF)


def _is_cjk(cp: int) -> bool:
    return (0x2E80 <= cp <= 0x2FDF or 0x3000 <= cp <= 0x30FF or 0x31F0 <= cp <= 0x31FF
            or 0x3400 <= cp <= 0x4DBF or 0x4E00 <= cp <= 0x9FFF or 0xF900 <= cp <= 0xFAFF
            or 0xFF00 <= cp <= 0xFFEF or 0x20000 <= cp <= 0x3FFFF)


def _shape_arabic(run: str) -> tuple[str, bool]:
    """Contextual forms and right-to-left order for one Arabic run (letters, marks and inner spaces).

    Returns (visual text, shaped?).  Without ``arabic-reshaper`` the letters keep
    their isolated forms (still readable glyphs, but not joined).
    """
    try:
        import arabic_reshaper
    except ImportError:  # pragma: no cover - depends on the environment
        shaped, ok = run, False
    else:
        shaped, ok = arabic_reshaper.reshape(run), True
    # Visual order: reverse by clusters (a base letter keeps its combining marks after it).
    clusters: list[str] = []
    for ch in shaped:
        if clusters and unicodedata.combining(ch):
            clusters[-1] += ch
        else:
            clusters.append(ch)
    visual = "".join(reversed(clusters))
    # Keep a multi-word Arabic run on one line: wrapping it would break the visual order.
    return visual.replace(" ", "\u00a0"), ok


_TOKEN_RE = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);|.", re.S)
_TAG_SPLIT_RE = re.compile(r"(<[^<>]*>)")


class _FontReport:
    def __init__(self):
        self.missing: dict[str, None] = {}
        self.unshaped = False
        self.used: set[str] = set()


def _script_runs(text: str, report: _FontReport) -> list[tuple[str, str]]:
    """Split text into ``(kind, text)`` runs, kind "body", "arabic" or "cjk", registering the fonts they need.

    Arabic runs come shaped and in visual order; spaces after an Arabic run are a body run of their own.
    Entities (``&amp;``) count as body text.  Pure-ASCII text is one body run with no font work at all.
    """
    if text.isascii():
        return [("body", text)] if text else []
    body = _cmap("latin")
    out: list[tuple[str, str]] = []
    run_kind: Optional[str] = None
    run: list[str] = []

    def flush():
        nonlocal run, run_kind
        if run:
            s = "".join(run)
            if run_kind == "arabic":
                trail = len(s) - len(s.rstrip(" "))
                core = s.rstrip(" ")
                visual, ok = _shape_arabic(core)
                if not ok:
                    report.unshaped = True
                _register_family("arabic")
                out.append(("arabic", visual))
                if trail:
                    out.append(("body", " " * trail))
                report.used.add(FONT_ARABIC)
            elif run_kind == "cjk":
                _register_family("cjk")
                out.append(("cjk", s))
                report.used.add(FONT_CJK)
            else:
                out.append(("body", s))
        run, run_kind = [], None

    for tok in _TOKEN_RE.findall(text):
        if len(tok) > 1 or tok.isascii():       # entities and ASCII: the body font
            kind = "body"
        else:
            cp = ord(tok)
            if _is_arabic(cp) or (run_kind == "arabic" and unicodedata.combining(tok)):
                kind = "arabic"
            elif _is_cjk(cp) and cp not in body:
                kind = "cjk"
            elif cp in body:
                kind = "body"
            elif cp in _cmap("cjk"):            # a rare character: only now load the other fonts
                kind = "cjk"
            elif cp in _cmap("arabic"):
                kind = "arabic"
            else:
                kind = "body"
                report.missing[tok] = None
            if kind == "cjk" and cp not in _cmap("cjk"):
                report.missing[tok] = None
        if tok == " " and run_kind == "arabic":
            run.append(tok)                       # spaces between Arabic words stay in the run
            continue
        if kind != run_kind:
            flush()
            run_kind = kind
        run.append(tok)
    flush()
    return out


_RUN_FONT = {"arabic": FONT_ARABIC, "cjk": FONT_CJK}


def _font_text(text: str, report: _FontReport) -> str:
    """Wrap runs of Arabic and CJK characters of one markup text segment in ``<font name=...>``."""
    if text.isascii():
        return text
    return "".join(s if kind == "body" else f'<font name="{_RUN_FONT[kind]}">{s}</font>'
                   for kind, s in _script_runs(text, report))


def text_runs(text: str, *, bold: bool = False) -> list[tuple[str, str]]:
    """Plain text (not markup) as ``(font name, text)`` runs for drawing on a canvas, in the letter's fonts.

    The same font choice as the letter's paragraphs (:func:`font_markup`): Noto Serif, with Arabic (shaped,
    visual order) and CJK runs in their own fonts.  Registers only the families the text needs.
    """
    fonts = {"body": FONT_BOLD if bold else FONT_BODY, "arabic": FONT_ARABIC_BOLD if bold else FONT_ARABIC,
             "cjk": FONT_CJK}
    register_fonts()
    out: list[tuple[str, str]] = []
    for kind, s in _script_runs(text, _FontReport()):
        font = fonts[kind]
        if out and out[-1][0] == font:
            out[-1] = (font, out[-1][1] + s)
        else:
            out.append((font, s))
    return out


def font_markup(markup: str, report: Optional[_FontReport] = None) -> str:
    """Font fallback for reportlab paragraph markup: tags pass through, text runs get the right font."""
    register_fonts()
    report = report or _FontReport()
    parts = _TAG_SPLIT_RE.split(markup)
    return "".join(p if i % 2 else _font_text(p, report) for i, p in enumerate(parts))
