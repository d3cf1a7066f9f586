"""The packet plan and the page map: exhibit order, letters and page ranges."""

from __future__ import annotations

from packetgen.case.model import load_case
from packetgen.packet.plan import exhibit_letters, paginate, plan_packet

from .conftest import SAMPLES


def test_letters_beyond_z():
    ls = exhibit_letters(30)
    assert ls[:3] == ["A", "B", "C"] and ls[25] == "Z" and ls[26] == "AA" and ls[29] == "AD"


def test_supporter_evidence_first_when_asked_then_case_order():
    case = load_case(SAMPLES / "child-surgery" / "case.json")
    case.filing.exhibit_order = "supporters_first"
    plan = plan_packet(case)
    ids = [x.id for x in plan.exhibits]
    sup = [e.id for e in case.evidence if e.supporter]
    assert ids[: len(sup)] == sup
    assert [x.letter for x in plan.exhibits] == exhibit_letters(len(ids))
    assert sorted(ids) == sorted(e.id for e in case.evidence)


def test_default_order_follows_the_argument_with_each_supporters_evidence_together():
    case = load_case(SAMPLES / "child-surgery" / "case.json")
    ids = [x.id for x in plan_packet(case).exhibits]
    sup = [e.id for e in case.evidence if e.supporter]
    start = ids.index(sup[0])
    assert ids[start:start + len(sup)] == sup
    assert ids.index("doctor_letter") < ids.index("us_hospital_estimate") < start
    assert sorted(ids) == sorted(e.id for e in case.evidence)


def test_paginate_spans_are_contiguous():
    pm = paginate(3, [14, 14, 10], [("A", "a", [("0", 2), ("1", 1)], 0), ("B", "b", [("0", 1)], 2)])
    assert (pm.letter.first, pm.letter.last) == (1, 3)
    assert [(s.first, s.last) for s in pm.forms] == [(4, 17), (18, 31), (32, 41)]
    a, b = pm.exhibits
    assert a.separator == 42 and (a.original.first, a.original.last) == (43, 45)
    assert [(s.first, s.last) for _, s in a.files] == [(43, 44), (45, 45)]
    assert b.separator == 46 and (b.original.first, b.original.last) == (47, 47)
    assert (b.translation.first, b.translation.last) == (48, 49)
    assert (b.span.first, b.span.last) == (46, 49)
    assert pm.total == 49
