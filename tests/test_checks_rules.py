"""The rules of issue 14: each new or corrected check fires on the mistake it names, and not on the samples."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from packetgen.case.checks import format_findings, run_checks
from packetgen.case.model import Case

from .conftest import SAMPLES

TODAY = dt.date(2026, 12, 2)
CHILD = SAMPLES / "child-surgery" / "case.json"
DYING = SAMPLES / "dying-parent" / "case.json"
WITNESS = SAMPLES / "trial-witness" / "case.json"


def case_with(mutate, path=CHILD) -> Case:
    data = json.loads(path.read_text(encoding="utf-8"))
    mutate(data)
    case = Case.model_validate(data)
    case._source = path.resolve()
    return case


def by_code(findings, code):
    return [f for f in findings if f.code == code]


def one(findings, code):
    hits = by_code(findings, code)
    assert hits, f"no {code}; got {sorted({f.code for f in findings})}"
    return hits[0]


def run(mutate, path=CHILD, today=TODAY):
    return run_checks(case_with(mutate, path), today=today)


# --- fee-exception evidence -------------------------------------------------------------------------------


def test_a_request_an_exception_covers_warns_when_none_is_claimed_or_explained_away():
    """An attorney's read: the trial-witness request (a witness for a federal prosecution) did not ask for the
    law-enforcement exception from the parole fee, and nothing said so."""
    def unclaim(d):
        d["request"]["parole_fee_exception"] = {"claimed": False}
        for b in d["beneficiaries"]:
            b.pop("parole_fee_exception", None)
    for path, words in ((CHILD, "(b)(1) medical emergency"), (DYING, "(b)(4)"), (WITNESS, "law enforcement")):
        f = one(run(unclaim, path), "fees.parole_exception_not_claimed")
        assert f.severity == "warning" and words in f.message and f.where == "request.parole_fee_exception"

    def explained(d):
        unclaim(d)
        d["request"]["parole_fee_exception"]["explanation"] = "The AUSA's office pays the fee."
    assert not by_code(run(explained, WITNESS), "fees.parole_exception_not_claimed")
    for path in (CHILD, DYING):          # claimed: nothing to say
        assert not by_code(run(lambda d: None, path), "fees.parole_exception_not_claimed")

    def other_reason(d):
        unclaim(d)
        d["request"]["reason"] = "other"
    assert not by_code(run(other_reason), "fees.parole_exception_not_claimed")


def test_parent_of_minor_basis_without_relationship_evidence_is_an_error():
    def m(d):
        d["request"]["parole_fee_exception"]["basis"] = "b2_parent_of_minor_patient"
        d["evidence"] = [e for e in d["evidence"] if e["category"] != "relationship"]
    f = one(run(m), "fees.parole_exception_no_relationship_evidence")
    assert f.severity == "error" and "b2_parent_of_minor_patient" in f.message and "birth certificate" in f.fix


def test_parent_of_minor_basis_with_relationship_evidence_passes():
    def m(d):
        d["request"]["parole_fee_exception"]["basis"] = "b2_parent_of_minor_patient"
    assert not by_code(run(m), "fees.parole_exception_no_relationship_evidence")


def test_imminent_death_basis_needs_proof_of_the_prognosis_and_the_relationship():
    def m(d):
        d["evidence"] = [e for e in d["evidence"] if e["id"] not in ("hospice_letter", "birth_certificate",
                                                                     "mother_resident_card",
                                                                     "marisol_birth_certificate")]
        d["request"]["expedite"]["evidence"] = ["petitioner_statement"]
    fs = run(m, DYING)
    assert one(fs, "fees.parole_exception_no_event_evidence").severity == "error"
    assert one(fs, "fees.parole_exception_no_relationship_evidence").severity == "error"


def test_imminent_death_basis_needs_the_visa_timing_element():
    def m(d):
        d["request"]["visa"]["why_not_possible"] = None
    assert one(run(m, DYING), "fees.parole_exception_time_missing").severity == "warning"


def test_medical_emergency_basis_without_unavailability_is_a_warning():
    def m(d):
        for e in d["evidence"]:
            if e["category"] == "medical_abroad":
                e["shows"] = "Diagnosis and prognosis."
    assert one(run(m), "fees.parole_exception_unavailability_missing").severity == "warning"


def test_other_basis_without_explanation_is_an_error():
    def m(d):
        d["request"]["parole_fee_exception"] = {"claimed": True, "basis": "other", "explanation": None}
    assert one(run(m), "fees.parole_exception_explanation_missing").severity == "error"


# --- expedite ---------------------------------------------------------------------------------------------

def test_expedite_urgent_without_evidence_gives_two_errors():
    def m(d):
        d["request"]["expedite"] = {"requested": True, "reason": "Urgent."}
    fs = run(m)
    assert one(fs, "expedite.reason_thin").severity == "error"
    assert one(fs, "expedite.evidence_missing").severity == "error"
    assert one(fs, "expedite.evidence_missing").where == "request.expedite.evidence"


def test_expedite_citing_an_unknown_exhibit_is_an_error():
    def m(d):
        d["request"]["expedite"]["evidence"] = ["doctor_leter"]
    fs = run(m)
    assert "doctor_leter" in one(fs, "expedite.evidence_unknown").message
    assert by_code(fs, "expedite.evidence_missing")


def test_no_expedite_no_expedite_findings():
    def m(d):
        d["request"]["expedite"] = {"requested": False}
    assert not [f for f in run(m) if f.code.startswith("expedite.")]


# --- dates ------------------------------------------------------------------------------------------------

def test_arrival_before_filing_date_is_an_error():
    def m(d):
        d["filing"]["filing_date"] = "2027-02-01"
    f = one(run(m), "dates.arrival_before_filing")
    assert f.severity == "error" and "February 1, 2027" in f.message


@pytest.mark.parametrize("path,days", [(CHILD, 52), (DYING, 33)])
def test_arrival_sooner_than_expedited_processing_is_a_warning(path, days):
    f = one(run(lambda d: None, path), "dates.arrival_soon")
    assert f.severity == "warning" and f"{days} days after filing" in f.message and "conservative default" in f.message


def test_arrival_in_70_days_with_expedite_is_fine_but_without_expedite_is_soon():
    assert not by_code(run(lambda d: None, WITNESS), "dates.arrival_soon")

    def m(d):
        d["request"]["expedite"] = {"requested": False}
    assert "no expedite is requested" in one(run(m, WITNESS), "dates.arrival_soon").message


# --- supporters -------------------------------------------------------------------------------------------

def test_beneficiary_abroad_signing_for_another_beneficiary_is_a_warning():
    def m(d):
        ana = next(b for b in d["beneficiaries"] if b["id"] == "ana")
        sup = {k: ana[k] for k in ("name", "date_of_birth", "country_of_birth", "country_of_citizenship",
                                   "mailing_address")}
        sup.update(id="ana_sup", supports=["mateo"], status="other", status_other="none (lives in Honduras)",
                   annual_income=9000)
        d["supporters"].append(sup)
    f = one(run(m), "support.beneficiary_supports_other")
    assert f.severity == "warning" and "mateo" in f.message and "access to those funds" in f.fix


def test_supporter_abroad_and_visitor_are_warnings_citing_the_instructions():
    def m(d):
        s = d["supporters"][0]
        s["mailing_address"] = {"street": "Calle 5", "city": "Tegucigalpa", "country": "Honduras"}
        s["status"] = "other"
        s["status_other"] = "B-2 visitor"
    fs = run(m)
    assert one(fs, "support.supporter_abroad").severity == "warning"
    v = one(fs, "support.supporter_visitor")
    assert v.severity == "warning" and "may not work" in v.message and "I-134 instructions" in v.fix


@pytest.mark.parametrize("value", [1e308, float("inf"), 5e9])
def test_absurd_amounts_are_errors_and_never_print_inf(value):
    def m(d):
        d["supporters"][0]["annual_income"] = value
    fs = run(m)
    hit = by_code(fs, "support.amount_not_finite") + by_code(fs, "support.amount_implausible")
    assert hit and hit[0].severity == "error" and hit[0].where == "supporters[0].annual_income"
    assert "$inf" not in format_findings(fs)


def test_asset_amount_is_bounded_too():
    def m(d):
        d["supporters"][0]["assets"][0]["amount"] = 1e308
    assert one(run(m), "support.amount_implausible").where == "supporters[0].assets[0].amount"


def test_income_below_the_poverty_guideline_is_a_warning_with_the_figure():
    def m(d):
        d["supporters"][0]["annual_income"] = 20000       # household of 4: 2025 guideline $32,150
    f = one(run(m), "support.below_poverty_guideline")
    assert f.severity == "warning" and "$32,150" in f.message and "household of 4" in f.message


def test_income_above_the_guideline_is_a_note_with_the_figure():
    f = one(run(lambda d: None), "support.poverty_guideline")
    assert f.severity == "info" and "$32,150" in f.message


def test_alaska_guideline_is_used_for_an_alaska_household():
    def m(d):
        d["supporters"][0]["mailing_address"].update(state="AK", zip_code="99501", city="Anchorage")
        d["supporters"][0]["annual_income"] = 35000        # above $32,150 but below Alaska's $40,190
    assert "Alaska" in one(run(m), "support.below_poverty_guideline").message


# --- placeholders, consent, stale facts ---------------------------------------------------------------

def test_init_example_text_in_the_exhibit_index_is_an_error():
    def m(d):
        d["evidence"][0]["shows"] = ("The emergency and why it cannot wait (e.g. a doctor's letter about the dying "
                                     "relative, a death certificate).")
    f = one(run(m), "case.example_text")
    assert f.severity == "error" and f.where == "evidence[0].shows" and "(e.g. a doctor's letter" in f.message


def test_minor_patient_without_other_parent_consent_is_a_warning_even_with_a_parent_travelling():
    def no_consent(d):                      # the sample has the father's consent; without it, a warning
        d["evidence"] = [e for e in d["evidence"] if e["category"] != "consent"]
    f = one(run(no_consent), "medical.minor_consent_missing")
    assert f.severity == "warning" and "accompanies" in f.message and "other parent" in f.fix
    assert not by_code(run(lambda d: None), "medical.minor_consent_missing")


def test_facts_older_than_six_months_are_a_warning():
    fs = run(lambda d: None, WITNESS, today=dt.date(2027, 6, 1))
    f = one(fs, "rules.stale")
    assert f.severity == "warning" and "six months" in f.message and "packetgen rules --stale" in f.fix


# --- fileability (issue 14 §2) ----------------------------------------------------------------------------

def test_check_reports_stand_in_forms_and_draft_letter_as_not_for_filing(tmp_path):
    from packetgen import api

    case = case_with(lambda d: d["letter"].update(draft=True))
    _, fs = api.check(case, today=TODAY, forms_dir=tmp_path)
    stand = one(fs, "fileable.standin_forms")
    assert stand.severity == "error" and "I-131" in stand.message and "I-134" in stand.message
    assert one(fs, "fileable.draft_letter").severity == "error"
    assert fs[0].group == "Fileability"                   # reported first
    text = format_findings(fs)
    assert "NOT FOR FILING" in text and "Errors stop the build" not in text


def test_placeholders_make_the_set_not_for_filing_and_stop_the_build(tmp_path):
    from packetgen import api
    from packetgen.case.checks_base import AUTO_DRAFT_CODES

    case = case_with(lambda d: d["request"].update(summary="TODO: one or two sentences"))
    _, fs = api.check(case, today=TODAY, forms_dir=tmp_path)
    assert one(fs, "fileable.placeholders").severity == "error"
    assert "fileable.placeholders" not in AUTO_DRAFT_CODES
    assert "Errors stop the build" in format_findings(fs)


def test_fileability_state_from_findings_and_manifest():
    from packetgen.packet.preflight import fileability, from_manifest

    assert fileability([], ["I-134"]).line == "NOT FOR FILING: stand-in I-134"
    assert fileability([], []).for_filing
    old_manifest = {"sections": {"forms": [{"form": "I-131", "official": True}, {"form": "I-134", "official": False}]},
                    "findings": [{"severity": "error", "code": "case.placeholder"}]}
    assert from_manifest(old_manifest).reasons == ["stand-in I-134", "unfilled placeholders"]
    assert from_manifest({"fileable": {"for_filing": True, "reasons": []}}).for_filing


@pytest.mark.parametrize("path", [CHILD, WITNESS], ids=["with-cost", "no-cost"])
def test_infinite_amounts_never_reach_a_message(path):
    def m(d):
        d["supporters"][0]["annual_income"] = float("inf")
        d["supporters"][0]["assets"][0]["amount"] = 1e308
    text = format_findings(run(m, path))
    assert "$inf" not in text and "e+308" not in text and "000,000,000,000" not in text
    assert "309-digit amount" in text


@pytest.mark.parametrize("path", [CHILD, DYING, WITNESS], ids=lambda p: p.parent.name)
def test_samples_are_clean_except_for_the_stand_in_forms(path, tmp_path, monkeypatch):
    """With every file opened: the only error a sample has is that no official form PDF is installed."""
    from packetgen import api
    from packetgen.case.load import load_case

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    _, fs = api.check(load_case(path), today=TODAY, forms_dir=tmp_path, files=True)
    assert {f.code for f in fs if f.severity == "error"} == {"fileable.standin_forms"}, format_findings(fs)
    assert not [f for f in fs if f.code.startswith("evidence.file_")]


def test_one_person_lists_the_same_other_names_in_every_record():
    """A second attorney's read: Marisol, petitioner and supporter, listed her birth name on the I-131 (petitioner
    record) and nothing on the I-134 (supporter record): two sworn answers to one question."""
    def only_on_the_i131(d):
        d["petitioner"]["other_names"] = [{"family": "Morales Pérez", "given": "Marisol"}]
        for s in d["supporters"]:
            s.pop("other_names", None)
    f = one(run(only_on_the_i131, DYING), "consistency.other_names_differ")
    assert f.severity == "warning" and f.where.endswith(".other_names") and "Morales Pérez" not in f.message

    def both(d):
        only_on_the_i131(d)
        d["supporters"][0]["other_names"] = [{"family": "Morales Pérez", "given": "Marisol"}]
    assert not by_code(run(both, DYING), "consistency.other_names_differ")


def test_a_supporter_with_dependents_is_told_to_list_them_by_hand():
    """A third attorney's read: Item 14 counted dependents while the Item 15 table stayed blank under oath."""
    f = one(run(lambda d: None, WITNESS), "support.dependents_by_hand")
    assert f.severity == "warning" and "Item 15" in f.message and f.where == "supporters[0].dependents"

    def none(d):
        d["supporters"][0]["dependents"] = 0
    assert not by_code(run(none, WITNESS), "support.dependents_by_hand")
