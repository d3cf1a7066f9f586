"""packetgen init asks the forms' own questions (field-map entries marked 'ask'); sworn Yes/No ones have no default."""

from __future__ import annotations

import json

from .test_init import FLAGS, INTERACTIVE, _init

from packetgen import api
from packetgen.case.load import load_case

BASE = list(INTERACTIVE)        # the wizard's answers up to section 6

FORM_ANSWERS = [
    "n",                 # I-131 Part 1 Item 13: Lucía holds refugee status?
    "F",                 # Part 2 Item 8: Lucía's sex
    "y",                 # Part 2 Item 25: Mateo's physical address is the mailing address
    "1",                 # Part 3 Item 1: ethnicity (hispanic)
    "white, 4",          # Part 3 Item 2: race (white, american_indian)
    "3", "10", "55",     # height feet, inches, weight
    "brown", "black",    # eyes, hair
    "",                  # Part 4 Item 1: Enter on a sworn question -> asked again
    "n",                 # removal proceedings
    "n",                 # reentry permit
    "y", "2025-03-01", "attached",   # advance parole: yes, then its date issued and disposition
    "y",                 # I-134 Part 2 Item 4: Lucía's physical address is the mailing address
    "2",                 # Part 2 Item 12: employment status
    "0",                 # Part 2 Item 14: dependents
    "single",            # Part 3 Item 8: Mateo's marital status
    "y",                 # Part 5 Item 1: Lucía reads English
]


def _unanswered(case):
    return [f for f in api.check(case, fileability=False)[1] if f.code == "form.unanswered"]


def test_interactive_init_answers_every_form_question(tmp_path):
    folder = tmp_path / "q"
    r = _init(folder, input="\n".join(BASE + FORM_ANSWERS) + "\n")
    assert r.exit_code == 0, r.output
    assert "packetgen never answers them for you" in r.output
    assert "Please type y or n" in r.output          # Enter on the sworn removal question is not an answer
    assert "(Form I-131 Part 4 Item 1; case.json beneficiaries[0].in_removal_proceedings)" in r.output
    case = load_case(folder / "case.json")
    b, s = case.beneficiaries[0], case.supporters[0]
    assert b.in_removal_proceedings is False and b.ever_issued_advance_parole is True
    assert str(b.advance_parole_document.date_issued) == "2025-03-01"
    assert b.biographics.race == ["white", "american_indian"] and b.biographics.height_inches == 10
    assert case.petitioner.holds_refugee_status is False and s.reads_english is True
    assert s.dependents == 0 and s.employment.status == "self_employed"
    assert _unanswered(case) == []


def test_no_input_answers_flags_and_leaves_the_rest_to_check(tmp_path):
    folder = tmp_path / "f"
    r = _init(folder, *FLAGS, "--answer", "petitioner.holds_refugee_status=no",
              "--answer", "beneficiaries[1].biographics.race=asian,white",
              "--answer", "supporters[0].relationship.ana=friend",
              "--answer", "supporters[0].dependents=2",
              "--answer", "beneficiaries[0].physical_address_same_as_mailing=yes")
    assert r.exit_code == 0, r.output
    data = json.loads((folder / "case.json").read_text(encoding="utf-8"))
    assert data["petitioner"]["holds_refugee_status"] is False
    assert data["beneficiaries"][1]["biographics"]["race"] == ["asian", "white"]
    assert data["supporters"][0]["relationship"]["ana"] == "friend" and data["supporters"][0]["dependents"] == 2
    assert "hair_color" not in json.dumps(data)     # not given: left out, never a default
    asks = {f.message for f in _unanswered(load_case(folder / "case.json"))}
    assert asks and not any("holds_refugee_status" in m for m in asks)


def test_bad_answer_option_is_a_usage_error(tmp_path):
    r = _init(tmp_path / "b", *FLAGS, "--answer", "beneficiaries[0].in_removal_proceedings=maybe")
    assert r.exit_code == 2 and "yes or no" in r.output
    r = _init(tmp_path / "b", *FLAGS, "--answer", "petitioner.favourite_colour=blue")
    assert r.exit_code == 2 and "not a field" in r.output
