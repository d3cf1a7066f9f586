"""One stand-alone set per beneficiary (issue 12 §5): each set's letter, forms, exhibits and page numbers are its own."""

from __future__ import annotations

import json
import re

import pytest
from pypdf import PdfReader

from packetgen import api
from packetgen.case.load import load_case

from .conftest import SAMPLES


@pytest.fixture(scope="module")
def child(tmp_path_factory):
    case_path = SAMPLES / "child-surgery" / "case.json"
    result = api.build(case_path, outdir=tmp_path_factory.mktemp("sets") / "out")
    manifest = json.loads(result.manifest.read_text(encoding="utf-8"))
    return load_case(case_path), result, manifest


def _text(path, first, last) -> str:
    reader = PdfReader(path)
    return " ".join(" ".join((reader.pages[i - 1].extract_text() or "").split()) for i in range(first, last + 1))


def test_each_sets_letter_is_for_its_beneficiary_and_names_the_other_request(child):
    case, result, manifest = child
    names = {b.id: b.name.full for b in case.beneficiaries}
    for st in manifest["sets"]:
        (me,) = st["beneficiaries"]
        other = next(n for i, n in names.items() if i != me)
        letter = _text(result.outdir / st["output"]["file"], *st["sections"]["letter"])
        assert f"Beneficiary: {names[me]}" in letter and "Beneficiary 1" not in letter
        assert f"filed together with the request for {other}; please adjudicate them together" in letter
        # Only this set's forms are enclosed, and one fee is paid with this request.
        assert f"Enclosed for {names[me]}: Form I-131" in letter
        assert "enclosed for each beneficiary" not in letter and "in all)" not in letter
        assert "placed on top of this request" in letter


def test_each_sets_citations_point_into_that_set(child):
    _, result, manifest = child
    for st in manifest["sets"]:
        path = result.outdir / st["output"]["file"]
        # a document's own pages (after its separator), with its translation when it has one
        ranges = {x["letter"]: (x["separator_page"] + 1, x["pages"][1]) for x in st["sections"]["exhibits"]}
        letter = _text(path, *st["sections"]["letter"]).split("Exhibit index")[0]
        cites = re.findall(r"Exhibit ([A-Z]{1,2}), pp?\. (\d+)(?:–(\d+))?", letter)
        assert cites
        for ex, a, b in cites:
            first, last = ranges[ex]
            assert first <= int(a) <= int(b or a) <= last, (st["output"]["file"], ex, a, b)


def test_payment_form_is_on_top_of_each_set(child):
    case, result, manifest = child
    for st in manifest["sets"]:
        forms = st["sections"]["forms"]
        assert forms[0]["form"] == case.filing.payment and forms[0]["pages"][0] == 1
        assert [f["beneficiary"] for f in forms] == [st["beneficiaries"][0]] * len(forms)
