"""Every script, and any length (issue 13 §7): names and letterhead lines in Hebrew, Arabic, Chinese, Japanese,
Korean, Devanagari, Ethiopic, Thai and Cyrillic print with a font that has them (right to left where the script is,
shaped where it needs it); a character no bundled font has is a check error naming person, field and script; a
"shows" text up to the schema's limit lays out."""

from __future__ import annotations

import io
import json

import pypdfium2 as pdfium
import pytest

from packetgen.case.checks import run_checks
from packetgen.case.model import Case
from packetgen.letter.render import render_letter

from .conftest import SAMPLES
from .test_letter import TODAY, _fonts_used, fake_refs, fake_sections, flat, text_of

CHILD = SAMPLES / "child-surgery" / "case.json"

NAMES = {  # beneficiary id -> (given, family, font family that must show it)
    "mateo": ("מתתיהו", "כהן", "PG-Hebrew"),
    "ana": ("민지", "김", "PG-Korean"),
    "priya": ("प्रिया", "शर्मा", "PG-Devanagari"),
    "abebe": ("አበበ", "ተስፋዬ", "PG-Ethiopic"),
}


def _many_scripts(d):
    for b in d["beneficiaries"]:
        given, family, _ = NAMES[b["id"]]
        b["name"] = {"given": given, "family": family}
    for bid in ("priya", "abebe"):
        extra = json.loads(json.dumps(d["beneficiaries"][1]))
        extra.pop("accompanies", None)
        extra.pop("parole_fee_exception", None)
        given, family, _ = NAMES[bid]
        extra.update(id=bid, name={"given": given, "family": family})
        d["beneficiaries"].append(extra)
        d["supporters"][0]["supports"].append(bid)
    d["letter"]["letterhead"] = ["Лусия Рейес · لوسيا رييس", "สมชาย ใจดี · 王秀英 · やまだ たろう", "4410 Fannin Street"]


def _case(mutate) -> Case:
    d = json.loads(CHILD.read_text(encoding="utf-8"))
    mutate(d)
    case = Case.model_validate(d)
    case._source = CHILD
    return case


@pytest.fixture(scope="module")
def many():
    case = _case(_many_scripts)
    return case, render_letter(case, fake_refs(case), fake_sections(case), today=TODAY)


def test_every_script_gets_a_font_that_has_it(many):
    case, result = many
    fonts = " ".join(_fonts_used(result.pdf))
    for font in ("NotoSerifHebrew", "NanumMyeongjo", "NotoSerifDevanagari", "NotoSerifEthiopic", "NotoSerifThai",
                 "NotoSansArabic", "NotoSansSC", "NotoSerif-Regular"):
        assert f"embedded:/AAAAAA+{font}" in fonts or font in fonts, font
    assert not [w for w in result.warnings if "no bundled font" in w or "unshaped" in w]
    assert not [f for f in run_checks(case, today=TODAY) if f.code == "letter.script_unsupported"]


def test_names_are_in_the_text_not_blank(many):
    case, result = many
    text = flat(text_of(result.pdf))
    assert "Beneficiary 1: , born" not in text and ": , born" not in text
    assert "민지 김" in text and "አበበ ተስፋዬ" in text and "Лусия Рейес" in text and "王秀英" in text
    assert "כהן" in text or "ןהכ" in text           # right to left: extraction may give visual order
    assert any("\u0900" <= c <= "\u097f" for c in text)   # Devanagari letters (conjuncts may extract otherwise)
    assert any("\u0e00" <= c <= "\u0e7f" for c in text)


def test_the_re_block_names_have_ink(many):
    """Each beneficiary's line in the RE block has ink between 'Beneficiary n:' and ', born': the name is drawn."""
    case, result = many
    page = pdfium.PdfDocument(result.pdf)[0]
    tp = page.get_textpage()
    img = page.render(scale=2).to_pil().convert("L")
    text = tp.get_text_range()
    for n in range(1, 5):
        label = f"Beneficiary {n}:"
        i = text.index(label) + len(label)
        j = text.index(", born", i)
        boxes = [tp.get_charbox(k) for k in range(i + 1, j)]
        left = min(b[0] for b in boxes)
        right = max(b[2] for b in boxes)
        bottom = min(b[1] for b in boxes)
        top = max(b[3] for b in boxes)
        h = page.get_height()
        crop = img.crop((int(left * 2), int((h - top) * 2), int(right * 2) + 1, int((h - bottom) * 2) + 1))
        dark = sum(crop.histogram()[:128])
        assert right > left and dark > 30, (label, dark)


def test_a_character_no_font_has_is_a_check_error_naming_person_field_and_script():
    def armenian(d):
        d["beneficiaries"][0]["name"]["given"] = "Մատեո"
    found = [f for f in run_checks(_case(armenian), today=TODAY) if f.code == "letter.script_unsupported"]
    assert found and found[0].severity == "error"
    assert found[0].where == "beneficiaries[0].name.given"
    assert "beneficiary 1" in found[0].message and "Armenian" in found[0].message


@pytest.mark.parametrize("n", [2200, 20000])
def test_a_long_shows_text_lays_out_across_index_rows_and_pages(n):
    word = "The hospital's report describes the diagnosis and the plan in detail. "

    def long(d):
        d["evidence"][4]["shows"] = (word * (n // len(word) + 1))[:n].strip()
    case = _case(long)
    result = render_letter(case, fake_refs(case), fake_sections(case), today=TODAY)
    text = flat(text_of(result.pdf))
    index = text.split("Exhibit index", 1)[1]
    assert index.count("describes the diagnosis") >= n // len(word) - 2
