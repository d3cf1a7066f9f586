"""Smoke test of the benchmark case generator (benchmarks/make_case.py) at a tiny scale."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sys
from pathlib import Path

import pikepdf
from PIL import Image

from packetgen.case.load import load_case

REPO = Path(__file__).resolve().parents[1]


def _make_case_module():
    spec = importlib.util.spec_from_file_location("bench_make_case", REPO / "benchmarks" / "make_case.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod      # dataclasses look their module up there
    spec.loader.exec_module(mod)
    return mod


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_small_benchmark_case_is_valid_mixed_and_deterministic(tmp_path):
    mc = _make_case_module()
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
    assert _digests(a / "evidence") == _digests(b / "evidence")
    assert json.loads((a / "case.json").read_text()) == json.loads((b / "case.json").read_text())


def test_full_plan_is_packet_sized():
    mc = _make_case_module()
    plan = mc.exhibit_plan(1)
    files = [f for x in plan for f in x.files + ([x.translation] if x.translation else [])]
    assert len(plan) >= 60
    assert sum(1 for f in files if f.kind == "photo") == 40
    assert sum(f.pages for f in files) >= 700
    sizes = [f.opts["sensor"][0] * f.opts["sensor"][1] / 1e6 for f in files if f.kind == "photo"]
    assert 3 <= min(sizes) and max(sizes) <= 12.5
