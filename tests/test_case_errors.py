"""Case-file errors point at the problem: the line with a caret, the likely cause, the fix (issue 17 §4)."""

from __future__ import annotations

import json

import pytest

from packetgen.case.load import load_case
from packetgen.errors import CaseError

from .conftest import SAMPLES

BASE = (SAMPLES / "child-surgery" / "case.json").read_text(encoding="utf-8")


def error_for(tmp_path, text: str, name: str = "case.json") -> CaseError:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    with pytest.raises(CaseError) as ei:
        load_case(p)
    assert ei.value.exit_code == 3
    return ei.value


def caret_column(message: str) -> int:
    """The column the caret points at (1-based), read back from the excerpt."""
    src, caret = message.splitlines()[-2:]
    bar = caret.index("|")
    assert src.index("|") == bar
    return caret.index("^") - bar - 1


def test_missing_comma_is_reported_at_the_end_of_the_line_that_lacks_it(tmp_path):
    lines = BASE.split("\n")
    n = next(i for i, line in enumerate(lines) if i > 3 and line.rstrip().endswith('",'))
    lines[n] = lines[n].rstrip()[:-1]
    err = error_for(tmp_path, "\n".join(lines))
    head = err.message.splitlines()[0]
    assert head.startswith(f"{tmp_path / 'case.json'}:{n + 1}:")
    assert f"a comma is missing at the end of line {n + 1}" in head
    assert f"{n + 1} | {lines[n]}" in err.message           # the very line, with a caret after its last character
    assert caret_column(err.message) == len(lines[n]) + 1
    assert "add a comma" in err.fix


def test_trailing_comma_points_at_the_comma(tmp_path):
    err = error_for(tmp_path, '{\n  "schema_version": 1,\n  "case_name": "x",\n}\n')
    assert err.message.startswith(f"{tmp_path / 'case.json'}:3:19: not valid JSON: a comma after the last item")
    assert caret_column(err.message) == 19 and "remove this comma" in err.fix


def test_curly_quotes_from_word(tmp_path):
    err = error_for(tmp_path, BASE.replace('"case_name"', "\u201ccase_name\u201d", 1))
    assert "curly quotes" in err.message and "straight double quotes" in err.fix
    assert "Expecting property name" not in err.message


def test_line_break_inside_text(tmp_path):
    i = BASE.index('"summary": "') + len('"summary": "') + 5
    err = error_for(tmp_path, BASE[:i] + "\n" + BASE[i:])
    assert "a line break inside a text value" in err.message
    assert "Invalid control character" not in err.message and "\\n\\n" in err.fix


def test_tab_inside_text(tmp_path):
    i = BASE.index('"summary": "') + len('"summary": "') + 5
    err = error_for(tmp_path, BASE[:i] + "\t" + BASE[i:])
    assert "a tab inside a text value" in err.message


def test_yaml_tab_and_colon(tmp_path):
    err = error_for(tmp_path, "schema_version: 1\nbeneficiaries:\n\t- id: a\n", "case.yaml")
    assert ":3:1: not valid YAML: a tab used for indenting" in err.message and "spaces" in err.fix
    err = error_for(tmp_path, "schema_version: 1\ncase_name: Visit: mother\n", "case.yaml")
    assert "not valid YAML" in err.message and '"' in err.fix
    assert "2 | case_name: Visit: mother" in err.message


def test_positions_count_from_one_with_ids_and_say_what_to_type(tmp_path):
    d = json.loads(BASE)
    d["petitioner"]["emial"] = "x@example.org"
    d["evidence"][2]["langauge"] = "es"
    d["supporters"][0]["annual_income"] = "$52,000"
    d["supporters"][0]["supports"] = "mateo"
    err = error_for(tmp_path, json.dumps(d, indent=2))
    joined = "\n".join(err.details)
    third = d["evidence"][2]["id"]
    assert f"evidence #3 ('{third}').langauge: unknown field: did you mean \"language\"?" in joined
    assert 'petitioner.emial: unknown field: did you mean "email"?' in joined
    assert "supporter #1 ('lucia').annual_income: expected a number, digits only, e.g. 52000" in joined
    assert "supporter #1 ('lucia').supports: expected a list in square brackets" in joined
    assert "Input should" not in joined and "[0]" not in joined
    assert "schema" not in err.fix and "docs/case-file.md" in err.fix


def test_excerpt_of_a_very_long_line_is_clipped(tmp_path):
    text = '{"case_name": "' + "x" * 500 + '" "schema_version": 1}'
    err = error_for(tmp_path, text)
    assert all(len(line) < 100 for line in err.message.splitlines()[1:])
    assert caret_column(err.message) > 0
