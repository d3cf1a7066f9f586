"""Hostile case files: whatever the input, loading ends in a Case or a clean CaseError."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from packetgen.case.model import Case
from packetgen.case.load import load_case
from packetgen.errors import CaseError

from .conftest import SAMPLES

BASE = json.loads((SAMPLES / "child-surgery" / "case.json").read_text(encoding="utf-8"))

json_leaf = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                      st.text(max_size=50), st.text(alphabet="\u202e\u200f\u0000\u0007\ufeff𝔄😀中文ع", max_size=20))
json_values = st.recursive(json_leaf, lambda children: st.one_of(
    st.lists(children, max_size=4), st.dictionaries(st.text(max_size=10), children, max_size=4)), max_leaves=20)


def _paths(obj, prefix=()):
    yield prefix
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _paths(v, prefix + (i,))


ALL_PATHS = [p for p in _paths(BASE) if p]


def _set(obj, path, value):
    for p in path[:-1]:
        obj = obj[p]
    obj[path[-1]] = value


def _load(tmp_path, data) -> None:
    p = tmp_path / "case.json"
    p.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    try:
        assert isinstance(load_case(p), Case)
    except CaseError as exc:
        text = exc.render()
        assert "case.json" in text
        assert "Traceback" not in text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(ALL_PATHS), value=json_values)
def test_any_field_replaced_by_anything(tmp_path, path, value):
    data = json.loads(json.dumps(BASE))
    _set(data, path, value)
    _load(tmp_path, data)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(min_size=1, max_size=80))
def test_any_unicode_name(tmp_path, name):
    data = json.loads(json.dumps(BASE))
    data["beneficiaries"][0]["name"]["given"] = name
    _load(tmp_path, data)


def test_huge_string_is_rejected_cleanly(tmp_path):
    data = json.loads(json.dumps(BASE))
    data["request"]["narrative"] = "x" * 100_000
    _load(tmp_path, data)


def test_deep_nesting(tmp_path):
    p = tmp_path / "case.json"
    p.write_text("[" * 100_000 + "]" * 100_000)
    try:
        load_case(p)
    except CaseError as exc:
        assert "case.json" in exc.message


def test_duplicate_keys_deep(tmp_path):
    p = tmp_path / "case.json"
    p.write_text('{"petitioner": {"name": 1, "name": 2}}')
    try:
        load_case(p)
        raise AssertionError("duplicate keys accepted")
    except CaseError as exc:
        assert "duplicate key 'name'" in exc.message
