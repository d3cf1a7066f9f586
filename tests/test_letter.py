"""Cover letter: templates, citations resolved from page numbers, escaping, fonts, layout."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from packetgen.case.model import Case
from packetgen.case.load import load_case
from packetgen.errors import TemplateError
from packetgen.letter.render import ExhibitRef, country_in_sentence, render_letter

from .conftest import SAMPLES, sample_cases

TODAY = dt.date(2026, 12, 2)
CHILD = SAMPLES / "child-surgery" / "case.json"


def fake_refs(case, start=30, paged=True):
    """One ExhibitRef per evidence item, lettered in case order, with made-up packet pages."""
    refs, page = [], start
    for i, e in enumerate(case.evidence):
        letter = chr(ord("A") + i) if i < 26 else "A" + chr(ord("A") + i - 26)
        n = 1 if i % 3 == 1 else 3          # some single-page exhibits
        tr = (page + n, page + 2 * n) if e.translation else None     # page for page, then the certificate
        text = (page + n, page + 2 * n - 1) if e.translation else None
        last = page + n - 1 + (n + 1 if tr else 0)
        refs.append(ExhibitRef(e.id, letter, e.title, e.shows, page if paged else None, last if paged else None,
                               tr if paged else None, text if paged else None))
        page = last + 1
    return refs


def fake_sections(case, paged=True):
    out = []
    for i, b in enumerate(case.beneficiaries):
        out.append({"title": f"Form I-131 — {b.name.full}", "first_page": 5 + 14 * i if paged else None,
                    "last_page": 18 + 14 * i if paged else None})
    return out


def text_of(pdf: bytes) -> str:
    """Text of every page: pdftotext when installed (it keeps reading order), else pypdf."""
    if shutil.which("pdftotext"):
        r = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True)
        text = r.stdout.decode("utf-8")
    else:
        text = "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages)
    return re.sub(r"[ \t]+", " ", text)


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def case_with(path: Path, mutate) -> Case:
    data = json.loads(path.read_text(encoding="utf-8"))
    mutate(data)
    return Case.model_validate(data)


@pytest.fixture(scope="module")
def child():
    return load_case(CHILD)


@pytest.fixture(scope="module")
def child_letter(child):
    refs = fake_refs(child)
    return refs, render_letter(child, refs, fake_sections(child), today=TODAY)


@pytest.mark.parametrize("path", sample_cases(), ids=lambda p: p.parent.name)
def test_each_sample_letter_renders_with_its_citations(path):
    case = load_case(path)
    refs = fake_refs(case)
    res = render_letter(case, refs, fake_sections(case), today=TODAY)
    assert res.pdf.startswith(b"%PDF") and res.page_count >= 2
    assert len(PdfReader(io.BytesIO(res.pdf)).pages) == res.page_count
    text = flat(text_of(res.pdf))
    # RE block
    assert "Form I-131 (ed. 01/20/25), Part 1, Item 7: initial parole under INA 212(d)(5)(A)" in text
    for b in case.beneficiaries:
        assert b.name.full in text
        assert f"{b.date_of_birth:%B} {b.date_of_birth.day}, {b.date_of_birth.year}" in text
        assert f"citizen of {country_in_sentence(b.country_of_citizenship)}" in text
    assert case.petitioner.name.full in text
    assert ("EXPEDITE REQUESTED" in text) == case.request.expedite.requested
    # the Dallas lockbox address, Attn: HP
    assert "Attn: HP" in text and "P.O. Box 660865" in text and "Dallas, TX 75266-0865" in text
    # the three questions and every factor heading
    for heading in ("Why parole is needed", "How long, and why", "Why a visa could not be obtained",
                    "Criminal record", "Ability to pay for", "Time frame", "No threat to the United States"):
        assert heading in text, heading
    assert ("Urgent humanitarian reasons" in text) or ("Significant public benefit" in text)
    if case.request.parole_fee_exception.claimed:
        assert "8 U.S.C. 1804(b)" in text
    # every exhibit is cited with its letter and its pages (en dash), and listed in the index
    for r in refs:     # its range, or the page of a passage it names; a translation is cited apart
        last = r.translation_pages[0] - 1 if r.translation_pages else r.last_page
        pages = f"pp. {r.first_page}–{last}" if last != r.first_page else f"p. {r.first_page}"
        named = {f"p. {r.first_page + n - 1}" for n in case.evidence_by_id(r.evidence_id).pages.values()}
        assert any(f"Exhibit {r.letter}, {p}" in text for p in {pages} | named), (r.evidence_id, pages)
    assert res.cited == {r.evidence_id for r in refs}
    assert res.warnings == []
    assert "Exhibit index" in text
    # footers
    assert f"Page 1 of {res.page_count}" in text and f"Page {res.page_count} of {res.page_count}" in text
    # one link rectangle per exhibit-index row, on a letter page, inside the page
    assert sorted(eid for _, _, eid in res.links) == sorted(r.evidence_id for r in refs)
    for page, (x0, y0, x1, y1), _ in res.links:
        assert 0 <= page < res.page_count
        assert 0 < x0 < x1 <= 612 and 30 <= y0 < y1 <= 792


def test_first_pass_prints_placeholders_of_the_same_width(child):
    res = render_letter(child, fake_refs(child, paged=False), fake_sections(child, paged=False), today=TODAY)
    text = flat(text_of(res.pdf))
    assert "Exhibit A, pp. 00–00" in text
    assert "pp. 00–00" in text
    res2 = render_letter(child, fake_refs(child), fake_sections(child), today=TODAY)
    # Citations name the document's own pages ("p. 49" for a one-page letter, "pp. 43–45"), so a placeholder
    # cannot match every width: the page count may move by one at a page boundary, and the build renders again
    # until it settles (api._render_and_assemble).
    assert abs(res2.page_count - res.page_count) <= 1


def test_single_page_exhibit_is_cited_as_p(child_letter):
    refs, res = child_letter
    single = next(r for r in refs if r.first_page == r.last_page)
    assert f"Exhibit {single.letter}, p. {single.first_page}" in flat(text_of(res.pdf))


def test_output_is_deterministic(child):
    a = render_letter(child, fake_refs(child), fake_sections(child), today=TODAY)
    b = render_letter(child, fake_refs(child), fake_sections(child), today=TODAY)
    assert a.pdf == b.pdf


def test_signature_is_a_blank_line_not_typed(child_letter):
    _, res = child_letter
    text = flat(text_of(res.pdf))
    # the signer's typed name appears under the line, after the closing, never as "/s/" or in a script font
    assert "Respectfully submitted," in text
    assert "/s/" not in text
    after = text.split("Respectfully submitted,", 1)[1]
    assert after.lstrip().startswith("Lucía Isabel Reyes")


def test_letter_keeps_the_stamp_band_free(child_letter):
    _, res = child_letter
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(res.pdf)
    for i in range(len(doc)):
        page = doc[i]
        tp = page.get_textpage()
        for j in range(tp.count_rects()):
            left, bottom, right, top = tp.get_rect(j)
            assert bottom >= 30, f"text in the bottom 30 pt band on letter page {i + 1}"


def test_case_data_is_never_markup_or_template(tmp_path):
    def mutate(d):
        d["beneficiaries"][0]["name"]["given"] = "<b>Ana & Co"
        d["beneficiaries"][0]["name"]["family"] = "{{ 7*7 }}"
        d["request"]["narrative"] = ("He said <font name='Courier'>hello</font> & {% if true %}yes{% endif %} "
                                     "and {{ exhibit('nope') }}. " * 3)
    case = case_with(CHILD, mutate)
    res = render_letter(case, fake_refs(case), fake_sections(case), today=TODAY)
    text = flat(text_of(res.pdf))
    assert "<b>Ana & Co" in text
    assert "{{ 7*7 }}" in text and "49" not in text.split("{{ 7*7 }}")[0][-5:]
    assert "<font name='Courier'>hello</font>" in text
    assert "{% if true %}yes{% endif %}" in text
    assert "{{ exhibit('nope') }}" in text


def _firm(tmp_path, files: dict[str, str]) -> Path:
    d = tmp_path / "firm"
    for name, body in files.items():
        p = d / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(body, encoding="utf-8")
    return d


def test_firm_template_overrides_a_partial_and_keeps_the_rest(tmp_path, child):
    firm = _firm(tmp_path, {"partials/closing.j2":
                            "<p>With our thanks, Smith &amp; Partners LLP.</p>\n<signature>{{ signer }}</signature>\n"})
    res = render_letter(child, fake_refs(child), fake_sections(child), templates_dir=firm, today=TODAY)
    text = flat(text_of(res.pdf))
    assert "With our thanks, Smith & Partners LLP." in text
    assert "Why a visa could not be obtained" in text          # built-in partials still used


def test_unknown_citation_raises_template_error_naming_template_and_id(tmp_path, child):
    firm = _firm(tmp_path, {"letter.j2": "<p>Intro.</p>\n\n<p>See {{ exhibit(\"no_such_doc\") }}.</p>\n"})
    with pytest.raises(TemplateError) as ei:
        render_letter(child, fake_refs(child), [], templates_dir=firm, today=TODAY)
    msg = str(ei.value)
    assert "letter.j2" in msg and "line 3" in msg and "no_such_doc" in msg
    assert ei.value.fix and "doctor_letter" in ei.value.fix


def test_uncited_exhibit_is_a_warning(tmp_path, child):
    firm = _firm(tmp_path, {"letter.j2": "<p>Only {{ exhibit('doctor_letter') }} is cited.</p>\n<exhibit-index/>\n"})
    res = render_letter(child, fake_refs(child), [], templates_dir=firm, today=TODAY)
    assert res.cited == {"doctor_letter"}
    assert len(res.warnings) == len(child.evidence) - 1
    assert any("us_hospital_estimate" in w and "never cited" in w for w in res.warnings)


@pytest.mark.parametrize("body, expect", [
    ("<p>ok</p>\n<p>{% if %}</p>\n", "line 2"),
    ("<p>ok</p>\n<p>{{ no_such_variable }}</p>\n", "no_such_variable"),
    ("<p>{{ petitioner.name.nickname }}</p>\n", "nickname"),
    ("<p>{{ ''.__class__.__mro__ }}</p>\n", "letter.j2"),
    ("<p>{% include 'partials/missing.j2' %}</p>\n", "missing.j2"),
    ("<p><b>unclosed</p>\n", "markup"),
])
def test_template_errors_name_the_template(tmp_path, child, body, expect):
    firm = _firm(tmp_path, {"letter.j2": body})
    with pytest.raises(TemplateError) as ei:
        render_letter(child, fake_refs(child), [], templates_dir=firm, today=TODAY)
    assert expect in str(ei.value)
    assert ei.value.fix


def test_undefined_variable_reports_the_line(tmp_path, child):
    firm = _firm(tmp_path, {"letter.j2": "<p>a</p>\n\n\n<p>{{ nope }}</p>\n"})
    with pytest.raises(TemplateError) as ei:
        render_letter(child, fake_refs(child), [], templates_dir=firm, today=TODAY)
    assert "letter.j2" in str(ei.value) and "line 4" in str(ei.value)


def test_missing_templates_folder_is_a_template_error(tmp_path, child):
    with pytest.raises(TemplateError):
        render_letter(child, fake_refs(child), [], templates_dir=tmp_path / "nope", today=TODAY)


def _fonts_used(pdf: bytes) -> set[str]:
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        fonts = page["/Resources"].get("/Font", {})
        for f in fonts.values():
            f = f.get_object()
            names.add(str(f["/BaseFont"]))
            for d in f.get("/DescendantFonts", []):
                d = d.get_object()
                fd = d.get("/FontDescriptor")
                if fd is not None and "/FontFile2" in fd.get_object():
                    names.add("embedded:" + str(d["/BaseFont"]))
            fd = f.get("/FontDescriptor")
            if fd is not None and "/FontFile2" in fd.get_object():
                names.add("embedded:" + str(f["/BaseFont"]))
    return names


def _text_shown_in_base14(pdf: bytes) -> list[str]:
    """Text drawn with a non-embedded standard font (reportlab's canvas preamble selects Helvetica but draws
    nothing with it; any Tj/TJ while such a font is current would print without our glyphs)."""
    from pypdf.generic import ContentStream

    shown = []
    reader = PdfReader(io.BytesIO(pdf))
    for page in reader.pages:
        fonts = {k: str(v.get_object()["/BaseFont"]) for k, v in page["/Resources"]["/Font"].items()}
        current = None
        for operands, op in ContentStream(page.get_contents(), reader).operations:
            if op == b"Tf":
                current = fonts.get(str(operands[0]))
            elif op in (b"Tj", b"TJ", b"'", b'"') and current and "+" not in current:
                shown.append(current)
    return shown


def test_names_in_cyrillic_chinese_and_arabic_render_with_embedded_glyphs():
    def mutate(d):
        d["beneficiaries"][0]["name"] = {"family": "Шевченко", "given": "Олександра"}
        d["beneficiaries"][1]["name"] = {"family": "王", "given": "秀英"}
        d["petitioner"]["name"] = {"family": "حداد", "given": "ليلى"}
        d["letter"]["signer"] = None
        d["supporters"][0]["name"] = {"family": "حداد", "given": "ليلى"}
        d["evidence"] = [e for e in d["evidence"] if e["id"] not in ("mateo_passport", "ana_passport")]
    case = case_with(CHILD, mutate)
    res = render_letter(case, fake_refs(case), [], today=TODAY)
    assert not any("no bundled font" in w for w in res.warnings), res.warnings
    fonts = _fonts_used(res.pdf)
    assert not _text_shown_in_base14(res.pdf)
    embedded = " ".join(f for f in fonts if f.startswith("embedded:"))
    assert "PG-CJK" in embedded or "NotoSansSC" in embedded, fonts
    assert "PG-Arabic" in embedded or "NotoSansArabic" in embedded, fonts
    assert "PG-Serif" in embedded or "NotoSerif" in embedded, fonts
    text = text_of(res.pdf)
    assert "Олександра Шевченко" in text
    assert "秀英 王" in text
    # Arabic is stored shaped (presentation forms) in visual order; normalizing gives back the letters.
    norm = unicodedata.normalize("NFKC", text)
    for word in ("ليلى", "حداد"):
        assert word in norm or word[::-1] in norm, word


def test_arabic_is_shaped_when_arabic_reshaper_is_installed():
    pytest.importorskip("arabic_reshaper")
    from packetgen.letter.render import font_markup

    out = font_markup("Name: ليلى")
    assert 'name="PG-Arabic"' in out
    inner = out.split(">", 1)[1].split("<", 1)[0]
    assert any(0xFE70 <= ord(c) <= 0xFEFF for c in inner)  # joined (contextual) forms


def test_exhibit_index_lists_translation_pages(child_letter):
    refs, res = child_letter
    text = flat(text_of(res.pdf))
    tr = next(r for r in refs if r.translation_pages)
    assert f"transl. {tr.translation_pages[0]}–{tr.translation_pages[1]}" in text


def test_draft_letters_say_so(child):
    case = child.model_copy(deep=True)
    case.letter.draft = True
    res = render_letter(case, fake_refs(case), [], today=TODAY)
    assert "DRAFT" in text_of(res.pdf)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils (pdftoppm) not installed")
def test_pages_render(tmp_path, child_letter):
    _, res = child_letter
    pdf = tmp_path / "letter.pdf"
    pdf.write_bytes(res.pdf)
    subprocess.run(["pdftoppm", "-r", "20", "-png", str(pdf), str(tmp_path / "pg")], check=True)
    assert len(list(tmp_path.glob("pg-*.png"))) == res.page_count


@pytest.mark.parametrize("reason", ["family_emergency", "public_benefit", "other"])
def test_other_reasons_use_their_partials_and_cite_everything(reason):
    def mutate(d):
        d["request"]["reason"] = reason
        d["request"]["public_benefit"] = "Her testimony is needed by the district court in March 2027."
        d["request"]["parole_fee_exception"] = {"claimed": False}
        d["letter"] = {"signer": "Grace Okafor", "signer_title": "Attorney for the petitioner"}
        d["attorney"] = {"name": {"given": "Grace", "family": "Okafor"}, "organization": "Okafor & Lee LLP",
                         "phone": "(713) 555-0199", "g28": True}
    case = case_with(CHILD, mutate)
    res = render_letter(case, fake_refs(case), fake_sections(case), today=TODAY)
    text = flat(text_of(res.pdf))
    assert res.warnings == []                       # the "further evidence" list cites what the partials did not
    assert "Okafor & Lee LLP" in text and "The petitioner, Lucía Isabel Reyes" in text
    assert "Attorney for the petitioner" in text
    if reason == "public_benefit":
        assert "Significant public benefit" in text and "district court" in text
    else:
        assert "Urgent humanitarian reasons" in text


def test_the_closing_line_is_set_off_from_the_fee_exception_list_above_it():
    """The closing paragraph follows the last fee-exception element: a list item's 3 pt would run the two together
    (the last item of a list gets a paragraph's space, and the closing a little more)."""
    import pypdfium2 as pdfium

    case = load_case(SAMPLES / "dying-parent" / "case.json")
    res = render_letter(case, fake_refs(case), fake_sections(case), today=TODAY)
    doc = pdfium.PdfDocument(res.pdf)
    for i in range(len(doc)):
        tp = doc[i].get_textpage()
        lines = [(tp.get_rect(j), tp.get_text_bounded(*tp.get_rect(j))) for j in range(tp.count_rects())]
        closing = [r for r, t in lines if t.startswith("Thank you for considering")]
        if closing:
            break
    else:
        pytest.fail("no closing line in the letter")
    bottom = closing[0][1]
    above = min(r[1] for r, t in lines if r[1] > bottom + 2 and t.strip())
    leading = 14.2                          # the body text's line pitch
    assert above - bottom >= leading + 10, f"closing line only {above - bottom:.1f} pt below the line above it"


def test_the_child_sample_files_every_spanish_document_with_its_translation(tmp_path):
    """The father's consent (he signs in Spanish, before a notary) and Ana's school letter are Spanish originals,
    each followed in the packet by its English translation and the translator's certificate (8 CFR 103.2(b)(3))."""
    from packetgen import api

    result = api.build(CHILD, outdir=tmp_path / "out")
    manifest = json.loads(result.manifest.read_text(encoding="utf-8"))
    first = manifest["sets"][0]
    reader = PdfReader(str(result.outdir / first["output"]["file"]))
    pages = [flat(p.extract_text() or "") for p in reader.pages]
    for spanish, english in (("AUTORIZACIÓN DE VIAJE Y TRATAMIENTO", "SWORN DECLARATION AND AUTHORIZATION"),
                             ("licencia sin goce de sueldo", "unpaid leave from January 25 to July 31, 2027")):
        orig = next(i for i, t in enumerate(pages) if spanish in t)
        transl = next(i for i, t in enumerate(pages) if english in t and i > orig)
        assert transl - orig <= 2, (spanish, orig, transl)       # the translation follows the original
        assert any("Spanish" in t and "English" in t and "translat" in t.lower() and "competent" in t.lower()
                   for t in pages[transl + 1:transl + 2]), "no translator's certificate after the translation"
