"""Smoke test of the benchmark case generator (benchmarks/make_case.py) at a tiny scale."""

from __future__ import annotations

import json
from pathlib import Path

import pikepdf
from PIL import Image

from packetgen.case.load import load_case
from tests._bench import bench_module, digests

REPO = Path(__file__).resolve().parents[1]


def test_small_benchmark_case_is_valid_mixed_and_deterministic(tmp_path):
    mc = bench_module("make_case")
    a, b = tmp_path / "a", tmp_path / "b"
    summary = mc.make_case(a, scale=0.03, seed=7, verbose=False)
    mc.make_case(b, scale=0.03, seed=7, verbose=False)

    # a valid case file, every evidence path present
    case = load_case(a / "case.json")
    assert len(case.evidence) == summary["exhibits"] >= 12
    refs = []
    for e in case.evidence:
        refs += [e.file, *e.more_files] + ([e.translation.file] if e.translation else [])
    assert all((a / r).is_file() for r in refs)
    assert {"visa_refusal", "birth_certificate"} <= {e.id for e in case.evidence}

    # the three kinds of evidence are all there
    photos = [a / r for r in refs if r.endswith(".jpg")]
    pdfs = [a / r for r in refs if r.endswith(".pdf")]
    assert photos and pdfs
    orientations = {Image.open(p).getexif().get(0x0112) for p in photos}
    assert orientations & {3, 6, 8}, "some photos must need rotation"
    scanned = 0
    pages = len(photos)
    for p in pdfs:
        with pikepdf.open(p) as pdf:
            pages += len(pdf.pages)
            xobjs = pdf.pages[0].Resources.get("/XObject", {})
            scanned += any(x.get("/Filter") == pikepdf.Name.DCTDecode and x.get("/Width", 0) > 300
                           for x in xobjs.values())
    assert scanned >= 1, "some PDFs must be scans (a JPEG page image)"
    assert pages == summary["evidence_pages"]

    # deterministic: same seed and scale, byte-identical files
    assert digests(a / "evidence") == digests(b / "evidence")
    assert json.loads((a / "case.json").read_text()) == json.loads((b / "case.json").read_text())


def test_full_plan_is_packet_sized():
    mc = bench_module("make_case")
    plan = mc.exhibit_plan(1)
    files = [f for x in plan for f in x.files + ([x.translation] if x.translation else [])]
    assert len(plan) >= 60
    assert sum(1 for f in files if f.kind == "photo") == 40
    assert sum(f.pages for f in files) >= 700
    sizes = [f.opts["sensor"][0] * f.opts["sensor"][1] / 1e6 for f in files if f.kind == "photo"]
    assert 3 <= min(sizes) and max(sizes) <= 12.5
