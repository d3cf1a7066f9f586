"""The filing instructions (packet/instructions.py): who signs what, with packet pages; the request's ground; the
parole-fee facts as firm as their confidence; one set or several."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest

from packetgen import api
from packetgen.case.load import load_case
from packetgen.packet.instructions import render_filing_instructions

from .conftest import SAMPLES

TODAY = dt.date(2026, 12, 2)


def _text(pdf: bytes) -> str:
    from pypdf import PdfReader

    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))


def _built(sample_copy, tmp_path, name, mutate=None):
    path = sample_copy(name)
    if mutate:
        data = json.loads(path.read_text(encoding="utf-8"))
        mutate(data)
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "noforms").mkdir(exist_ok=True)
    result = api.build(path, outdir=tmp_path / "out", forms_dir=tmp_path / "noforms", force=True)
    manifest = json.loads(result.manifest.read_text(encoding="utf-8"))
    return _text(result.instructions.read_bytes()), manifest


def _one_set(number=1, **kw):
    return {"number": number, "file": "packet.pdf", "beneficiaries": [], "pages": 60,
            "forms": ["G-1450", "G-1145", "I-131", "I-134"], "letter": (3, 8), "i131_first": [9], **kw}


def test_generated_translator_certificates_are_listed_for_the_translator(sample_copy, tmp_path):
    """Each certificate packetgen draws has a blank line for the translator's signature: the table lists it with the
    translator's name and the certificate's packet page; a certificate file the user supplies is not listed."""
    def own_certificate(data):           # the first translated exhibit comes with the translator's signed file
        ev = next(e for e in data["evidence"] if e.get("translation"))
        ev["translation"]["certificate_file"] = ev["translation"]["file"]
    text, manifest = _built(sample_copy, tmp_path, "dying-parent", own_certificate)
    exhibits = [x for x in manifest["sets"][0]["sections"]["exhibits"] if x.get("translation")]
    generated = [x for x in exhibits if x["translation"]["certificate"] == "generated"]
    supplied = [x for x in exhibits if x["translation"]["certificate"] != "generated"]
    assert len(generated) == 3 and len(supplied) == 1      # Jorge's and Marisol's birth certificates, the priest
    rows = re.findall(r"Roberto Castañeda \(translator\) Certificate of translation Exhibit (\w):.*? signature and "
                      r"date lines (\d+)", text)
    assert rows == [(x["letter"], str(x["translation"]["pages"][1])) for x in generated]
    assert f"Exhibit {supplied[0]['letter']}:" not in text
    assert "signed and dated by the translator named on it (Roberto Castañeda)" in text
    assert "8 CFR 103.2(b)(3)" in text


def test_part_13_sheet_with_answers_is_signed_and_dated(sample_copy, tmp_path):
    """I-131 Part 13 says 'sign and date each sheet': when it carries answers the table lists form page 14 for the
    petitioner, and the text quotes the form."""
    text, manifest = _built(sample_copy, tmp_path, "trial-witness")
    i131 = next(f for f in manifest["sets"][0]["sections"]["forms"] if f["form"] == "I-131")
    assert any(v["page"] == 14 and v["kind"] == "overflow" for v in i131["values"])
    page = i131["pages"][0] + 13
    assert re.search(rf"Rowena Santos Macaraeg \(petitioner\) I-131 Form I-131 — Rowena Santos Macaraeg Part 13, "
                     rf"Additional Information: sign and date the sheet 14 13 {page} ", text)
    assert f"Form I-131 Part 13, Additional Information (form page 14; packet p. {page})" in text
    assert "and sign and date each sheet.” Sign and date the page below its last row" in text


def test_no_sheet_row_when_part_13_is_empty():
    case = load_case(SAMPLES / "dying-parent" / "case.json")
    text = _text(render_filing_instructions(case, [], today=TODAY, sets=[_one_set()]))
    assert "Additional Information" not in text and "certificate of translation" not in text.lower()


def test_unconfirmed_sheet_rule_is_stated_as_unconfirmed():
    """The I-134's Part 8 wording was not read (rules: U): the instructions still say to sign the sheet, as far as
    published guidance shows, and say it is unconfirmed."""
    case = load_case(SAMPLES / "child-surgery" / "case.json")
    sheet = {"kind": "sheet", "form": "I-134", "title": "Form I-134 — Lucía Reyes for Mateo Reyes Castillo",
             "page": 10, "part": "8", "item": None, "who": "supporter", "name": "Lucía Isabel Reyes",
             "packet_page": 33, "label": "Part 8, Additional Information", "set": 1,
             "note": "Part 8, Additional Information: sign and date the sheet", "continued": False}
    text = _text(render_filing_instructions(case, [sheet], today=TODAY, sets=[_one_set()]))
    assert "Lucía Isabel Reyes (supporter) I-134" in text
    assert "Form I-134 Part 8, Additional Information (form page 10; packet p. 33)" in text
    assert "As far as published guidance shows, each additional-information sheet (Part 8) is signed and dated" in text
    assert "unconfirmed as of December 6, 2026" in text


def test_public_benefit_request_is_not_called_humanitarian():
    case = load_case(SAMPLES / "trial-witness" / "case.json")
    assert case.request.reason == "public_benefit" and case.request.expedite.requested
    text = _text(render_filing_instructions(case, [], today=TODAY, sets=[_one_set()]))
    assert "request for parole for significant public benefit under INA 212(d)(5)(A)" in text
    assert "Mark the envelope “I-131 — Significant Public Benefit Parole (Part 1, Item 7) — EXPEDITE”" in text
    assert "umanitarian" not in text.split("Facts used")[0]
    human = _text(render_filing_instructions(load_case(SAMPLES / "dying-parent" / "case.json"), [], today=TODAY,
                                             sets=[_one_set()]))
    assert "request for humanitarian parole under INA 212(d)(5)(A)" in human
    assert "Mark the envelope “I-131 — Humanitarian Parole (Part 1, Item 7) — EXPEDITE”" in human


def test_parole_fee_facts_are_stated_as_firmly_as_their_confidence(tmp_path, monkeypatch):
    """Packaged: the FY2027 amount and the 'carry the evidence' advice are unconfirmed (U) and said so; a firm's
    override that confirms the amount (C) makes it a plain statement."""
    case = load_case(SAMPLES / "child-surgery" / "case.json")
    text = _text(render_filing_instructions(case, [], today=TODAY, sets=[_one_set()]))
    assert ("As far as published guidance shows, it is $1,050 from October 16, 2026 (unconfirmed as of October 2, "
            "2026: confirm the amount on uscis.gov)") in text
    assert ("As far as published guidance shows, the beneficiary should carry the approval notice and copies of the "
            "evidence for the fee exception to the port of entry (unconfirmed") in text
    assert "Who collects the fee is unclear:" in text
    assert "the beneficiary carries the approval notice" not in text

    path = tmp_path / "config" / "packetgen" / "rules.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"schema": 1, "facts": {"parole_fee.amount": {
        "value": 1075, "as_of": "2026-12-01", "effective_from": "2026-12-01", "confidence": "C",
        "source": "uscis.gov fee page, read 2026-12-01"}}}), encoding="utf-8")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("PACKETGEN_RULES", raising=False)
    text = _text(render_filing_instructions(case, [], today=TODAY, sets=[_one_set()]))
    assert "It is $1,075 from December 1, 2026." in text and "it is $1,075 from December 1, 2026 (" not in text


def test_parole_fee_rules_match_the_reference_confidence():
    """domain.md (Fees): the single source for $1,050 is to be treated as U, and how the exception is claimed is [U]."""
    from packetgen.facts import load_rules

    facts = load_rules()
    assert facts["parole_fee.amount"]["confidence"] == "U"
    assert facts["parole_fee.carry_exception_evidence"]["confidence"] == "U"
    assert facts["parole_fee.collected_by"]["confidence"] == "U"
    assert "port of entry" not in facts["parole_fee.paid_when"]["value"]


@pytest.mark.parametrize("several", [False, True])
def test_one_set_or_several(several):
    case = load_case(SAMPLES / "child-surgery" / "case.json")
    if not several:
        case.beneficiaries = case.beneficiaries[:1]
    sets = [_one_set(1, file="packet-1-mateo.pdf"), _one_set(2, file="packet-2-ana.pdf")] if several else [_one_set()]
    text = _text(render_filing_instructions(case, [], today=TODAY, sets=sets))
    if several:
        assert "Mail all the sets together in one envelope" in text and "Order of each set" in text
        assert "set 1, p. 9 and set 2, p. 9" in text
    else:
        assert "Mail the set in one envelope" in text and "all the sets" not in text
        assert "Order of the set" in text and "separate the sets" not in text and "The file below is the whole" in text
        assert "page 1 of the Form I-131 (packet p. 9)" in text and "Fee: $630 for the Form I-131" in text


def test_signers_are_named_and_the_cover_letter_has_its_pages():
    case = load_case(SAMPLES / "trial-witness" / "case.json")
    sigs = [{"form": "G-1450", "title": "Form G-1450", "page": 1, "part": "2", "item": "4", "who": "card holder",
             "name": "Paolo Santos Macaraeg", "packet_page": 1, "set": 1},
            {"form": "I-131", "title": "Form I-131", "page": 11, "part": "10", "item": "4", "who": "petitioner",
             "name": "Rowena Santos Macaraeg", "packet_page": 18, "set": 1}]
    text = _text(render_filing_instructions(case, sigs, today=TODAY, sets=[_one_set()]))
    assert "Paolo Santos Macaraeg (card holder) G-1450" in text
    assert "Rowena Santos Macaraeg (petitioner) Cover letter signature line at the end of the letter pp. 3–8" in text
    assert text.index("(card holder)") < text.index("Cover letter") < text.index("(petitioner) I-131")


def test_a_minor_is_named_only_where_a_parent_signs_for_them():
    case = load_case(SAMPLES / "child-surgery" / "case.json")
    text = _text(render_filing_instructions(case, [], today=TODAY, sets=[_one_set()]))
    assert "under 14" not in text            # Mateo signs nothing: the petitioner files for him
    sig = {"form": "I-134", "title": "Form I-134", "page": 6, "part": "4", "item": "6", "who": "mateo",
           "packet_page": 30, "set": 1}
    text = _text(render_filing_instructions(case, [sig], today=TODAY, sets=[_one_set()]))
    assert "a parent or legal guardian of Mateo Andrés Reyes Castillo (under 14)" in text


def test_signers_elsewhere_may_send_a_scan_of_the_inked_page():
    """Trial-witness: the petitioner signs in the Philippines, the supporter and card holder in Nevada. A copy of an
    ink signature is accepted (signatures.wet_ink_only, USCIS Policy Manual); said once there are several signers."""
    case = load_case(SAMPLES / "trial-witness" / "case.json")
    alone = _text(render_filing_instructions(case, [], today=TODAY, sets=[_one_set()]))
    assert "scan or fax" not in alone                                   # only the petitioner signs (the letter)
    sig = {"form": "I-134", "title": "Form I-134", "page": 8, "part": "5", "item": "6", "who": "supporter",
           "name": "Paolo Santos Macaraeg", "packet_page": 29, "set": 1}
    text = _text(render_filing_instructions(case, [sig], today=TODAY, sets=[_one_set()]))
    assert ("A signer who is not with you (abroad, or a translator elsewhere) signs the printed page in ink and sends "
            "it back; a scan or fax of the page signed in ink, printed in its place, is accepted.") in text


def test_the_card_holder_is_told_to_write_the_card_data_by_hand(sample_copy, tmp_path):
    """A second attorney's read: packetgen leaves the G-1450's card number and expiry blank, and nothing told the card
    holder to write them; a G-1450 without them cannot be charged and the filing comes back."""
    text, _ = _built(sample_copy, tmp_path, "trial-witness")
    assert re.search(r"The card holder writes by hand, on each Form G-1450, the card number and the expiration date",
                     text)

    def ach(data):
        data["filing"]["payment"] = "G-1650"
    text, _ = _built(sample_copy, tmp_path, "dying-parent", ach)
    assert "the routing number and the account number" in text and "card number" not in text


def test_the_cover_letter_row_gives_the_page_of_its_signature_line(sample_copy, tmp_path):
    """A second attorney's read: the row gave the letter's range ('pp. 3-9'); the signer needs the page to sign."""
    from pypdf import PdfReader

    text, manifest = _built(sample_copy, tmp_path, "trial-witness")
    page = int(re.search(r"Cover letter signature line at the end of the letter (\d+)", text).group(1))
    first, last = manifest["sets"][0]["sections"]["letter"]
    assert first <= page <= last
    reader = PdfReader(str(tmp_path / "out" / "packet.pdf"))
    assert "Respectfully submitted" in reader.pages[page - 1].extract_text()
    assert "Respectfully submitted" not in reader.pages[page - 2].extract_text()


def test_the_g1450_signature_has_no_invented_part_or_item():
    """The 09/27/19 G-1450 numbers neither parts nor items (its text: 'Credit Card Holder's Signature'); the
    instructions printed 'Part 2, Item 4' for it."""
    from packetgen.forms.fieldmap import load_formdef

    sig = load_formdef("G-1450").model.signatures[0]
    assert (sig.part, sig.item) == ("", "") and sig.who == "card holder"


def test_the_payment_and_notice_forms_editions_are_listed_to_re_check(sample_copy, tmp_path):
    """A third attorney's read: the G-1450 on top of every set was never listed among the facts to re-check, though
    the rules note a newer edition reported; check's editions note named only the I-131 and I-134."""
    from packetgen.case.checks import run_checks

    text, _ = _built(sample_copy, tmp_path, "trial-witness")
    facts = text.split("Facts used", 1)[1]
    assert "forms.g1450.edition" in facts and "forms.g1145.edition" in facts
    note = next(f for f in run_checks(load_case(SAMPLES / "trial-witness" / "case.json"), today=dt.date(2026, 12, 2))
                if f.code == "forms.editions")
    assert "G-1145 ed." in note.message and "uscis.gov/g-1450" in note.fix
