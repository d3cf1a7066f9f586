"""Stamps and cross-references (issue 12 §4): no internal case name on official form pages; I-134 Item 13."""

from __future__ import annotations

import json

from pypdf import PdfReader

from packetgen import api
from packetgen.case.load import load_case
from packetgen.forms.fill import fill_case_forms

from .conftest import SAMPLES


def test_form_pages_carry_no_case_nickname_but_the_letter_does(tmp_path):
    case_path = SAMPLES / "trial-witness" / "case.json"
    case_name = json.loads(case_path.read_text(encoding="utf-8"))["case_name"]
    r = api.build(case_path, outdir=tmp_path / "out")
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    reader = PdfReader(r.packet)
    letter_first = manifest["sets"][0]["sections"]["letter"][0]
    assert case_name in reader.pages[letter_first - 1].extract_text()
    form_pages = [p for f in manifest["sets"][0]["sections"]["forms"] for p in range(f["pages"][0], f["pages"][1] + 1)]
    assert form_pages
    for p in form_pages:
        text = reader.pages[p - 1].extract_text()
        assert case_name not in text, p
        assert f"Packet page {p} of" in text


def test_i134_item_13_lists_the_other_i134s_the_supporter_signs_in_this_case():
    case = load_case(SAMPLES / "child-surgery" / "case.json")
    i134 = [f for f in fill_case_forms(case) if f.form_id == "I-134"]
    assert len(i134) == 2 and {f.supporter_id for f in i134} == {"lucia"}
    item13 = {f.beneficiary_id: next(v for v in f.values if (v["part"], v["item"]) == ("2", "13")) for f in i134}
    assert "Ana Gabriela Castillo Mejía" in item13["mateo"]["value"] and "Mateo" not in item13["mateo"]["value"]
    assert "Mateo Andrés Reyes Castillo" in item13["ana"]["value"]
    assert "None" not in item13["ana"]["value"]
    assert item13["ana"]["derived_from"].endswith("(supporters[0].supports)")
    # one I-134 only: the case file's own answer
    single = load_case(SAMPLES / "dying-parent" / "case.json")
    f = [f for f in fill_case_forms(single) if f.form_id == "I-134"][0]
    v = next(v for v in f.values if (v["part"], v["item"]) == ("2", "13"))
    assert v["value"] == "None" and "derived_from" not in v
