"""Smoke tests of the small benchmark helpers: the A/B runner and the photo-bound what-if wrapper."""

from __future__ import annotations

import subprocess
import sys

from .conftest import REPO, load_script


def test_ab_reports_both_commands_and_flags_a_failing_one(capsys):
    ab = load_script("benchmarks/ab.py")
    py = sys.executable
    assert ab.main(["-n", "2", "--a", f"{py} -c pass", "--b", f"{py} -c", "--", "import sys; sys.exit(3)"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("A: cpu median") and "failed" not in out[0]
    assert out[1].startswith("B: cpu median") and "2 run(s) failed, exit 3" in out[1]


def test_photo_bound_runs_packetgen_with_another_bound(tmp_path):
    script = ("import runpy, sys; sys.argv = ['photo_bound.py', '600', '--version'];"
              f"runpy.run_path({str(REPO / 'benchmarks' / 'photo_bound.py')!r}, run_name='__main__')")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "packetgen" in done.stdout.lower()
    bad = subprocess.run([sys.executable, str(REPO / "benchmarks" / "photo_bound.py"), "x"], capture_output=True,
                         text=True, cwd=tmp_path)
    assert bad.returncode != 0 and "usage" in bad.stderr
