"""Pinpoint citations (issue 13 §4): a citation names the document's own pages, never its separator sheet; a named
passage ("pages": {"prognosis": 2}) is cited by its page; what a sentence cites follows what it claims; the
exhibit order follows the argument."""

from __future__ import annotations

import json
import re

import pytest
from pypdf import PdfReader

from packetgen import api
from packetgen.case.model import Case
from packetgen.letter.render import ExhibitRef, render_letter
from packetgen.packet.plan import plan_packet

from .conftest import SAMPLES, sample_cases, case_from
from .test_letter import TODAY, fake_sections, flat, text_of

CHILD = SAMPLES / "child-surgery" / "case.json"
DYING = SAMPLES / "dying-parent" / "case.json"


def _case(path, mutate=None) -> Case:
    return case_from(path, mutate)


@pytest.mark.parametrize("case_path", sample_cases(), ids=lambda p: p.parent.name)
def test_no_citation_points_at_a_separator_sheet(tmp_path, case_path):
    result = api.build(case_path, outdir=tmp_path / "out")
    manifest = json.loads(result.manifest.read_text(encoding="utf-8"))
    for st in manifest["sets"]:      # each set's citations point into that set
        _check_citations(PdfReader(str(result.outdir / st["output"]["file"])), *st["sections"]["letter"])


def _check_citations(reader, first, last):
    letter = flat(" ".join(reader.pages[i - 1].extract_text() or "" for i in range(first, last + 1)))
    letter = letter.split("Exhibit index")[0]
    cites = re.findall(r"Exhibit ([A-Z]{1,2}), pp?\. (\d+)(?:–(\d+))?", letter)
    assert len(cites) >= 8
    for ex, a, b in cites:
        for page in {int(a), int(b or a)}:
            head = (reader.pages[page - 1].extract_text() or "").strip()
            assert not head.startswith(f"EXHIBIT {ex}"), f"Exhibit {ex} cited at its separator sheet p. {page}"
    # and each cited page lies inside that exhibit's tab
    tabs = {}
    for i, p in enumerate(reader.pages, 1):
        m = re.match(r"\s*EXHIBIT ([A-Z]{1,2})\b", p.extract_text() or "")
        if m and i > last:
            tabs[m.group(1)] = i
    order = sorted(tabs.items(), key=lambda kv: kv[1])
    ends = {ex: (order[k + 1][1] - 1 if k + 1 < len(order) else len(reader.pages)) for k, (ex, _) in enumerate(order)}
    for ex, a, b in cites:
        assert tabs[ex] < int(a) <= int(b or a) <= ends[ex], (ex, a, b)


def _refs(case, sizes):
    """ExhibitRefs with the document's own pages (no separator), each document ``sizes[id]`` pages long."""
    refs, page = [], 40
    for i, e in enumerate(plan_packet(case).exhibits):
        n = sizes.get(e.id, 1)
        page += 1                                   # the separator sheet
        refs.append(ExhibitRef(e.id, e.letter, e.evidence.title, e.evidence.shows, page, page + n - 1))
        page += n
    return refs


def test_a_named_passage_is_cited_by_its_page():
    case = _case(CHILD, lambda d: next(e for e in d["evidence"] if e["id"] == "doctor_letter")
                 .__setitem__("pages", {"prognosis": 3}))
    refs = _refs(case, {"doctor_letter": 4})
    doc = next(r for r in refs if r.evidence_id == "doctor_letter")
    text = flat(text_of(render_letter(case, refs, fake_sections(case), today=TODAY).pdf))
    urgent = text.split("Urgent humanitarian reasons")[1][:400]
    assert f"Exhibit {doc.letter}, p. {doc.first_page + 2};" in urgent      # then the U.S. provider (the scheduled date)
    # where no passage is named, the document's range (never the separator, first_page - 1)
    assert f"Exhibit {doc.letter}, pp. {doc.first_page}–{doc.last_page}" in text


def test_a_named_page_past_the_end_falls_back_to_the_range_with_a_warning():
    case = _case(CHILD, lambda d: next(e for e in d["evidence"] if e["id"] == "doctor_letter")
                 .__setitem__("pages", {"prognosis": 9}))
    refs = _refs(case, {"doctor_letter": 2})
    result = render_letter(case, refs, fake_sections(case), today=TODAY)
    assert any("pages.prognosis" in w and "2 page(s)" in w for w in result.warnings)


def test_a_civil_document_is_never_cited_for_a_prognosis():
    case = _case(DYING)
    refs = _refs(case, {})
    letters = {r.evidence_id: r.letter for r in refs}
    text = flat(text_of(render_letter(case, refs, fake_sections(case), today=TODAY).pdf))
    urgent = text.split("Urgent humanitarian reasons")[1].split("Criminal record")[0]
    medical = [e.id for e in case.evidence if e.category in ("medical_abroad", "us_provider")]
    civil = [e.id for e in case.evidence if e.category in ("relationship", "beneficiary_identity")]
    assert any(f"Exhibit {letters[i]}," in urgent for i in medical)
    assert not any(f"Exhibit {letters[i]}," in urgent for i in civil)


def test_exhibit_order_follows_the_argument_and_is_configurable():
    case = _case(CHILD)
    cats = [x.evidence.category for x in plan_packet(case).exhibits]
    assert cats.index("medical_abroad") < cats.index("cost_estimate") < cats.index("supporter_financial")
    old = _case(CHILD, lambda d: d["filing"].__setitem__("exhibit_order", "supporters_first"))
    assert [x.evidence.category for x in plan_packet(old).exhibits][0] == "supporter_identity"
    custom = _case(CHILD, lambda d: d["filing"].__setitem__("exhibit_order", ["visa_history", "supporter"]))
    ids = [x.id for x in plan_packet(custom).exhibits]
    assert ids[:3] == ["visa_refusal", "visa_appointment", "lucia_passport"]   # the sample's two visa-history exhibits


def _section(text: str, head: str, next_head: str) -> str:
    assert head in text and next_head in text.split(head, 1)[1], f"no '{head}' ... '{next_head}' in the letter"
    return text.split(head, 1)[1].split(next_head, 1)[0]


@pytest.mark.parametrize("case_path", sample_cases(), ids=lambda p: p.parent.name)
def test_the_length_of_stay_is_tied_to_an_exhibit_in_every_sample(case_path):
    """'How long, and why' and the 'Time frame' factor each cite the page that shows the period asked for (a
    trial-witness letter once said "the time needed for the purpose of the trip" with no exhibit at all)."""
    from .test_letter_grammar import letter_text

    text = letter_text(_case(case_path))
    for head, nxt in (("How long, and why", "Why a visa could not be obtained"),
                      ("Time frame", "No threat to the United States")):
        assert re.search(r"\(see Exhibit [A-Z]{1,2}, pp?\. \d", _section(text, head, nxt)), (head, case_path.parent.name)


def test_the_witness_time_frame_cites_the_prosecutors_letter_and_the_trial_order():
    case = _case(SAMPLES / "trial-witness" / "case.json")
    from .test_letter_grammar import letter_text

    text = letter_text(case)
    letters = {e.id: chr(ord("A") + i) for i, e in enumerate(case.evidence)}     # fake_refs letters in case order
    for head, nxt in (("How long, and why", "Why a visa could not be obtained"),
                      ("Time frame", "No threat to the United States")):
        part = _section(text, head, nxt)
        assert f"Exhibit {letters['usao_letter']}, p." in part and f"Exhibit {letters['trial_order']}, p." in part


def test_a_character_sentence_cites_every_exhibit_it_relies_on():
    """The witness's character paragraph quotes the U.S. Attorney's Office and her school: it cites the AUSA letter
    (which names its "character" page) as well as the school's certificate (category character)."""
    from .test_letter_grammar import letter_text

    case = _case(SAMPLES / "trial-witness" / "case.json")
    letters = {e.id: chr(ord("A") + i) for i, e in enumerate(case.evidence)}
    part = _section(letter_text(case), "Character", "Thank you for considering")
    assert f"Exhibit {letters['usao_letter']}, p." in part and f"Exhibit {letters['employment_certificate']}, p" in part


def test_ability_to_pay_cites_a_named_cost_page_once():
    """dying-parent: the travel insurance is stated once, in the payment plan, and cited by its 'cost' page."""
    from .test_letter import fake_refs

    case = _case(DYING)
    refs = fake_refs(case)
    ins = next(r for r in refs if r.evidence_id == "travel_insurance")
    text = flat(text_of(render_letter(case, refs, fake_sections(case), today=TODAY).pdf))
    pay = text.split("Ability to pay for the stay")[1].split("own means are shown by")[0]
    assert f"insurance policy for him that covers the whole stay, from January 4 to April 4, 2027 (see Exhibit " \
           f"{ins.letter}, p. {ins.first_page})." in pay
    assert pay.count("insurance") == 1


def test_the_public_benefit_paragraph_cites_the_named_page_not_the_signature_page():
    """The witness letter cited the whole trial order (its second page is only the judge's signature) for the
    public benefit; the order now names its 'public_benefit' page, and the paragraph cites that page alone."""
    case = _case(SAMPLES / "trial-witness" / "case.json")
    refs = _refs(case, {"trial_order": 2})
    order = next(r for r in refs if r.evidence_id == "trial_order")
    text = flat(text_of(render_letter(case, refs, fake_sections(case), today=TODAY).pdf))
    part = _section(text, "Significant public benefit", "Why I merit")
    assert re.search(rf"Exhibit {order.letter}, p\. {order.first_page}[);]", part), part
    assert f"Exhibit {order.letter}, pp. {order.first_page}–{order.last_page}" not in part
