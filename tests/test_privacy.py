"""No personal data in default output; outputs readable by their owner only."""

from __future__ import annotations

import stat
import subprocess
import sys

from packetgen.case.model import load_case
from packetgen.privacy import redactor_for


def _sensitive(case) -> list[str]:
    out = []
    for p in [case.petitioner, *case.beneficiaries, *case.supporters]:
        out += [p.name.family, p.name.given, p.date_of_birth.strftime("%m/%d/%Y")]
        if p.passport:
            out.append(p.passport.number)
        if p.email:
            out.append(p.email)
    return out


def test_build_output_has_no_personal_data_by_default(sample_copy):
    case_path = sample_copy("child-surgery")
    case = load_case(case_path)
    proc = subprocess.run([sys.executable, "-m", "packetgen", "build", str(case_path)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    printed = proc.stdout + proc.stderr
    for value in _sensitive(case):
        assert value not in printed, value
    out = case_path.parent / "out"
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    for f in out.iterdir():
        assert stat.S_IMODE(f.stat().st_mode) == 0o600, f.name
    # -v shows the details again.
    proc = subprocess.run([sys.executable, "-m", "packetgen", "-v", "build", "--force", str(case_path)],
                          capture_output=True, text=True)
    assert case.beneficiaries[0].name.family in proc.stderr or "warning" not in proc.stderr


def test_redactor_prefers_full_names_and_hides_numbers(sample_copy):
    case = load_case(sample_copy("child-surgery"))
    r = redactor_for(case)
    b = case.beneficiaries[0]
    line = f"Form I-131 — {b.name.full}: DOB {b.date_of_birth:%m/%d/%Y}, passport {b.passport.number}"
    assert r(line) == "Form I-131 — beneficiary 1: DOB [date of birth], passport [passport number]"
