"""Smoke test of the sized benchmark's case generator (benchmarks/make_mix.py) at a tiny size."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from packetgen.case.load import load_case
from tests._bench import bench_module, digests

REPO = Path(__file__).resolve().parents[1]
PAGES = 44


@pytest.fixture(scope="module")
def mix(tmp_path_factory):
    mm = bench_module("make_mix")
    a = tmp_path_factory.mktemp("mix") / "a"
    summary = mm.make_mix(a, pages=PAGES, seed=7, image_scale=0.25, verbose=False)
    return mm, a, summary


def test_mix_case_is_valid_and_has_every_kind(mix):
    mm, a, summary = mix
    case = load_case(a / "case.json")
    refs = []
    for e in case.evidence:
        refs += [e.file, *e.more_files] + ([e.translation.file] if e.translation else [])
    assert all((a / r).is_file() for r in refs)
    assert len(set(refs)) == len(refs) == summary["files"]
    assert {"visa_refusal", "doctor_letter", "us_hospital_acceptance"} <= {e.id for e in case.evidence}

    # pages: every PDF counted with pikepdf, every image one page; near the target (the plan makes it exact)
    pages, encrypted = 0, 0
    for r in refs:
        p = a / r
        if p.suffix == ".pdf":
            with pikepdf.open(p) as pdf:          # the empty user password opens the encrypted ones
                pages += len(pdf.pages)
                if pdf.is_encrypted:
                    encrypted += 1
                    assert pdf.user_password_matched and pdf.encryption.user_password == b""
        else:
            pages += 1
    assert pages == summary["evidence_pages"]
    assert abs(pages - PAGES) <= 0.03 * PAGES
    assert encrypted >= 1

    # photos: JPEGs needing rotation (EXIF 3/6/8) and some without EXIF, a PNG screenshot, a HEIC if it can
    jpegs = [a / r for r in refs if r.endswith(".jpg")]
    orientations = {Image.open(p).getexif().get(0x0112) for p in jpegs}
    assert orientations & {3, 6, 8}, "some photos must need rotation"
    pngs = [a / r for r in refs if r.endswith(".png")]
    assert pngs and all(Image.open(p).format == "PNG" for p in pngs)
    heics = [a / r for r in refs if r.endswith(".heic")]
    if mm.heic_encoder() is None:
        import pillow_heif

        assert heics and all(pillow_heif.is_supported(str(p)) for p in heics)
    else:
        assert not heics and "JPEGs instead" in summary["heic"]

    # scans (a JPEG page image) and text PDFs, on more than one paper size
    kinds = summary["by_kind"]
    assert kinds["pdf_text"]["files"] and (kinds.get("pdf_scan", {}).get("files") or
                                           kinds.get("pdf_scan_encrypted", {}).get("files"))
    assert len(set(summary["pages_by_paper"]) - {"image"}) >= 2


def test_mix_is_deterministic(mix, tmp_path):
    mm, a, _ = mix
    b = tmp_path / "b"
    mm.make_mix(b, pages=PAGES, seed=7, image_scale=0.25, verbose=False)
    assert digests(a / "evidence") == digests(b / "evidence")
    assert (a / "case.json").read_bytes() == (b / "case.json").read_bytes()


def test_plan_scales_with_the_target():
    mm = bench_module("make_mix")
    for pages in (100, 400, 1600, 3200):
        xs, facts = mm.plan(pages, 1)
        files = [f for x in xs for f in x.all_files()]
        assert sum(f.pages for f in files) == pages
        photos = sum(1 for f in files if f.kind in ("jpeg", "png", "heic"))
        assert abs(photos - pages / 16) <= max(3, pages * 0.01)
        assert facts["big_text_pages"] == min(300, round(0.19 * pages))
        assert facts["encrypted"] >= 2


def test_baseline_converts_heic_then_merges(mix, tmp_path):
    """sizes.py's baseline: HEIC through heic2jpeg.py, every image in one img2pdf call, then one qpdf merge."""
    _, a, _ = mix
    sizes = bench_module("sizes")
    if not (shutil.which("qpdf") and (shutil.which("img2pdf") or (Path(sys.executable).parent / "img2pdf").exists())):
        pytest.skip("the baseline needs qpdf and img2pdf")
    run = sys.modules["run"]
    inputs = run.evidence_files(a / "case.json")
    steps, out = sizes.baseline_steps(inputs, tmp_path)
    names = [name for name, _ in steps]
    assert names[-1] == "qpdf" and "img2pdf" in names
    img2pdf = dict(steps)["img2pdf"]
    assert not any(x.endswith(".heic") for x in img2pdf)
    if any(p.suffix == ".heic" for p in inputs):
        assert names[0] == "heic2jpeg"
        assert sum(x.endswith(".jpg") for x in img2pdf) == sum(p.suffix in (".jpg", ".heic") for p in inputs)
    merge = dict(steps)["qpdf"]
    assert sum(x.endswith(".pdf") for x in merge) == sum(p.suffix == ".pdf" for p in inputs) + 2
