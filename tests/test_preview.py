"""packetgen preview: page images, contact sheets and the HTML review page."""

from __future__ import annotations

import io
import json
import re
import stat

import pytest
from click.testing import CliRunner
from PIL import Image

from packetgen.cli.main import cli
from packetgen.review.preview import preview

from .conftest import SAMPLES


def _mode(p):
    return stat.S_IMODE(p.stat().st_mode)


def make_packet(folder, *, exhibits=3, pages_each=2, letter=2, form_pages=3, manifest=True, todo_on_page=None):
    """A small packet.pdf with a manifest.json shaped like packetgen.api's."""
    from reportlab.lib.pagesizes import letter as LETTER
    from reportlab.pdfgen import canvas

    folder.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=LETTER)
    n = 0

    def page(text, colour=None):
        nonlocal n
        n += 1
        if colour:
            c.setFillColorRGB(*colour)
            c.rect(72, 400, 300, 200, fill=1)
            c.setFillColorRGB(0, 0, 0)
        c.setFont("Helvetica-Bold", 24)
        c.drawString(72, 700, text)
        if n == todo_on_page:
            c.drawString(72, 650, "TODO: why parole is needed")
        c.showPage()

    for i in range(letter):
        page(f"Cover letter {i + 1}")
    form_first = n + 1
    for i in range(form_pages):
        page(f"Form I-131 page {i + 1}")
    ex = []
    for k in range(exhibits):
        L = "ABCDEFGHIJ"[k]
        sep = n + 1
        page(f"EXHIBIT {L}")
        for i in range(pages_each):
            page(f"Exhibit {L} page {i + 1}", colour=(0.8, 0.3, 0.2) if i == 0 else None)
        ex.append({"letter": L, "evidence_id": f"ev{k}", "title": f"Document {L} of Lucía", "pages": [sep, n],
                   "separator_page": sep, "document_pages": [sep + 1, n],
                   "files": [{"path": f"evidence/{L}.pdf", "sha256": "0" * 64, "kind": "pdf", "pages": [sep + 1, n]}],
                   "language": "en"})
    c.save()
    (folder / "packet.pdf").write_bytes(buf.getvalue())
    if manifest:
        m = {"generator": {"name": "packetgen", "version": "test"},
             "case": {"file": "case.json", "sha256": None, "case_name": "Test Parole"},
             "date": "2026-12-02", "draft": False, "flattened": False,
             "output": {"file": "packet.pdf", "sha256": None, "pages": n, "bytes": 0},
             "sections": {"letter": [1, letter],
                          "forms": [{"form": "I-131", "edition": "01/20/25", "official": False,
                                     "title": "Form I-131 — Mateo", "beneficiary": "mateo", "supporter": None,
                                     "pages": [form_first, form_first + form_pages - 1],
                                     "values": [{"field": "f.Family", "value": "Reyes Castillo", "page": 2,
                                                 "part": "2", "item": "17", "label": "Their family name",
                                                 "kind": "text"},
                                                {"field": "f.CB", "value": "/23", "page": 1, "part": "1",
                                                 "item": "7", "label": "Application type", "kind": "checkbox"}],
                                     "overflow": [{"part": "2", "item": "24", "page": 2,
                                                   "label": "Their mailing address", "why": "48 characters",
                                                   "where": "Part 13 row 3 (page 14)"}],
                                     "signatures": [{"page": 3, "part": "10", "item": "4", "who": "petitioner",
                                                     "name": "Lucía Reyes"}]}],
                          "exhibits": ex},
             "warnings": ["exhibit B: page 2 shrunk to 48 %"],
             "findings": [{"severity": "error", "code": "dates.passport_expired",
                           "message": "beneficiaries[1].passport expired", "fix": "renew the passport"},
                          {"severity": "warning", "code": "why.urgency_missing",
                           "message": "request.urgency is empty", "fix": "state the dates that matter"},
                          {"severity": "info", "code": "signature.i131", "message": "Lucía signs each I-131",
                           "fix": "sign in ink"}]}
        (folder / "manifest.json").write_text(json.dumps(m, ensure_ascii=False), encoding="utf-8")
    return folder, n


def test_preview_of_a_packet_folder(tmp_path):
    folder, n = make_packet(tmp_path / "out")
    r = CliRunner().invoke(cli, ["preview", str(folder)])
    assert r.exit_code == 0, r.output
    out = folder / "preview"
    index = out / "index.html"
    assert r.output.strip().splitlines()[-1] == str(index.resolve())     # the path is printed at the end
    assert "rendering pages" in r.output
    pngs = sorted((out / "pages").glob("page-*.png"))
    assert len(pngs) == n
    im = Image.open(pngs[0])
    assert 840 <= im.width <= 860                                        # 8.5 in at 100 dpi
    assert len(list((out / "thumbs").glob("*.png"))) == n
    sheets = sorted(out.glob("contact-sheet-*.png"))
    assert sheets and Image.open(sheets[0]).width > 1000
    html = index.read_text(encoding="utf-8")
    for letter in "ABC":
        assert f">{letter}</span>" in html                               # every exhibit letter, in its chip
    assert "Document B of Lucía" in html
    assert "Reyes Castillo" in html and "Their family name" in html      # form values with part and item
    assert "Application type</td><td class='value'><b>Yes (box ticked)</b>" in html
    assert "Part 13 row 3" in html                                       # overflow
    assert "renew the passport" in html and "Dates" in html              # findings grouped, with fixes
    assert "NOT FOR FILING" in html                                      # stand-in form
    assert "shrunk to 48 %" in html                                      # build warning
    # relative links only, to files that exist: the folder can be moved or opened anywhere
    for link in set(re.findall(r'(?:href|src)="([^"#]+)"', html)):
        assert not link.startswith(("/", "http", "file:")), link
        assert (out / link).exists(), link
    viewer = (out / "pages" / "page-001.html").read_text(encoding="utf-8")
    assert 'src="page-001.png"' in viewer and "page-002.html" in viewer
    # personal data stays private
    assert _mode(out) == 0o700 and _mode(out / "pages") == 0o700
    assert all(_mode(p) == 0o600 for p in [index, *pngs, *sheets])


def test_contact_sheet_frames_each_section_in_its_colour(tmp_path):
    folder, n = make_packet(tmp_path / "out", exhibits=2)
    res = preview(folder)
    sheet = Image.open(res.contact_sheets[0]).convert("RGB")
    colours = {s.key: s.colour for s in res.sections}
    assert len({colours["A"], colours["B"]}) == 2                         # neighbouring exhibits differ
    # the frame colour of exhibit A appears on the sheet
    want = tuple(int(colours["A"][i:i + 2], 16) for i in (1, 3, 5))
    assert want in {c for _, c in sheet.getcolors(1 << 20)}


def test_preview_of_packet_pdf_and_manifest_paths(tmp_path):
    folder, n = make_packet(tmp_path / "out")
    for target in (folder / "packet.pdf", folder / "manifest.json"):
        res = preview(target)
        assert res.pages == n and res.index.is_file()


def test_preview_without_a_manifest_still_shows_pages(tmp_path):
    folder, n = make_packet(tmp_path / "out", manifest=False)
    res = preview(folder / "packet.pdf")
    assert res.pages == n
    assert "No manifest.json" in res.index.read_text(encoding="utf-8")


def test_preview_replaces_its_own_folder_without_stale_pages(tmp_path):
    big, n_big = make_packet(tmp_path / "big", exhibits=3)
    small, n_small = make_packet(tmp_path / "small", exhibits=1)
    out = tmp_path / "review"
    preview(big, outdir=out)
    assert len(list((out / "pages").glob("*.png"))) == n_big
    preview(small, outdir=out)
    assert len(list((out / "pages").glob("*.png"))) == n_small
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".review")]   # no staging leftovers


def test_preview_never_replaces_a_folder_it_did_not_make(tmp_path):
    folder, _ = make_packet(tmp_path / "out")
    precious = tmp_path / "Documents"
    precious.mkdir()
    (precious / "client.pdf").write_bytes(b"%PDF")
    r = CliRunner().invoke(cli, ["preview", str(folder), "-o", str(precious)])
    assert r.exit_code == 9
    assert "not a packetgen preview folder" in r.output
    assert (precious / "client.pdf").read_bytes() == b"%PDF"


def test_preview_of_a_missing_target(tmp_path):
    r = CliRunner().invoke(cli, ["preview", str(tmp_path / "nope")])
    assert r.exit_code == 9 and "not found" in r.output and "Traceback" not in r.output


def test_preview_of_an_80_page_packet(tmp_path):
    folder, n = make_packet(tmp_path / "out", exhibits=10, pages_each=6, letter=4, form_pages=6)
    assert n >= 80
    res = preview(folder)
    assert res.pages == n and len(res.page_images) == n
    assert all(p.is_file() for p in res.page_images)


def test_preview_builds_a_case_first(sample_copy):
    case = sample_copy("child-surgery")
    r = CliRunner().invoke(cli, ["preview", str(case)])
    assert r.exit_code == 0, r.output
    out = case.parent / "out"
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    index = out / "preview" / "index.html"
    assert r.output.strip().splitlines()[-1] == str(index.resolve())
    top = index.read_text(encoding="utf-8")
    assert len(manifest["sets"]) == 2               # one review page per set, linked from the top page
    for i, st in enumerate(manifest["sets"], 1):
        assert f'href="set-{i}/index.html"' in top and st["output"]["file"] in top
        folder = out / "preview" / f"set-{i}"
        html = (folder / "index.html").read_text(encoding="utf-8")
        assert len(list((folder / "pages").glob("page-*.png"))) == st["output"]["pages"]
        assert list(folder.glob("contact-sheet-*.png"))
        for x in st["sections"]["exhibits"]:
            assert f">{x['letter']}</span>" in html
            assert x["title"].replace("'", "&#x27;") in html
        form = st["sections"]["forms"][0]
        assert any(str(v["value"]) in html for v in form["values"] if v.get("kind") == "text")
        for f in manifest["findings"]:
            assert f["code"] in html or f["severity"] == "info"


@pytest.mark.parametrize("args", [["--draft"], []])
def test_preview_passes_build_options(tmp_path, args, monkeypatch):
    import packetgen.api as api
    from packetgen.errors import ChecksFailed

    seen = {}

    def fake_build(case, **kw):
        seen.update(kw, case=case)
        raise ChecksFailed("stop here", fix="(test)")

    monkeypatch.setattr(api, "build", fake_build)
    case = tmp_path / "case.json"
    case.write_text("{}", encoding="utf-8")
    r = CliRunner().invoke(cli, ["preview", str(case), "--forms-dir", str(tmp_path), *args])
    assert r.exit_code == 1 and "stop here" in r.output       # the build's own error and exit code
    assert seen["draft"] is bool(args) and seen["forms_dir"] == tmp_path and seen["case"] == case


def test_unfinished_placeholders_are_flagged(tmp_path):
    folder, n = make_packet(tmp_path / "out", todo_on_page=2)
    r = CliRunner().invoke(cli, ["preview", str(folder)])
    assert r.exit_code == 0
    assert "UNFINISHED" in r.output and "page 2" in r.output
    res = preview(folder)
    assert res.unfinished_pages == [2]
    assert "UNFINISHED" in res.index.read_text(encoding="utf-8")


def test_first_hour_init_build_preview(tmp_path):
    """init -> documents dropped into the evidence folders -> build -> preview: TODO texts are caught."""
    from packetgen.case.load import load_case

    from .test_init import FLAGS

    folder = tmp_path / "reyes"
    assert CliRunner().invoke(cli, ["init", str(folder), *FLAGS]).exit_code == 0
    case = folder / "case.json"
    r = CliRunner().invoke(cli, ["check", str(case)])
    assert r.exit_code == 1 and "evidence.file_missing" in r.output       # nothing collected yet
    scan = (SAMPLES / "child-surgery" / "evidence" / "doctor-letter.pdf").read_bytes()
    for e in load_case(case).evidence:
        (folder / e.file).write_bytes(scan)
    r = CliRunner().invoke(cli, ["check", str(case)])
    assert r.exit_code == 1 and "case.placeholder" in r.output           # init's TODO texts stop a real build
    r = CliRunner().invoke(cli, ["preview", "--draft", str(case)])
    assert r.exit_code == 0, r.output
    index = folder / "out" / "preview" / "index.html"
    assert r.output.strip().splitlines()[-1] == str(index.resolve())
    html = index.read_text(encoding="utf-8")
    assert "UNFINISHED" in html                       # the letter still carries init's TODO texts
    assert "UNFINISHED" in r.output


def test_review_page_instructions_answers_and_stale_banner(sample_copy):
    """Filing instructions on the review page, ticked boxes read as answers, and a rebuild marks the preview
    OUT OF DATE (issue 17 §7)."""
    case = sample_copy("dying-parent")          # one beneficiary: one set, its review page at the top
    r = CliRunner().invoke(cli, ["preview", "--dpi", "50", str(case)])
    assert r.exit_code == 0, r.output
    out = case.parent / "out"
    index = out / "preview" / "index.html"
    html = index.read_text(encoding="utf-8")
    assert 'id="instructions"' in html and 'href="../filing-instructions.pdf"' in html
    shots = list((out / "preview" / "instructions").glob("page-*.png"))
    assert shots and all(_mode(p) == 0o600 for p in shots)
    assert "☑ checked" not in html and "proceedings?" in html
    row = re.search(r"proceedings\?</td><td class='value'><b>([^<]*)</b>", html)
    assert row and row.group(1) in {"No", "Yes"}
    record = json.loads((out / "preview" / "preview.json").read_text(encoding="utf-8"))
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert record["packet_sha256"] == manifest["sets"][0]["output"]["sha256"]
    assert "OUT OF DATE" not in html

    r = CliRunner().invoke(cli, ["build", str(case)])                 # same inputs: same packet, still current
    assert r.exit_code == 0 and "OUT OF DATE" not in index.read_text(encoding="utf-8")
    data = json.loads(case.read_text(encoding="utf-8"))
    data["case_name"] = data["case_name"] + " (revised)"
    case.write_text(json.dumps(data, indent=2), encoding="utf-8")
    r = CliRunner().invoke(cli, ["build", str(case)])
    assert r.exit_code == 0 and "OUT OF DATE" in r.output
    html = index.read_text(encoding="utf-8")
    assert html.count("OUT OF DATE") == 1 and "Run <code>packetgen preview</code> again" in html
    r = CliRunner().invoke(cli, ["preview", "--dpi", "50", str(out)])
    assert r.exit_code == 0 and "OUT OF DATE" not in index.read_text(encoding="utf-8")


def test_page_progress_counts_pages_and_reaches_the_total(tmp_path):
    folder, n = make_packet(tmp_path / "out", exhibits=10, pages_each=6, letter=4, form_pages=6)
    seen = []
    preview(folder, page_progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (n, n) and all(t == n for _, t in seen)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_a_draft_lists_unanswered_sworn_questions_in_manifest_and_preview(sample_copy):
    """Issue 12: a --draft build leaves an unanswered sworn question blank and the review page lists it."""
    case = sample_copy("dying-parent")
    data = json.loads(case.read_text(encoding="utf-8"))
    del data["beneficiaries"][0]["in_removal_proceedings"]
    case.write_text(json.dumps(data), encoding="utf-8")
    r = CliRunner().invoke(cli, ["preview", "--draft", "--dpi", "50", str(case)])
    assert r.exit_code == 0, r.output
    manifest = json.loads((case.parent / "out" / "manifest.json").read_text(encoding="utf-8"))
    i131 = next(f for f in manifest["sets"][0]["sections"]["forms"] if f["form"] == "I-131")
    assert [u["set"] for u in i131["unanswered"]] == ["beneficiaries[0].in_removal_proceedings"]
    html = (case.parent / "out" / "preview" / "index.html").read_text(encoding="utf-8")
    assert "NOT ANSWERED (left blank)" in html and "beneficiaries[0].in_removal_proceedings" in html


def test_review_page_lists_the_signatures_outside_the_forms_own_signature_fields(tmp_path):
    """An attorney's read: the translator's certificates and the additional-information sheet ("sign and date each
    sheet") need signatures too; the review page lists them where they are, as the filing instructions do."""
    folder, n = make_packet(tmp_path / "out")
    m = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    form = m["sections"]["forms"][0]
    form["overflow"][0]["where"] = "Part 13 row 3 (page 3)"            # the form's last page carries answers
    ex = m["sections"]["exhibits"][0]
    ex["translation"] = {"pages": ex["document_pages"], "certificate": "generated"}
    m["sections"]["letter_signature"] = [m["sections"]["letter"][1]]    # the line on the letter's last page
    (folder / "manifest.json").write_text(json.dumps(m, ensure_ascii=False), encoding="utf-8")
    assert CliRunner().invoke(cli, ["preview", str(folder)]).exit_code == 0
    text = re.sub(r"<[^>]+>", "", (folder / "preview" / "index.html").read_text(encoding="utf-8"))
    assert f"sign and date the additional-information sheet on p. {form['pages'][0] + 2}" in text
    assert f"the translator signs the certificate of translation on p. {ex['document_pages'][1]}" in text
    assert f"the signer signs the letter on p. {m['sections']['letter'][1]}" in text
