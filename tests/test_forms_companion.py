"""Companion forms (issue 12 §6): G-1450, G-1145 (official PDFs from ../shared), filled by the same machinery."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys

import pytest
from pypdf import PdfReader

from packetgen.api import check as _check


def run_checks(case, *, today):
    """The case's checks and the forms' (api.check), without fileability."""
    return _check(case, today=today, fileability=False)[1]
from packetgen.case.model import Case
from packetgen.case.load import load_case
from packetgen.errors import CaseError
from packetgen.forms.companion import companion_formdefs, fill_companion_forms

from .conftest import SAMPLES, SHARED

USCIS = SHARED / "uscis-forms"
G1450 = USCIS / "g-1450_edition-2019-09-27_official.pdf"
G1145 = USCIS / "g-1145_edition-2014-09-26_decrypted-copy.pdf"
SAMPLE = SAMPLES / "child-surgery" / "case.json"
needs_pdfs = pytest.mark.skipif(not (G1450.is_file() and G1145.is_file()),
                                reason="official G-1450/G-1145 not found in ../shared/uscis-forms (never committed)")


@pytest.fixture
def official_dir(tmp_path):
    d = tmp_path / "forms"
    d.mkdir()
    for p in (G1450, G1145):
        shutil.copy(p, d / p.name)
    return d


def test_companion_forms_are_field_map_data_in_mailing_order():
    forms = [(fd.model.form, fd.model.companion.order) for fd in companion_formdefs()]
    assert forms == [("G-1450", 1), ("G-1650", 1), ("G-1145", 2), ("G-28", 4)]


@needs_pdfs
def test_g1450_fields_read_back_from_the_official_pdf(official_dir):
    case = load_case(SAMPLE)
    forms = fill_companion_forms(case, case.beneficiaries[1], forms_dir=official_dir)
    assert [(f.form_id, f.official, f.order) for f in forms] == [("G-1450", True, 1), ("G-1145", True, 2)]
    g1450 = forms[0]
    fields = PdfReader(io.BytesIO(g1450.pdf)).get_fields()
    r = "g1450_ana.#subform[0]."

    def v(name):
        return fields[r + name].get("/V")

    assert (v("CCHolderGivenName[0]"), v("CCHolderFamilyName[0]")) == ("Lucía", "Reyes")
    assert (v("FamilyName[0]"), v("GivenName[0]")) == ("Reyes", "Lucía")
    assert v("Pt1Line2b_StreetNumberName[0]") == "4410 Fannin Street" and v("CityOrTown[0]") == "Houston"
    assert (v("State[0]"), v("ZipCode[0]"), v("CCHolderAptSteFlrNumber[0]")) == ("TX", "77004", "12B")
    assert v("DaytimeTelephoneNumber[0]") == "7135550148" and v("Email[0]") == "lucia.reyes@example.org"
    assert v("AuthorizedPaymentAmt[0]") == "630"
    for blank in ("CreditCardNumber_1[0]", "CreditCardNumber_2[0]", "CreditCardNumber_3[0]",
                  "CreditCardNumber_4[0]", "ExpirationDate[0]", "SignatureOfApplicant[0]"):
        assert v(blank) in (None, ""), blank
    assert all(str(fields[r + f"CreditCardTypeChBx[{i}]"].get("/V", "/Off")) == "/Off" for i in range(4))
    # derived from the petitioner, and recorded
    holder = next(x for x in g1450.values if x["label"] == "Card holder's family name")
    assert holder["derived_from"].startswith("the petitioner")
    assert [s["who"] for s in g1450.signatures] == ["card holder"]
    g1145 = PdfReader(io.BytesIO(forms[1].pdf)).get_fields()
    assert g1145["g1145_ana.#subform[0].Email[0]"]["/V"] == "lucia.reyes@example.org"


def test_card_type_is_ticked_only_when_given_and_the_payer_can_differ():
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    data["filing"]["payer"] = {"name": {"family": "Reyes", "given": "Tomás"}, "card_type": "visa",
                               "billing_address": {"street": "1 Main St", "city": "Austin", "state": "TX",
                                                   "zip_code": "78701", "country": "United States"}}
    case = Case.model_validate(data)
    f = fill_companion_forms(case, case.beneficiaries[0])[0]
    vals = {x["label"]: x for x in f.values}
    assert vals["Credit card type: Visa"]["value"] == "/V"
    assert vals["Card holder's given name"]["value"] == "Tomás" and "derived_from" not in vals["Card holder's given name"]


def test_card_numbers_in_the_case_file_are_refused(tmp_path):
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    data["filing"]["payer"] = {"name": {"family": "Reyes", "given": "Lucía"}, "card_number": "4111111111111111",
                               "billing_address": {"street": "1 Main St", "city": "Austin", "state": "TX",
                                                   "zip_code": "78701", "country": "United States"}}
    p = tmp_path / "case.json"
    p.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CaseError) as err:
        load_case(p)
    assert "filing.payer" in str(err.value.details) and "card_number" in str(err.value.details)
    del data["filing"]["payer"]
    data["discretion"]["payment_plan"] += " Pay with card 4111 1111 1111 1111."
    p.write_text(json.dumps(data), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "packetgen", "check", str(p)], capture_output=True, text=True)
    assert proc.returncode == 1 and "payment.card_number" in proc.stdout
    assert "4111" not in proc.stdout


def test_g1145_follows_the_case():
    case = load_case(SAMPLE)
    case.filing.e_notification = False
    assert [f.form_id for f in fill_companion_forms(case, case.beneficiaries[0])] == ["G-1450"]
    case.filing.payment = "G-1650"
    assert "G-1450" not in [f.form_id for f in fill_companion_forms(case, case.beneficiaries[0])]
    assert not [f for f in run_checks(load_case(SAMPLE), today=__import__("datetime").date(2026, 12, 2))
                if f.code.startswith(("form.", "payment."))]


def _attorney_case():
    from packetgen.case.model import Address, Helper, Name

    case = load_case(SAMPLE)
    case.attorney = Helper(name=Name(family="Okafor", given="Grace"), organization="Okafor Immigration Law PLLC",
                           phone="(713) 555-0199", email="grace@okafor.example", bar_number="24012345", g28=True,
                           licensing_authority="Supreme Court of Texas",
                           address=Address(street="1200 Smith Street", unit_type="ste", unit_number="1600",
                                           city="Houston", state="TX", zip_code="77002", country="United States"))
    return case


def test_g28_stand_in_fills_attorney_and_client_never_signatures_and_ticks_the_i131_box():
    import datetime as dt

    from packetgen.forms.fill import fill_case_forms

    case = _attorney_case()
    errors = [f for f in run_checks(case, today=dt.date(2026, 12, 2)) if f.code == "form.unanswered"]
    assert [f.where for f in errors] == ["attorney.subject_to_restrictions"]     # a sworn attorney statement
    case.attorney.subject_to_restrictions = False
    forms = fill_companion_forms(case, case.beneficiaries[0])
    assert [f.form_id for f in forms] == ["G-1450", "G-1145", "G-28"]
    g28 = forms[-1]
    assert not g28.official and g28.page_count == 4 and g28.placement.startswith("after the cover letter")
    vals = {v["label"]: v["value"] for v in g28.values}
    assert vals["Attorney: family name"] == "Okafor" and vals["Bar number"] == "24012345"
    assert vals["Client: family name"] == "Reyes" and vals["Subject to any order restricting the practice of law: am not"] == "/N"
    assert [s["who"] for s in g28.signatures] == ["client (petitioner)", "attorney"]
    fields = PdfReader(io.BytesIO(g28.pdf)).get_fields()
    assert all(v.get("/V") in (None, "") for k, v in fields.items() if "Signature" in k and "Date" not in k)
    assert "STAND-IN" in PdfReader(io.BytesIO(g28.pdf)).pages[0].extract_text()
    i131 = fill_case_forms(case)[0]
    assert [v["value"] for v in i131.values if v["item"] == "G-28"] == ["/Y"]


def test_g1650_stand_in_leaves_account_and_routing_numbers_blank():
    case = load_case(SAMPLE)
    case.filing.payment = "G-1650"
    f = fill_companion_forms(case, case.beneficiaries[0])[0]
    assert f.form_id == "G-1650" and not f.official
    vals = {v["label"]: v["value"] for v in f.values}
    assert vals["Authorized payment amount (dollars)"] == "630" and vals["Account holder: family name"] == "Reyes"
    fields = PdfReader(io.BytesIO(f.pdf)).get_fields()
    for k, v in fields.items():
        if k.endswith(("RoutingNumber[0]", "AccountNumber[0]", "Signature[0]")):
            assert v.get("/V") in (None, ""), k
