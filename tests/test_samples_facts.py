"""The sample cases as an attorney reads them: every claim backed by an exhibit that says the same thing.

Each test pins one finding of the attorney's read of the three sample packets (a claim with no exhibit, a fact
the letter overstates, an address cut by its box), so that a later edit of a sample or of its generated evidence
cannot bring it back.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from packetgen.forms.fill import fill_case_forms
from packetgen.letter.render import render_letter

from .conftest import SAMPLES, case_from
from .test_letter import TODAY, fake_refs, fake_sections, flat, text_of

CHILD = SAMPLES / "child-surgery" / "case.json"
DYING = SAMPLES / "dying-parent" / "case.json"
WITNESS = SAMPLES / "trial-witness" / "case.json"


def _pdf_text(path: Path) -> str:
    return flat(text_of(path.read_bytes()))


def _letter(case) -> tuple[str, dict]:
    refs = fake_refs(case)
    text = flat(text_of(render_letter(case, refs, fake_sections(case), today=TODAY).pdf))
    return text.split("Exhibit index")[0], {r.evidence_id: r.letter for r in refs}


def _evidence(case, eid):
    return next(e for e in case.evidence if e.id == eid)


def test_the_dying_mothers_permanent_residence_is_proved_and_cited_where_it_is_claimed():
    case = case_from(DYING)
    card = _evidence(case, "mother_resident_card")
    text = _pdf_text(DYING.parent / card.file)
    # the card is hers: name, birth date and country of birth as the birth certificate and the hospice letter give them
    assert "PEREZ CIFUENTES" in text and "ROSA ELENA" in text and "14 FEB 1944" in text and "Guatemala" in text
    assert "February 14, 1944" in _pdf_text(DYING.parent / _evidence(case, "hospice_letter").file)
    assert "1999" in case.request.narrative and "03/22/99" in text
    letter, letters = _letter(case)
    # element (A) of 8 U.S.C. 1804(b)(4) states her status: it cites the card
    element = letter.split("8 U.S.C. 1804(b)(4)", 1)[1].split("(B)", 1)[0]
    assert "permanent resident" in element and f"Exhibit {letters['mother_resident_card']}, p" in element


def test_the_dying_parent_stay_says_what_the_physician_says():
    case = case_from(DYING)
    physician = _pdf_text(DYING.parent / _evidence(case, "hospice_letter").file)
    assert "weeks to a few months, and likely less than three months" in physician
    for text in (case.request.stay.justification, case.request.summary):
        assert "weeks to a few months" in text
        assert "is the time her physician expects" not in text and "to live less than three months" not in text


def test_the_supporters_income_is_current_on_the_employer_letter():
    case = case_from(DYING)
    s = case.supporters[0]
    text = _pdf_text(DYING.parent / _evidence(case, "marisol_employer_letter").file)
    assert f"Current annual salary ${s.annual_income:,.2f}" in text
    assert "continues to work full time" in text and "salary are protected" not in text


def test_the_witness_supporter_is_shown_to_be_her_brother():
    case = case_from(WITNESS)
    certs = _evidence(case, "sibling_birth_certificates")
    texts = [_pdf_text(WITNESS.parent / f) for f in [certs.file, *certs.more_files]]
    for person, text in zip((case.supporters[0], case.petitioner), texts):
        full = f"{person.name.given} {person.name.middle} {person.name.family}".upper()
        assert full in text and person.date_of_birth.strftime("%B %Y").upper() in text
        # the same parents on both, the mother's maiden surname being both children's middle name
        assert "LOURDES REYES SANTOS" in text and "ERNESTO VILLANUEVA MACARAEG" in text
    letter, letters = _letter(case)
    claim = letter.split("Paolo Santos Macaraeg, a U.S. citizen", 1)[1].split("has signed", 1)[0]
    citizen, brother = claim.split("and my brother", 1)          # each claim cites what shows it
    assert f"Exhibit {letters['paolo_passport']}, p" in citizen
    assert f"Exhibit {letters['sibling_birth_certificates']}, p" in brother


def test_the_witness_claims_the_law_enforcement_fee_exception_with_the_agencys_letter():
    case = case_from(WITNESS)
    fex = case.request.parole_fee_exception
    assert fex.claimed and fex.basis == "law_enforcement" and set(fex.elements) == {"a", "b", "c"}
    usao = _pdf_text(WITNESS.parent / _evidence(case, "usao_letter").file)
    # what element a and b rest on is the prosecutor's own statement
    assert "gave the investigating agents her original receipts" in usao
    assert "need her in Las Vegas from February 15, 2027" in usao
    letter, letters = _letter(case)
    part = letter.split("Request for exception from the parole fee", 1)[1]
    assert "8 U.S.C. 1804(b)" in part and f"Exhibit {letters['usao_letter']}, p" in part
    assert f"Exhibit {letters['visa_appointment']}, p" in part


@pytest.mark.parametrize("path", [CHILD, DYING, WITNESS], ids=lambda p: p.parent.name)
def test_every_address_is_whole_in_its_form_box(path, monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.delenv("PACKETGEN_FORMS_DIR", raising=False)
    for f in fill_case_forms(case_from(path)):
        moved = [o for o in f.overflow if "address" in o["label"].lower()]
        assert not moved, (path.parent.name, moved)


@pytest.mark.parametrize("path", [CHILD, DYING, WITNESS], ids=lambda p: p.parent.name)
def test_each_declaration_states_the_beneficiarys_immigration_history(path):
    """The letter's 'never been in removal proceedings' sentence rests on a numbered paragraph of the declaration."""
    text = _pdf_text(path.parent / _evidence(case_from(path), "petitioner_statement").file)
    assert "removal proceedings" in text
