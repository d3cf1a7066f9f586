"""No personal data in default output (one policy, docs/errors.md "Personal data"); outputs owner-only."""

from __future__ import annotations

import json
import stat
import subprocess
import sys

from packetgen.case.load import load_case
from packetgen.privacy import Redactor, redactor_for


def _sensitive(case) -> list[str]:
    out = []
    for p in [case.petitioner, *case.beneficiaries, *case.supporters]:
        out += [p.name.family, p.name.given, p.date_of_birth.strftime("%m/%d/%Y"), p.date_of_birth.isoformat()]
        if p.passport:
            out.append(p.passport.number)
        if p.email:
            out.append(p.email)
    for s in case.supporters:
        out += [f"{s.annual_income:,.0f}", f"{s.annual_income:.0f}"]
    return out


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "packetgen", *map(str, args)], capture_output=True, text=True,
                          timeout=300)


def test_build_output_has_no_personal_data_by_default(sample_copy):
    case_path = sample_copy("child-surgery")
    case = load_case(case_path)
    proc = _cli("build", case_path)
    assert proc.returncode == 0, proc.stderr
    printed = proc.stdout + proc.stderr
    for value in _sensitive(case):
        assert value not in printed, value
    out = case_path.parent / "out"
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    for f in out.iterdir():
        assert stat.S_IMODE(f.stat().st_mode) == 0o600, f.name
    # -v shows the details again: a street too long for its box is a warning that names the beneficiary
    data = json.loads(case_path.read_text(encoding="utf-8"))
    data["beneficiaries"][0]["mailing_address"]["street"] = "Colonia Palmira, Avenida República de Chile 1520"
    case_path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    proc = _cli("build", "--force", case_path)
    assert "did not fit" in proc.stderr and case.beneficiaries[0].name.family not in proc.stderr
    proc = _cli("-v", "build", "--force", case_path)
    assert case.beneficiaries[0].name.family in proc.stderr


def test_check_shows_roles_and_ids_not_names_income_or_birth_dates(sample_copy):
    case_path = sample_copy("child-surgery")
    # without the father's consent, the check's warning names both beneficiaries (the minor and the parent who accompanies him)
    data = json.loads(case_path.read_text(encoding="utf-8"))
    data["evidence"] = [e for e in data["evidence"] if e["category"] != "consent"]
    case_path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    case = load_case(case_path)
    proc = _cli("check", case_path)
    printed = proc.stdout + proc.stderr
    for value in _sensitive(case):
        assert value not in printed, value
    assert "beneficiary 'mateo'" in printed and "beneficiary 'ana'" in printed
    as_json = _cli("check", "--json", case_path)
    json.loads(as_json.stdout)                                  # still valid JSON
    for value in _sensitive(case):
        assert value not in as_json.stdout, value
    verbose = _cli("-v", "check", case_path)
    assert case.beneficiaries[0].name.full in verbose.stdout


def test_preflight_failure_hides_names_and_dates_of_birth(sample_copy):
    case_path = sample_copy("child-surgery")
    data = json.loads(case_path.read_text(encoding="utf-8"))
    data["beneficiaries"][0]["date_of_birth"] = "2031-07-02"
    case_path.write_text(json.dumps(data), encoding="utf-8")
    case = load_case(case_path)
    proc = _cli("build", case_path)
    assert proc.returncode == 1, proc.stderr
    assert "2031-07-02" not in proc.stderr and case.beneficiaries[0].name.given not in proc.stderr
    assert "beneficiary 'mateo'" in proc.stderr and "[date of birth]" in proc.stderr
    assert "beneficiary beneficiary" not in proc.stderr
    assert "2031-07-02" in _cli("-v", "build", case_path).stderr


def test_paths_are_printed_as_written_even_when_they_hold_names(sample_copy):
    case_path = sample_copy("child-surgery")
    case = load_case(case_path)
    family = case.beneficiaries[0].name.family
    data = json.loads(case_path.read_text(encoding="utf-8"))
    rel = f"evidence/{family} assets/bank statement.pdf"
    data["evidence"][0]["file"] = rel
    case_path.write_text(json.dumps(data), encoding="utf-8")
    proc = _cli("build", case_path)
    assert proc.returncode == 1, proc.stderr
    assert rel in " ".join(proc.stderr.split())   # never rewritten into a folder that does not exist (wrapping aside)


def test_redactor_prefers_full_names_and_hides_numbers(sample_copy):
    case = load_case(sample_copy("child-surgery"))
    r = redactor_for(case)
    b = case.beneficiaries[0]
    line = f"Form I-131 — {b.name.full}: DOB {b.date_of_birth:%m/%d/%Y}, passport {b.passport.number}"
    assert r(line) == "Form I-131 — beneficiary 'mateo': DOB [date of birth], passport [passport number]"
    s = case.supporters[0]
    assert r(f"income ${s.annual_income:,.2f} for 3 people, 12 pages") == "income [amount] for 3 people, 12 pages"
    assert r(f"the {b.name.family} family") == "the [family name] family"
    path = f"/cases/{b.name.family}/evidence/{b.name.given}-passport.pdf"
    assert r(f"{path}: page 3 shrunk") == f"{path}: page 3 shrunk"


def test_numbers_hidden_by_shape_when_the_case_does_not_load():
    r = Redactor()
    assert r("A-Number A123456789, SSN 123-45-6789, mail ana@castillo.hn, 3 pages") == \
        "A-Number [A-Number], SSN [SSN], mail [e-mail], 3 pages"
    assert r("expected an email address such as name@example.org") == \
        "expected an email address such as name@example.org"
