"""Fonts for the letter: bundled Noto families registered lazily, text split into script runs, each run set in a
font that has its glyphs (Arabic shaped, right to left).  Policy: docs/letter.md ("Scripts and fonts")."""

from __future__ import annotations

import re
import unicodedata
from typing import Optional

from packetgen import scripts as _scripts

FONT_BODY = "PG-Serif"
FONT_BOLD = "PG-Serif-Bold"
FONT_ITALIC = "PG-Serif-Italic"
FONT_BOLD_ITALIC = "PG-Serif-BoldItalic"
FONT_ARABIC = "PG-Arabic"
FONT_ARABIC_BOLD = "PG-Arabic-Bold"
FONT_CJK = "PG-CJK"

_LOADED = _scripts._LOADED       # families registered with reportlab (shared with packetgen.scripts)
_register_family = _scripts.register_family
_cmap = _scripts.cmap


def register_fonts(*scripts: str) -> None:
    """Register the bundled OFL fonts with reportlab (each family once per process).

    The Latin family (Noto Serif: Latin, Greek, Cyrillic) always; the others (Arabic, Hebrew, Devanagari, Thai,
    Ethiopic, Korean, Chinese/Japanese; see :data:`packetgen.scripts.FAMILIES`) only when named here
    (``register_fonts("arabic", "cjk")``, or ``"all"``) or when :func:`font_markup` meets text that needs them.
    The choice of font for each character does not depend on what the process rendered before, so output is
    the same whatever was loaded first.  Lazily because parsing every face costs about 0.2 s (0.1 s of it the
    9.8 MB Noto Sans SC) for letters that are almost always Latin only.
    """
    _register_family("latin")
    for s in scripts:
        for family in (_scripts.FAMILIES if s == "all" else (s,)):
            _register_family(family)


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
        self.shaped = False         # the text has a script that needs HarfBuzz shaping (Devanagari, Thai)
        self.used: set[str] = set()


def _shape_rtl(run: str, family: str) -> tuple[str, bool]:
    """Visual order for a right-to-left run: Arabic gets its contextual forms first; Hebrew needs none."""
    if family == "arabic":
        return _shape_arabic(run)
    clusters: list[str] = []
    for ch in run:
        if clusters and unicodedata.combining(ch):
            clusters[-1] += ch
        else:
            clusters.append(ch)
    return "".join(reversed(clusters)).replace(" ", "\u00a0"), True


_HB: dict = {}


def _shape_ltr(run: str, family: str) -> tuple[str, bool]:
    """Shape a Devanagari or Thai run with HarfBuzz (conjuncts, reordered vowel signs, mark forms).

    Each output glyph is written as the character that maps to it in the font, or, for a glyph no character maps
    to (a conjunct), as a private-use code point U+F0000 + glyph id added to the font's map: deterministic, so the
    output does not depend on what the process rendered before.  Mark offsets are not applied (the marks' own
    outlines sit over their base).  Without uharfbuzz the run is returned unshaped.
    """
    try:
        import uharfbuzz as hb
    except ImportError:  # pragma: no cover - depends on the environment
        return run, False
    from reportlab.pdfbase import pdfmetrics

    fam = _scripts.FAMILIES[family]
    font = pdfmetrics.getFont(fam.faces[0])
    face = font.face
    hb_font = _HB.get(family)
    if hb_font is None:
        hb_font = _HB[family] = hb.Font(hb.Face(hb.Blob(face._ttf_data)))
    upem = hb_font.face.upem
    buf = hb.Buffer()
    buf.add_str(run)
    buf.guess_segment_properties()
    hb.shape(hb_font, buf, {"kern": True, "liga": True})
    out = []
    for info, pos in zip(buf.glyph_infos, buf.glyph_positions):
        gid = info.codepoint
        chars = face.glyphToChar.get(gid)
        if chars:
            cp = min(chars)
        else:
            cp = 0xF0000 + gid
            face.charToGlyph[cp] = gid
            face.glyphToChar.setdefault(gid, []).append(cp)
            face.charWidths[cp] = round(pos.x_advance * 1000 / upem)
        out.append(chr(cp))
    return "".join(out), True


def _script_runs(text: str, report: _FontReport) -> list[tuple[str, str]]:
    """Split text into ``(family, text)`` runs ("body" for Latin), registering the fonts they need.

    Right-to-left runs (Arabic, Hebrew) come in visual order; spaces after such a run are a body run of their
    own.  Entities (``&amp;``) count as body text.  Pure-ASCII text is one body run with no font work at all.
    """
    if text.isascii():
        return [("body", text)] if text else []
    out: list[tuple[str, str]] = []
    run_kind: Optional[str] = None
    run: list[str] = []

    def flush():
        nonlocal run, run_kind
        if run:
            s = "".join(run)
            fam = _scripts.FAMILIES.get(run_kind) if run_kind != "body" else None
            if fam is not None and fam.rtl:
                trail = len(s) - len(s.rstrip(" "))
                visual, ok = _shape_rtl(s.rstrip(" "), run_kind)
                if not ok:
                    report.unshaped = True
                out.append((run_kind, visual))
                if trail:
                    out.append(("body", " " * trail))
            elif fam is not None and fam.shaped:
                _register_family(run_kind)
                shaped, ok = _shape_ltr(s, run_kind)
                if not ok:
                    report.unshaped = True
                out.append((run_kind, shaped))
            else:
                out.append((run_kind, s))
            if fam is not None:
                _register_family(run_kind)
                report.used.add(fam.faces[0])
                if fam.shaped:
                    report.shaped = True
        run, run_kind = [], None

    for tok in _TOKEN_RE.findall(text):
        if len(tok) > 1 or tok.isascii():       # entities and ASCII: the body font
            kind = "body"
        elif run_kind not in (None, "body") and unicodedata.combining(tok) and ord(tok) in _cmap(run_kind):
            kind = run_kind                       # a mark stays with its base letter
        else:
            fam = _scripts.family_for(tok)
            if fam is None:
                report.missing[tok] = None
                kind = "body"
            else:
                kind = "body" if fam == "latin" else fam
        rtl_run = run_kind not in (None, "body") and _scripts.FAMILIES[run_kind].rtl
        if tok == " " and rtl_run:
            run.append(tok)                       # spaces between right-to-left words stay in the run
            continue
        if kind != run_kind:
            flush()
            run_kind = kind
        run.append(tok)
    flush()
    return out


_RUN_FONT = {name: fam.faces[0] for name, fam in _scripts.FAMILIES.items()}


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
    fonts = {name: fam.faces[1 if bold else 0] for name, fam in _scripts.FAMILIES.items()}
    fonts["body"] = FONT_BOLD if bold else FONT_BODY
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
