"""Each sentence of the letter states what its source says and cites what proves it (the attorney's read of
2026-12).  Policy: docs/letter.md."""

from __future__ import annotations

import re

from packetgen.letter.render import render_letter

from .conftest import SAMPLES, case_from
from .test_letter import TODAY, fake_refs, fake_sections, flat, text_of

CHILD = SAMPLES / "child-surgery" / "case.json"
DYING = SAMPLES / "dying-parent" / "case.json"
WITNESS = SAMPLES / "trial-witness" / "case.json"


def _render(path, mutate=None):
    case = case_from(path, mutate)
    refs = fake_refs(case)
    text = flat(text_of(render_letter(case, refs, fake_sections(case), today=TODAY).pdf))
    # without the page furniture between pages ("Page 1 of 7 Request for ...: Name December 2, 2026"), so that a
    # sentence reads on across a page break
    text = re.sub(r"Page \d+ of \d+ Request for [^:]+: .+? December 2, 2026 ", "", text)
    return case, text.split("Exhibit index")[0], {r.evidence_id: r for r in refs}


def _between(text, head, end):
    return text.split(head, 1)[1].split(end, 1)[0]


# --------------------------------------------------------------------------- the statute's conditions

def test_the_parent_exception_states_both_conditions_of_paragraph_one():
    _, text, _ = _render(CHILD)
    part = _between(text, "Ana Gabriela Castillo Mejía: 8 U.S.C. 1804(b)(2)", "(B)").replace("- ", "-")  # line ends
    assert "cannot obtain the necessary treatment in the country where that person lives" in part
    assert ("whose medical emergency is life-threatening with insufficient time for admission to the United States "
            "through the normal visa process") in part
