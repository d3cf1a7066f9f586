"""Grammar from data (issue 13 §1): person follows the signer, number follows the counts, pronouns follow each
person, third-person case text is never spliced into an "I" sentence, and no sentence appears twice.

Checked on the text extracted from rendered letters: the three samples and varied cases made from them."""

from __future__ import annotations

import copy
import json
import re

import pytest

from packetgen.case.model import Case
from packetgen.case.load import load_case
from packetgen.letter.render import render_letter

from .conftest import SAMPLES, sample_cases
from .test_letter import TODAY, fake_refs, fake_sections, flat, text_of

CHILD = SAMPLES / "child-surgery" / "case.json"
DYING = SAMPLES / "dying-parent" / "case.json"
WITNESS = SAMPLES / "trial-witness" / "case.json"


def _data(path):
    return json.loads(path.read_text(encoding="utf-8"))


def _case(data, path) -> Case:
    case = Case.model_validate(data)
    case._source = path
    return case


def letter_text(case) -> str:
    pdf = render_letter(case, fake_refs(case), fake_sections(case), today=TODAY).pdf
    text = flat(text_of(pdf))
    # Running heads and footers repeat on every page by design; the exhibit index is a table.
    text = re.sub(r"Page \d+ of \d+", " ", text)
    text = text.split("Exhibit index")[0]
    return text


def sentences(text: str) -> list[str]:
    body = re.sub(r"Request for humanitarian parole: [^.]*?(?=[A-Z][a-z]+ \d+, \d{4})", " ", text)
    parts, start = [], 0
    for m in re.finditer(r"(?<=[.!?])\s+(?=[A-Z•])", body):
        before = body[start:m.start()].split()
        if before and re.fullmatch(r"(v|No|U\.S|Mr|Mrs|Dr|St|et al|al|[A-Z])\.", before[-1]):
            continue                     # an abbreviation, not the end of a sentence
        parts.append(body[start:m.start()])
        start = m.end()
    parts.append(body[start:])
    return [p.strip() for p in parts if len(p.split()) >= 6]


# --------------------------------------------------------------------------- varied cases

def one_beneficiary(d):
    d["beneficiaries"] = d["beneficiaries"][:1]
    for s in d["supporters"]:
        s["supports"] = [b for b in s["supports"] if b == d["beneficiaries"][0]["id"]] or [d["beneficiaries"][0]["id"]]
        s["relationship"] = {k: v for k, v in s["relationship"].items() if k in s["supports"]}
    ids = {b["id"] for b in d["beneficiaries"]} | {s["id"] for s in d["supporters"]} | {"petitioner"}
    for e in d["evidence"]:
        e["about"] = [a for a in e.get("about", []) if a in ids]
        e["shows"] = (e.get("shows") or "").replace("Both beneficiaries were", "Mateo was")
    # the case's own texts about two people, rewritten as a paralegal would for one
    d["discretion"]["criminal_history"] = "Mateo has never been arrested, charged or convicted of any offence."
    d["discretion"]["immigration_history"] = "Mateo has never been to the United States."


def three_beneficiaries(d):
    sib = copy.deepcopy(d["beneficiaries"][0])
    sib.update(id="lucas", name={"family": "Reyes Castillo", "given": "Lucas"}, date_of_birth="2016-03-03",
               role="sibling", sex="M")
    sib.pop("accompanies", None)
    sib["passport"] = dict(sib["passport"], number="H0099999")
    d["beneficiaries"].append(sib)
    d["supporters"][0]["supports"].append("lucas")


# The samples' texts in the petitioner's first person, rewritten in the third person as a paralegal does when an
# attorney signs the letter instead (docs/letter.md, "Whose voice"); request.summary and will_provide stay the
# petitioner's and the supporter's own words, which the attorney's letter quotes.
THIRD_PERSON = {
    "Reyes Medical Parole": {
        ("discretion", "payment_plan"): "Gulf Coast Children's Hospital has approved charity care covering 80 percent "
        "of the estimated $148,600; Lucía Reyes will pay the remaining $29,720 (including the $10,000 deposit due "
        "before admission), the travel and all living costs from her savings and salary."},
    "Morales Family Emergency Parole": {
        ("request", "narrative"): "Rosa Elena Pérez Cifuentes, 82, has lived in the United States as a permanent "
        "resident since 1999 and lives with her daughter Marisol in Van Nuys. She is in home hospice care. Her only "
        "son, Jorge, lives in Guatemala.",
        ("request", "expedite", "reason"): "The beneficiary's mother is in hospice care with a life expectancy of weeks "
        "to a few months.",
        ("discretion", "payment_plan"): "Jorge paid his own round-trip ticket (returning April 2, 2027). Marisol "
        "Morales provides his housing, food and local transport, and has bought a travel medical insurance policy "
        "for him."},
    "Macaraeg Witness Parole": {
        ("request", "narrative"): "In 2023 Rowena paid $9,450 in placement fees to a company that promised Filipino "
        "teachers jobs in U.S. public schools; the jobs did not exist. The U.S. Attorney's Office needs her to testify "
        "in person.",
        ("request", "urgency"): "The trial begins on February 22, 2027; the prosecutors need her in Las Vegas from "
        "February 15, 2027.",
        ("request", "visa", "why_not_possible"): "The first visa interview offered to Rowena is on October 14, 2027, "
        "after the trial.",
        ("request", "expedite", "reason"): "The federal trial begins on February 22, 2027 and the prosecutors need her "
        "in Las Vegas from February 15, 2027.",
        ("request", "agency_channel"): "The U.S. Attorney's Office states that it has not asked for Rowena's parole "
        "through that channel.",
        ("request", "public_benefit"): "Rowena's live testimony is essential to the prosecution of the fraud scheme.",
        ("request", "parole_fee_exception", "explanation"): "Rowena is a witness for the United States in a federal "
        "prosecution (8 U.S.C. 1804(b)).",
        ("request", "parole_fee_exception", "elements", "a"): "In 2024 Rowena gave the investigating agents her "
        "records and helped other victims file complaints.",
        ("request", "parole_fee_exception", "elements", "b"): "The U.S. Attorney's Office needs her in Las Vegas from "
        "February 15, 2027 to testify at the trial.",
        ("request", "parole_fee_exception", "elements", "c"): "The first visa interview offered to her is after the "
        "trial.",
        ("discretion", "criminal_history"): "Rowena has never been arrested, charged or convicted of any offence.",
        ("discretion", "immigration_history"): "Rowena has never been to the United States.",
        ("discretion", "payment_plan"): "The government pays her airfare; her brother provides housing.",
        ("discretion", "departure_plan"): "Rowena is a permanent public-school teacher in Cebu City, on approved leave "
        "until April 30, 2027.",
        ("discretion", "character"): "Her school certifies fourteen years of service in good standing.",
        ("discretion", "no_threat"): "A teacher and crime victim with no criminal record poses no threat."},
}


def attorney_signs(d):
    d["attorney"] = {"name": {"given": "Grace", "family": "Okafor"}, "organization": "Okafor & Lee LLP",
                     "bar_number": "24031177", "phone": "(713) 555-0199", "email": "grace@example.org"}
    d["letter"]["signer"] = "Grace Okafor"
    d["letter"]["letterhead"] = []
    for path, text in THIRD_PERSON[d["case_name"]].items():
        obj = d
        for key in path[:-1]:
            obj = obj[key]
        obj[path[-1]] = text


def male_petitioner(d):
    d["petitioner"]["sex"] = "M"
    d["petitioner"]["name"] = {"family": "Reyes", "given": "Luis"}
    d["letter"]["signer"] = "Luis Reyes"


def reason(r):
    def mutate(d):
        d["request"]["reason"] = r
        if r == "public_benefit":
            d["request"]["public_benefit"] = "Her testimony is needed at a federal trial."
    return mutate


CASES = {
    "child": (CHILD, []), "dying": (DYING, []), "witness": (WITNESS, []),
    "child-one": (CHILD, [one_beneficiary]), "child-three": (CHILD, [three_beneficiaries]),
    "child-attorney": (CHILD, [attorney_signs]), "dying-attorney": (DYING, [attorney_signs]),
    "witness-attorney": (WITNESS, [attorney_signs]), "child-he": (CHILD, [male_petitioner]),
    "child-one-attorney": (CHILD, [one_beneficiary, attorney_signs]),
    **{f"child-{r}": (CHILD, [reason(r)]) for r in ("family_emergency", "public_benefit", "other")},
}


@pytest.fixture(scope="module", params=sorted(CASES))
def rendered(request):
    path, mutations = CASES[request.param]
    d = _data(path)
    for m in mutations:
        m(d)
    case = _case(d, path)
    return request.param, case, letter_text(case)


def test_every_sample_is_covered():
    assert {p.parent.name for p in sample_cases()} >= {"child-surgery", "dying-parent", "trial-witness"}


def test_no_sentence_appears_twice(rendered):
    name, case, text = rendered
    seen = {}
    for s in sentences(text):
        key = re.sub(r"\(see [^)]*\)|\(Exhibit [^)]*\)", "", s).strip()
        assert key not in seen, f"{name}: sentence repeated: {s!r}"
        seen[key] = True


def test_number_follows_the_count(rendered):
    name, case, text = rendered
    n = len(case.beneficiaries)
    if n == 1:
        for wrong in ("beneficiaries", "applications at", "were refused", "each request", "each beneficiary",
                      "for each Form I-131", "Neither beneficiary"):
            assert wrong not in text, f"{name}: '{wrong}' with one beneficiary"
    else:
        for wrong in ("the beneficiary merits", "the beneficiary be excepted", "application at the", "placed on top of the request"):
            assert wrong not in text, f"{name}: '{wrong}' with {n} beneficiaries"


def test_person_follows_the_signer(rendered):
    name, case, text = rendered
    unquoted = re.sub(r"\u201c[^\u201d]*\u201d|Exhibits? [A-Z]{1,2}\b", " ", text)
    if "attorney" in name:
        hits = re.findall(r"(?:^|[\s(])(I|my|me|myself|I'm)(?=[\s,.;:)])", unquoted)
        assert not hits, f"{name}: first person in a letter the attorney signs: {hits}"
        assert "The petitioner" in text
    else:
        assert re.search(r"\bI, ", text), f"{name}: the petitioner writes in the first person"
        # the signer is "I" throughout: never named in the third person in the letter's own sentences (the
        # exhibit titles and descriptions name people as the documents do)
        n = case.petitioner.name
        names = sorted({n.full, f"{n.given} {n.family}", n.given}, key=len, reverse=True)
        own = text
        for e in case.evidence:
            for t in (e.title, e.shows or ""):
                own = own.replace(flat(t), " ")
        own = re.sub(r"\u201c[^\u201d]*\u201d", " ", own)
        hits = re.findall(r"\b(?:" + "|".join(map(re.escape, names)) + r")(?:'s)? [a-z]+", own)
        assert not hits, f"{name}: the signer in the third person: {hits}"


def test_pronouns_follow_each_person(rendered):
    name, case, text = rendered
    wrong = {"F": r"\b(his|him|himself) (nephew|sister-in-law|brother|son)\b", "M": r"\b(her|herself) (nephew|sister-in-law|brother|son)\b"}
    sex = case.petitioner.sex
    if sex and "attorney" in name:
        assert not re.search(wrong[sex], text), f"{name}: petitioner's pronoun does not follow sex {sex}"
    assert "hisself" not in text and "herself self" not in text


def test_ages_are_computed_at_the_letter_date(rendered):
    name, case, text = rendered
    if name.startswith("child"):
        assert "age 7" in text                 # born July 2, 2019; letter dated December 2, 2026
        assert "(6)" not in text and "six years old" not in text and "six-year-old" not in text


def test_the_fee_amount_is_never_printed_in_the_fee_exception(rendered):
    name, case, text = rendered
    part = text.split("Request for exception from the parole fee")
    if len(part) > 1:
        assert "$" not in part[1].split("Enclosures")[0], f"{name}: the parole fee amount may be stale"


def test_lengths_in_months_are_written_in_words_and_assets_without_a_second_parenthesis(rendered):
    """One style for durations in the letter ("two months", as the case text writes them), and the supporter's
    assets in running text, so that no parenthesis is followed by a citation's parenthesis."""
    import re

    from packetgen.letter.context import _asset_phrase
    from packetgen.wording import months_text
    assert [months_text(m) for m in (1, 2, 6, 1.5, 24)] == [
        "one month", "two months", "six months", "1.5 months", "24 months"]
    assert [_asset_phrase(k) for k in ("savings account", "IRA account", "real estate")] == [
        "a savings account", "an IRA account", "real estate"]
    name, case, text = rendered
    assert not re.search(r"\b\d+ months?\b", text.split("Exhibit index")[0]), name
    assert not re.search(r"\([^()]* [^()]*\)\s*\(see ", text), name     # "INA 214(b) (see" is fine
