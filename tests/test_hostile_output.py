"""Hostile output folders and batches (issue 15, holes 3, 4, 7, 8, 11), through the real command line."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys

import pytest

from .conftest import SAMPLES


def _run(*args, timeout=300):
    return subprocess.run([sys.executable, "-m", "packetgen", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout)


def _copy(tmp_path, name, dst=None):
    d = tmp_path / (dst or name)
    shutil.copytree(SAMPLES / name, d, ignore=shutil.ignore_patterns("out"))
    return d / "case.json"


def test_batch_refuses_two_cases_writing_to_one_folder_before_building(tmp_path):
    a = _copy(tmp_path, "trial-witness", "firm")
    b = a.with_name("case2.json")
    shutil.copy(a, b)
    proc = _run("build", a, b, "-j", "2")
    assert proc.returncode == 9, proc.stderr
    assert str(a) in proc.stderr and str(b) in proc.stderr and "nothing was built" in proc.stderr
    assert not (a.parent / "out").exists()


def test_batch_refuses_cases_mapped_to_one_folder_name_under_o(tmp_path):
    x = _copy(tmp_path, "trial-witness", "x/trial")
    y = _copy(tmp_path, "trial-witness", "y/trial")
    z = _copy(tmp_path, "trial-witness", "01-case")
    proc = _run("build", x, y, z, "-o", tmp_path / "B")
    assert proc.returncode == 9, proc.stderr
    assert str(x) in proc.stderr and str(z) in proc.stderr
    assert not (tmp_path / "B").exists()


def test_a_different_case_into_the_same_folder_needs_force(tmp_path):
    a = _copy(tmp_path, "trial-witness")
    b = _copy(tmp_path, "dying-parent")
    out = tmp_path / "shared-out"
    assert _run("build", "-q", a, "-o", out).returncode == 0
    first = (out / "packet.pdf").read_bytes()
    record = json.loads((out / ".packetgen-written").read_text())
    assert record["case"]["file"] == str(a.resolve())
    assert _run("build", "-q", a, "-o", out).returncode == 0          # the same case again: fine
    proc = _run("build", "-q", b, "-o", out)
    assert proc.returncode == 9, proc.stderr
    assert "another case" in proc.stderr and str(a.resolve()) in proc.stderr and "--force" in proc.stderr
    assert (out / "packet.pdf").read_bytes() == first
    assert _run("build", "-q", b, "-o", out, "--force").returncode == 0
    assert json.loads((out / ".packetgen-written").read_text())["case"]["file"] == str(b.resolve())


@pytest.mark.parametrize("name", ["packet.pdf", "manifest.json", "filing-instructions.pdf", ".packetgen.lock"])
def test_fifo_in_the_output_folder_is_refused_not_waited_on(tmp_path, name):
    a = _copy(tmp_path, "trial-witness")
    out = tmp_path / "out"
    out.mkdir()
    os.mkfifo(out / name)
    proc = _run("build", "-q", a, "-o", out, "--force", timeout=120)
    assert proc.returncode == 9, proc.stderr
    assert "named pipe" in proc.stderr and name in proc.stderr
    assert stat.S_ISFIFO(os.lstat(out / name).st_mode)


def test_dangling_lock_symlink_creates_nothing(tmp_path):
    a = _copy(tmp_path, "trial-witness")
    out = tmp_path / "out"
    out.mkdir()
    (out / ".packetgen.lock").symlink_to(tmp_path / "planted")
    proc = _run("build", "-q", a, "-o", out)
    assert proc.returncode == 9, proc.stderr
    assert "symbolic link" in proc.stderr
    assert not (tmp_path / "planted").exists()


def test_existing_open_output_folder_becomes_owner_only(tmp_path):
    a = _copy(tmp_path, "trial-witness")
    out = tmp_path / "out"
    out.mkdir()
    os.chmod(out, 0o755)
    assert _run("build", "-q", a, "-o", out).returncode == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o700


def test_disk_full_while_writing_the_packet_keeps_the_previous_set(tmp_path, monkeypatch):
    from packetgen import api
    from packetgen.errors import OutputError
    from packetgen.packet import assemble

    case = _copy(tmp_path, "trial-witness")
    out = tmp_path / "out"
    api.build(case, outdir=out)
    before = {p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(".")}
    data = json.loads(case.read_text(encoding="utf-8"))
    old_given = data["petitioner"]["name"]["given"]
    for person in [data["petitioner"], *data["beneficiaries"], *data.get("supporters", [])]:
        if person["name"]["given"] == old_given:
            person["name"]["given"] = "Renamed"             # new instructions (who signs) and a new packet
    case.write_text(json.dumps(data), encoding="utf-8")

    def full(pdf, fh, document_id):
        fh.write(b"%PDF-1.7 the first megabytes")
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(assemble, "save_packet", full)
    with pytest.raises(OutputError, match="No space left"):
        api.build(case, outdir=out)
    after = {p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(".")}
    assert after == before                                   # instructions not replaced alone
    monkeypatch.undo()
    api.build(case, outdir=out)
    assert (out / "filing-instructions.pdf").read_bytes() != before["filing-instructions.pdf"]
    assert not [p.name for p in out.iterdir() if p.name.endswith(".part") or p.name == ".packetgen-commit"]


def test_case_file_that_is_a_fifo_is_refused_not_waited_on(tmp_path):
    os.mkfifo(tmp_path / "case.json")
    proc = _run("check", tmp_path / "case.json", timeout=60)
    assert proc.returncode == 3, proc.stderr
    assert "not a regular file" in proc.stderr
