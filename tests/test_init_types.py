"""init per case type (issue 17 §2): family emergency, public benefit, translators, fee basis, consulate,
and the wizard's manners (empty answers, y/n, 'Ill.', day-first dates)."""

from __future__ import annotations

import json

import pytest

from packetgen.case import answers as initcase
from packetgen.case.load import load_case

from .test_init import _init

FAMILY = ["--no-input", "--reason", "family_emergency", "--emergency", "dying",
          "--beneficiary", "Rosa Elena Pérez", "--beneficiary-dob", "1950-03-15", "--beneficiary-country", "Guatemala",
          "--beneficiary-city", "Quetzaltenango",
          "--petitioner", "Carlos Pérez", "--petitioner-dob", "1976-01-02", "--petitioner-status", "citizen",
          "--city", "Chicago", "--state", "Ill.", "--zip", "60601", "--income", "64000",
          "--relative", "Carlos Pérez", "--relative-relationship", "son",
          "--relative-condition", "end-stage liver failure", "--relative-hospital", "Northwestern Memorial, Chicago",
          "--language", "Spanish", "--translator", "Ana Ruiz",
          "--arrival", "2027-01-10", "--no-prior-parole-documents", "--no-other-sponsorships"]


def test_family_emergency_case_cites_the_relatives_medical_letter(tmp_path):
    folder = tmp_path / "perez"
    r = _init(folder, *FAMILY)
    assert r.exit_code == 0, r.output
    case = load_case(folder / "case.json")
    letter = next(e for e in case.evidence if e.id == "relative_medical_letter")
    assert letter.category == "us_provider"                       # medical evidence, not "other"
    assert "Carlos Pérez" in letter.title and "end-stage liver failure" in letter.shows
    assert not any(e.category == "other" for e in case.evidence)
    assert case.request.parole_fee_exception.claimed
    assert case.request.parole_fee_exception.basis == "b4_family_member_death_imminent"
    assert case.petitioner.mailing_address.state == "IL"          # "Ill." resolved
    # the consulate is the embassy in the capital, never the home town
    assert (case.request.consulate.city, case.request.consulate.country) == ("Guatemala City", "Guatemala")
    data = json.loads((folder / "case.json").read_text(encoding="utf-8"))
    text = json.dumps(data, ensure_ascii=False)
    assert "treatment plan" not in text and "Quetzaltenango" not in json.dumps(data["request"])
    # documents issued abroad: Spanish, with the translation expected and the translator's certificate
    rel = next(e for e in case.evidence if e.id == "relationship")
    assert rel.language == "es" and rel.translation.file == "evidence/relationship/translation.pdf"
    assert case.translators[0].name == "Ana Ruiz" and rel.translation.translator == case.translators[0].id
    readme = (folder / "evidence" / "relationship" / "README.txt").read_text(encoding="utf-8")
    assert "translation.pdf" in readme and "Ana Ruiz" in readme


def test_funeral_asks_for_the_death_certificate_and_fits_b5(tmp_path):
    args = [a for a in FAMILY if a not in {"--language", "Spanish", "--translator", "Ana Ruiz"}]
    args[args.index("dying")] = "funeral"
    r = _init(tmp_path / "f", *args)
    assert r.exit_code == 0, r.output
    case = load_case(tmp_path / "f" / "case.json")
    assert any(e.id == "death_certificate" for e in case.evidence)
    assert case.request.parole_fee_exception.basis == "b5_family_funeral"


def test_public_benefit_names_the_agency(tmp_path):
    r = _init(tmp_path / "pb", "--no-input", "--reason", "public_benefit", "--agency", "U.S. Attorney's Office, SDTX",
              "--beneficiary", "Luis Mora", "--beneficiary-dob", "1980-01-01", "--beneficiary-country", "Venezuela",
              "--petitioner", "Eva Mora", "--petitioner-dob", "1975-01-01", "--arrival", "2027-02-01",
              "--no-prior-parole-documents", "--no-other-sponsorships")
    assert r.exit_code == 0, r.output
    case = load_case(tmp_path / "pb" / "case.json")
    letter = next(e for e in case.evidence if e.category == "public_benefit")
    assert letter.title == "Letter of U.S. Attorney's Office, SDTX"
    assert "U.S. Attorney's Office, SDTX" in case.request.public_benefit
    assert not case.request.parole_fee_exception.claimed
    assert case.request.consulate.city == "Bogotá"                 # no visa services in Caracas


def test_interactive_family_emergency_empty_answers_and_sworn_yes_no(tmp_path):
    answers = [
        "2", "",                      # family emergency; kind [dying]
        "1",                          # one person
        "", "Rosa", "Pérez", "",      # empty given name -> a message, then the names
        "15/03/1950", "",             # day-first date: "did you mean March 15, 1950?" [Y]
        "f", "Guatemala", "", "", "Quetzaltenango", "", "", "",
        "mother",                     # role
        "",                           # no passport
        "n",                          # the petitioner is not Rosa
        "Carlos", "Pérez", "", "1976-01-02", "", "", "",
        "100 Main St", "", "Chicago", "Ill.", "60601", "", "",
        "",                           # status [citizen]
        "son",
        "Carlos Pérez", "y", "", "end-stage liver failure", "Northwestern Memorial, Chicago",
        "Spanish", "Ana Ruiz",        # documents in Spanish, translator
        "", "64000", "", "0", "n", "son",   # ... no other I-134 / I-864 (sworn: n typed)
        "Rosa must see her dying son.", "2027-01-10", "",
        "",                           # expedite [Y]
        "",                           # fee exception (b)(4) [Y]
        "",                           # consulate [Guatemala City, Guatemala]
        "n",                          # no visa application
        "", "maybe", "n",             # arrests: Enter and 'maybe' are refused (sworn), then n
        "", "", "",
        "n", "M", "y", "1", "white", "5", "2", "130", "brown", "gray", "n", "n", "n",   # the forms' questions
        "y", "1", "0", "widowed", "y",
    ]
    r = _init(tmp_path / "i", input="\n".join(answers) + "\n")
    assert r.exit_code == 0, r.output
    assert "An answer is needed here" in r.output
    assert "15/03/1950 can only be 1950-03-15 (March 15, 1950, day first)" in r.output
    assert "Please type y or n" in r.output and "Error: invalid input" not in r.output
    assert "Guatemala City" in r.output
    case = load_case(tmp_path / "i" / "case.json")
    assert str(case.beneficiaries[0].date_of_birth) == "1950-03-15"
    assert case.petitioner.mailing_address.state == "IL"
    assert case.request.consulate.city == "Guatemala City"
    letter = next(e for e in case.evidence if e.id == "relative_medical_letter")
    assert letter.category == "us_provider" and letter.about == ["petitioner"]


@pytest.mark.parametrize("text,code", [("Ill.", "IL"), ("Calif.", "CA"), ("N.Y.", "NY"), ("Tex", "TX"),
                                       ("illinois", "IL"), ("Penna.", "PA")])
def test_state_abbreviations(text, code):
    assert initcase.state_code(text) == code


def test_state_suggestion_and_dates():
    with pytest.raises(ValueError, match=r"did you mean IL \(Illinois\)"):
        initcase.state_code("Illnois")
    with pytest.raises(initcase.AmbiguousDate) as ei:
        initcase.birth_date("15/03/1950")
    assert [d.isoformat() for d in ei.value.choices] == ["1950-03-15"]
    with pytest.raises(initcase.AmbiguousDate) as ei:
        initcase.birth_date("03/04/1950")
    assert [d.isoformat() for d in ei.value.choices] == ["1950-03-04", "1950-04-03"]


def test_visa_posts_data_has_date_source_and_capital_defaults():
    from packetgen.resources import data_dir

    doc = json.loads((data_dir() / "visa_posts.json").read_text(encoding="utf-8"))
    assert doc["as_of"] and doc["source"] and doc["confidence"] in {"C", "S", "U"}
    assert initcase.visa_posts("Honduras")["default"] == "Tegucigalpa, Honduras"
    assert initcase.visa_posts("myanmar")["default"] == "Rangoon, Burma"
    assert initcase.visa_posts("Atlantis") is None
    for country, e in doc["posts"].items():
        assert e.get("visa_posts") or e.get("apply_at") or e.get("note"), country
