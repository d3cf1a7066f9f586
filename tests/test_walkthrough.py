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


def _shown(text: str) -> str:
    """Build output as the walk-through shows it: full paths shortened to '...', the time to 'N s'."""
    text = re.sub(r"\S*(?=samples/child-surgery/out/)", ".../", text)
    return re.sub(r"\d+\.\d s\)", "N s)", text)


def test_init_check_build_verify_preview_as_in_the_walkthrough(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    # The walk-through shows a computer with no official forms installed (stand-ins: NOT FOR FILING).
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("PACKETGEN_FORMS_DIR", raising=False)
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

    check_block, done_block = [b for b in _blocks() if "Pre-flight check:" in b]
    r = _run(["check", "mycase"])
    assert r.exit_code == 1
    for line in check_block.splitlines():
        if line.strip() and "..." not in line:
            _same(line, r.output, "packetgen check mycase")

    sample = tmp_path / "samples" / "child-surgery"
    shutil.copytree(SAMPLES / "child-surgery", sample, ignore=shutil.ignore_patterns("out"))
    r = _run(["check", "samples/child-surgery"])
    assert r.exit_code == 1, r.output      # stand-in forms: not fileable until the official PDFs are installed
    assert "[fileable.standin_forms]" in done_block
    for line in done_block.splitlines():
        if line.strip() and "..." not in line:
            _same(line, r.output, "packetgen check on the sample")

    r = _run(["build", "-q", "samples/child-surgery"])
    assert r.exit_code == 0, r.output      # a draft to review, marked NOT FOR FILING
    built = next(b for b in _blocks() if "\npacket:" in b or b.startswith("packet:"))
    for line in built.splitlines():
        if line.strip() and line.strip() != "...":
            _same(_shown(line), _shown(r.output), "packetgen build on the sample")
    assert built.rstrip().splitlines()[-1].startswith("status:")
    for name in ("packet-1-mateo.pdf", "packet-2-ana.pdf", "manifest.json", "filing-instructions.pdf"):
        assert f"samples/child-surgery/out/{name}" in built and (sample / "out" / name).is_file()
    assert not (sample / "out" / "packet.pdf").exists()    # two beneficiaries: one set each, no packet.pdf

    r = _run(["verify", "samples/child-surgery"])
    assert r.exit_code == 0, r.output
    verified = next(b for b in _blocks() if ": verified" in b)
    for line in verified.splitlines():
        if line.strip() and "..." not in line:
            _same(line, r.output, "packetgen verify on the sample")
    assert r.output.strip().splitlines()[-1] == verified.strip().splitlines()[-1]

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
