"""Separator sheets and translator certificates (packetgen/pages.py): the fonts they draw with.

Text Helvetica can show (Windows-1252) is drawn in Helvetica with no font file read; any other
character switches the sheet to the letter's embedded fonts, so nothing prints as an empty box.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
import textwrap
import unicodedata

from pypdf import PdfReader

from packetgen.packet.pages import separator_page, translator_certificate

from .conftest import REPO
from .test_letter import _fonts_used, _text_shown_in_base14, text_of


def _base_fonts(pdf: bytes) -> set[str]:
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for f in page["/Resources"].get("/Font", {}).values():
            names.add(str(f.get_object()["/BaseFont"]))
    return names


def test_latin_sheets_stay_in_helvetica():
    pdf = separator_page("C", "Pasaporte de Mateo Núñez (Ñandú, Œuvre, façade)", "Shows the “visa” – page 2 €",
                         translation=True)
    assert _base_fonts(pdf) == {"/Helvetica", "/Helvetica-Bold"}
    text = text_of(pdf)
    assert "EXHIBIT C" in text and "Mateo Núñez (Ñandú, Œuvre, façade)" in text and "€" in text
    assert "\u25a0" not in text


def test_other_scripts_use_the_embedded_fonts_not_boxes():
    title = "Паспорт Олександри Шевченко, 王秀英, ليلى حداد, Ayşe Yılmaz, Łukasz"
    pdf = separator_page("D", title, "Birth certificate of 王秀英 " + "王秀英的出生证明" * 12)
    assert not _text_shown_in_base14(pdf)
    embedded = " ".join(f for f in _fonts_used(pdf) if f.startswith("embedded:"))
    for face in ("NotoSerif-Bold", "NotoSerif-Regular", "NotoSansSC-Regular", "NotoSansArabic-Bold"):
        assert face in embedded, (face, embedded)
    text = text_of(pdf)
    assert "\u25a0" not in text
    for word in ("Олександри", "Шевченко", "王秀英", "Ayşe", "Yılmaz", "Łukasz"):
        assert word in text, word
    norm = unicodedata.normalize("NFKC", text)
    assert "ليلى" in norm or "ليلى"[::-1] in norm
    # a long CJK run is broken to the page width, not drawn off the page
    import pypdfium2 as pdfium

    page = pdfium.PdfDocument(pdf)[0]
    tp = page.get_textpage()
    for j in range(tp.count_rects()):
        left, bottom, right, top = tp.get_rect(j)
        assert 0 <= left and right <= 612, (left, right)


def test_certificate_with_a_turkish_name():
    pdf = translator_certificate(translator_name="Ayşe Yılmaz", translator_address="İstanbul Cd. 5",
                                 translator_phone="+90 212 555 0101", source_language="Turkish",
                                 document_title="Doğum belgesi", exhibit_letter="D", date=dt.date(2026, 11, 2))
    assert not _text_shown_in_base14(pdf)
    text = " ".join(text_of(pdf).split())
    assert "I, Ayşe Yılmaz, certify" in text and "Address: İstanbul Cd. 5" in text and "“Doğum belgesi”" in text
    assert "Translation prepared: 11/02/2026" in text


def test_sheets_are_deterministic():
    args = ("E", "Обследование", "Shows ч")
    assert separator_page(*args) == separator_page(*args)


_FRESH = textwrap.dedent("""
    import json
    from packetgen.letter import render as letter
    from packetgen.packet.pages import separator_page, translator_certificate
    separator_page("A", "Hospital estimate, São Paulo (Niño Jesús)", "Cost – $48,000", translation=True)
    translator_certificate(translator_name="Ana Pérez", translator_address=None, translator_phone=None,
                           source_language="Spanish", document_title="Acta", exhibit_letter="A", date=None)
    print(json.dumps(sorted(letter._LOADED)))
""")


def test_latin_sheets_read_no_font_file():
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    r = subprocess.run([sys.executable, "-c", _FRESH], cwd=REPO, env=env, capture_output=True, text=True, check=True)
    assert json.loads(r.stdout) == []
