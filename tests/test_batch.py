"""Batch builds: parallel cases, a summary, failures do not stop the others."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

from .conftest import SAMPLES


def test_batch_with_one_broken_case(tmp_path):
    cases = []
    for name in ("trial-witness", "dying-parent"):
        shutil.copytree(SAMPLES / name, tmp_path / name, ignore=shutil.ignore_patterns("out"))
        cases.append(tmp_path / name / "case.json")
    shutil.copytree(SAMPLES / "trial-witness", tmp_path / "broken", ignore=shutil.ignore_patterns("out"))
    broken = tmp_path / "broken" / "case.json"
    data = json.loads(broken.read_text(encoding="utf-8"))
    data["evidence"][0]["file"] = "evidence/never-scanned.pdf"
    broken.write_text(json.dumps(data), encoding="utf-8")
    cases.insert(1, broken)
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "packetgen", "build", *map(str, cases), "-j", "2", "-o", str(out)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 10, proc.stderr
    assert "Traceback" not in proc.stderr
    table = proc.stdout
    assert "2 of 3 built" in table
    for c in cases:
        assert str(c) in table
    assert "FAILED" in table and "never-scanned.pdf" in proc.stderr
    assert (out / "trial-witness" / "packet.pdf").exists() and (out / "dying-parent" / "packet.pdf").exists()
    assert not (out / "broken" / "packet.pdf").exists()
