"""Never crash, never lose work: hostile evidence, kills, concurrent builds."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pikepdf
import pytest


def _run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "packetgen", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=300)


def _point_evidence(case_path, path_value):
    data = json.loads(case_path.read_text(encoding="utf-8"))
    data["evidence"][1]["file"] = str(path_value)
    case_path.write_text(json.dumps(data), encoding="utf-8")
    return data["evidence"][1]["id"]


def _assert_clean_failure(proc, code, *needles, outdir=None):
    assert proc.returncode == code, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr
    for n in needles:
        assert n in proc.stderr, (n, proc.stderr)
    if outdir is not None:
        assert not list(outdir.glob("packet*.pdf"))
        assert not list(outdir.glob(".*.part"))


@pytest.mark.parametrize("kind", ["missing", "directory", "loop", "html", "empty", "truncated"])
def test_bad_evidence_paths_fail_cleanly(sample_copy, kind):
    case = sample_copy("child-surgery")
    ev = case.parent / "evidence"
    if kind == "missing":
        target, code = "evidence/nope.pdf", 1          # check reports it; the build stops before work
    elif kind == "directory":
        (ev / "folder.pdf").mkdir()
        target, code = "evidence/folder.pdf", 1
    elif kind == "loop":
        os.symlink(ev / "loop-b.pdf", ev / "loop-a.pdf")
        os.symlink(ev / "loop-a.pdf", ev / "loop-b.pdf")
        target, code = "evidence/loop-a.pdf", 1
    elif kind == "html":
        (ev / "portal.pdf").write_text("<!DOCTYPE html><html><body>Sign in</body></html>")
        target, code = "evidence/portal.pdf", 6
    elif kind == "empty":
        (ev / "empty.pdf").write_bytes(b"")
        target, code = "evidence/empty.pdf", 6
    else:
        good = (ev / "doctor-letter.pdf").read_bytes()
        (ev / "cut.pdf").write_bytes(good[:300])   # a download cut off before any page
        target, code = "evidence/cut.pdf", 6
    _point_evidence(case, target)
    proc = _run("build", "-q", case)
    _assert_clean_failure(proc, code, target, outdir=case.parent / "out")


def test_evidence_outside_case_folder_is_allowed(sample_copy, tmp_path):
    case = sample_copy("child-surgery")
    shared = tmp_path / "firm-shared"
    shared.mkdir()
    src = case.parent / "evidence" / "doctor-letter.pdf"
    (shared / "letter.pdf").write_bytes(src.read_bytes())
    _point_evidence(case, shared / "letter.pdf")
    proc = _run("build", "-q", case)
    assert proc.returncode == 0, proc.stderr


def test_decompression_bomb_image_is_rejected(sample_copy):
    from PIL import Image

    case = sample_copy("child-surgery")
    bomb = case.parent / "evidence" / "bomb.png"
    Image.new("1", (20000, 12000)).save(bomb, optimize=True)   # 240 MP, a few kB on disk
    assert bomb.stat().st_size < 1_000_000
    _point_evidence(case, "evidence/bomb.png")
    proc = _run("build", "-q", case)
    _assert_clean_failure(proc, 6, "bomb.png", outdir=case.parent / "out")


def test_killed_build_leaves_previous_packet_or_none(sample_copy):
    case = sample_copy("child-surgery")
    out = case.parent / "out"
    assert _run("build", "-q", case).returncode == 0
    good = (out / "packet-1-mateo.pdf").read_bytes()
    delays = [0.3, 0.8, 1.5, 2.2, 3.0, 3.6]
    for delay in delays:
        p = subprocess.Popen([sys.executable, "-m", "packetgen", "build", "-q", str(case)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        p.send_signal(signal.SIGKILL)
        p.wait()
        data = (out / "packet-1-mateo.pdf").read_bytes()
        assert data == good          # builds are reproducible: a complete packet is byte-identical
        with pikepdf.open(out / "packet-1-mateo.pdf") as pdf:
            assert len(pdf.pages) > 10
    # The folder is not locked by the kills: a normal build still works without --force.
    proc = _run("build", "-q", case)
    assert proc.returncode == 0, proc.stderr
    assert not list(out.glob(".*.part"))


def test_two_builds_at_once_do_not_corrupt_each_other(sample_copy):
    case = sample_copy("child-surgery")
    procs = [subprocess.Popen([sys.executable, "-m", "packetgen", "build", "-q", str(case)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [p.communicate(timeout=300) for p in procs]
    codes = [p.returncode for p in procs]
    # Both succeed (the lock serializes the writes), or one is refused cleanly; never a broken file.
    assert all(c in (0, 9) for c in codes), results
    assert 0 in codes
    manifest = json.loads((case.parent / "out" / "manifest.json").read_text())
    import hashlib

    for st in manifest["sets"]:
        path = case.parent / "out" / st["output"]["file"]
        with pikepdf.open(path) as pdf:
            assert len(pdf.pages) > 10
        assert st["output"]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()


def test_unwritable_output_folder(sample_copy, tmp_path):
    case = sample_copy("child-surgery")
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    proc = _run("build", "-q", case, "-o", blocker)
    _assert_clean_failure(proc, 9, "a-file")


def test_template_injection_from_case_data_appears_literally(sample_copy):
    case = sample_copy("child-surgery")
    data = json.loads(case.read_text(encoding="utf-8"))
    data["petitioner"]["name"]["given"] = "{{ 7*7 }} <b>Ana & Co"
    data["request"]["narrative"] += " {% for x in range(10**9) %}x{% endfor %} <font size=80>BIG</font>"
    case.write_text(json.dumps(data), encoding="utf-8")
    proc = _run("build", "-q", "--draft", case)
    assert proc.returncode == 0, proc.stderr
    from pypdf import PdfReader

    manifest = json.loads((case.parent / "out" / "manifest.json").read_text())
    a, b = manifest["sets"][0]["sections"]["letter"]
    reader = PdfReader(case.parent / "out" / manifest["sets"][0]["output"]["file"])
    text = " ".join(reader.pages[i].extract_text() for i in range(a - 1, b))
    assert "{{ 7*7 }}" in text and "<b>Ana & Co" in text and "<font size=80>BIG</font>" in text
    assert "49 " not in text.split("{{ 7*7 }}")[0][-5:]


def test_enormous_page_count_is_refused_quickly(sample_copy):
    import pikepdf

    from packetgen.evidence import normalize as evidence

    case = sample_copy("child-surgery")
    big = case.parent / "evidence" / "archive.pdf"
    pdf = pikepdf.new()
    pdf.add_blank_page()
    page = pdf.pages[0]
    for _ in range(evidence.MAX_PAGES_PER_FILE):
        pdf.pages.append(page)
    pdf.save(big)
    _point_evidence(case, "evidence/archive.pdf")
    proc = _run("build", "-q", case)           # bounded by _run's timeout; no wall-clock assertion
    _assert_clean_failure(proc, 6, "archive.pdf", "5,001 pages", outdir=case.parent / "out")
