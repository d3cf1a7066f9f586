"""The per-case letter (issue 13 §6): 'packetgen letter init' writes letter/letter.j2 with the case's sentences in
place and every citation a live call; build uses it; check reports a citation of an unknown exhibit."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from packetgen.case.checks import run_checks
from packetgen.case.load import load_case
from packetgen.letter.render import render_letter
from packetgen.letter.source import write_letter_source

from .conftest import SAMPLES
from .test_letter import TODAY, fake_refs, fake_sections, flat, text_of

CHILD = SAMPLES / "child-surgery"


@pytest.fixture
def copy(tmp_path):
    """A copy of the child sample's case file (evidence files are not needed to render the letter)."""
    folder = tmp_path / "case"
    folder.mkdir()
    shutil.copy(CHILD / "case.json", folder / "case.json")
    return folder / "case.json"


def _init(case):
    return write_letter_source(case, fake_refs(case, paged=False), fake_sections(case, paged=False), today=TODAY)


def _letter(case) -> str:
    return flat(text_of(render_letter(case, fake_refs(case), fake_sections(case), today=TODAY).pdf))


def test_init_writes_the_letter_with_live_citations_and_build_uses_it(copy):
    builtin = _letter(load_case(copy))
    case = load_case(copy)
    path = _init(case)
    assert path == copy.parent / "letter" / "letter.j2"
    src = path.read_text(encoding="utf-8").split("-#}\n", 1)[1]          # after the instructions
    assert '{{ exhibit("doctor_letter", "prognosis") }}' in src and '{{ exhibit("visa_refusal") }}' in src
    assert "{{ letter_date|longdate }}" in src and "{{ sections[0].pages }}" in src
    assert "Exhibit B, p." not in src and "pp. 00" not in src            # no page number is frozen
    assert "Mateo has a complex congenital heart defect" in src            # the case's sentences in place
    assert _letter(load_case(copy)) == builtin                             # unedited: the same letter


def test_an_edited_letter_keeps_its_new_citation_live(copy):
    case = load_case(copy)
    path = _init(case)
    src = path.read_text(encoding="utf-8").replace(
        "<h2>The standard</h2>", '<p>My bank statements are attached ({{ exhibit("lucia_bank_statements") }}).</p>\n'
                                 "<h2>The standard</h2>")
    path.write_text(src, encoding="utf-8")
    refs = {r.evidence_id: r for r in fake_refs(case)}
    r = refs["lucia_bank_statements"]
    pages = f"p. {r.first_page}" if r.first_page == r.last_page else f"pp. {r.first_page}–{r.last_page}"
    assert f"My bank statements are attached (Exhibit {r.letter}, {pages})." in _letter(load_case(copy))


def test_case_text_never_becomes_template_code(copy):
    data = json.loads(copy.read_text(encoding="utf-8"))
    data["request"]["summary"] = "Mateo needs surgery {{ 7*7 }} {% if true %}x{% endif %} soon."
    copy.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    case = load_case(copy)
    _init(case)
    text = _letter(load_case(copy))
    assert "Mateo needs surgery {{ 7*7 }} {% if true %}x{% endif %} soon." in text


def test_check_reports_a_citation_of_an_unknown_exhibit_with_its_line(copy):
    case = load_case(copy)
    path = _init(case)
    assert not [f for f in run_checks(load_case(copy), today=TODAY) if f.code.startswith("letter.unknown")]
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.insert(12, '<p>See {{ exhibit("no_such_exhibit") }} and {{ exhibit("doctor_letter", "no_such_page") }}.</p>')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = {f.code: f for f in run_checks(load_case(copy), today=TODAY)}
    assert found["letter.unknown_citation"].severity == "error"
    assert found["letter.unknown_citation"].where == "letter/letter.j2, line 13"
    assert "no_such_exhibit" in found["letter.unknown_citation"].message
    assert "no_such_page" in found["letter.unknown_passage"].message


def test_cli_letter_init_refuses_to_overwrite_without_force(copy, monkeypatch):
    from packetgen.cli.main import cli

    monkeypatch.setattr("packetgen.api.build_date", lambda case: TODAY)
    runner = CliRunner()
    first = runner.invoke(cli, ["letter", "init", str(copy)])
    assert first.exit_code == 0, first.output
    assert (copy.parent / "letter" / "letter.j2").is_file()
    again = runner.invoke(cli, ["letter", "init", str(copy)])
    assert again.exit_code != 0 and "already exists" in again.output and "--force" in again.output
    assert runner.invoke(cli, ["letter", "init", "--force", str(copy)]).exit_code == 0
