"""docs/walkthrough.md matches what the program prints: its commands are run and the key lines compared
(issue 17 §9).  When a change alters one of these lines on purpose, update the walk-through with it."""

from __future__ import annotations

import re
import shlex
import shutil

from click.testing import CliRunner

from packetgen.case import answers as initcase
from packetgen.cli.main import cli

from .conftest import REPO, SAMPLES

DOC = (REPO / "docs" / "walkthrough.md").read_text(encoding="utf-8")


def _blocks(lang: str = "") -> list[str]:
    """The fenced blocks of the walk-through with this info string ("" = plain output blocks)."""
    out, current, info = [], None, None
    for line in DOC.splitlines():
        if line.startswith("```"):
            if current is None:
                current, info = [], line[3:].strip()
            else:
                if info == lang:
                    out.append("\n".join(current) + "\n")
                current = None
        elif current is not None:
            current.append(line)
    return out


def _run(args, **kw):
    r = CliRunner().invoke(cli, args, env={"COLUMNS": "100"}, **kw)
    return r


def _same(doc_line: str, output: str, what: str) -> None:
    assert doc_line in output, (f"docs/walkthrough.md shows {doc_line!r} for {what}, but the program printed:\n"
                                f"{output}")


def test_init_check_build_verify_preview_as_in_the_walkthrough(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    init_cmd = next(b for b in _blocks("sh") if "packetgen init mycase --no-input" in b)
    args = shlex.split(init_cmd.replace("\\\n", " "))
    assert args[0] == "packetgen"
    r = _run(args[1:])
    assert r.exit_code == 0, r.output

    shown = next(b for b in _blocks() if b.startswith("Documents to collect:"))
    for line in shown.splitlines():
        if line.strip() and "..." not in line and not line.startswith("Still to write"):
            _same(line, r.output, "packetgen init")
    todo = re.search(r"Still to write in case.json \(\d+ places marked TODO\):", shown).group(0)
    _same(todo, r.output, "packetgen init")

    check_block = next(b for b in _blocks() if b.startswith("Errors ("))
    r = _run(["check", "mycase"])
    assert r.exit_code == 1
    for line in check_block.splitlines():
        if line.strip() and "..." not in line:
            _same(line, r.output, "packetgen check mycase")

    sample = tmp_path / "samples" / "child-surgery"
    shutil.copytree(SAMPLES / "child-surgery", sample, ignore=shutil.ignore_patterns("out"))
    r = _run(["check", "samples/child-surgery"])
    assert r.exit_code == 0
    done_block = next(b for b in _blocks() if "Pre-flight check: 0 errors" in b)
    for line in done_block.splitlines():
        _same(line, r.output, "packetgen check on the sample")

    r = _run(["build", "-q", "samples/child-surgery"])
    assert r.exit_code == 0, r.output
    built = next(b for b in _blocks() if b.startswith("packet:"))
    want = re.search(r"\((\d+) pages, (\d+) exhibits", built).groups()
    got = re.search(r"\((\d+) pages, (\d+) exhibits", r.output).groups()
    assert want == got, f"docs/walkthrough.md says {want} pages/exhibits, the build printed {got}"
    for name in ("packet.pdf", "manifest.json", "filing-instructions.pdf"):
        assert f"samples/child-surgery/out/{name}" in built and (sample / "out" / name).is_file()

    r = _run(["verify", "samples/child-surgery"])
    assert r.exit_code == 0 and r.output.strip().endswith("verified")

    r = _run(["preview", "-q", "samples/child-surgery/out"])
    assert r.exit_code == 0 and r.output.strip().endswith("index.html")


def test_the_walkthroughs_answer_errors_are_the_programs():
    snippet = next(b for b in _blocks() if "Which date did you mean?" in b)
    error = re.search(r"Error: (.*)", snippet).group(1)
    try:
        initcase.state_code("Texsa")
    except ValueError as exc:
        assert str(exc) == error
    try:
        initcase.birth_date("07/02/2019")
    except initcase.AmbiguousDate as exc:
        for d in exc.choices:
            _same(f"{initcase.long_date(d)} ({d.isoformat()})", snippet, "a slashed date")
