"""packetgen init: answers -> a valid case file and an evidence folder laid out for the exhibits."""

from __future__ import annotations

import json
import stat

import pytest
from click.testing import CliRunner

from packetgen.case import answers as initcase
from packetgen.case.load import load_case
from packetgen.cli.main import cli

FLAGS = ["--no-input", "--reason", "medical",
         "--beneficiary", "Mateo Reyes Castillo", "--beneficiary-dob", "2019-07-02", "--beneficiary-country", "Honduras",
         "--beneficiary", "Castillo Mejía, Ana Gabriela", "--beneficiary-dob", "1991-11-23",
         "--beneficiary-country", "honduras",
         "--petitioner", "Lucía Reyes", "--petitioner-dob", "1984-03-12", "--petitioner-status", "citizen",
         "--street", "4410 Fannin Street", "--unit", "Apt 12B", "--city", "Houston", "--state", "tx", "--zip", "77004",
         "--income", "92400", "--employer", "Harris Health System",
         "--arrival", "2027-01-25", "--stay-months", "6", "--consulate", "Tegucigalpa, Honduras",
         "--visa-refused", "2026-09-15:U.S. Embassy Tegucigalpa", "--passport", "H0012345:2030-05-14",
         "--no-prior-parole-documents", "--no-other-sponsorships"]


def _init(folder, *args, input=None):
    return CliRunner().invoke(cli, ["init", str(folder), *args], input=input, catch_exceptions=False)


def _mode(p):
    return stat.S_IMODE(p.stat().st_mode)


def test_init_from_flags_makes_a_case_that_loads(tmp_path):
    folder = tmp_path / "reyes"
    r = _init(folder, *FLAGS)
    assert r.exit_code == 0, r.output
    case = load_case(folder / "case.json")
    assert [b.id for b in case.beneficiaries] == ["mateo", "ana"]
    assert case.beneficiaries[0].name.family == "Reyes Castillo"
    assert case.beneficiaries[1].name.given == "Ana" and case.beneficiaries[1].name.middle == "Gabriela"
    assert case.beneficiaries[1].accompanies == "mateo"          # the 2nd person accompanies the patient
    assert case.beneficiaries[0].passport.number == "H0012345"
    assert case.petitioner.mailing_address.state == "TX"
    assert case.petitioner.immigration_status == "U.S. citizen"
    assert case.supporters[0].supports == ["mateo", "ana"] and case.supporters[0].annual_income == 92400
    assert case.request.reason == "medical" and str(case.request.intended_arrival) == "2027-01-25"
    assert case.request.consulate.city == "Tegucigalpa"
    assert case.request.visa.attempts[0].evidence == ["visa_refusal"]
    assert case.request.parole_fee_exception.claimed            # medical: the 1804(b)(1) exception is asked for
    assert case.beneficiaries[1].ever_issued_reentry_permit_or_refugee_travel_document is False
    assert case.supporters[0].other_obligations == "None"
    # evidence entries point at files inside one folder per exhibit, each folder with a README
    ids = {e.id for e in case.evidence}
    assert {"petitioner_statement", "mateo_passport", "ana_passport", "doctor_letter", "us_provider_letter",
            "cost_estimate", "relationship", "visa_refusal", "lucia_status", "lucia_income", "lucia_assets"} <= ids
    for e in case.evidence:
        f = folder / e.file
        assert f.parent.is_dir() and f.parent.parent == folder / "evidence", e.file
        assert not f.exists()
        assert (f.parent / "README.txt").is_file()
        assert f.name in (f.parent / "README.txt").read_text(encoding="utf-8")
    assert "lucia_status" in {e.id for e in case.evidence if e.supporter == "lucia"}
    # private: the case file 0600, folders 0700
    assert _mode(folder / "case.json") == 0o600
    assert _mode(folder / "evidence") == 0o700
    assert _mode(folder) == 0o700
    # an editor can validate the case file against the schema next to it
    assert json.loads((folder / "case.json").read_text(encoding="utf-8"))["$schema"] == "case.schema.json"
    assert (folder / "case.schema.json").is_file()
    # the report lists the documents and what is still to write
    assert "evidence/doctor-letter/doctor-letter.pdf" in r.output
    assert "request.narrative" in r.output and "packetgen check" in r.output


def test_todo_placeholders_are_listed(tmp_path):
    _init(tmp_path / "c", *FLAGS)
    data = json.loads((tmp_path / "c" / "case.json").read_text(encoding="utf-8"))
    paths = dict(initcase.todo_paths(data))
    assert {"request.narrative", "request.stay.justification", "discretion.payment_plan"} <= set(paths)
    assert "discretion.criminal_history" in paths       # not confirmed: stays a TODO, never a guessed "None"
    assert all(v for v in paths.values())


def test_init_refuses_to_overwrite(tmp_path):
    folder = tmp_path / "c"
    assert _init(folder, *FLAGS).exit_code == 0
    case_file = folder / "case.json"
    case_file.write_text(case_file.read_text(encoding="utf-8").replace("Reyes Medical Parole", "Edited"),
                         encoding="utf-8")
    scan = folder / "evidence" / "doctor-letter" / "doctor-letter.pdf"
    scan.write_bytes(b"%PDF-1.4 the client's scan")
    r = _init(folder, *FLAGS)
    assert r.exit_code == 9
    assert "already exists" in r.output and "--force" in r.output
    assert "Edited" in case_file.read_text(encoding="utf-8")
    # interactive: refused before the first question is asked
    r = _init(folder, input="1\n")
    assert r.exit_code == 9 and "Why is parole needed" not in r.output
    # --force replaces the case file but never touches evidence
    r = _init(folder, *FLAGS, "--force")
    assert r.exit_code == 0, r.output
    assert "Edited" not in case_file.read_text(encoding="utf-8")
    assert scan.read_bytes() == b"%PDF-1.4 the client's scan"
    assert not list(folder.glob(".*.part"))


def test_no_input_lists_every_missing_option(tmp_path):
    r = _init(tmp_path / "c", "--no-input", "--reason", "medical")
    assert r.exit_code == 2
    for opt in ("--beneficiary", "--petitioner", "--arrival"):
        assert opt in r.output
    assert not (tmp_path / "c" / "case.json").exists()


@pytest.mark.parametrize("args,needle", [
    (["--state", "Texsa"], "did you mean TX (Texas)"),
    (["--arrival", "2020-01-01"], "on or after"),
    (["--beneficiary-dob", "07/02/2019"], "YYYY-MM-DD"),
    (["--zip", "7700"], "ZIP code"),
    (["--reason", "vacation"], "not one of the choices"),
])
def test_bad_option_values_are_usage_errors(tmp_path, args, needle):
    r = _init(tmp_path / "c", *FLAGS, *args)
    assert r.exit_code == 2 and needle in r.output


@pytest.mark.parametrize("reason", list(initcase.REASONS))
def test_every_reason_makes_a_valid_case(tmp_path, reason):
    folder = tmp_path / reason
    flags = [a if a != "medical" else reason for a in FLAGS]
    r = _init(folder, *flags)
    assert r.exit_code == 0, r.output
    case = load_case(folder / "case.json")
    assert case.request.reason == reason
    if reason == "public_benefit":
        assert any(e.category == "public_benefit" for e in case.evidence)


def test_self_petitioner_with_another_supporter(tmp_path):
    folder = tmp_path / "self"
    r = _init(folder, "--no-input", "--reason", "family_emergency",
              "--beneficiary", "Amal Haddad", "--beneficiary-dob", "1990-05-01", "--beneficiary-country", "Jordan",
              "--petitioner-is-beneficiary", "--supporter", "Omar Haddad", "--supporter-dob", "1985-02-03",
              "--supporter-status", "lpr", "--income", "61000", "--arrival", "2027-02-01")
    assert r.exit_code == 0, r.output
    case = load_case(folder / "case.json")
    assert case.petitioner.is_beneficiary == "amal"
    assert case.beneficiaries[0].relationship_to_petitioner == "self"
    assert case.supporters[0].name.given == "Omar" and case.supporters[0].status == "lpr"
    assert not any(e.category == "petitioner_identity" for e in case.evidence)
    assert any(e.category == "relationship" for e in case.evidence)


INTERACTIVE = [
    "1",                                   # reason: medical
    "1",                                   # one beneficiary
    "Mateo", "Reyes Castillo", "",         # names
    "07/02/2019", "1",                     # a slashed date: which reading? 1 = July 2, 2019
    "m", "Honduras", "", "", "Tegucigalpa", "", "", "",   # sex, citizenship, birth, residence, city, street, phone, email
    "",                                    # role [patient]
    "",                                    # no passport
    "n",                                   # the petitioner is not Mateo
    "Lucía", "Reyes", "", "1984-03-12", "", "", "Honduras",
    "4410 Fannin Street", "", "Houston", "Texsa", "texas", "77004", "", "",
    "2",                                   # status: lawful permanent resident (by number)
    "nephew",
    "",                                    # documents in English (no translation)
    "",                                    # Lucía signs the I-134 [Y]
    "$92,400", "",                         # income, employer
    "0",                                   # no other supporters
    "n",                                   # Lucía has signed no other I-134 / I-864 (sworn: no default)
    "aunt",
    "Mateo needs heart surgery that is not available in Honduras.",
    "2027-01-25", "", "",                  # arrival, stay [6], treatment
    "",                                    # expedite [Y for medical]
    "",                                    # claim the parole-fee exception (b)(1) [Y]
    "",                                    # consulate [Tegucigalpa, Honduras] from the visa-post list
    "n",                                   # no visa application
    "n",                                   # no arrests
    "2",                                   # payment: G-1650
    "", "",                                # case name, preparer
]


def test_interactive_init(tmp_path):
    folder = tmp_path / "inter"
    forms = ["n", "F", "y", "1", "white", "3", "10", "55", "brown", "black", "n", "n", "n", "y", "2", "0",
             "single", "y"]                # 7. the forms' questions (tests/test_init_questions.py)
    r = _init(folder, input="\n".join(INTERACTIVE + forms) + "\n")
    assert r.exit_code == 0, r.output
    assert "Which date did you mean?" in r.output and "July 2, 2019 (2019-07-02)" in r.output
    assert "February 7, 2019 (2019-02-07)" in r.output
    assert "did you mean TX (Texas)" in r.output
    case = load_case(folder / "case.json")
    b = case.beneficiaries[0]
    assert (b.name.given, b.name.family, str(b.date_of_birth), b.sex) == ("Mateo", "Reyes Castillo", "2019-07-02", "M")
    assert b.relationship_to_petitioner == "nephew" and b.role == "patient"
    assert case.petitioner.mailing_address.state == "TX"
    assert case.petitioner.country_of_birth == "Honduras"
    assert case.petitioner.immigration_status == "lawful permanent resident"
    s = case.supporters[0]
    assert s.status == "lpr" and s.annual_income == 92400 and s.relationship == {"mateo": "aunt"}
    assert case.request.summary.startswith("Mateo needs heart surgery")
    assert case.request.expedite.requested
    assert case.request.consulate.city == "Tegucigalpa" and case.request.consulate.country == "Honduras"
    assert case.discretion.criminal_history.startswith("No beneficiary has ever been arrested")
    assert case.filing.payment == "G-1650"
    assert b.ever_issued_advance_parole is False and b.in_removal_proceedings is False
    assert s.other_obligations == "None"
    assert case.case_name == "Reyes Medical Parole"
    assert any(e.category == "consent" for e in case.evidence)   # a minor patient: parental consent expected


def test_interrupted_interactive_init_writes_nothing(tmp_path):
    folder = tmp_path / "stop"
    r = _init(folder, input="1\n1\nMateo\n")   # input ends: like Ctrl-D
    assert r.exit_code != 0
    assert "nothing was written" in r.output
    assert not (folder / "case.json").exists()


def test_check_on_a_fresh_case_does_not_crash(tmp_path):
    folder = tmp_path / "fresh"
    _init(folder, *FLAGS)
    r = CliRunner().invoke(cli, ["check", str(folder / "case.json")])
    assert r.exit_code in (0, 1), r.output
    assert "Traceback" not in r.output and "internal error" not in r.output


def test_check_reports_missing_evidence_files(tmp_path):
    folder = tmp_path / "fresh"
    _init(folder, *FLAGS)
    r = CliRunner().invoke(cli, ["check", "--json", str(folder / "case.json")])
    text = r.output
    assert "evidence/doctor-letter/doctor-letter.pdf" in text


@pytest.mark.parametrize("fn,text,expected", [
    (initcase.state_code, "tx", "TX"),
    (initcase.state_code, "New York", "NY"),
    (initcase.zip_code, "770041234", "77004-1234"),
    (initcase.country, "usa", "United States"),
    (initcase.money, "$92,400", 92400.0),
    (initcase.person_name, "Reyes Castillo, Mateo Andrés", ("Mateo", "Andrés", "Reyes Castillo")),
    (initcase.person_name, "Mateo Reyes Castillo", ("Mateo", None, "Reyes Castillo")),
])
def test_answer_checks(fn, text, expected):
    assert fn(text) == expected


@pytest.mark.parametrize("fn,text", [
    (initcase.birth_date, "2030-01-01"),       # in the future
    (initcase.birth_date, "2019-02-30"),       # not a date
    (initcase.months, "0"),
    (initcase.months, "61"),
    (initcase.email, "lucia@example"),
    (initcase.person_name, "Mateo"),
    (initcase.text_line, "a\u202eb"),          # bidi override
])
def test_answer_checks_refuse(fn, text):
    with pytest.raises(ValueError):
        fn(text)
