"""Attorney mode and review (issue 13 §5): firm letterhead, the attorney's signature block, the G-28 among the
enclosures, and the DRAFT mark on every page."""

from __future__ import annotations

import io
import json

from pypdf import PdfReader

from packetgen.case.model import Case
from packetgen.letter.render import render_letter

from .conftest import SAMPLES
from .test_letter import TODAY, fake_refs, fake_sections, flat, text_of

CHILD = SAMPLES / "child-surgery" / "case.json"


def _case(mutate=None) -> Case:
    d = json.loads(CHILD.read_text(encoding="utf-8"))
    if mutate:
        mutate(d)
    case = Case.model_validate(d)
    case._source = CHILD
    return case


def attorney(d):
    d["attorney"] = {"name": {"given": "Grace", "family": "Okafor"}, "organization": "Okafor & Lee LLP",
                     "bar_number": "24031177", "bar_state": "Texas", "g28": True, "phone": "(713) 555-0199",
                     "email": "grace@example.org",
                     "address": {"street": "1200 Smith Street", "unit_type": "ste", "unit_number": "1600",
                                 "city": "Houston", "state": "TX", "zip_code": "77002", "country": "United States"}}
    d["letter"] = {"signer": "Grace Okafor"}


def _pdf(case) -> bytes:
    return render_letter(case, fake_refs(case), fake_sections(case), today=TODAY).pdf


def test_attorney_letter_has_firm_letterhead_signature_block_and_g28():
    text = flat(text_of(_pdf(_case(attorney))))
    head = text[:200]
    assert head.startswith("Okafor & Lee LLP") and "Grace Okafor, Attorney at Law" in head
    assert "1200 Smith Street" in head and "Lucía Isabel Reyes" not in head.split("Dear Officer")[0][:120]
    sig = text.split("Respectfully submitted,")[1][:200]
    assert "Grace Okafor" in sig and "Okafor & Lee LLP" in sig and "Texas Bar No. 24031177" in sig
    assert "Attorney for Petitioner" in sig
    enc = text.split("Enclosures")[1]
    assert "Form G-28, Notice of Entry of Appearance as Attorney or Accredited Representative" in enc
    assert "The petitioner, Lucía Isabel Reyes" in text            # third person when the attorney signs


def test_petitioner_letter_has_no_g28_and_signs_as_petitioner():
    text = flat(text_of(_pdf(_case())))
    assert "G-28" not in text.split("Enclosures")[1]
    assert "Petitioner" in text.split("Respectfully submitted,")[1][:80]


def test_draft_marks_every_letter_page():
    def draft(d):
        d["letter"]["draft"] = True
    reader = PdfReader(io.BytesIO(_pdf(_case(draft))))
    assert len(reader.pages) >= 4
    for page in reader.pages:
        assert "DRAFT \u2014 FOR ATTORNEY REVIEW" in (page.extract_text() or "")
    plain = PdfReader(io.BytesIO(_pdf(_case())))
    assert not any("DRAFT" in (p.extract_text() or "") for p in plain.pages)


def test_a_letter_for_one_beneficiary_names_the_related_requests():
    """For the per-beneficiary sets: render_letter(for_beneficiary=..., related_requests=[...])."""
    case = _case()
    related = ["the request for Mateo Andrés Reyes Castillo (patient)"]
    pdf = render_letter(case, fake_refs(case), fake_sections(case), today=TODAY, for_beneficiary="ana",
                        related_requests=related).pdf
    text = flat(text_of(pdf))
    re_block = text.split("Dear Officer")[0]
    assert "Beneficiary: Ana Gabriela Castillo Mejía" in re_block and "Beneficiary 1" not in re_block
    assert "Filed with: the request for Mateo Andrés Reyes Castillo (patient)" in re_block
    assert "This request, for Ana Gabriela Castillo Mejía, is filed together with the request for Mateo" in text
    # without the arguments, today's letter for everyone
    default = flat(text_of(_pdf(case)))
    assert "Beneficiary 1: Mateo" in default and "Filed with" not in default
