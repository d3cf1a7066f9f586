"""Citations into translated documents: the letter cites the English translation's page with the original's
(docs/letter.md, 'Citations'), by page for page or by the page ``translation.pages`` names."""

from __future__ import annotations

import json
import re

import pytest
from pypdf import PdfReader

from packetgen import api
from packetgen.letter.render import ExhibitRef, render_letter
from packetgen.packet.plan import ExhibitParts, paginate, plan_packet

from .conftest import SAMPLES, case_from
from .test_letter import TODAY, fake_sections, flat, text_of

CHILD = SAMPLES / "child-surgery" / "case.json"
DYING = SAMPLES / "dying-parent" / "case.json"


def _consent(d, pages=None, translation_pages=None):
    ev = next(e for e in d["evidence"] if e["id"] == "father_consent")
    ev.pop("pages", None)
    ev["translation"].pop("pages", None)
    if pages is not None:
        ev["pages"] = pages
    if translation_pages is not None:
        ev["translation"]["pages"] = translation_pages


def _render(tmp_path, case, original: int, translation: int):
    """The one-line letter "{{ exhibit('father_consent', 'consent') }} / {{ exhibit('father_consent') }}" with the
    consent's original ``original`` pages long (from p. 41), its translation ``translation`` pages, then a
    one-page certificate."""
    firm = tmp_path / "firm"
    firm.mkdir(exist_ok=True)
    (firm / "letter.j2").write_text("<p>KEY {{ exhibit('father_consent', 'consent') }} WHOLE "
                                    "{{ exhibit('father_consent') }} END</p>\n", encoding="utf-8")
    t0 = 41 + original
    ref = ExhibitRef("father_consent", "I", "consent", None, 41, t0 + translation,
                     (t0, t0 + translation), (t0, t0 + translation - 1))
    result = render_letter(case, [ref], [], templates_dir=firm, today=TODAY)
    return flat(text_of(result.pdf)), result.warnings


def test_page_for_page_translation_cites_the_same_page_of_the_translation(tmp_path):
    case = case_from(CHILD, lambda d: _consent(d, {"consent": 2}))
    text, warnings = _render(tmp_path, case, original=2, translation=2)
    assert "KEY Exhibit I, p. 42, English translation at p. 44 WHOLE" in text
    assert "WHOLE Exhibit I, pp. 41–42, English translation at pp. 43–44 END" in text   # never the certificate, p. 45
    assert not [w for w in warnings if "translation" in w]


def test_translation_pages_names_the_translation_page(tmp_path):
    case = case_from(CHILD, lambda d: _consent(d, {"consent": 2}, {"consent": 1}))
    text, warnings = _render(tmp_path, case, original=2, translation=1)
    assert "KEY Exhibit I, p. 42, English translation at p. 43 WHOLE" in text
    assert not [w for w in warnings if "translation" in w]


def test_an_unmapped_passage_cites_the_whole_translation_and_warns(tmp_path):
    case = case_from(CHILD, lambda d: _consent(d, {"consent": 2}))
    text, warnings = _render(tmp_path, case, original=3, translation=2)
    assert "KEY Exhibit I, p. 42, English translation at pp. 44–45 WHOLE" in text
    i = next(i for i, e in enumerate(case.evidence) if e.id == "father_consent")
    assert any(f"evidence[{i}].translation.pages.consent" in w and "3" in w and "2 page(s)" in w for w in warnings)


def test_a_translation_page_past_its_end_warns(tmp_path):
    case = case_from(CHILD, lambda d: _consent(d, {"consent": 1}, {"consent": 3}))
    text, warnings = _render(tmp_path, case, original=2, translation=1)
    assert "KEY Exhibit I, p. 41, English translation at p. 43 WHOLE" in text
    i = next(i for i, e in enumerate(case.evidence) if e.id == "father_consent")
    assert any(w.startswith(f"evidence[{i}].translation.pages.consent points past the end") for w in warnings)


def test_translation_pages_must_name_a_passage_of_the_original():
    with pytest.raises(Exception) as exc:
        case_from(CHILD, lambda d: _consent(d, {"ties": 1}, {"consent": 1}))
    assert "evidence[" in str(exc.value) and "translation.pages.consent" in str(exc.value)
    assert "add \"consent\": N" in str(exc.value)


def test_paginate_keeps_the_certificate_out_of_the_translation():
    pm = paginate(5, [], [ExhibitParts("A", "x", [("0", 2)], 3, 1)])
    x = pm.exhibits[0]
    assert (x.original.first, x.original.last) == (7, 8)
    assert (x.translation.first, x.translation.last) == (9, 11)
    assert (x.translation_text.first, x.translation_text.last) == (9, 10)


@pytest.mark.parametrize("case_path", [CHILD, DYING], ids=lambda p: p.parent.name)
def test_built_letters_cite_translation_pages(tmp_path, case_path):
    """Every 'English translation at p. N' of a built letter is a page of that exhibit's translation, never its
    certificate; the samples cite each translated passage that way."""
    result = api.build(case_path, outdir=tmp_path / "out")
    manifest = json.loads(result.manifest.read_text(encoding="utf-8"))
    st = manifest["sets"][0]
    reader = PdfReader(str(result.outdir / st["output"]["file"]))
    first, last = st["sections"]["letter"]
    letter = flat(" ".join(reader.pages[i - 1].extract_text() or "" for i in range(first, last + 1)))
    letter = letter.split("Exhibit index")[0]
    cites = re.findall(r"Exhibit ([A-Z]{1,2}), pp?\. (\d+)(?:–(\d+))?, English translation at pp?\. (\d+)(?:–(\d+))?",
                       letter)
    assert len(cites) >= 3
    for ex, a, b, ta, tb in cites:
        for page in range(int(ta), int(tb or ta) + 1):
            text = reader.pages[page - 1].extract_text() or ""
            assert "English translation of the attached" in text, (ex, page)
            assert "CERTIFICATE OF TRANSLATION" not in text.upper(), (ex, page)
        assert int(b or a) < int(ta)
    case = case_from(case_path)
    translated = {x.letter for x in plan_packet(case).exhibits if x.evidence.translation}
    assert translated <= {ex for ex, *_ in cites}, "a translated exhibit is cited without its translation"
