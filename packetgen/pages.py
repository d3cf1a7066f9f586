"""Pages packetgen draws itself: exhibit separator sheets and translator certificates.

Both are plain reportlab canvases (no platypus) so they are fast and deterministic
(``invariant=1``).  Text is drawn with the letter's font when it is available, so
names with diacritics or non-Latin scripts show; the bottom ``STAMP_BAND`` stays free.
"""

from __future__ import annotations

import datetime as dt
import io
from textwrap import wrap

from reportlab.lib.pagesizes import letter as LETTER_SIZE
from reportlab.pdfgen import canvas

from .layout import STAMP_BAND


def _font(bold: bool = False) -> str:
    """The letter's embedded font when registered (see letter.py), else Helvetica."""
    try:
        from . import letter

        name = letter.body_font(bold=bold)
        if name:
            return name
    except Exception:  # letter fonts are optional here; Helvetica covers Latin-1
        pass
    return "Helvetica-Bold" if bold else "Helvetica"


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
    c.setFont(_font(bold=True), 40)
    c.drawCentredString(w / 2, h * 0.62, f"EXHIBIT {letter}")
    c.setLineWidth(1.2)
    c.line(w * 0.2, h * 0.6, w * 0.8, h * 0.6)
    c.setFont(_font(bold=True), 15)
    y = h * 0.55
    for line in wrap(title, 60) or [""]:
        c.drawCentredString(w / 2, y, line)
        y -= 20
    if shows:
        c.setFont(_font(), 11)
        y -= 8
        for line in wrap(shows, 80)[:8]:
            c.drawCentredString(w / 2, y, line)
            y -= 15
    if translation:
        c.setFont(_font(), 10)
        c.drawCentredString(w / 2, STAMP_BAND + 60,
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
    c.setFont(_font(bold=True), 16)
    c.drawCentredString(w / 2, h - 100, "CERTIFICATE OF TRANSLATION")
    c.setFont(_font(), 10)
    c.drawCentredString(w / 2, h - 118, "8 CFR 103.2(b)(3)")
    text = (f"I, {translator_name}, certify that I am competent to translate from {source_language} into English, "
            f"and that the attached English translation of the document titled \u201c{document_title}\u201d "
            f"(Exhibit {exhibit_letter}) is complete and accurate to the best of my knowledge and ability.")
    c.setFont(_font(), 12)
    y = h - 170
    for line in wrap(text, 78):
        c.drawString(left, y, line)
        y -= 18
    y -= 40
    c.line(left, y, left + 260, y)
    c.line(left + 300, y, left + 440, y)
    c.setFont(_font(), 9)
    c.drawString(left, y - 12, "Signature of translator (sign in ink)")
    c.drawString(left + 300, y - 12, "Date (mm/dd/yyyy)")
    c.setFont(_font(), 12)
    y -= 50
    for label, value in (("Name", translator_name), ("Address", translator_address),
                         ("Telephone", translator_phone)):
        c.drawString(left, y, f"{label}: {value or ''}")
        y -= 18
    if date:
        c.setFont(_font(), 10)
        c.drawString(left, y - 10, f"Translation prepared: {date:%m/%d/%Y}")
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
