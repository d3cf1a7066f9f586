"""Whose voice (docs/letter.md): the letter's own texts are in the signer's voice, request.summary in the
petitioner's (Form I-131), will_provide in the supporter's (Form I-134); the check 'letter.voice' finds a text that
names its own author in the third person, or speaks in the first person under someone else's signature."""

from __future__ import annotations

import datetime as dt
import re

from packetgen.case.checks import run_checks
from packetgen.letter.render import render_letter

from .conftest import SAMPLES, case_from
from .test_letter import fake_refs, fake_sections, flat, text_of
from .test_letter_grammar import attorney_signs

TODAY = dt.date(2026, 12, 2)
CHILD = SAMPLES / "child-surgery" / "case.json"
DYING = SAMPLES / "dying-parent" / "case.json"
WITNESS = SAMPLES / "trial-witness" / "case.json"


def _voice(path, mutate=None):
    return [f for f in run_checks(case_from(path, mutate), today=TODAY) if f.code == "letter.voice"]


def _letter(path, mutate=None) -> str:
    case = case_from(path, mutate)
    text = flat(text_of(render_letter(case, fake_refs(case), fake_sections(case), today=TODAY).pdf))
    return text.split("Exhibit index")[0]


def test_the_samples_are_each_in_their_signers_voice():
    for path in (CHILD, DYING, WITNESS):
        assert not _voice(path), path.parent.name


def test_the_signer_named_in_the_third_person_is_a_warning_naming_the_field():
    def third(d):
        d["discretion"]["payment_plan"] = "Lucía Reyes will pay the remaining $29,720 from her savings."
        d["request"]["urgency"] = "The petitioner's nephew needs surgery by mid-February 2027."
    found = _voice(CHILD, third)
    assert {f.where for f in found} == {"discretion.payment_plan", "request.urgency"}
    assert all(f.severity == "warning" and "Lucía Isabel Reyes, who signs the letter" in f.message for f in found)
    assert "'lucia reyes'" in " ".join(f.message for f in found)

    def self_petitioner(d):                    # the petitioner is the beneficiary: her given name is hers too
        d["request"]["narrative"] = "In 2023 Rowena paid $9,450 in placement fees; Rowena kept the receipts."
    assert [f.where for f in _voice(WITNESS, self_petitioner)] == ["request.narrative"]


def test_a_given_name_someone_else_shares_is_not_taken_for_the_signers():
    def namesake(d):                            # the supporter and the petitioner are both "Lucía"
        d["beneficiaries"][1]["name"]["given"] = "Lucía"
        d["discretion"]["character"] = "Lucía has taught at the same school since 2017."
    assert not _voice(CHILD, namesake)

    def full(d):
        namesake(d)
        d["discretion"]["character"] = "Lucía Reyes vouches for Ana."
    assert [f.where for f in _voice(CHILD, full)] == ["discretion.character"]


def test_the_first_person_under_an_attorneys_signature_is_a_warning():
    def attorney_only(d):                       # the signer changes, a text stays in the petitioner's voice
        attorney_signs(d)
        d["discretion"]["payment_plan"] = "I will pay the remaining $29,720 from my savings."
    found = _voice(CHILD, attorney_only)
    assert [f.where for f in found] == ["discretion.payment_plan"]
    assert "Grace Okafor, the attorney," in found[0].message and "'I'" in found[0].message
    # rewritten in the third person, as the grammar tests' attorney letters are: no finding
    for path in (CHILD, DYING, WITNESS):
        assert not _voice(path, attorney_signs), path.parent.name

    def quoted(d):                              # a quotation keeps its speaker's words
        attorney_signs(d)
        d["discretion"]["character"] = "Her school director writes: \u201cI have known her since 2017.\u201d"
    assert not _voice(CHILD, quoted)

    def form_name(d):                           # "I-131" is not the first person
        attorney_signs(d)
        d["discretion"]["immigration_history"] = "No Form I-131 or I-134 was filed for either beneficiary before."
    assert not _voice(CHILD, form_name)


def test_the_forms_texts_are_their_authors_own_words():
    def summary(d):
        d["request"]["summary"] = "Rowena Santos Macaraeg is an essential witness at a federal trial."
    assert [f.where for f in _voice(WITNESS, summary)] == ["request.summary"]

    def provide(d):
        d["supporters"][0]["will_provide"] = "A room in Paolo's home in Henderson and meals."
    found = _voice(WITNESS, provide)
    assert [f.where for f in found] == ["supporters[0].will_provide"]
    assert "Form I-134" in found[0].message


def test_the_letter_prints_each_text_in_its_authors_voice():
    child = _letter(CHILD)
    assert "I will pay the remaining $29,720" in child
    assert "I will provide housing in my apartment near the Texas Medical Center" in child
    assert "Lucía Reyes will" not in child and "Reyes will provide" not in child
    witness = _letter(WITNESS)          # Rowena signs: her brother's own words on his I-134 are quoted
    assert ("On Form I-134, Paolo describes what he will provide: \u201cA room in my home in "
            "Henderson") in witness
    assert "In 2023 I paid $9,450" in witness and "Rowena kept" not in witness
    # she is the beneficiary: her brother's I-134 is "for me", and he is "my brother"
    assert re.search(r"Paolo Santos Macaraeg, a U\.S\. citizen \(see Exhibit [A-Z], [^)]*\) and my brother "
                     r"\(see Exhibit [A-Z], [^)]*\), has signed "
                     r"Form I-134, Declaration of Financial Support, for me\.", witness)
    assert "Why I merit a favorable exercise of discretion" in witness
    assert "for myself for two months from February 15, 2027. I am a public-school teacher" in witness
    dying = _letter(DYING)
    assert "I will provide a room in my apartment, where our mother is cared for" in dying
    assert "Marisol Morales provides" not in dying
    # an attorney's letter quotes the petitioner's own words on Form I-131 and the supporter's on Form I-134
    attorney = _letter(CHILD, attorney_signs)
    assert "In her own words on Form I-131: \u201cMateo has a complex congenital heart defect" in attorney
    assert "describes what she will provide: \u201cHousing in my apartment" in attorney
    assert "I will" not in re.sub("\u201c[^\u201d]*\u201d", " ", attorney)


def test_the_only_supporter_called_the_supporter_is_the_signer_in_the_third_person():
    def sponsor(d):                             # Lucía signs and is the only supporter
        d["discretion"]["payment_plan"] = "The sponsor will pay the remaining $29,720 from the supporter's savings."
    found = _voice(CHILD, sponsor)
    assert [f.where for f in found] == ["discretion.payment_plan"] and "'the sponsor'" in found[0].message

    def someone_elses(d):                       # Rowena signs; the supporter is Paolo: no finding
        d["request"]["narrative"] = "The sponsor, my cousin, will house me; the other sponsor's letter is enclosed."
    assert not _voice(WITNESS, someone_elses)

    def own_form(d):                            # Paolo's own words on his I-134
        d["supporters"][0]["will_provide"] = "The financial sponsor will provide a room and meals."
    assert [f.where for f in _voice(WITNESS, own_form)] == ["supporters[0].will_provide"]
