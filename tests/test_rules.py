"""Facts that stay current: a firm's rules override, 'packetgen rules', and the manifest's record of facts."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from packetgen import facts
from packetgen.cli.main import cli


@pytest.fixture
def override(tmp_path, monkeypatch):
    path = tmp_path / "config" / "packetgen" / "rules.json"
    path.parent.mkdir(parents=True)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("PACKETGEN_RULES", raising=False)

    def write(fact_map):
        path.write_text(json.dumps({"schema": 1, "facts": fact_map}), encoding="utf-8")
        return path
    return write


FEE = {"value": 1075, "as_of": "2026-12-01", "effective_from": "2026-12-01", "confidence": "C",
       "source": "uscis.gov fee page, read 2026-12-01"}


def test_packaged_rules_are_valid_and_dated():
    data = json.loads((facts.data_dir() / "rules.json").read_text(encoding="utf-8"))
    assert facts.validate(data, "rules.json") == []
    fee = data["facts"]["parole_fee.amount"]
    assert fee["value"] == 1050 and fee["effective_from"] == "2026-10-16" and fee["confidence"] in "CSU"
    for key in ("parole_fee.collected_by", "parole_fee.carry_exception_evidence",
                "parole_fee.exception_law_enforcement", "payment.g1651", "processing.standard_days",
                "processing.expedited_days", "hhs_poverty_guidelines", "i134.supporter_requirements"):
        assert data["facts"][key]["source"], key


def test_override_replaces_and_adds_facts_with_their_file(override):
    path = override({"parole_fee.amount": FEE,
                     "firm.note": {"value": "x", "as_of": "2026-11-01", "source": "firm memo 2026-11", "confidence": "C"}})
    assert facts.rule("parole_fee.amount") == 1075
    assert facts.load_rules()["parole_fee.amount"]["file"] == str(path)
    assert facts.load_rules()["fees.i131_paper"]["file"] == facts.PACKAGED
    assert [s["kind"] for s in facts.rules_sources()] == ["packaged", "override"]


@pytest.mark.parametrize("bad,problem", [
    ({"value": 1, "as_of": "soon", "source": "somewhere", "confidence": "C"}, "YYYY-MM-DD"),
    ({"value": 1, "as_of": "2026-01-01", "source": "somewhere", "confidence": "sure"}, "C (primary source)"),
    ({"value": 1, "as_of": "2026-01-01", "confidence": "C"}, "'source' is required"),
    ({"value": "a lot", "as_of": "2026-01-01", "source": "somewhere", "confidence": "C"}, "same form"),
    ({"value": 1, "as_of": "2026-01-01", "source": "somewhere", "confidence": "C", "url": "x"}, "unknown field"),
])
def test_invalid_override_is_refused_naming_the_fact(override, bad, problem):
    override({"parole_fee.amount": bad})
    r = CliRunner().invoke(cli, ["rules"])
    assert r.exit_code == 3, r.output
    assert "facts.parole_fee.amount" in r.output and problem in r.output and "Traceback" not in r.output


def test_rules_command_lists_value_age_source_and_file(override):
    path = override({"parole_fee.amount": FEE})
    r = CliRunner().invoke(cli, ["rules"])
    assert r.exit_code == 0, r.output
    block = r.output.split("parole_fee.amount  [C]", 1)[1].split("\n\n")[0]
    assert "1075" in block and "uscis.gov fee page" in block and str(path) in block and "days" in block
    r = CliRunner().invoke(cli, ["rules", "--json"])
    rows = {x["key"]: x for x in json.loads(r.output)["facts"]}
    assert rows["parole_fee.amount"]["file"] == str(path) and rows["parole_fee.amount"]["age_days"] >= 0


def test_rules_stale_lists_only_old_facts_and_exits_1(override):
    override({"parole_fee.amount": FEE})
    r = CliRunner().invoke(cli, ["rules", "--stale"])
    assert r.exit_code == 1
    assert "hhs_poverty_guidelines" in r.output and "parole_fee.amount  [" not in r.output


def test_build_records_rules_files_and_facts_used(override, sample_copy, tmp_path, monkeypatch):
    from packetgen import api

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    path = override({"parole_fee.amount": FEE})
    (tmp_path / "noforms").mkdir()
    result = api.build(sample_copy("child-surgery"), outdir=tmp_path / "out", forms_dir=tmp_path / "noforms")
    manifest = json.loads(result.manifest.read_text(encoding="utf-8"))
    files = manifest["rules"]["files"]
    assert [f["kind"] for f in files] == ["packaged", "override"] and files[1]["file"] == str(path)
    used = manifest["rules"]["facts"]
    assert used["parole_fee.amount"] == {"value": 1075, "as_of": "2026-12-01", "confidence": "C", "file": str(path)}
    assert used["fees.i131_paper"]["file"] == "packetgen/data/rules.json"
    import subprocess
    text = subprocess.run(["pdftotext", str(result.instructions), "-"], capture_output=True, text=True).stdout
    if text:                                              # poppler installed
        assert "rules override" in " ".join(text.split())
