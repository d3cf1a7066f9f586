"""Pages packetgen draws itself: exhibit separator sheets and translator certificates.

Both are plain reportlab canvases (no platypus) so they are fast and deterministic
(``invariant=1``); the bottom ``STAMP_BAND`` stays free.

Fonts: a sheet whose text Helvetica can show (Windows-1252: English, Spanish, French,
Portuguese, German ...) is drawn in Helvetica, with no font file read.  A sheet with any other
character (a Turkish or Polish name, Cyrillic, Arabic, Chinese) is drawn in the letter's
embedded fonts, run by run (:func:`packetgen.letter.render.text_runs`), and only the families its
text needs are loaded.  Measured: 11 separator sheets of the child-surgery sample take
0.010-0.012 s CPU before and after; a sheet that needs Noto Serif costs its first parse once
per process (0.05 s for the four faces, 0.10 s more for Noto Sans SC).

Before 2026-11-29 ``_font`` asked ``letter.body_font``, which never existed, so every sheet was
Helvetica and anything outside Windows-1252 printed as black boxes.
"""

from __future__ import annotations

import datetime as dt
import io
from textwrap import wrap

from reportlab.lib.pagesizes import letter as LETTER_SIZE
from reportlab.pdfgen import canvas

from packetgen.layout import STAMP_BAND


def _helvetica_can_show(*texts) -> bool:
    """Whether reportlab's Helvetica (WinAnsiEncoding, i.e. Windows-1252) has every character of the texts."""
    try:
        "".join(t for t in texts if t).encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


class _Ink:
    """Draws one sheet's text: Helvetica when it can show all of it, else the letter's fonts run by run."""

    def __init__(self, c: canvas.Canvas, *texts):
        self.c = c
        self.helvetica = _helvetica_can_show(*texts)
        self.size = 12.0
        self.bold = False

    def font(self, size: float, *, bold: bool = False) -> None:
        self.size, self.bold = size, bold
        if self.helvetica:
            self.c.setFont("Helvetica-Bold" if bold else "Helvetica", size)

    def _runs(self, text: str):
        from packetgen.letter.render import text_runs

        return text_runs(text, bold=self.bold)

    def width(self, text: str) -> float:
        if self.helvetica:
            return self.c.stringWidth(text, "Helvetica-Bold" if self.bold else "Helvetica", self.size)
        from reportlab.pdfbase.pdfmetrics import stringWidth

        return sum(stringWidth(t, f, self.size) for f, t in self._runs(text))

    def left(self, x: float, y: float, text: str) -> None:
        if self.helvetica:
            self.c.drawString(x, y, text)
            return
        from reportlab.pdfbase.pdfmetrics import stringWidth

        for f, t in self._runs(text):
            self.c.setFont(f, self.size)
            self.c.drawString(x, y, t)
            x += stringWidth(t, f, self.size)

    def centred(self, x: float, y: float, text: str) -> None:
        if self.helvetica:
            self.c.drawCentredString(x, y, text)
        else:
            self.left(x - self.width(text) / 2, y, text)

    def wrap(self, text: str, chars: int, max_width: float) -> list[str]:
        """``textwrap.wrap(text, chars)``; with the embedded fonts (wider than Helvetica, and CJK has no
        spaces), a line still wider than ``max_width`` is broken again: at its last space that fits, else
        between characters."""
        lines = wrap(text, chars)
        if self.helvetica:
            return lines
        out: list[str] = []
        for line in lines:
            while len(line) > 1 and self.width(line) > max_width:
                cut = len(line) - 1
                while cut > 1 and self.width(line[:cut]) > max_width:
                    cut -= 1
                space = line.rfind(" ", 0, cut + 1)
                if space > 0:
                    cut = space
                out.append(line[:cut].rstrip(" "))
                line = line[cut:].lstrip(" ")
            out.append(line)
        return out


def _canvas(buf: io.BytesIO, title: str) -> canvas.Canvas:
    c = canvas.Canvas(buf, pagesize=LETTER_SIZE, invariant=1, pageCompression=1)
    c.setTitle(title)
    c.setCreator("packetgen")
    return c


def separator_page(letter: str, title: str, shows: str | None, *, translation: bool = False) -> bytes:
    """A slip-sheet: 'EXHIBIT C', its title, and what it shows."""
    buf = io.BytesIO()
    c = _canvas(buf, f"Exhibit {letter}")
    w, h = LETTER_SIZE
    ink = _Ink(c, letter, title, shows)
    ink.font(40, bold=True)
    ink.centred(w / 2, h * 0.62, f"EXHIBIT {letter}")
    c.setLineWidth(1.2)
    c.line(w * 0.2, h * 0.6, w * 0.8, h * 0.6)
    ink.font(15, bold=True)
    y = h * 0.55
    for line in ink.wrap(title, 60, w - 108) or [""]:
        ink.centred(w / 2, y, line)
        y -= 20
    if shows:
        ink.font(11)
        y -= 8
        for line in ink.wrap(shows, 80, w - 108)[:8]:
            ink.centred(w / 2, y, line)
            y -= 15
    if translation:
        ink.font(10)
        ink.centred(w / 2, STAMP_BAND + 60,
                    "Foreign-language document: each original is followed by its English translation "
                    "and the translator's certificate.")
    c.showPage()
    c.save()
    return buf.getvalue()


def translator_certificate(*, translator_name: str, translator_address: str | None, translator_phone: str | None,
                           source_language: str, document_title: str, exhibit_letter: str,
                           date: dt.date | None) -> bytes:
    """Certificate of competence and accuracy under 8 CFR 103.2(b)(3), for wet-ink signature."""
    buf = io.BytesIO()
    c = _canvas(buf, f"Certificate of translation, Exhibit {exhibit_letter}")
    w, h = LETTER_SIZE
    left = 72
    text = (f"I, {translator_name}, certify that I am competent to translate from {source_language} into English, "
            f"and that the attached English translation of the document titled \u201c{document_title}\u201d "
            f"(Exhibit {exhibit_letter}) is complete and accurate to the best of my knowledge and ability.")
    ink = _Ink(c, text, translator_address, translator_phone)
    ink.font(16, bold=True)
    ink.centred(w / 2, h - 100, "CERTIFICATE OF TRANSLATION")
    ink.font(10)
    ink.centred(w / 2, h - 118, "8 CFR 103.2(b)(3)")
    ink.font(12)
    y = h - 170
    for line in ink.wrap(text, 78, w - 2 * left):
        ink.left(left, y, line)
        y -= 18
    y -= 40
    c.line(left, y, left + 260, y)
    c.line(left + 300, y, left + 440, y)
    ink.font(9)
    ink.left(left, y - 12, "Signature of translator (sign in ink)")
    ink.left(left + 300, y - 12, "Date (mm/dd/yyyy)")
    ink.font(12)
    y -= 50
    for label, value in (("Name", translator_name), ("Address", translator_address),
                         ("Telephone", translator_phone)):
        ink.left(left, y, f"{label}: {value or ''}")
        y -= 18
    if date:
        ink.font(10)
        ink.left(left, y - 10, f"Translation prepared: {date:%m/%d/%Y}")
    c.showPage()
    c.save()
    return buf.getvalue()


LANGUAGE_NAMES = {
    "es": "Spanish", "fr": "French", "pt": "Portuguese", "ar": "Arabic", "ru": "Russian", "uk": "Ukrainian",
    "zh": "Chinese", "fa": "Persian", "ps": "Pashto", "ht": "Haitian Creole", "vi": "Vietnamese", "tl": "Tagalog",
    "fil": "Filipino", "ko": "Korean", "ja": "Japanese", "de": "German", "it": "Italian", "tr": "Turkish",
    "so": "Somali", "am": "Amharic", "ti": "Tigrinya", "hi": "Hindi", "ur": "Urdu", "bn": "Bengali", "en": "English",
}


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)
