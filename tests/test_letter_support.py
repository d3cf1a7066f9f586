"""Each sentence of the letter cites what proves it, and nothing rather than something wrong (the attorney's read of
2026-12: the immigration history cited to the visa refusal, a child's need for a parent cited to the birth
certificate, an identity section that claimed more than its exhibits show), and the checks that report a claim
without its exhibit.  Policy: docs/letter.md ("Citations")."""

from __future__ import annotations

import json
import re

from packetgen.case.checks import run_checks
from packetgen.letter.render import render_letter

from .conftest import SAMPLES, case_from
from .test_letter import TODAY, fake_refs, fake_sections, flat, text_of

CHILD = SAMPLES / "child-surgery" / "case.json"
DYING = SAMPLES / "dying-parent" / "case.json"
WITNESS = SAMPLES / "trial-witness" / "case.json"


def _render(path, mutate=None):
    case = case_from(path, mutate)
    refs = fake_refs(case)
    text = flat(text_of(render_letter(case, refs, fake_sections(case), today=TODAY).pdf))
    # without the page furniture between pages ("Page 1 of 7 Request for ...: Name December 2, 2026"), so that a
    # sentence reads on across a page break
    text = re.sub(r"Page \d+ of \d+ Request for [^:]+: .+? December 2, 2026 ", "", text)
    return case, text.split("Exhibit index")[0], {r.evidence_id: r for r in refs}


def _between(text, head, end):
    return text.split(head, 1)[1].split(end, 1)[0]


def _codes(case, code):
    return [f for f in run_checks(case, today=TODAY) if f.code == code]


def _ev(d, eid):
    return next(e for e in d["evidence"] if e["id"] == eid)


def _without(*keys):
    """The sample as it was before it named these passages (the samples name them since the attorney's read)."""
    def strip(d):
        for e in d["evidence"]:
            for k in keys:
                (e.get("pages") or {}).pop(k, None)
                ((e.get("translation") or {}).get("pages") or {}).pop(k, None)
    return strip


# --------------------------------------------------------------------------- the immigration history

def test_the_immigration_history_cites_the_pages_that_state_it_never_the_visa_documents():
    case, text, refs = _render(CHILD, _without("immigration_history"))
    part = _between(text, "No threat to the United States", "Character")
    assert "has ever been in removal proceedings" in part
    assert "Exhibit" not in part            # nothing is named: nothing cited (not the refusal, not the appointment)
    assert _codes(case, "letter.immigration_history_without_evidence")

    case, text, refs = _render(CHILD)       # the sample names the declaration's second page (paragraph 9)
    assert _ev(json.loads(CHILD.read_text(encoding="utf-8")), "petitioner_statement")["pages"]["immigration_history"] == 2
    part = _between(text, "No threat to the United States", "Character")
    a = refs["petitioner_statement"]
    assert f"described above (see Exhibit {a.letter}, p. {a.first_page + 1})." in part
    for visa in ("visa_refusal", "visa_appointment"):
        assert f"Exhibit {refs[visa].letter}," not in part
    assert not _codes(case, "letter.immigration_history_without_evidence")


def test_a_beneficiarys_own_immigration_history_cites_only_pages_about_them():
    def own(d):
        d["beneficiaries"][1]["discretion"] = {"immigration_history": "Ana has never been to the United States."}
        _ev(d, "mateo_passport")["pages"] = {"immigration_history": 1}       # about Mateo only: not Ana's
        _ev(d, "ana_school_letter")["pages"]["immigration_history"] = 1       # about Ana
    case, text, refs = _render(CHILD, own)
    line = _between(text, "Immigration history: Ana has never been to the United States", ").")
    assert f"Exhibit {refs['ana_school_letter'].letter}, p." in line
    assert f"Exhibit {refs['mateo_passport'].letter}," not in line
    # the case's own history is stated too, and nothing names a page for it but Mateo's and Ana's documents
    assert not [f for f in _codes(case, "letter.immigration_history_without_evidence")
                if f.where.startswith("beneficiaries[1]")]


# --------------------------------------------------------------------------- an accompanying parent

def test_an_accompanying_parent_is_argued_with_what_each_exhibit_shows():
    case, text, refs = _render(CHILD, _without("accompany"))
    part = _between(text, "Ana Gabriela Castillo Mejía, accompanying parent", "How long, and why")
    h = refs["birth_certificate"].letter
    assert "Ana will accompany Mateo, who is 7 years old, throughout the treatment" in part
    assert f"Ana Castillo Mejía is Mateo's mother (see Exhibit {h}, " in part                  # what H shows
    assert "cannot travel alone" not in part and "must be present" not in part               # nothing named
    assert _codes(case, "letter.companion_need_unsupported")

    # the sample names the hospital's "a parent must be present to give consent" and the father's authorization
    case, text, refs = _render(CHILD)
    part = _between(text, "Ana Gabriela Castillo Mejía, accompanying parent", "How long, and why")
    c, i = refs["us_hospital_acceptance"], refs["father_consent"]
    assert (f"A parent must be present to consent to his care and to stay with him during his treatment (see "
            f"Exhibit {c.letter}, p. {c.first_page}; Exhibit {i.letter}, p. {i.first_page}, English translation at "
            f"p. {i.english[0]}).") in part
    assert f"Exhibit {h}," not in part.split("must be present")[1]   # the birth certificate only for the relationship
    assert not _codes(case, "letter.companion_need_unsupported")


def test_the_same_point_is_cited_with_the_same_pages_throughout():
    """The father's consent is cited by its named page where it is argued, and the identity list repeats that
    citation (it cited the whole document, pp. 54-55, before)."""
    _, text, refs = _render(CHILD)
    i = refs["father_consent"].letter
    # (the fee exception's elements cite each exhibit for the element's own point, outside this comparison)
    text = text.split("Request for exception from the parole fee")[0]
    cites = set(re.findall(rf"Exhibit {i}, (pp?\. [\d–]+)", text))
    assert len(cites) == 1 and text.count(f"Exhibit {i},") >= 2, cites


# --------------------------------------------------------------------------- the statute's conditions

def test_the_parent_exception_states_both_conditions_of_paragraph_one():
    _, text, _ = _render(CHILD)
    part = _between(text, "Ana Gabriela Castillo Mejía: 8 U.S.C. 1804(b)(2)", "(B)").replace("- ", "-")  # line ends
    assert "cannot obtain the necessary treatment in the country where that person lives" in part
    assert ("whose medical emergency is life-threatening with insufficient time for admission to the United States "
            "through the normal visa process") in part


# --------------------------------------------------------------------------- identity, status, relationships

def _no_card(d):
    """The dying-parent sample as it was before it enclosed the mother's permanent resident card."""
    d["evidence"] = [e for e in d["evidence"] if e["id"] != "mother_resident_card"]


def test_the_identity_section_claims_only_what_its_exhibits_show():
    case, text, refs = _render(DYING, _no_card)
    assert "each person named above" not in text and "identity of each person named" not in text
    part = _between(text, "Identity", "Urgent humanitarian reasons")
    assert "My identity and that of Jorge are shown by:" in part
    assert "relationship" not in part        # the birth certificate is listed with the emergency, above
    assert f"Exhibit {refs['marisol_passport'].letter}," in part    # the petitioner's status: her passport
    assert _codes(case, "letter.status_without_evidence")           # "a U.S. permanent resident": no exhibit

    def green_card(d):
        _no_card(d)
        d["evidence"].append({"id": "rosa_green_card", "file": "evidence/jorge-passport.jpg",
                              "title": "Permanent resident card of Rosa Elena Pérez Cifuentes",
                              "shows": "Rosa Elena Pérez Cifuentes is a lawful permanent resident of the United States.",
                              "category": "relationship", "about": ["jorge"], "pages": {"status": 1}})
    case, text, refs = _render(DYING, green_card)
    g = refs["rosa_green_card"].letter
    emergency = _between(text, "Why parole is needed", "How long, and why")
    assert f"Exhibit {g}," not in emergency                        # not under "the family relationship behind it"
    part = _between(text, "Identity and status", "Urgent humanitarian reasons")
    assert f"U.S. immigration status is shown by: • Permanent resident card of Rosa Elena Pérez Cifuentes (Exhibit {g}," in part
    assert not _codes(case, "letter.status_without_evidence")


def test_the_identity_line_names_whose_identity_is_shown():
    _, text, _ = _render(CHILD)
    part = _between(text, "Identity and relationships", "Urgent humanitarian reasons")
    assert "My identity and that of Mateo and Ana are shown by:" in part
    assert "Family relationships and consent are shown by:" in part
    _, text, _ = _render(WITNESS)
    assert "My identity is shown by:" in _between(text, "Identity", "Significant public benefit")

    def attorney_signs(d):
        d["attorney"] = {"name": {"given": "Elena", "family": "Ruiz"}, "g28": True, "subject_to_restrictions": False}
        d["letter"]["signer"] = "Elena Ruiz"
    _, text, _ = _render(CHILD, attorney_signs)
    assert "The identity of Mateo, Ana, and the petitioner is shown by:" in text


def test_a_relationship_the_letter_states_without_an_exhibit_about_both_is_a_warning():
    def no_sister(d):      # without Marisol's own birth certificate, only Jorge's: nothing shows they are siblings
        d["evidence"] = [e for e in d["evidence"] if e["id"] != "marisol_birth_certificate"]
    found = _codes(case_from(DYING, no_sister), "letter.relationship_without_evidence")
    assert [f.where for f in found] == ["beneficiaries[0].relationship_to_petitioner"]

    def both(d):
        no_sister(d)
        _ev(d, "birth_certificate")["about"] = ["jorge", "petitioner"]
    assert not _codes(case_from(DYING, both), "letter.relationship_without_evidence")

    def no_certificates(d):
        d["evidence"] = [e for e in d["evidence"] if e["id"] != "sibling_birth_certificates"]
    found = _codes(case_from(WITNESS, no_certificates), "letter.relationship_without_evidence")
    assert [f.where for f in found] == ["supporters[0].relationship.rowena"]   # "my brother", printed
    for path in (CHILD, DYING, WITNESS):                          # the samples show every relationship they state
        assert not _codes(case_from(path), "letter.relationship_without_evidence"), path
    child = {f.where for f in _codes(case_from(CHILD), "letter.relationship_without_evidence")}
    assert "beneficiaries[1].accompanies" not in child            # the birth certificate is about Ana and Mateo


def test_the_supporters_documents_are_cited_for_what_each_shows():
    _, text, refs = _render(CHILD)
    earn = _between(text, "I earn", "I will provide")
    assert f"Exhibit {refs['lucia_passport'].letter}," not in earn     # a passport shows no income
    assert f"Exhibit {refs['lucia_employer_letter'].letter}," in earn
    ident = _between(text, "Identity and relationships", "Urgent humanitarian reasons")
    assert f"U.S. passport of Lucía Reyes (Exhibit {refs['lucia_passport'].letter}," in ident


# --------------------------------------------------------------------------- wording

def test_expedite_is_marked_once_on_the_first_page():
    for path in (CHILD, DYING, WITNESS):
        _, text, _ = _render(path)
        first = text.split("Dear Officer", 1)[0]     # the date line and the RE block
        assert first.count("EXPEDITE REQUESTED") == 1, path


def test_the_stay_claims_nothing_the_treatment_plan_does_not_say():
    _, text, refs = _render(CHILD)
    assert "allows for recovery" not in text and "time needed to recover" not in text
    c = refs["us_hospital_acceptance"].letter
    assert "The treating doctors expect the treatment to take about five months (see Exhibit " in text
    assert (f"six months from January 25, 2027 to about July 25, 2027, covers the treatment plan of about five "
            f"months (see Exhibit {c},") in text


def test_the_letter_pdf_names_the_ground_of_the_request_in_its_metadata():
    """A public-benefit request is not 'humanitarian parole', in the running head or in the PDF's subject."""
    import io

    import pikepdf

    for path, ground in ((WITNESS, "parole for significant public benefit"), (DYING, "humanitarian parole")):
        case = case_from(path)
        pdf = render_letter(case, fake_refs(case), fake_sections(case), today=TODAY).pdf
        with pikepdf.open(io.BytesIO(pdf)) as doc:
            assert str(doc.docinfo["/Subject"]) == f"Request for {ground} (Form I-131)"


def test_the_criminal_record_paragraph_cites_the_pages_named_for_it():
    """A second attorney's read: "has never been arrested" cited nothing, though the declaration states it; a page
    named "criminal_record" is cited, with any court disposition or police certificate."""
    def named(d):
        _ev(d, "petitioner_statement").setdefault("pages", {})["criminal_record"] = 1
    for mutate, cited in ((_without("criminal_record"), False), (named, True)):
        case, text, refs = _render(DYING, mutate)
        part = _between(text, "Criminal record", "Ability to pay")
        a = refs["petitioner_statement"]
        assert (f"(see Exhibit {a.letter}, p. {a.first_page})" in part) == cited, part


def test_why_no_visa_cites_what_the_wait_is_measured_against():
    """A second attorney's read: "His mother is not expected to live that long" was cited to the appointment page.
    The paragraph cites the wait's exhibit and the prognosis or time frame (medical, family) or the dates and the
    agency's position (public benefit), each at its named page."""
    for path, against in ((DYING, "hospice_letter"), (CHILD, "doctor_letter"), (WITNESS, "trial_order")):
        case, text, refs = _render(path)
        part = _between(text, "Why a visa could not be obtained", "The visa history is documented by")
        last = part.rsplit("(see ", 1)[1]
        assert f"Exhibit {refs['visa_appointment'].letter}," in last, (path, last)
        assert f"Exhibit {refs[against].letter}, p. " in last, (path, last)
    _, text, refs = _render(WITNESS)
    part = _between(text, "Why a visa could not be obtained", "The visa history is documented by")
    assert f"Exhibit {refs['usao_letter'].letter}, p. " in part.rsplit("(see ", 1)[1]      # "supports my request"


def test_the_imminent_death_element_reads_as_the_statute_does():
    """(b)(4)(A) is the person's close family member *in the United States* whose death is imminent; "a close family
    member of the person in the United States is dying" read as if the person were in the United States."""
    _, text, _ = _render(DYING)
    part = _between(text, "8 U.S.C. 1804(b)(4)", "(B)")
    assert "The person has a close family member in the United States whose death is imminent." in part


def test_the_index_note_says_where_the_page_numbers_are_and_mentions_translations_only_when_there_are_some():
    """A second attorney's read: form pages carry their stamp at the top, and the witness's set has no translation."""
    def note(path):
        case = case_from(path)
        full = flat(text_of(render_letter(case, fake_refs(case), fake_sections(case), today=TODAY).pdf))
        return full.split("Exhibit index", 1)[1].split("Exhibit Document", 1)[0]
    for path, translated in ((CHILD, True), (WITNESS, False)):
        text = note(path)
        assert "stamped on each page (at the foot; on the forms, at the top)" in text
        assert ("followed by its English translation" in text) == translated, (path, text)


def test_a_fee_element_cites_a_consent_at_its_page_not_the_whole_document():
    """A third attorney's read: Ana's (b)(2)(A) element cited the father's consent as pp. 54-55 (p. 55 is his
    passport copy); an exhibit without the element's passage is cited at its consent or status page."""
    _, text, refs = _render(CHILD)
    part = text.split("Request for exception from the parole fee", 1)[1]
    i = refs["father_consent"]
    assert f"Exhibit {i.letter}, p. {i.first_page}," in part and f"Exhibit {i.letter}, pp." not in part


def test_the_stay_is_requested_from_arrival_if_parole_comes_later_than_the_planned_date():
    """A third attorney's read: the samples' arrival dates are weeks away, and no letter said the dates depend on
    the decision; the request holds for the same period from the actual arrival."""
    for path, stay in ((DYING, "three months"), (CHILD, "six months"), (WITNESS, "two months")):
        _, text, _ = _render(path)
        part = _between(text, "How long, and why", "Why a visa could not be obtained")
        assert f"If parole is authorized later, the request is for the same {stay} from the date of arrival." in part
