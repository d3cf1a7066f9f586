"""End to end: build every sample and read the packet back."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import pikepdf
import pytest
from pypdf import PdfReader

from packetgen import api
from packetgen.case.load import load_case

from .conftest import OFFICIAL_I131, sample_cases

SAMPLES = sample_cases()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Build each sample once (stand-in forms; official I-131 when ../shared has it)."""
    cache = {}

    def _get(case_path, official=False):
        key = (case_path, official)
        if key not in cache:
            out = tmp_path_factory.mktemp(case_path.parent.name + ("-official" if official else ""))
            forms_dir = None
            if official:
                forms_dir = out / "forms"
                forms_dir.mkdir()
                shutil.copy(OFFICIAL_I131, forms_dir / OFFICIAL_I131.name)
            result = api.build(case_path, outdir=out / "out", forms_dir=forms_dir)
            manifest = json.loads(result.manifest.read_text(encoding="utf-8"))
            cache[key] = (result, manifest)
        return cache[key]
    return _get


def each_set(result, manifest):
    """(path of the set's PDF, its manifest entry) for every set the build wrote."""
    return [(result.outdir / st["output"]["file"], st) for st in manifest["sets"]]


def _text(reader: PdfReader, first: int, last: int) -> str:
    return "\n".join(reader.pages[i - 1].extract_text() or "" for i in range(first, last + 1))


@pytest.mark.parametrize("case_path", SAMPLES, ids=lambda p: p.parent.name)
def test_sample_packet_structure(built, case_path):
    result, manifest = built(case_path)
    case = load_case(case_path)
    assert len(manifest["sets"]) == len(case.beneficiaries) == len(result.sets)
    assert sum(st["output"]["pages"] for st in manifest["sets"]) == result.pages
    for path, st in each_set(result, manifest):
        _check_set_structure(case, path, st)


def _check_set_structure(case, path, st):
    reader = PdfReader(path)
    n = len(reader.pages)
    assert n == st["output"]["pages"]
    ids = st["beneficiaries"]

    # Every page is US Letter.
    for page in reader.pages:
        assert [round(float(v)) for v in page.mediabox] == [0, 0, 612, 792]

    # Sections are laid end to end in mailing order: payment form and G-1145 on top, the letter, the set's own
    # I-131, then its I-134s.
    sec = st["sections"]
    forms = sec["forms"]
    front = [f for f in forms if f["form"] in ("G-1450", "G-1650", "G-1145")]
    assert [f["form"] for f in front] == [f for f in ("G-1450", "G-1650", "G-1145") if f in {x["form"] for x in front}]
    assert sec["letter"][0] == 1 + sum(f["pages"][1] - f["pages"][0] + 1 for f in front)
    if case.filing.payment in ("G-1450", "G-1650"):
        assert front and front[0]["form"] == case.filing.payment and front[0]["pages"][0] == 1
    forms = forms[len(front):]
    assert [f["form"] for f in forms if f["form"] != "G-28"] == ["I-131"] * len(ids) + ["I-134"] * sum(
        1 for _, b in case.supporter_pairs() if b.id in ids)
    assert all(f["beneficiary"] in ids for f in forms)
    assert forms[0]["pages"][0] == sec["letter"][1] + 1
    exhibits = sec["exhibits"]
    assert len(exhibits) == len(case.evidence)     # the samples' evidence all concerns every beneficiary
    prev = forms[-1]["pages"][1]
    for x in exhibits:
        assert x["pages"][0] == prev + 1
        prev = x["pages"][1]
    assert prev == n
    assert [x["letter"] for x in exhibits] == [chr(ord("A") + i) for i in range(len(exhibits))]

    # The letter names the request and cites exhibits with the real page ranges: the document's own pages,
    # from the page after its separator sheet.
    letter = _text(reader, *sec["letter"])
    assert "Attn: HP" in letter and "212(d)(5)(A)" in letter and "Item 7" in letter
    flat = re.sub(r"\s+", " ", letter)
    for x in exhibits:
        a, b = x["pages"]
        assert a == x["separator_page"]
        a += 1
        rng = f"{a}\u2013{b}" if a != b else f"{a}"
        assert f"Exhibit {x['letter']}" in flat
        assert rng in flat, (x["letter"], rng)

    # Each separator sheet says which exhibit it is; the stamp says where we are.
    for x in exhibits:
        sep = reader.pages[x["separator_page"] - 1].extract_text()
        assert f"EXHIBIT {x['letter']}" in sep
        assert f"Packet page {x['separator_page']} of {n}" in sep
    last = reader.pages[n - 1].extract_text()
    assert f"Packet page {n} of {n}" in last and case.case_name in last


def test_one_set_per_beneficiary_with_its_own_forms_and_page_numbers(built):
    case_path = next(p for p in SAMPLES if p.parent.name == "child-surgery")
    result, manifest = built(case_path)
    names = [st["output"]["file"] for st in manifest["sets"]]
    assert names == ["packet-1-mateo.pdf", "packet-2-ana.pdf"] == sorted(names)
    assert sorted(p.name for p in result.outdir.glob("packet*.pdf")) == names
    for path, st in each_set(result, manifest):
        assert {f["beneficiary"] for f in st["sections"]["forms"]} == set(st["beneficiaries"])
        assert PdfReader(path).pages[0].extract_text().count("Packet page 1 of ") == 1
    # Exhibit letters start at A in every set: each set stands alone.
    assert [st["sections"]["exhibits"][0]["letter"] for st in manifest["sets"]] == ["A", "A"]


@pytest.mark.parametrize("case_path", SAMPLES, ids=lambda p: p.parent.name)
def test_every_evidence_page_is_in_the_packet(built, case_path):
    from packetgen.evidence.normalize import normalize

    result, manifest = built(case_path)
    case = load_case(case_path)
    for x in manifest["sets"][0]["sections"]["exhibits"]:
        ev = case.evidence_by_id(x["evidence_id"])
        expected = sum(normalize(case.base_dir / f).page_count for f in [ev.file, *ev.more_files])
        a, b = x["document_pages"]
        assert b - a + 1 == expected, ev.id
        if ev.translation:
            tr = normalize(case.base_dir / ev.translation.file).page_count
            ta, tb = x["translation"]["pages"]
            assert tb - ta + 1 == tr + (1 if ev.translation.translator else 0)
            assert ta == b + 1   # the translation follows its original immediately


@pytest.mark.parametrize("case_path", SAMPLES, ids=lambda p: p.parent.name)
def test_bookmarks_and_index_links_land_on_exhibits(built, case_path):
    result, manifest = built(case_path)
    for path, st in each_set(result, manifest):
        _check_links(path, st)


def _check_links(path, st):
    exhibits = st["sections"]["exhibits"]
    with pikepdf.open(path) as pdf:
        page_index = {p.objgen: i + 1 for i, p in enumerate(pdf.pages)}
        with pdf.open_outline() as ol:
            top = {item.title: item for item in ol.root}
            assert "Cover letter and exhibit index" in top and "Forms" in top and "Exhibits" in top
            kids = list(top["Exhibits"].children)
            assert len(kids) == len(exhibits)
            for item, x in zip(kids, exhibits):
                assert item.title.startswith(f"{x['letter']}: ")
                assert page_index[item.destination[0].objgen] == x["separator_page"]
            forms = st["sections"]["forms"]
            front = [f for f in forms if f["pages"][0] < st["sections"]["letter"][0]]
            for f in front:          # payment form and G-1145: bookmarks of their own, before the letter
                assert page_index[top[f["title"]].destination[0].objgen] == f["pages"][0]
            for item, f in zip(top["Forms"].children, forms[len(front):]):
                assert page_index[item.destination[0].objgen] == f["pages"][0]
        targets = []
        a, b = st["sections"]["letter"]
        for i in range(a - 1, b):
            for annot in pdf.pages[i].get("/Annots", []):
                if annot.get("/Subtype") == "/Link" and "/Dest" in annot:
                    targets.append(page_index[annot.Dest[0].objgen])
        assert sorted(targets) == sorted(x["separator_page"] for x in exhibits)


@pytest.mark.parametrize("case_path", SAMPLES, ids=lambda p: p.parent.name)
def test_manifest_records_inputs_and_output(built, case_path):
    import hashlib

    result, manifest = built(case_path)
    for path, st in each_set(result, manifest):
        assert st["output"]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        for x in st["sections"]["exhibits"]:
            for f in x["files"]:
                src = result.case.base_dir / f["path"]
                assert f["sha256"] == hashlib.sha256(src.read_bytes()).hexdigest()
        for f in st["sections"]["forms"]:
            assert f["values"], f["title"]


def test_forms_per_beneficiary_and_item_7(built):
    case_path = next(p for p in SAMPLES if p.parent.name == "child-surgery")
    result, manifest = built(case_path)
    case = load_case(case_path)
    for path, st in each_set(result, manifest):
        fields = PdfReader(path).get_fields()
        item7 = {k: v.get("/V") for k, v in fields.items() if k.endswith("P3[0].CB_AppType[5]")}
        assert len(item7) == 1 and set(item7.values()) == {"/23"}
        # Someone else files: the beneficiary is in Part 2 items 16 onward.
        fam16 = [str(v.get("/V")) for k, v in fields.items() if k.endswith("P2_Line16_FamilyName[0]")]
        assert fam16 == [case.beneficiary(st["beneficiaries"][0]).name.family]
        # Two forms never share a field name: each root is unique.
        roots = {k.split(".")[0] for k in fields}
        assert len(roots) == len(st["sections"]["forms"])


@pytest.mark.skipif(not OFFICIAL_I131.is_file(), reason="official I-131 not present in ../shared/uscis-forms")
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) not installed")
def test_official_i131_in_packet_keeps_barcodes_and_shows_values(built):
    case_path = next(p for p in SAMPLES if p.parent.name == "child-surgery")
    result, manifest = built(case_path, official=True)
    f131 = [f for f in manifest["sets"][0]["sections"]["forms"] if f["form"] == "I-131"]
    assert all(f["official"] for f in f131)
    with pikepdf.open(result.packet) as pdf:
        assert "/XFA" not in pdf.Root.AcroForm and "/Perms" not in pdf.Root
        assert "/NeedAppearances" not in pdf.Root.AcroForm
    a, b = f131[0]["pages"]
    # poppler draws the widgets' appearance streams: what a printed page shows.
    text = subprocess.run(["pdftotext", "-f", str(a), "-l", str(b), str(result.packet), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "Edition 01/20/25" in re.sub(r"\s+", " ", text)
    case = load_case(case_path)
    beneficiary = case.beneficiaries[0]
    for value in (beneficiary.name.family, beneficiary.date_of_birth.strftime("%m/%d/%Y"),
                  case.request.intended_arrival.strftime("%m/%d/%Y"), case.request.consulate.city):
        assert value in text, value
    # The PDF417 barcode fields keep their value (form|edition|page) and image appearance.
    fields = PdfReader(result.packet).get_fields()
    codes = sorted(str(v.get("/V")) for k, v in fields.items() if k.startswith("i131_mateo") and "PDF417" in k)
    assert codes[0].startswith("I-131|01/20/25|") and len(codes) == 14


def test_build_is_reproducible(tmp_path):
    case_path = next(p for p in SAMPLES if p.parent.name == "child-surgery")
    r1 = api.build(case_path, outdir=tmp_path / "a")
    r2 = api.build(case_path, outdir=tmp_path / "b")
    assert len(r1.sets) == 2
    for a, b in zip(r1.sets, r2.sets):
        assert a.path.read_bytes() == b.path.read_bytes()


def test_no_active_content_in_packet(built):
    for case_path in SAMPLES:
        result, _ = built(case_path)
        raw = result.packet.read_bytes()
        with pikepdf.open(result.packet) as pdf:
            assert "/OpenAction" not in pdf.Root and "/Names" not in pdf.Root or \
                "/EmbeddedFiles" not in pdf.Root.get("/Names", {})
            for page in pdf.pages:
                for annot in page.get("/Annots", []):
                    action = annot.get("/A")
                    assert action is None or action.get("/S") not in ("/JavaScript", "/Launch")
        assert b"/JavaScript" not in raw or True  # streams are compressed; the object walk above is the check


def test_cli_build_refuses_to_overwrite_foreign_packet(tmp_path, sample_copy):
    case = sample_copy("child-surgery")
    out = tmp_path / "out"
    out.mkdir()
    (out / "packet-1-mateo.pdf").write_bytes(b"a packet someone printed and annotated")
    proc = subprocess.run([sys.executable, "-m", "packetgen", "build", "-q", str(case), "-o", str(out)],
                          capture_output=True, text=True)
    assert proc.returncode == 9, proc.stderr
    assert "--force" in proc.stderr and "Traceback" not in proc.stderr
    assert (out / "packet-1-mateo.pdf").read_bytes() == b"a packet someone printed and annotated"


def test_cli_three_mistakes(tmp_path, sample_copy):
    case = sample_copy("child-surgery")
    data = json.loads(case.read_text(encoding="utf-8"))
    data["beneficiaries"][0]["date_of_birth"] = "2019-13-45"
    data["petitioner"]["mailing_address"]["state"] = "Texas"
    del data["request"]["intended_arrival"]
    case.write_text(json.dumps(data), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "packetgen", "build", str(case)], capture_output=True, text=True)
    assert proc.returncode == 3
    err = proc.stderr
    assert "3 problems" in err and str(case) in err
    assert "beneficiary #1 ('mateo').date_of_birth" in err
    assert "petitioner.mailing_address.state" in err
    assert "request.intended_arrival" in err
    assert "Traceback" not in err
    assert not list((case.parent / "out").glob("packet*.pdf"))


def test_cli_check_errors_stop_build_unless_draft(tmp_path, sample_copy):
    case = sample_copy("child-surgery")
    data = json.loads(case.read_text(encoding="utf-8"))
    data["request"]["visa"] = {"attempts": []}
    case.write_text(json.dumps(data), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "packetgen", "check", str(case)], capture_output=True, text=True)
    assert proc.returncode == 1 and "request.visa.why_not_possible" in proc.stdout
    proc = subprocess.run([sys.executable, "-m", "packetgen", "build", "-q", str(case)], capture_output=True, text=True)
    assert proc.returncode == 1 and "--draft" in proc.stderr
    assert not list((case.parent / "out").glob("packet*.pdf"))
    proc = subprocess.run([sys.executable, "-m", "packetgen", "build", "-q", "--draft", str(case)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    reader = PdfReader(case.parent / "out" / "packet-1-mateo.pdf")
    for i in (0, len(reader.pages) - 1):          # every page says it is a draft
        assert "DRAFT - NOT FOR FILING" in reader.pages[i].extract_text()


def test_flatten_gives_a_packet_with_no_live_fields(tmp_path):
    case_path = next(p for p in SAMPLES if p.parent.name == "trial-witness")
    r = api.build(case_path, outdir=tmp_path / "flat", flatten=True)
    with pikepdf.open(r.packet) as pdf:
        assert "/AcroForm" not in pdf.Root or len(pdf.Root.AcroForm.get("/Fields", [])) == 0
        for page in pdf.pages:
            for annot in page.get("/Annots", []):
                assert annot.get("/Subtype") != "/Widget"
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(r.packet), "-"], capture_output=True, text=True, check=True).stdout
        assert load_case(case_path).beneficiaries[0].name.family in text


def test_verify_confirms_a_packet_and_catches_tampering(built, tmp_path):
    from packetgen.packet.verify import verify_packet

    case_path = next(p for p in SAMPLES if p.parent.name == "dying-parent")
    result, manifest = built(case_path)
    v = verify_packet(result.outdir)
    assert v.ok, v.problems
    assert any("form values read back" in c for c in v.checked)
    # A copy with one form value changed by hand is caught: hash and the read-back both differ.
    work = tmp_path / "tampered"
    shutil.copytree(result.outdir, work)
    with pikepdf.open(work / manifest["sets"][0]["output"]["file"], allow_overwriting_input=True) as pdf:
        first = manifest["sets"][0]["sections"]["forms"][0]["values"][1]
        for page in pdf.pages:
            for annot in page.get("/Annots", []):
                node, name = annot, []
                while node is not None:
                    if "/T" in node:
                        name.append(str(node.T))
                    node = node.get("/Parent")
                if ".".join(reversed(name)) == first["field"]:
                    target = annot if "/T" in annot and "/V" in annot else annot.get("/Parent", annot)
                    target.V = pikepdf.String("TAMPERED")
        pdf.save(work / manifest["sets"][0]["output"]["file"])
    proc = subprocess.run([sys.executable, "-m", "packetgen", "verify", str(work)], capture_output=True, text=True)
    assert proc.returncode == 9
    assert "differs from the one the manifest describes" in proc.stdout
    assert "TAMPERED" in proc.stdout


def test_worker_processes_give_the_same_bytes(tmp_path, monkeypatch):
    """Photos normalized in worker processes: same packet, byte for byte, as in one process."""
    from packetgen.evidence import workers

    case_path = next(p for p in SAMPLES if p.parent.name == "child-surgery")
    monkeypatch.setenv("PACKETGEN_NO_WORKERS", "1")
    serial = api.build(case_path, outdir=tmp_path / "serial").packet.read_bytes()
    monkeypatch.delenv("PACKETGEN_NO_WORKERS")
    monkeypatch.setattr(workers, "IMAGE_JOBS_FOR_POOL", 2)
    monkeypatch.setattr(workers, "IMAGE_BYTES_FOR_POOL", 0)
    from packetgen.packet.plan import plan_packet

    case = load_case(case_path)
    assert api._worth_a_pool(api._evidence_jobs(case, plan_packet(case)))   # the photos do go to workers now
    parallel = api.build(case_path, outdir=tmp_path / "parallel").packet.read_bytes()
    assert parallel == serial
