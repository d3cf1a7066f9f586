"""Drafts with documents to come (issue 17 §8): --draft builds while documents are missing."""

from __future__ import annotations

import json

import pytest

from packetgen import api
from packetgen.errors import ChecksFailed
from packetgen.packet.tocome import TITLE_MARK


def _page_text(pdf, first, last):
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    return " ".join(" ".join(doc[i - 1].get_textpage().get_text_range() for i in range(first, last + 1)).split())


def test_draft_builds_with_a_placeholder_for_each_missing_document(tmp_path, sample_copy):
    case = sample_copy("dying-parent")
    (case.parent / "evidence" / "hospice-letter.pdf").unlink()
    with pytest.raises(ChecksFailed):
        api.build(case, outdir=tmp_path / "plain")                     # a real build still stops
    r = api.build(case, outdir=tmp_path / "draft", draft=True)
    manifest = json.loads(r.manifest.read_text(encoding="utf-8"))
    ex = {x["evidence_id"]: x for x in manifest["sets"][0]["sections"]["exhibits"]}
    hospice = ex["hospice_letter"]
    assert hospice["title"].endswith(TITLE_MARK)
    assert hospice["files"] == [{**hospice["files"][0], "path": "evidence/hospice-letter.pdf", "to_come": True}]
    assert not any(f.get("to_come") for x in ex.values() if x is not hospice for f in x["files"])
    first, last = hospice["document_pages"]
    text = _page_text(r.packet, first, last)
    assert "DOCUMENT TO COME" in text and "NOT FOR FILING" in text and "evidence/hospice-letter.pdf" in text
    index = _page_text(r.packet, *manifest["sets"][0]["sections"]["letter"])
    assert "DOCUMENT TO COME" in index                                 # marked in the exhibit index
    assert manifest["draft"] is True
    # the case file on disk is untouched and the original case is not modified
    assert "hospice-letter.pdf" in case.read_text(encoding="utf-8")
    again = api.build(case, outdir=tmp_path / "again", draft=True)
    assert again.packet.read_bytes() == r.packet.read_bytes()          # reproducible
