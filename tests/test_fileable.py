"""Fileability end to end: the README's build on a machine without official forms is a draft that says so."""

from __future__ import annotations

import json
import os
import subprocess
import sys


def test_readme_build_with_stand_ins_is_a_draft_that_says_so(tmp_path, sample_copy):
    """Exit 0 and a clear last line from build; verify and check never call the set clean."""
    case = sample_copy("trial-witness")
    env = dict(os.environ, XDG_DATA_HOME=str(tmp_path / "xdg"), XDG_CONFIG_HOME=str(tmp_path / "config"))
    env.pop("PACKETGEN_FORMS_DIR", None)

    def run(*args):
        return subprocess.run([sys.executable, "-m", "packetgen", *args], capture_output=True, text=True, env=env)

    proc = run("build", "-q", str(case))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1].startswith("status:       NOT FOR FILING: stand-in G-1145, G-1450, I-131, I-134")
    assert "Errors stop the build" not in proc.stderr
    manifest = json.loads((case.parent / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["fileable"] == {"for_filing": False, "reasons": ["stand-in G-1145, G-1450, I-131, I-134"]}
    proc = run("verify", str(case.parent / "out"))
    assert proc.returncode == 0 and "verified, NOT FOR FILING: stand-in G-1145, G-1450, I-131, I-134" in proc.stdout
    proc = run("check", str(case))
    assert proc.returncode == 1 and "fileable.standin_forms" in proc.stdout
