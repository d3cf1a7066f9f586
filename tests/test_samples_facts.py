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


# --------------------------------------------------------------------------- the second attorney's read

def _pages(path: Path) -> list[str]:
    """The text of each page of a PDF (pypdf: no poppler needed)."""
    from pypdf import PdfReader
    return [flat(p.extract_text() or "") for p in PdfReader(str(path)).pages]


def _same_person(a, b) -> bool:
    return a.name == b.name and a.date_of_birth == b.date_of_birth


@pytest.mark.parametrize("path", [CHILD, DYING, WITNESS], ids=lambda p: p.parent.name)
def test_a_person_gives_the_same_other_names_on_every_form(path):
    """The petitioner who is also a supporter signs the I-131 and the I-134: both list the same other names (Marisol's
    I-131 listed her birth name 'Morales Pérez' while her I-134 Part 2 Item 2 was blank)."""
    case = case_from(path)
    for s in case.supporters:
        if _same_person(s, case.petitioner):
            assert s.other_names == case.petitioner.other_names, s.id


def test_marisols_birth_name_is_on_her_i134_and_i131(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.delenv("PACKETGEN_FORMS_DIR", raising=False)
    forms = {f.form_id: f for f in fill_case_forms(case_from(DYING))}
    for name in ("I-131", "I-134"):
        values = [v for v in forms[name].values if v.get("part") == "2" and v.get("item") == "2"]
        assert "Morales Pérez" in [v["value"] for v in values], name


# ICAO 9303 check digit, written again here so that the generator's own function is not what checks it
def _icao(s: str) -> str:
    total = 0
    for i, ch in enumerate(s):
        v = 0 if ch == "<" else int(ch) if ch.isdigit() else ord(ch) - ord("A") + 10
        total += v * (7, 3, 1)[i % 3]
    return str(total % 10)


def _mrz_errors(lines: list[str]) -> list[str]:
    """What is wrong with one machine-readable zone: TD3 (passport), MRV-A (visa foil) or TD1 (card)."""
    bad = []

    def want(where, got, data, filler_ok=False):
        if got != _icao(data) and not (filler_ok and got == "<" and set(data) == {"<"}):
            bad.append(f"{where}: {got} for {data} (want {_icao(data)})")

    if len(lines) == 2 and all(len(x) == 44 for x in lines):
        l2 = lines[1]
        want("document number", l2[9], l2[0:9])
        want("birth date", l2[19], l2[13:19])
        want("expiry date", l2[27], l2[21:27])
        if lines[0].startswith("P"):
            want("personal number", l2[42], l2[28:42], filler_ok=True)
            want("composite", l2[43], l2[0:10] + l2[13:20] + l2[21:43])
    elif len(lines) == 3 and all(len(x) == 30 for x in lines):
        l1, l2 = lines[0], lines[1]
        want("document number", l1[14], l1[5:14])
        want("birth date", l2[6], l2[0:6])
        want("expiry date", l2[14], l2[8:14])
        want("composite", l2[29], l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29])
    else:
        bad.append(f"not a machine-readable zone: {lines}")
    return bad


def test_every_machine_readable_zone_in_the_samples_has_its_check_digits():
    """The old U.S. visa in dying-parent Exhibit E read '1842035776GTM6905094M2203127...': check digits 6, 4 and 7
    where ICAO 9303 gives 5, 3 and 6. Every MRZ printed in an evidence PDF is checked here; the passport photos
    (JPEGs) are checked in the next test."""
    import re
    found = []
    for pdf in sorted(SAMPLES.glob("*/evidence/*.pdf")):
        for page in _pages(pdf):
            lines = page.split()
            mrz = [x for x in lines if "<" in x and re.fullmatch(r"[A-Z0-9<]{30}|[A-Z0-9<]{44}", x)]
            while mrz:
                n = 3 if len(mrz[0]) == 30 else 2
                zone, mrz = mrz[:n], mrz[n:]
                found.append(pdf.name)
                assert not _mrz_errors(zone), (pdf, zone, _mrz_errors(zone))
    assert {"prior-passport-pages.pdf", "mother-permanent-resident-card.pdf", "father-consent-es.pdf"} <= set(found)


def test_every_passport_photo_in_the_samples_has_valid_check_digits(monkeypatch):
    import importlib
    monkeypatch.syspath_prepend(str(SAMPLES))
    passport = importlib.import_module("_gen.passport")
    seen = []
    for name in ("case_child", "case_dying", "case_witness"):
        mod = importlib.import_module(f"_gen.{name}")
        monkeypatch.setattr(mod, "passport_photo", lambda path, p, *a, **k: seen.append((path.name, p)))
        if hasattr(mod, "refusal_photo"):
            monkeypatch.setattr(mod, "refusal_photo", lambda *a, **k: None)
        mod.photos(Path("unused"))
    assert len(seen) == 7
    for file, p in seen:
        zone = list(passport.mrz_lines(p))
        assert not _mrz_errors(zone), (file, zone, _mrz_errors(zone))


@pytest.mark.parametrize("path", [CHILD, DYING, WITNESS], ids=lambda p: p.parent.name)
def test_each_named_record_page_states_what_the_letter_cites_it_for(path):
    """'immigration_history' names the page with the entry stamps (not the visa foil before it), 'criminal_record'
    the page of the paragraph that states the clean record; each sample names both on its declaration."""
    case = case_from(path)
    words = {"immigration_history": ("removal proceedings", "ADMITTED"),
             "criminal_record": ("arrested", "not a subject or target")}
    for e in case.evidence:
        for key, needles in words.items():
            if key in e.pages:
                page = _pages(path.parent / e.file)[e.pages[key] - 1]
                assert any(n in page for n in needles), (e.id, key, e.pages[key])
    statement = _evidence(case, "petitioner_statement")
    assert {"criminal_record", "immigration_history"} <= set(statement.pages)


def test_ana_claims_both_halves_of_paragraph_1_in_the_doctors_words():
    """1804(b)(2)(A) needs a patient described in paragraph (1): urgency AND treatment unavailable at home."""
    case = case_from(CHILD)
    doctor = _pdf_text(CHILD.parent / _evidence(case, "doctor_letter").file)
    assert "No hospital in Honduras performs it, and none in the neighbouring countries does" in doctor
    assert "Guatemala, El Salvador and Nicaragua" in doctor            # every country that borders Honduras
    ana = next(b for b in case.beneficiaries if b.id == "ana")
    element = ana.parole_fee_exception.elements["a"]
    assert "within four months" in element and "no hospital in Honduras or its neighboring countries" in element


def test_the_surgery_deadline_is_anchored_to_the_date_the_doctor_wrote_it():
    """'Within the next four months' was the doctor's phrase of October 14, 2026; repeated on November 20 or
    December 4 it pointed to mid-March or April."""
    case = case_from(CHILD)
    doctor = _evidence(case, "doctor_letter")
    assert doctor.date.isoformat() == "2026-10-14"
    declaration = _pdf_text(CHILD.parent / _evidence(case, "petitioner_statement").file)
    texts = [case.request.urgency, declaration, case.request.parole_fee_exception.elements["a"],
             case.beneficiaries[1].parole_fee_exception.elements["a"]]
    for text in texts:
        assert "next four months" not in text
        assert "October 14, 2026" in text


def test_the_declarations_give_the_dates_their_evidence_gives():
    case = case_from(CHILD)
    school = _pdf_text(CHILD.parent / _evidence(case, "ana_school_letter").translation.file)
    lucia = _pdf_text(CHILD.parent / _evidence(case, "petitioner_statement").file)
    assert "from January 25 to July 31, 2027" in school and "August 2, 2027" in school
    assert "January 25 to July 31, 2027" in lucia and "August 2, 2027" in lucia
    assert "until August 2027" not in lucia
    witness = case_from(WITNESS)
    rowena = _pdf_text(WITNESS.parent / _evidence(witness, "petitioner_statement").file)
    # February 22 to October 14, 2027 is seven months and 22 days
    assert "almost eight months after the trial begins" in rowena
    assert "almost eight months" in witness.request.visa.why_not_possible


def test_the_dying_parent_re_block_names_the_mother():
    jorge = case_from(DYING).beneficiaries[0]
    assert jorge.role == "son of Rosa Elena Pérez Cifuentes"


def test_the_case_texts_state_each_fact_once():
    dying = case_from(DYING)
    texts = [dying.request.narrative, dying.request.urgency, dying.request.stay.justification,
             *(getattr(dying.discretion, f) or "" for f in type(dying.discretion).model_fields
               if isinstance(getattr(dying.discretion, f), str))]
    assert sum("April 2, 2027" in t for t in texts) == 1            # the return plan; the itinerary's line shows it too
    witness = case_from(WITNESS)
    # Paolo's housing is in his own words on Form I-134, which the letter quotes
    assert "housing" not in witness.discretion.payment_plan and "Henderson" not in witness.discretion.payment_plan
    child = case_from(CHILD)
    # the plan's five months are printed from stay.treatment_months; the justification gives the rest of the reason
    assert "five months" not in child.request.stay.justification and "margin" in child.request.stay.justification


def test_no_payment_card_digits_in_the_sample_evidence():
    """Card numbers never go in the packet, not even the last four on an airline receipt."""
    import re
    for pdf in sorted(SAMPLES.glob("*/evidence/*.pdf")):
        text = _pdf_text(pdf)
        assert not re.search(r"(?i)(visa|mastercard|amex|card)\W{0,3}(\.{2,}|\*+|x{2,}|ending( in)?)\s*\d{4}", text), pdf
