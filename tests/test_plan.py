"""The packet plan and the page map: exhibit order, letters and page ranges."""

from __future__ import annotations

from packetgen.case.load import load_case
from packetgen.packet.plan import ExhibitParts, exhibit_letters, paginate, plan_packet

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
    pm = paginate(3, [14, 14, 10], [ExhibitParts("A", "a", [("0", 2), ("1", 1)], 0), ExhibitParts("B", "b", [("0", 1)], 2)])
    assert (pm.letter.first, pm.letter.last) == (1, 3)
    assert [(s.first, s.last) for s in pm.forms] == [(4, 17), (18, 31), (32, 41)]
    a, b = pm.exhibits
    assert a.separator == 42 and (a.original.first, a.original.last) == (43, 45)
    assert [(s.first, s.last) for _, s in a.files] == [(43, 44), (45, 45)]
    assert b.separator == 46 and (b.original.first, b.original.last) == (47, 47)
    assert (b.translation.first, b.translation.last) == (48, 49)
    assert (b.span.first, b.span.last) == (46, 49)
    assert pm.total == 49


def _case_with_unrelated_third_beneficiary(tmp_path):
    import copy
    import json

    data = json.loads((SAMPLES / "child-surgery" / "case.json").read_text(encoding="utf-8"))
    rosa = copy.deepcopy(next(b for b in data["beneficiaries"] if b["id"] == "ana"))
    rosa["id"] = "rosa"
    rosa.pop("accompanies", None)
    data["beneficiaries"].append(rosa)
    data["evidence"].append({**copy.deepcopy(next(e for e in data["evidence"] if e["id"] == "ana_passport")),
                             "id": "rosa_passport", "about": ["rosa"]})
    path = tmp_path / "case.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return load_case(path)


def test_one_set_per_beneficiary_with_the_evidence_that_concerns_them(tmp_path):
    from packetgen.packet.plan import plan_sets

    case = _case_with_unrelated_third_beneficiary(tmp_path)
    sets = plan_sets(case, plan_packet(case))
    assert [s.file_name for s in sets] == ["packet-1-mateo.pdf", "packet-2-ana.pdf", "packet-3-rosa.pdf"]
    ids = {s.key: [x.id for x in s.plan.exhibits] for s in sets}
    # Mateo and Ana are linked (she accompanies him): each set carries both; Rosa's passport is hers only.
    assert "ana_passport" in ids["mateo"] and "mateo_passport" in ids["ana"]
    assert "rosa_passport" not in ids["mateo"] and "rosa_passport" not in ids["ana"]
    assert "rosa_passport" in ids["rosa"] and "doctor_letter" not in ids["rosa"]
    # Evidence about the petitioner, and the supporter's, goes in every set Lucía supports.
    assert "petitioner_statement" in ids["rosa"]
    # Letters restart at A in each set, in packet order.
    for s in sets:
        assert [x.letter for x in s.plan.exhibits] == exhibit_letters(len(s.plan.exhibits))


def test_combined_gives_one_set_and_a_single_beneficiary_keeps_packet_pdf():
    from packetgen.packet.plan import plan_sets

    case = load_case(SAMPLES / "child-surgery" / "case.json")
    (one,) = plan_sets(case, plan_packet(case), combined=True)
    assert one.file_name == "packet.pdf" and one.beneficiary_ids == ["mateo", "ana"]
    assert len(one.plan.exhibits) == len(case.evidence)
    solo = load_case(SAMPLES / "dying-parent" / "case.json")
    assert [s.file_name for s in plan_sets(solo, plan_packet(solo))] == ["packet.pdf"]
