"""Issue 16: a large packet keeps memory flat and lays the letter out at most twice.

Sizes and timings are in benchmarks/ (no wall-clock assertions here).  These tests build one generated
case of more than 1,000 pages, so that page numbers have four digits, and whose evidence holds more stream
data than packetgen may keep in memory.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from tests.conftest import REPO, SAMPLES

N_EXHIBITS = 24          # exhibits with a large scan added to the dying-parent sample, for the memory test
PAGES_EACH = 6
MANY_EXHIBITS = 150      # short records added for the letter test: 150 x 8 = 1,200 evidence pages, so that
MANY_PAGES_EACH = 8      # the letter and its index cite four-digit page numbers
SIDE = 1900              # each exhibit also carries one scan page: a 1,900-pixel noise JPEG of ~4 MB (~100 MB in all)


def _noise_jpeg(seed: int) -> bytes:
    """A JPEG of camera-like noise: it does not compress, so a copy of it costs its full size in memory."""
    import random

    side = SIDE
    img = Image.frombytes("RGB", (side, side), random.Random(seed).randbytes(side * side * 3))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=95)
    return buf.getvalue()


def _big_pdf(path: Path, pages: int, jpeg, n: int) -> None:
    pdf = pikepdf.new()
    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica))
    for i in range(pages - (1 if jpeg else 0)):
        content = pdf.make_stream(b"BT /F1 11 Tf 72 700 Td (Record %d, page %d) Tj ET" % (n, i + 1))
        pdf.pages.append(pikepdf.Page(pikepdf.Dictionary(
            Type=pikepdf.Name.Page, MediaBox=[0, 0, 612, 792], Contents=content,
            Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)))))
    if not jpeg:
        pdf.save(path)
        return
    # the last page: a scan (qpdf never shares a stream between two input files, so each costs its size)
    image = pikepdf.Stream(pdf, jpeg)
    image.Type, image.Subtype, image.Width, image.Height = pikepdf.Name.XObject, pikepdf.Name.Image, SIDE, SIDE
    image.ColorSpace, image.BitsPerComponent, image.Filter = pikepdf.Name.DeviceRGB, 8, pikepdf.Name.DCTDecode
    content = pdf.make_stream(b"q 540 0 0 540 36 126 cm /Im0 Do Q")
    pdf.pages.append(pikepdf.Page(pikepdf.Dictionary(
        Type=pikepdf.Name.Page, MediaBox=[0, 0, 612, 792], Contents=content,
        Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image)))))
    pdf.save(path)


def _case_with_records(root: Path, count: int, pages: int, jpeg) -> Path:
    shutil.copytree(SAMPLES / "dying-parent", root / "case", ignore=shutil.ignore_patterns("out"))
    case_json = root / "case" / "case.json"
    data = json.loads(case_json.read_text(encoding="utf-8"))
    for n in range(count):
        rel = f"evidence/record-{n:03d}.pdf"
        _big_pdf(case_json.parent / rel, pages, jpeg, n)
        data["evidence"].append({"id": f"record_{n:03d}", "file": rel, "category": "other", "about": ["jorge"],
                                 "title": f"Medical record, part {n + 1}",
                                 "shows": "The course of the illness, month by month, with the treating "
                                          "physicians' notes."})
    case_json.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
    return case_json


@pytest.fixture(scope="module")
def heavy_case(tmp_path_factory) -> Path:
    jpeg = _noise_jpeg(16)
    assert len(jpeg) > 3_500_000
    return _case_with_records(tmp_path_factory.mktemp("heavy"), N_EXHIBITS, PAGES_EACH, jpeg)


@pytest.fixture(scope="module")
def long_case(tmp_path_factory) -> Path:
    return _case_with_records(tmp_path_factory.mktemp("long"), MANY_EXHIBITS, MANY_PAGES_EACH, None)


def _inputs_bytes(case_json: Path) -> int:
    return sum(p.stat().st_size for p in (case_json.parent / "evidence").iterdir())


def _build_peak_rss(case_json: Path, out: Path, tmp: Path) -> tuple[int, int, str]:
    """Exit code, peak RSS (bytes, as the kernel counts it) and stderr of one 'packetgen build' child."""
    forms = tmp / "forms"
    forms.mkdir(exist_ok=True)
    env = dict(os.environ, PYTHONPATH=str(REPO), XDG_DATA_HOME=str(tmp / "xdg"), PACKETGEN_NO_WORKERS="1")
    with open(tmp / "stderr.txt", "wb") as err:
        proc = subprocess.Popen([sys.executable, "-m", "packetgen", "build", str(case_json), "-o", str(out),
                                 "--force", "-q", "--draft", "--forms-dir", str(forms)],
                                env=env, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)     # this child's own rusage, not every child's so far
        proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, usage.ru_maxrss * 1024, (tmp / "stderr.txt").read_text(errors="replace")


def test_memory_stays_below_the_evidence_size(heavy_case, tmp_path):
    """Before issue 16 every input stream was held until the packet was written (1.4 MB per MB of input):
    here ~100 MB of evidence.  Now a build holds one file at a time."""
    inputs = _inputs_bytes(heavy_case)
    assert inputs > 90 << 20
    rc, peak, err = _build_peak_rss(heavy_case, tmp_path / "out", tmp_path)
    assert rc == 0, err[-2000:]
    rc, small_peak, err = _build_peak_rss(SAMPLES / "dying-parent" / "case.json", tmp_path / "small", tmp_path)
    assert rc == 0, err[-2000:]
    growth = peak - small_peak
    assert growth < inputs * 0.5, (f"peak RSS grew by {growth >> 20} MB over the small sample's for "
                                   f"{inputs >> 20} MB of evidence")


def test_the_letter_is_laid_out_at_most_twice_at_four_digit_page_numbers(long_case, tmp_path, monkeypatch):
    import packetgen.letter.render as render
    from packetgen import api

    calls = []
    real = render.render_letter

    def counting(case, exhibits, *args, **kwargs):
        result = real(case, exhibits, *args, **kwargs)
        calls.append((result.page_count, [(x.first_page, x.last_page) for x in exhibits]))
        return result

    monkeypatch.setattr(render, "render_letter", counting)
    (tmp_path / "forms").mkdir()
    result = api.build(long_case, outdir=tmp_path / "out", forms_dir=tmp_path / "forms", draft=True, force=True)
    assert result.pages > 1000
    assert len(calls) <= 2, [c[0] for c in calls]
    # Why two passes suffice whatever the size: the first pass already cites numbers with as many digits
    # as the final ones (the layout depends on nothing else), not placeholders.
    (_, first), (_, final) = calls[0], calls[-1]
    digits = lambda refs: [(len(str(a)), len(str(b))) for a, b in refs]  # noqa: E731
    assert all(a is not None for a, _ in first)
    assert max(b for _, b in final) >= 1000
    assert digits(first) == digits(final)

    # the packet is whole: every page, the outline, the live form fields (each field's widgets are the
    # ones on the pages), and nothing of the merge's own bookkeeping
    with pikepdf.open(result.packet) as pdf:
        assert len(pdf.pages) == result.pages
        on_pages = {a.objgen for pg in pdf.pages for a in pg.obj.get("/Annots", []) if a.get("/Subtype") == "/Widget"}
        kids = set()

        def walk(field):
            if "/Kids" in field:
                for k in field.Kids:
                    walk(k)
            else:
                kids.add(field.objgen)

        for f in pdf.Root.AcroForm.Fields:
            walk(f)
        assert on_pages and kids == on_pages
        assert not any("/PGAcroForm" in pg.obj or "/PGAnnots" in pg.obj for pg in pdf.pages)
        with pdf.open_outline() as outline:
            titles = [item.title for item in outline.root]
        assert "Exhibits" in titles


@pytest.mark.parametrize("sample", ["child-surgery", "dying-parent", "trial-witness"])
def test_samples_lay_the_letter_out_twice_per_set(sample, tmp_path, monkeypatch):
    import packetgen.letter.render as render
    from packetgen import api

    calls = []
    real = render.render_letter
    monkeypatch.setattr(render, "render_letter", lambda *a, **k: calls.append(1) or real(*a, **k))
    (tmp_path / "forms").mkdir()
    result = api.build(SAMPLES / sample / "case.json", outdir=tmp_path / "out", forms_dir=tmp_path / "forms",
                       force=True)
    assert len(calls) <= 2 * len(result.sets)


def test_a_rebuild_lays_each_letter_out_once_and_writes_the_same_packet(tmp_path, monkeypatch):
    """The letter's length from the last build of the same case file is the first layout's guess: a rebuild
    (edit, build, read: the usual loop) lays each set's letter out once.  The packet does not depend on it,
    and the remembered lengths hold no text, name or path of the case."""
    import packetgen.letter.render as render
    from packetgen import api
    from packetgen.letter import lengths

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    case = tmp_path / "child-surgery"
    shutil.copytree(SAMPLES / "child-surgery", case, ignore=shutil.ignore_patterns("out"))
    calls = []
    real = render.render_letter
    monkeypatch.setattr(render, "render_letter", lambda *a, **k: calls.append(1) or real(*a, **k))
    (tmp_path / "forms").mkdir()

    def build(out):
        calls.clear()
        result = api.build(case / "case.json", outdir=tmp_path / out, forms_dir=tmp_path / "forms", force=True)
        return result, len(calls)

    first, first_layouts = build("one")
    again, layouts = build("two")
    assert len(first.sets) == 2
    assert layouts == len(again.sets), (first_layouts, layouts)
    for a, b in zip(first.sets, again.sets):
        assert a.path.read_bytes() == b.path.read_bytes()
    stored = lengths._path().read_text()
    assert "child" not in stored and "Mateo" not in stored and str(tmp_path) not in stored
    # a wrong remembered length costs one more layout, never a different packet
    lengths.remember(api.load_case(case / "case.json"), {s.key: 1 for s in again.sets})
    third, layouts = build("three")
    assert layouts == 2 * len(third.sets)
    assert [s.path.read_bytes() for s in third.sets] == [s.path.read_bytes() for s in first.sets]


def test_a_build_does_not_import_lxml_for_the_forms_xmp(official_forms_dir, tmp_path):
    """The official I-131 carries XMP.  Writing a filled form for the merge must not have pikepdf update that
    XMP (the packet takes the form's pages, not its metadata): doing so imports lxml and parses the XMP, about
    20 ms of a 0.8 s small build (issue 16 item 4).  The first build prepares and caches the blank form (its
    XMP updated once, as before); the build after it, the usual one, is checked."""
    code = ("import sys; from packetgen import api; "
            f"api.build({str(SAMPLES / 'child-surgery' / 'case.json')!r}, outdir={str(tmp_path / 'out')!r}, "
            f"forms_dir={str(official_forms_dir)!r}, force=True); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'lxml'))")
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "PYTHONPATH": str(REPO)}
    for _ in range(2):
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip().splitlines()[-1] == "[]"
