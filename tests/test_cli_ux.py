"""The command line for people: check output, folders and defaults, flags anywhere, -V, NO_COLOR, completion
(issue 17 §3 and §6)."""

from __future__ import annotations

import io
import json
import re

import pytest
from click.testing import CliRunner

from packetgen.cli.main import cli
from packetgen.cli.report import format_report, use_colour

from .test_init import FLAGS

ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    """A case just made by init: many errors, some warnings, many notes."""
    folder = tmp_path_factory.mktemp("ux") / "fresh"
    r = CliRunner().invoke(cli, ["init", str(folder), *FLAGS])
    assert r.exit_code == 0, r.output
    return folder


def run(*args, env=None):
    return CliRunner().invoke(cli, list(args), env=env or {})


def test_check_wraps_at_word_boundaries_and_ends_with_totals(fresh):
    wide = run("check", str(fresh), env={"COLUMNS": "1000"})
    narrow = run("check", str(fresh / "case.json"), env={"COLUMNS": "60"})
    assert wide.exit_code == narrow.exit_code == 1
    words = set(wide.output.split())
    for line in narrow.output.splitlines():
        assert len(line) <= 60 or " " not in line.strip(), line          # only an unbreakable path may overflow
    assert set(narrow.output.split()) <= words                            # no word was cut in two
    lines = [line for line in narrow.output.splitlines() if line.strip()]
    totals = next(i for i, line in enumerate(lines) if line.startswith("Pre-flight check:"))
    assert totals >= len(lines) - 3                                       # the totals come at the end
    assert narrow.output.index("Errors (") < narrow.output.index("Warnings (")
    assert re.search(r"Pre-flight check: \d+ errors, \d+ warnings?, \d+ notes\.", narrow.output)
    assert "[0]" not in narrow.output and "beneficiary #1 (" in narrow.output


def test_notes_in_one_line_unless_verbose_before_or_after(fresh):
    plain = run("check", str(fresh))
    m = re.search(r"^(\d+) notes \(reminders", plain.output, re.M)
    assert m and "  note  " not in plain.output
    for args in (["-v", "check", str(fresh)], ["check", "-v", str(fresh)], ["check", str(fresh), "-v"]):
        out = run(*args).output
        assert out.count("  note  ") >= 1 and "Notes (" in out, args
    assert len(plain.output.splitlines()) < len(run("check", "-v", str(fresh)).output.splitlines())


def test_errors_only(fresh):
    out = run("check", "--errors-only", str(fresh)).output
    assert "ERROR" in out and "WARNING" not in out and "Warnings (" not in out
    assert "--errors-only:" in out and "not shown" in out


def test_json_is_unchanged(fresh):
    from packetgen import api
    from packetgen.case.checks import findings_json

    # -v: the findings exactly as the API gives them (by default names and numbers are hidden, docs/errors.md)
    r = run("check", "-v", "--json", str(fresh / "case.json"))
    _, findings = api.check(fresh / "case.json", files=True)
    assert json.loads(r.output) == findings_json(findings)
    hidden = run("check", "--json", str(fresh / "case.json"))
    assert [f["code"] for f in json.loads(hidden.output)] == [f["code"] for f in findings_json(findings)]


def test_colour_only_on_a_terminal_and_never_with_no_color(monkeypatch):
    class Tty(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("TERM", raising=False)
    assert use_colour(Tty()) and not use_colour(io.StringIO())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not use_colour(Tty())
    from packetgen.case.checks import Finding

    f = [Finding("error", "x.y", "Case file", "a problem", "fix it")]
    assert ANSI.search(format_report(f, colour=True)) and not ANSI.search(format_report(f, colour=False))


def test_default_case_file_and_folders(fresh, monkeypatch):
    monkeypatch.chdir(fresh)
    assert run("check").exit_code == 1                      # ./case.json
    monkeypatch.chdir(fresh.parent)
    r = run("check", "nowhere")
    assert r.exit_code == 3 and "nowhere" in r.output


def test_build_a_folder_quietly_then_verify_the_case(sample_copy):
    case = sample_copy("child-surgery")
    r = run("-q", "build", str(case.parent))
    assert r.exit_code == 0, r.output
    assert (case.parent / "out" / "packet-1-mateo.pdf").is_file()      # one set per beneficiary
    assert not re.search(r"evidence: \d+/\d+ files", r.output)   # -q before the command silences progress
    for target in (case, case.parent, case.parent / "out"):
        r = run("verify", str(target))
        assert r.exit_code == 0 and ": verified" in r.output.strip().splitlines()[-1], (target, r.output)
    assert "no packet here" not in r.output


def test_version_and_completion():
    r = run("-V")
    assert r.exit_code == 0 and "packetgen" in r.output and re.search(r"\d+\.\d+", r.output)
    for shell, needle in (("bash", "complete "), ("zsh", "compdef"), ("fish", "complete ")):
        r = run("completion", shell)
        assert r.exit_code == 0 and "_PACKETGEN_COMPLETE" in r.output and needle in r.output, shell
    assert run("completion", "powershell").exit_code == 2


def test_a_build_stopped_by_the_check_lists_errors_like_check(fresh):
    r = run("build", "-q", str(fresh), env={"COLUMNS": "70"})
    assert r.exit_code == 1
    assert "the packet was not built" in r.output and "Errors (" in r.output and "--draft" in r.output
    assert "[0]" not in r.output and "beneficiary #1 (" in r.output
    assert all(len(line) <= 70 or " " not in line.strip() for line in r.output.splitlines()[1:])


def test_check_takes_the_forms_folder_build_takes(official_forms_dir, monkeypatch, tmp_path):
    """A second attorney's read: `check` had no --forms-dir, so with the forms installed elsewhere it reported the
    official I-131 as a stand-in (only $PACKETGEN_FORMS_DIR worked)."""
    from .conftest import SAMPLES

    monkeypatch.delenv("PACKETGEN_FORMS_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    case = str(SAMPLES / "trial-witness" / "case.json")
    runner = CliRunner()
    without = runner.invoke(cli, ["check", case, "--json"])
    with_dir = runner.invoke(cli, ["check", case, "--json", "--forms-dir", str(official_forms_dir)])

    def standins(r):
        f = next(f for f in json.loads(r.output) if f["code"] == "fileable.standin_forms")
        return f["message"]
    assert "I-131" in standins(without)
    assert "I-131" not in standins(with_dir) and "I-134" in standins(with_dir)
