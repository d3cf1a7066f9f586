"""Nothing sworn by default (issue 12 §1): every required form question comes from the case file, or check refuses."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest

from packetgen.api import check as _check


def run_checks(case, *, today):
    """The case's checks and the forms' (api.check), without fileability."""
    return _check(case, today=today, fileability=False)[1]
from packetgen.case.load import load_case
from packetgen.forms.fill import fill_case_forms

from .conftest import SAMPLES

TODAY = dt.date(2026, 12, 2)


def _sample(name):
    return SAMPLES / name / "case.json"


@pytest.mark.parametrize("name", ["child-surgery", "dying-parent", "trial-witness"])
def test_samples_answer_every_required_question(name):
    case = load_case(_sample(name))
    assert not [f for f in run_checks(case, today=TODAY) if f.code.startswith("form.")]
    for f in fill_case_forms(case):
        assert f.unanswered == [], (f.title, f.unanswered)


@pytest.mark.parametrize("key, path", [
    (("beneficiaries", 0, "in_removal_proceedings"), "beneficiaries[0].in_removal_proceedings"),
    (("petitioner", "holds_refugee_status"), "petitioner.holds_refugee_status"),
    (("beneficiaries", 0, "physical_address_same_as_mailing"), "beneficiaries[0].physical_address_same_as_mailing"),
    (("supporters", 0, "reads_english"), "supporters[0].reads_english"),
    (("beneficiaries", 0, "ever_issued_advance_parole"), "beneficiaries[0].ever_issued_advance_parole"),
])
def test_a_sworn_answer_removed_is_refused_by_check(tmp_path, key, path):
    data = json.loads(_sample("child-surgery").read_text(encoding="utf-8"))
    node = data
    for k in key[:-1]:
        node = node[k]
    del node[key[-1]]
    case_file = tmp_path / "case.json"
    case_file.write_text(json.dumps(data), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "packetgen", "check", "--json", str(case_file)],
                          capture_output=True, text=True)
    assert proc.returncode == 1, proc.stdout
    assert any(f["code"] == "form.unanswered" and f["where"] == path for f in json.loads(proc.stdout))
    assert "Traceback" not in proc.stderr


def test_removal_proceedings_has_no_default_and_stays_blank():
    data = json.loads(_sample("dying-parent").read_text(encoding="utf-8"))
    del data["beneficiaries"][0]["in_removal_proceedings"]
    from packetgen.case.model import Case

    case = Case.model_validate(data)
    assert case.beneficiaries[0].in_removal_proceedings is None
    i131 = fill_case_forms(case)[0]
    assert not [v for v in i131.values if (v["part"], v["item"]) == ("4", "1")]
    assert {"part": "4", "item": "1", "set": "beneficiaries[0].in_removal_proceedings"}.items() <= i131.unanswered[0].items()
    errors = [f for f in run_checks(case, today=TODAY) if f.code == "form.unanswered"]
    assert len(errors) == 1 and "Part 4 Item 1" in errors[0].message and errors[0].severity == "error"
    assert "Form I-131" in errors[0].message and errors[0].where == "beneficiaries[0].in_removal_proceedings"


def test_physical_address_is_derived_only_when_the_case_says_so_and_recorded():
    case = load_case(_sample("child-surgery"))
    i131 = fill_case_forms(case)[0]
    item25 = [v for v in i131.values if (v["part"], v["item"]) == ("2", "25")]
    assert item25 and all(v["derived_from"].startswith("beneficiaries[0].mailing_address") for v in item25)
    city = next(v for v in item25 if v["label"].endswith("city or town"))
    assert city["value"] == "Tegucigalpa"
    # answers given by the user are not marked derived
    assert not [v for v in i131.values if (v["part"], v["item"]) == ("4", "1") and "derived_from" in v]


def test_refugee_question_is_answered_from_the_case():
    case = load_case(_sample("child-surgery"))
    i131 = fill_case_forms(case)[0]
    item13 = [v for v in i131.values if (v["part"], v["item"]) == ("1", "13")]
    assert [v["value"] for v in item13] == ["/N"]
    case.petitioner.holds_refugee_status = True
    assert [v["value"] for v in fill_case_forms(case)[0].values if (v["part"], v["item"]) == ("1", "13")] == ["/Y"]


def test_prior_document_details_are_required_when_the_answer_is_yes():
    case = load_case(_sample("dying-parent"))
    case.beneficiaries[0].ever_issued_advance_parole = True
    errors = [f for f in run_checks(case, today=TODAY) if f.code == "form.unanswered"]
    assert {f.where for f in errors} == {"beneficiaries[0].advance_parole_document.date_issued",
                                          "beneficiaries[0].advance_parole_document.disposition"}


def test_reads_english_false_needs_an_interpreter():
    case = load_case(_sample("dying-parent"))
    case.supporters[0].reads_english = False
    assert [f.code for f in run_checks(case, today=TODAY) if f.code.startswith("form.")] == ["form.interpreter_missing"]


def test_specific_contributions_derived_from_will_provide_only():
    case = load_case(_sample("dying-parent"))
    i134 = [f for f in fill_case_forms(case) if f.form_id == "I-134"][0]
    item18 = [v for v in i134.values if (v["part"], v["item"]) == ("2", "18")]
    assert item18 and item18[0]["derived_from"] == "supporters[0].will_provide"
    case.supporters[0].will_provide = None
    errors = [f for f in run_checks(case, today=TODAY) if f.code == "form.unanswered"]
    assert [f.where for f in errors] == ["supporters[0].specific_contributions"]


def test_draft_build_leaves_the_unanswered_question_blank(tmp_path, sample_copy):
    from pypdf import PdfReader

    case_file = sample_copy("trial-witness")
    data = json.loads(case_file.read_text(encoding="utf-8"))
    del data["beneficiaries"][0]["in_removal_proceedings"]
    case_file.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "packetgen", "build", "-q", str(case_file)], capture_output=True, text=True)
    assert proc.returncode == 1 and not (case_file.parent / "out" / "packet.pdf").exists()
    proc = subprocess.run([sys.executable, "-m", "packetgen", "build", "-q", "--draft", str(case_file)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    fields = PdfReader(case_file.parent / "out" / "packet.pdf").get_fields()
    yes_no = {k: str(v.get("/V", "/Off")) for k, v in fields.items() if "P4_Line1_YesNo" in k}
    assert len(yes_no) == 2 and set(yes_no.values()) <= {"/Off", "None"}
    manifest = json.loads((case_file.parent / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert any(f["code"] == "form.unanswered" and f["where"] == "beneficiaries[0].in_removal_proceedings"
               for f in manifest["findings"])
