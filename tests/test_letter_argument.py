"""The argument per beneficiary (issue 13 §3): the legal standard, each beneficiary's own facts, an accompanying
parent's need, a minor's other-parent consent, the 214(b) refusal answered, the parole-fee exception element by
element, and the law-enforcement witness."""

from __future__ import annotations


from packetgen.case.checks import run_checks
from packetgen.case.model import Case
from packetgen.letter.render import render_letter

from .conftest import SAMPLES, case_from
from .test_letter import TODAY, fake_refs, fake_sections, flat, text_of

CHILD = SAMPLES / "child-surgery" / "case.json"
DYING = SAMPLES / "dying-parent" / "case.json"
WITNESS = SAMPLES / "trial-witness" / "case.json"


def _case(path, mutate=None) -> Case:
    return case_from(path, mutate)


def _text(case) -> tuple[str, dict]:
    refs = fake_refs(case)
    text = flat(text_of(render_letter(case, refs, fake_sections(case), today=TODAY).pdf))
    return text.split("Exhibit index")[0], {r.evidence_id: r.letter for r in refs}


def _section(text, head, *ends):
    part = text.split(head, 1)[1]
    for e in ends:
        part = part.split(e, 1)[0]
    return part


def test_the_legal_standard_is_stated_once_in_every_letter():
    for path in (CHILD, DYING, WITNESS):
        text, _ = _text(_case(path))
        assert text.count("The standard") == 1
        assert "urgent humanitarian reason or for a significant public benefit" in text
        assert "favorable exercise of discretion" in text


def test_a_214b_refusal_is_answered_with_ties_and_why_parole_is_not_a_way_around():
    text, letters = _text(_case(DYING))
    part = _section(text, "The refusal under INA 214(b)", "Identity")
    assert "did not establish, to the consular officer's satisfaction, entitlement to the nonimmigrant status" in part
    assert "short interview" not in part                             # stated neutrally, as the statute does
    assert "Parole is not requested as a way around the visa process" in part
    assert "hardware store" in part                                  # the ties, from the case's departure plan
    assert f"Exhibit {letters['return_ticket']}," in part            # with the exhibit that shows the return
    assert f"Exhibit {letters['visa_refusal']}," in part
    assert "hardware store" not in _section(text, "Time frame", "No threat")   # said once
    witness, _ = _text(_case(WITNESS))
    assert "The refusal under INA 214(b)" not in witness             # no refusal, no section


def test_the_fee_exception_is_argued_element_by_element_for_each_beneficiary():
    text, letters = _text(_case(CHILD))
    part = _section(text, "Request for exception from the parole fee", "Thank you")
    assert "Mateo Andrés Reyes Castillo: 8 U.S.C. 1804(b)(1)" in part
    assert "Ana Gabriela Castillo Mejía: 8 U.S.C. 1804(b)(2)" in part     # her own basis, from the beneficiary
    assert "(A) The person has a medical emergency" in part and "(B)(i)" in part
    assert "is 7 years old on the date of this letter" in part             # the minor element, computed
    assert f"Exhibit {letters['birth_certificate']}," in part.split("1804(b)(2)")[1]
    assert "$" not in part
    dying, dl = _text(_case(DYING))
    part = _section(dying, "Request for exception from the parole fee", "Thank you")
    assert "8 U.S.C. 1804(b)(4)" in part and "(A)" in part and "(B)" in part
    assert "could not arrive in time" in part and f"Exhibit {dl['visa_refusal']}," in part


def test_each_fee_element_states_its_own_facts_and_never_points_above():
    text, letters = _text(_case(CHILD))
    part = _section(text, "Request for exception from the parole fee", "Thank you")
    assert "set out above" not in part
    assert "oxygen saturation" in part.split("(B)(i)")[0]                      # (A) states the emergency
    assert f"Exhibit {letters['doctor_letter']}," in part.split("1804(b)(2)")[1]   # Ana's (A): the child's emergency

    def bare(d):                            # no element facts of the case's own: its text is restated
        d["request"]["parole_fee_exception"].pop("elements", None)
    text, _ = _text(_case(DYING, bare))
    part = _section(text, "Request for exception from the parole fee", "Thank you")
    assert "set out above" not in part
    assert "next interview the embassy offered is in September 2027" in part


def test_each_beneficiary_may_have_their_own_facts():
    def own(d):
        ana = d["beneficiaries"][1]
        ana["narrative"] = "Ana is the only parent who can stay with Mateo in Houston for six months."
        ana["discretion"] = {"departure_plan": "Ana returns to her teaching post at the end of the stay."}
    text, _ = _text(_case(CHILD, own))
    part = _section(text, "Each beneficiary", "How long, and why")
    assert "Ana is the only parent who can stay with Mateo" in part
    assert "Return home: Ana returns to her teaching post" in part
    assert "Ana will accompany Mateo, who is 7 years old" in part


def test_a_minors_other_parent_consent_is_cited_or_explained_or_reported():
    case = _case(CHILD)                     # the sample has the father's signed consent, cited where Mateo travels
    assert not any(f.code in ("letter.minor_consent", "medical.minor_consent_missing")
                   for f in run_checks(case, today=TODAY))
    text, letters = _text(case)
    part = _section(text, "Mateo Andrés Reyes Castillo, patient", "Ana Gabriela Castillo Mejía, accompanying")
    assert "Mateo will travel with Ana" in part and "other parent, who does not travel" in part
    assert f"Exhibit {letters['father_consent']}," in part and "Mateo's father consents" in part

    def without(d):
        d["evidence"] = [e for e in d["evidence"] if e["category"] != "consent"]
    case = _case(CHILD, without)
    assert any(f.code == "letter.minor_consent" and f.where == "beneficiaries[0].other_parent_consent"
               for f in run_checks(case, today=TODAY))

    def note(d):
        without(d)
        d["beneficiaries"][0]["other_parent_consent"] = "His father travels with them and signs the I-131 as a witness."
        d["beneficiaries"][1].pop("accompanies")
        d["beneficiaries"][0]["accompanies"] = None
    case = _case(CHILD, note)
    assert not any(f.code == "letter.minor_consent" for f in run_checks(case, today=TODAY))
    text, _ = _text(case)
    assert "On the consent of Mateo's other parent: His father travels with them" in text


def test_an_exhibit_described_in_the_argument_is_not_described_again_in_the_identity_list():
    """The father's consent is described where Mateo's travel is argued; the identity list names it by title and
    citation only, so the officer reads what it shows once."""
    text, letters = _text(_case(CHILD))
    assert text.count("Mateo's father consents") == 1
    part = _section(text, "Identity and relationships", "Why the beneficiaries merit")
    assert "Declaration and consent of Mateo's father" in part and f"Exhibit {letters['father_consent']}," in part
    assert "Mateo's father consents" not in part
    assert "Identity and Honduran citizenship of the patient" in part    # the others keep what they show


def test_a_supporters_passport_is_cited_for_the_status_and_the_financial_evidence_for_the_income():
    text, letters = _text(_case(WITNESS))
    f, g = letters["paolo_passport"], letters["paolo_employer_letter"]
    # the passport for the citizenship, the siblings' birth certificates for "my brother"
    b = letters["sibling_birth_certificates"]
    assert f"a U.S. citizen (see Exhibit {f}, " in text and f") and my brother (see Exhibit {b}, " in text
    earn = text.split("Paolo earns", 1)[1].split("On Form I-134", 1)[0]
    assert f"Exhibit {g}," in earn and f"Exhibit {f}," not in earn

    def unrelated(d):
        d["supporters"][0]["relationship"] = {}
    text, _ = _text(_case(WITNESS, unrelated))
    assert f"Paolo Santos Macaraeg, a U.S. citizen (see Exhibit {f}, " in text and "), has signed Form I-134" in text


def test_a_law_enforcement_witness_gets_the_channel_sentence_and_a_warning():
    case = _case(WITNESS)
    text, letters = _text(case)
    assert "not a request by a law enforcement agency" in text and "Immigration and Customs Enforcement" in text
    # the sample states the agency's reason (request.agency_channel), from the AUSA's letter: no warning
    assert "has made no such request and supports this one" in text
    assert not any(f.code == "letter.law_enforcement_channel" for f in run_checks(case, today=TODAY))

    def no_reason(d):
        d["request"].pop("agency_channel")
    assert any(f.code == "letter.law_enforcement_channel" for f in run_checks(_case(WITNESS, no_reason), today=TODAY))
    assert not any(f.code == "letter.law_enforcement_channel" for f in run_checks(_case(CHILD), today=TODAY))


def test_the_law_enforcement_fee_exception_is_in_the_rules_with_its_source():
    from packetgen.facts import load_rules

    fact = load_rules()["parole_fee.exception_elements"]
    le = fact["value"]["law_enforcement"]
    assert len(le["elements"]) == 3 and "law enforcement matter" in le["elements"][0]["text"]
    assert "1804" in fact["source"] and fact["as_of"] and fact["confidence"]
    assert "(b)(10)" not in le["cite"]          # the paragraph number was not read verbatim: not cited

    def claim(d):
        d["request"]["parole_fee_exception"] = {"claimed": True, "basis": "law_enforcement"}
    text, _ = _text(_case(WITNESS, claim))
    part = _section(text, "Request for exception from the parole fee", "Thank you")
    assert "law enforcement matter" in part and "3. The person is inadmissible" in part   # numbered, not "third"
