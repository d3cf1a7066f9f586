"""Names in English letters (issue 12 §2): the passport's Latin spelling on the forms, never a '?'."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata

import pytest

from packetgen.api import check as _check


def run_checks(case, *, today):
    """The case's checks and the forms' (api.check), without fileability."""
    return _check(case, today=today, fileability=False)[1]
from packetgen.case.model import Case, Name
from packetgen.case.load import load_case
from packetgen.forms.fill import fill_case_forms

from .conftest import SAMPLES

TODAY = dt.date(2026, 12, 2)
SAMPLE = SAMPLES / "dying-parent" / "case.json"

NAMES = {   # script: (native family, native given, passport family, passport given)
    "Arabic": ("الحسيني", "محمد", "ALHUSSEINI", "MOHAMMED"),
    "Hebrew": ("כהן", "דוד", "COHEN", "DAVID"),
    "Chinese (Han)": ("王", "小明", "WANG", "XIAOMING"),
    "Korean (Hangul)": ("김", "민준", "KIM", "MINJUN"),
    "Devanagari": ("शर्मा", "प्रिया", "SHARMA", "PRIYA"),
    "Ethiopic (Amharic)": ("በቀለ", "አበበ", "BEKELE", "ABEBE"),
    "Cyrillic": ("Ковалева", "Анна", "KOVALEVA", "ANNA"),
}


def _data():
    return json.loads(SAMPLE.read_text(encoding="utf-8"))


def _all_text_values(forms):
    return [str(v["value"]) for f in forms for v in f.values]


@pytest.mark.parametrize("script", sorted(NAMES))
def test_a_name_in_another_script_without_latin_spelling_is_refused_and_never_printed_as_question_marks(script):
    fam, giv, _, _ = NAMES[script]
    data = _data()
    data["beneficiaries"][0]["name"] = {"family": fam, "given": giv}
    case = Case.model_validate(data)
    errors = [f for f in run_checks(case, today=TODAY) if f.code == "form.script"]
    assert len(errors) == 1 and errors[0].severity == "error"
    assert errors[0].where == "beneficiaries[0].latin_name" and script in errors[0].message
    assert "latin_name" in errors[0].fix
    if script == "Cyrillic":
        assert "e.g. Kovaleva Anna" in errors[0].fix          # a suggestion in the fix, never filed
    # a draft leaves the name boxes blank: no '?', no transliteration
    forms = fill_case_forms(case)
    values = _all_text_values(forms)
    assert not [v for v in values if "?" in v]
    assert "Kovaleva" not in " ".join(values)
    i131 = forms[0]
    assert not [v for v in i131.values if (v["part"], v["item"]) == ("2", "16")]
    assert {u["set"].split(" ")[0] for u in i131.unanswered} == {"beneficiaries[0].latin_name"}


@pytest.mark.parametrize("script", sorted(NAMES))
def test_the_passport_latin_spelling_is_filed(script):
    fam, giv, lfam, lgiv = NAMES[script]
    data = _data()
    data["beneficiaries"][0]["name"] = {"family": fam, "given": giv}
    data["beneficiaries"][0]["latin_name"] = {"family": lfam, "given": lgiv}
    data["supporters"][0]["name"] = {"family": fam, "given": giv}
    data["supporters"][0]["latin_name"] = {"family": lfam, "given": lgiv}
    case = Case.model_validate(data)
    assert not [f for f in run_checks(case, today=TODAY) if f.code.startswith("form.")]
    forms = fill_case_forms(case)
    i131 = {(v["part"], v["item"], v["label"]): v["value"] for v in forms[0].values}
    assert i131[("2", "16", "Their family name")] == lfam and i131[("2", "16", "Their given name")] == lgiv
    i134 = {v["label"]: v["value"] for v in forms[1].values}
    assert i134["Your family name"] == lfam and i134["Beneficiary's family name"] == lfam
    assert not [v for v in _all_text_values(forms) if "?" in v]


def test_decomposed_and_composed_input_give_identical_forms(tmp_path):
    data = _data()
    nfc, nfd = tmp_path / "nfc.json", tmp_path / "nfd.json"
    nfc.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    decomposed = unicodedata.normalize("NFD", json.dumps(data, ensure_ascii=False))
    assert decomposed != json.dumps(data, ensure_ascii=False)
    nfd.write_text(decomposed, encoding="utf-8")
    a, b = load_case(nfc), load_case(nfd)
    assert a.beneficiaries[0].name.family == b.beneficiaries[0].name.family == "Morales Pérez"
    fa, fb = fill_case_forms(a), fill_case_forms(b)
    assert [f.pdf for f in fa] == [f.pdf for f in fb]
    assert "Morales Pérez" in {v["value"] for v in fa[0].values}
    assert not [f for f in run_checks(b, today=TODAY) if f.code == "form.script"]


def test_latin_letters_outside_the_form_font_need_the_passport_spelling():
    data = _data()
    data["beneficiaries"][0]["name"]["given"] = "Łukasz"
    case = Case.model_validate(data)
    err = [f for f in run_checks(case, today=TODAY) if f.code == "form.script"]
    assert len(err) == 1 and "e.g. Lukasz" in err[0].fix


def test_addresses_and_other_names_in_another_script_are_errors_with_their_path():
    data = _data()
    data["beneficiaries"][0]["mailing_address"]["city"] = "القاهرة"
    data["beneficiaries"][0]["other_names"] = [{"family": "Ковалев", "given": "Иван"}]
    case = Case.model_validate(data)
    where = {f.where for f in run_checks(case, today=TODAY) if f.code == "form.script"}
    assert "beneficiaries[0].mailing_address.city" in where
    assert any(w.startswith("beneficiaries[0].other_names[0]") for w in where)
    assert not [v for v in _all_text_values(fill_case_forms(case)) if "?" in v]


def test_helpers_names_use_their_latin_spelling():
    from packetgen.case.model import Helper

    case = load_case(SAMPLE)
    case.interpreter = Helper(name=Name(family="Ким", given="Ольга"), latin_name=Name(family="KIM", given="OLGA"),
                              language="Russian")
    vals = {v["label"]: v["value"] for v in fill_case_forms(case)[0].values}
    assert vals["Interpreter's family name"] == "KIM"


def test_other_unicode_forms_never_reach_a_form_as_question_marks():
    from packetgen.forms.charset import latin_suggestion, showable

    assert showable("Ana\u200dMaría") == ("AnaMaría", [])              # zero-width joiner: invisible, dropped
    assert showable("Jose\u0301") == ("José", [])                      # decomposed: composed first
    assert showable("ＡＮＡ")[1] and latin_suggestion("ＡＮＡ") == "ANA"   # fullwidth: refused, ASCII suggested
    assert showable("n\u0308")[1]                                       # no precomposed letter: refused
    data = _data()
    data["beneficiaries"][0]["name"]["given"] = "ＪＯＲＧＥ"
    data["supporters"][0]["will_provide"] = "A room 🏠 and meals"
    case = Case.model_validate(data)
    err = {f.where: f for f in run_checks(case, today=TODAY) if f.code == "form.script"}
    assert "e.g. JORGE" in err["beneficiaries[0].latin_name"].fix
    forms = fill_case_forms(case)
    assert not [v for v in _all_text_values(forms) if "?" in v or "Ｊ" in v or "🏠" in v]
