"""Pre-flight checks: each finding names the field or exhibit and says how to fix it."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from packetgen.case.model import Case
from packetgen.case.load import load_case
from packetgen.case.checks import GROUPS, findings_json, format_findings, run_checks
from packetgen.facts import load_rules

from .conftest import SAMPLES, sample_cases

TODAY = dt.date(2026, 12, 2)
CHILD = SAMPLES / "child-surgery" / "case.json"


def case_with(mutate, path=CHILD) -> Case:
    data = json.loads(path.read_text(encoding="utf-8"))
    mutate(data)
    case = Case.model_validate(data)
    case._source = path.resolve()   # evidence paths resolve beside the sample
    return case


def codes(findings, severity=None):
    return {f.code for f in findings if severity is None or f.severity == severity}


def find(findings, code):
    hits = [f for f in findings if f.code == code]
    assert hits, f"no finding {code}; got {sorted(codes(findings))}"
    return hits[0]


@pytest.mark.parametrize("path", sample_cases(), ids=lambda p: p.parent.name)
def test_samples_pass_without_errors(path):
    findings = run_checks(load_case(path), today=TODAY)
    assert not [f for f in findings if f.severity == "error"], format_findings(findings)
    for f in findings:
        assert f.severity in ("error", "warning", "info")
        assert f.group in GROUPS
        assert f.message and f.fix and f.code.count(".") >= 1


def test_visa_explanation_missing_is_an_error_naming_the_field():
    def m(d):
        d["request"]["visa"] = {"attempts": [], "why_not_possible": None}
        d["evidence"] = [e for e in d["evidence"] if e["id"] != "visa_refusal"]
    f = find(run_checks(case_with(m), today=TODAY), "visa.explanation_missing")
    assert f.severity == "error" and f.group == "The three questions"
    assert "request.visa.why_not_possible" in f.message and f.where == "request.visa.why_not_possible"


def test_attempts_without_explanation_is_a_warning():
    def m(d):
        d["request"]["visa"]["why_not_possible"] = None
    f = find(run_checks(case_with(m), today=TODAY), "visa.explanation_thin")
    assert f.severity == "warning"


def test_spanish_exhibit_without_translation_is_an_error_naming_it():
    def m(d):
        bc = next(e for e in d["evidence"] if e["id"] == "birth_certificate")
        bc.pop("translation")
    f = find(run_checks(case_with(m), today=TODAY), "translation.missing")
    assert f.severity == "error" and f.group == "Translations" and "8 CFR 103.2(b)(3)" in f.message
    assert "birth_certificate" in f.message and "Birth certificate of Mateo (Spanish)" in f.message
    assert "'es'" in f.message and f.where == "evidence[3].translation"


@pytest.mark.parametrize("method", ["check", "money_order"])
def test_check_or_money_order_is_an_error(method):
    def m(d):
        d["filing"]["payment"] = method
    f = find(run_checks(case_with(m), today=TODAY), "fees.payment_rejected")
    assert f.severity == "error" and "G-1450" in f.fix and "G-1650" in f.fix and f.where == "filing.payment"


def test_payment_note_gives_amount_per_beneficiary():
    f = find(run_checks(load_case(CHILD), today=TODAY), "fees.payment")
    assert "$630" in f.message and "$1,260" in f.message


def test_medical_evidence_is_required():
    def m(d):
        d["evidence"] = [e for e in d["evidence"]
                         if e["category"] not in ("medical_abroad", "us_provider", "cost_estimate")]
    fs = run_checks(case_with(m), today=TODAY)
    assert {"medical.doctor_letter_missing", "medical.us_provider_missing",
            "medical.cost_estimate_missing"} <= codes(fs, "error")
    assert "medical.unavailability_missing" in codes(fs, "warning")
    assert "fees.parole_exception_no_medical_evidence" in codes(fs, "error")


def test_beneficiary_without_supporter_is_an_error():
    def m(d):
        d["supporters"][0]["supports"] = ["mateo"]
    f = find(run_checks(case_with(m), today=TODAY), "support.no_supporter")
    assert f.severity == "error" and "Ana Gabriela Castillo Mejía" in f.message and f.where == "beneficiaries[1]"


def test_shortfall_against_the_cost_estimate():
    def m(d):
        d["supporters"][0]["annual_income"] = 20000
        d["supporters"][0]["assets"] = []
    f = find(run_checks(case_with(m), today=TODAY), "support.shortfall")
    assert "$148,600" in f.message and "us_hospital_estimate" in f.message


def test_same_person_records_must_agree():
    def m(d):
        d["supporters"][0]["date_of_birth"] = "1984-03-21"
        d["supporters"][0]["email"] = "lucia.reyes@example.org"
        d["supporters"][0]["name"]["given"] = "Lucia"
    fs = run_checks(case_with(m), today=TODAY)
    assert find(fs, "consistency.name_differs").severity == "warning"       # accent variant only
    d = find(fs, "consistency.dob_differs")
    assert d.severity == "error" and "supporters[0]" in d.message


def test_dates():
    def m(d):
        d["beneficiaries"][0]["date_of_birth"] = "2027-01-01"
        d["request"]["intended_arrival"] = "2026-11-01"
        d["request"]["stay"]["months"] = 14
        d["request"]["stay"]["treatment_months"] = 16
        d["beneficiaries"][1]["passport"]["expires"] = "2027-03-01"
        next(e for e in d["evidence"] if e["id"] == "doctor_letter")["date"] = "2026-06-01"
    fs = run_checks(case_with(m), today=TODAY)
    assert {"dates.birth_not_past", "dates.arrival_not_future", "dates.passport_ends_before_stay"} <= codes(fs, "error")
    assert {"dates.stay_over_typical_max", "dates.stay_shorter_than_treatment", "dates.evidence_old"} <= codes(
        fs, "warning")
    old = find(fs, "dates.evidence_old")
    assert "doctor_letter" in old.message


def test_expedite_without_reason_and_fee_exception_checks():
    def m(d):
        d["request"]["expedite"] = {"requested": True, "reason": None}
        d["request"]["parole_fee_exception"] = {"claimed": True, "basis": None, "explanation": None}
    fs = run_checks(case_with(m), today=TODAY)
    assert find(fs, "expedite.reason_missing").severity == "error"
    assert {"fees.parole_exception_basis_missing", "fees.parole_exception_explanation_missing"} <= codes(fs)


def test_minor_self_petitioner_needs_a_parent():
    def m(d):
        d["petitioner"] = {k: v for k, v in d["beneficiaries"][0].items()
                           if k not in ("id", "relationship_to_petitioner", "role", "marital_status", "biographics",
                                        "accompanies", "in_removal_proceedings",
                                        "ever_issued_reentry_permit_or_refugee_travel_document",
                                        "ever_issued_advance_parole")}
        d["petitioner"]["is_beneficiary"] = "mateo"
    fs = run_checks(case_with(m), today=TODAY)
    assert find(fs, "signature.minor_self_petitioner").severity == "error"


def test_signature_reminders_are_info():
    fs = run_checks(load_case(CHILD), today=TODAY)
    for code in ("signature.i131", "signature.i134", "signature.payment", "signature.letter", "signature.minor"):
        assert find(fs, code).severity == "info"
    assert "Part 10, Item 4" in find(fs, "signature.i131").message


def test_travel_ban_country_is_flagged():
    def m(d):
        d["beneficiaries"][0]["country_of_citizenship"] = "Haiti"
    f = find(run_checks(case_with(m), today=TODAY), "risk.travel_ban_country")
    assert f.severity == "warning" and "Haiti" in f.message


def test_report_groups_findings_with_fixes_and_json():
    def m(d):
        d["filing"]["payment"] = "check"
        d["request"]["visa"] = {"attempts": [], "why_not_possible": None}
    fs = run_checks(case_with(m), today=TODAY)
    report = format_findings(fs)
    assert report.splitlines()[0].startswith("Pre-flight check: 2 error(s)")
    assert "The three questions\n----" in report and "Forms and fees\n----" in report
    assert report.index("The three questions") < report.index("Forms and fees")
    assert "fix: " in report and "[fees.payment_rejected]" in report
    data = findings_json(fs)
    json.dumps(data)
    assert {"severity", "code", "group", "message", "fix", "where"} <= set(data[0])


def test_every_rule_fact_is_dated_and_sourced():
    facts = load_rules()
    assert len(facts) >= 20
    for key, f in facts.items():
        assert {"value", "as_of", "source"} <= set(f), key
        dt.date.fromisoformat(f["as_of"])
        assert len(f["source"]) > 20, key
        assert f.get("confidence") in ("C", "S", "U"), key
    assert facts["fees.i131_paper"]["value"] == 630
    assert facts["payment.checks_rejected_from"]["value"] == "2025-10-28"
    assert "Attn: HP" in facts["address.lockbox_usps"]["value"]


def test_filing_instructions_pdf():
    import io
    import re

    from pypdf import PdfReader

    from packetgen.packet.instructions import render_filing_instructions

    case = load_case(CHILD)
    sigs = [{"form": "I-131", "title": "Applicant's signature", "page": 11, "part": "10", "item": "4",
             "who": "petitioner", "packet_page": 17},
            {"form": "I-134", "title": "Supporter's signature", "page": 7, "part": "6", "item": "1",
             "who": "lucia", "packet_page": 39}]
    pdf = render_filing_instructions(case, sigs, today=TODAY)
    assert pdf == render_filing_instructions(case, sigs, today=TODAY)
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    for s in ("Not part of the submission", "Lucía Isabel Reyes (petitioner)", "G-1450", "$630", "$1,260",
              "P.O. Box 660865", "Lewisville, TX 75067-8003", "Attn: HP", "single-sided", "No staples",
              "Proof of mailing", "EXPEDITE"):
        assert s in text, s
    assert "17" in text and "39" in text
