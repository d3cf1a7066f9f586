"""The case file: loading, validation messages, schema."""

from __future__ import annotations

import json

import pytest

from packetgen.case import json_schema, load_case
from packetgen.errors import CaseError

from .conftest import SAMPLES, sample_cases


@pytest.mark.parametrize("path", sample_cases(), ids=lambda p: p.parent.name)
def test_every_sample_loads(path):
    case = load_case(path)
    assert case.beneficiaries and case.evidence
    assert case.source == path.resolve()


def _broken(tmp_path, mutate):
    data = json.loads((SAMPLES / "child-surgery" / "case.json").read_text(encoding="utf-8"))
    mutate(data)
    p = tmp_path / "case.json"
    p.write_text(json.dumps(data), encoding="utf-8")
    return p


def test_three_mistakes_three_messages(tmp_path):
    def mutate(d):
        d["beneficiaries"][0]["date_of_birth"] = "07/02/2019"
        del d["request"]["summary"]
        d["petitioner"]["emial"] = "x@example.org"
    with pytest.raises(CaseError) as ei:
        load_case(_broken(tmp_path, mutate))
    err = ei.value
    assert err.exit_code == 3
    assert "3 problems" in err.message and "case.json" in err.message
    joined = "\n".join(err.details)
    assert "beneficiaries[0].date_of_birth: expected a date as YYYY-MM-DD" in joined
    assert "request.summary: required" in joined
    assert "petitioner.emial: unknown field" in joined


def test_cross_references_reported_with_field_errors(tmp_path):
    def mutate(d):
        d["supporters"][0]["supports"] = ["mateo", "nobody"]
        d["beneficiaries"][0]["date_of_birth"] = "soon"
    with pytest.raises(CaseError) as ei:
        load_case(_broken(tmp_path, mutate))
    joined = "\n".join(ei.value.details)
    assert "beneficiaries[0].date_of_birth" in joined
    assert "supporters[0].supports[1]: no beneficiary with id 'nobody'" in joined
    assert "2 problems" in ei.value.message


def test_cross_references_are_checked(tmp_path):
    def mutate(d):
        d["supporters"][0]["supports"] = ["mateo", "nobody"]
        d["evidence"][1]["id"] = d["evidence"][0]["id"]
    with pytest.raises(CaseError) as ei:
        load_case(_broken(tmp_path, mutate))
    joined = "\n".join(ei.value.details)
    assert "supporters[0].supports[1]: no beneficiary with id 'nobody'" in joined
    assert "evidence[1].id: duplicate id" in joined


@pytest.mark.parametrize("text,needle", [
    ("{", "not valid JSON"),
    ("[]", "must be an object"),
    ('{"a": 1, "a": 2}', "duplicate key 'a'"),
    ("\xff\xfe", "not UTF-8"),
])
def test_malformed_files(tmp_path, text, needle):
    p = tmp_path / "case.json"
    p.write_bytes(text.encode("latin-1"))
    with pytest.raises(CaseError) as ei:
        load_case(p)
    assert needle in ei.value.message
    assert str(p) in ei.value.message


def test_missing_and_directory(tmp_path):
    with pytest.raises(CaseError, match="not found"):
        load_case(tmp_path / "nope.json")
    with pytest.raises(CaseError, match="is a folder"):
        load_case(tmp_path)


def test_yaml_equivalent(tmp_path):
    yaml = pytest.importorskip("yaml")
    data = json.loads((SAMPLES / "child-surgery" / "case.json").read_text(encoding="utf-8"))
    p = tmp_path / "case.yaml"
    p.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    (tmp_path / "evidence").mkdir()
    case = load_case(p)
    assert case.beneficiaries[0].date_of_birth.isoformat() == "2019-07-02"


def test_schema_is_json_schema_with_descriptions():
    s = json_schema()
    assert s["$schema"].startswith("https://json-schema.org/")
    assert "petitioner" in s["properties"] and "$schema" in s["properties"]
    assert "Date of birth" in json.dumps(s)
