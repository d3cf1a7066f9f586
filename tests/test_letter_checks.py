"""Letter checks (issue 13 §2, §3): typed ages against the dates, the letter date, a doctor's time frame
against a scheduled date."""

from __future__ import annotations

import datetime as dt

from packetgen.case.checks import run_checks
from packetgen.case.model import Case

from .conftest import SAMPLES, case_from

TODAY = dt.date(2026, 12, 2)
CHILD = SAMPLES / "child-surgery" / "case.json"
DYING = SAMPLES / "dying-parent" / "case.json"


def _case(path, mutate=None) -> Case:
    return case_from(path, mutate)


def _codes(case, code):
    return [f for f in run_checks(case, today=TODAY) if f.code == code]


def test_samples_state_no_wrong_age():
    for name in ("child-surgery", "dying-parent", "trial-witness"):
        assert not _codes(_case(SAMPLES / name / "case.json"), "letter.typed_age"), name


def test_a_typed_age_contradicting_the_date_of_birth_is_a_warning_naming_the_field():
    def typed(d):
        d["request"]["summary"] = "Mateo (6) has a complex congenital heart defect."
        d["request"]["narrative"] = "Mateo Andrés Reyes Castillo is six years old. " + d["request"]["narrative"]
        d["discretion"]["no_threat"] = "A six-year-old patient and his mother pose no threat."
    found = _codes(_case(CHILD, typed), "letter.typed_age")
    assert {f.where for f in found} == {"request.summary", "request.narrative", "discretion.no_threat"}
    assert all(f.severity == "warning" and "of 6" in f.message and "is 7" in f.message for f in found)


def test_a_correct_typed_age_is_not_reported():
    def typed(d):
        d["request"]["summary"] = "Mateo (7) has a complex congenital heart defect; Ana, 35, is his mother."
    assert not _codes(_case(CHILD, typed), "letter.typed_age")
    # "A 57-year-old businessman": Jorge is 57 on the letter date
    assert not _codes(_case(DYING), "letter.typed_age")


def test_a_future_letter_date_is_a_warning():
    def future(d):
        d["letter"]["date"] = "2026-12-20"
    found = _codes(_case(CHILD, future), "letter.date_future")
    assert found and found[0].where == "letter.date"
    assert not _codes(_case(CHILD), "letter.date_future")


def test_a_doctors_time_frame_against_a_later_scheduled_date_is_a_warning():
    # The sample's cardiologist (letter of October 14, 2026) wants surgery within four months: February 9 is inside.
    assert not _codes(_case(CHILD), "letter.time_frame_tension")

    def three(d):
        d["request"]["urgency"] = d["request"]["urgency"].replace("four months", "three months")
    found = _codes(_case(CHILD, three), "letter.time_frame_tension")
    assert found and "within three months" in found[0].message and "February 9, 2027" in found[0].message

    def earlier(d):
        three(d)
        d["request"]["urgency"] = d["request"]["urgency"].replace("February 9, 2027", "January 8, 2027")
        d["request"]["expedite"]["reason"] = "Surgery is scheduled for January 8, 2027."
    assert not _codes(_case(CHILD, earlier), "letter.time_frame_tension")


def test_claims_without_an_exhibit_are_warnings_naming_claim_and_field():
    # The sample's flight tickets and Ana's school letter back its return tickets and leave from work.
    assert not _codes(_case(CHILD), "letter.asserted_without_evidence")

    def unbacked(d):
        d["evidence"] = [e for e in d["evidence"] if e["id"] not in ("return_flights", "ana_school_letter")]
    found = _codes(_case(CHILD, unbacked), "letter.asserted_without_evidence")
    msgs = " | ".join(f.message for f in found)
    assert "return tickets (discretion.departure_plan)" in msgs
    assert "leave from work (discretion.departure_plan)" in msgs
    assert "the visa appointment wait" not in msgs          # the embassy's appointment page shows it

    def no_page(d):
        d["evidence"] = [e for e in d["evidence"] if e["id"] != "visa_appointment"]
    msgs = " | ".join(f.message for f in _codes(_case(CHILD, no_page), "letter.asserted_without_evidence"))
    assert "the visa appointment wait (request.visa.why_not_possible)" in msgs

    def ticket(d):
        unbacked(d)
        d["evidence"].append({"id": "tickets", "file": "evidence/visa-refusal-214b.jpg", "title": "Return flight booking",
                              "shows": "Return tickets for July 20, 2027.", "category": "beneficiary_funds"})
    msgs = " | ".join(f.message for f in _codes(_case(CHILD, ticket), "letter.asserted_without_evidence"))
    assert "return tickets" not in msgs
    # the dying-parent sample's itinerary backs Jorge's return ticket
    assert "return tickets" not in " ".join(f.message for f in _codes(_case(DYING), "letter.asserted_without_evidence"))


def test_a_factor_paragraph_with_no_exhibit_is_a_warning():
    assert not _codes(_case(CHILD), "letter.factor_without_evidence")    # the school director's letter

    def no_character(d):
        d["evidence"] = [e for e in d["evidence"] if e["category"] != "character"]
    found = _codes(_case(CHILD, no_character), "letter.factor_without_evidence")
    assert [f.where for f in found] == ["discretion.character"]


def test_a_fee_element_without_facts_of_its_own_is_a_warning_when_it_would_restate_a_long_paragraph():
    """Without request.parole_fee_exception.elements.b the letter restates request.visa.why_not_possible under
    element (B); a paragraph of several lines there reads as padding to the officer."""
    assert not _codes(_case(DYING), "letter.fee_element_restated")        # the sample states its facts

    def drop_b(data):
        data["request"]["parole_fee_exception"]["elements"].pop("b")
        data["request"]["visa"]["why_not_possible"] = " ".join(["The embassy's next interview is in 2027."] * 9)

    found = _codes(_case(DYING, drop_b), "letter.fee_element_restated")
    assert len(found) == 1
    assert "request.visa.why_not_possible" in found[0].message and found[0].where.endswith(".elements")
    assert "elements.b" in found[0].fix

    def drop_b_short(data):
        data["request"]["parole_fee_exception"]["elements"].pop("b")
        data["request"]["visa"]["why_not_possible"] = "The embassy's next interview is in September 2027."

    assert not _codes(_case(DYING, drop_b_short), "letter.fee_element_restated")   # a sentence is fine


def test_a_tie_to_home_is_backed_only_by_an_exhibit_about_the_beneficiary():
    """Jorge 'employs four people' at his store in Quetzaltenango: his sister's employer letter ('Employment
    verification', a supporter's document) says nothing of his work; only an exhibit about Jorge backs it."""
    assert not _codes(_case(DYING), "letter.asserted_without_evidence")   # the registry and the priest's letter

    def no_store(d):
        d["evidence"] = [e for e in d["evidence"] if e["id"] not in ("business_registration", "parish_reference")]
    found = _codes(_case(DYING, no_store), "letter.asserted_without_evidence")
    assert [f.where for f in found] == ["discretion.departure_plan"]
    assert "employment at home" in found[0].message and "(jorge)" in found[0].message

    def supporters_document(d):                 # a supporter's document, even one naming him, does not count
        no_store(d)
        d["evidence"].append({"id": "store_note", "file": "evidence/employer-letter.pdf", "category": "supporter_financial",
                              "title": "Note on Jorge's business", "shows": "Jorge's business employs four people.",
                              "supporter": "marisol", "about": ["marisol", "jorge"]})
    assert _codes(_case(DYING, supporters_document), "letter.asserted_without_evidence")

    def his_document(d):
        no_store(d)
        d["evidence"].append({"id": "store_license", "file": "evidence/employer-letter.pdf", "category": "other",
                              "title": "Business license of Ferretería Los Altos", "shows": "Jorge owns the business.",
                              "about": ["jorge"]})
    assert not _codes(_case(DYING, his_document), "letter.asserted_without_evidence")

    def own_plan(d):                            # a beneficiary's own return plan: evidence about that beneficiary
        d["beneficiaries"][1]["discretion"] = {"departure_plan": "Ana is a teacher at a public school; she is on "
                                                                 "unpaid leave until July 31, 2027."}
        for e in d["evidence"]:
            if e["id"] == "ana_school_letter":
                e["about"] = ["mateo"]
    found = _codes(_case(CHILD, own_plan), "letter.asserted_without_evidence")
    assert {f.where for f in found} == {"beneficiaries[1].discretion.departure_plan"}
    assert {m for f in found for m in ("leave from work", "employment at home") if m in f.message} == \
        {"leave from work", "employment at home"}
