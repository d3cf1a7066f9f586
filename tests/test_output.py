"""Atomic, owner-only output that never clobbers a file packetgen did not write."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from packetgen.errors import OutputError
from packetgen.packet.output import (JOURNAL_NAME, RECORD_NAME, CaseIdentity, OutputSet, check_overwrite, locked,
                                     prepare_outdir, recover_outdir, sha256_bytes, write_atomic)
from packetgen.packet.scratch import TEMPDIR_MARKER, build_tempdir, clean_stale_tempdirs


def test_write_atomic_is_owner_only_and_leaves_no_temp(tmp_path):
    target = tmp_path / "packet.pdf"
    write_atomic(target, b"%PDF-1.7 data")
    assert target.read_bytes() == b"%PDF-1.7 data"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["packet.pdf"]


def test_failed_write_keeps_previous_file(tmp_path, monkeypatch):
    target = tmp_path / "packet.pdf"
    write_atomic(target, b"old complete packet")

    def boom(*a, **k):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OutputError, match="cannot write"):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"old complete packet"
    assert [p.name for p in tmp_path.iterdir()] == ["packet.pdf"]


def test_overwrite_rule(tmp_path):
    packet = tmp_path / "packet.pdf"
    check_overwrite(tmp_path, force=False)          # nothing there: fine
    packet.write_bytes(b"someone else's file")
    with pytest.raises(OutputError, match="--force"):
        check_overwrite(tmp_path, force=False)
    check_overwrite(tmp_path, force=True)
    (tmp_path / "manifest.json").write_text(json.dumps({"output": {"sha256": sha256_bytes(b"someone else's file")}}))
    check_overwrite(tmp_path, force=False)          # provably ours: fine
    packet.write_bytes(b"edited after the build")
    with pytest.raises(OutputError):
        check_overwrite(tmp_path, force=False)


def test_stale_parts_are_removed_only_when_a_journal_names_them(tmp_path):
    # A '.part' file is never removed by its name alone: only the temporaries a killed build listed.
    (tmp_path / ".packet.pdf.abc.part").write_bytes(b"someone's file that merely looks like ours")
    (tmp_path / "notes.part").write_bytes(b"user file")
    (tmp_path / ".packet.pdf.dead.part").write_bytes(b"half")
    (tmp_path / JOURNAL_NAME).write_text(json.dumps(
        {"state": "writing", "pid": 1, "files": [{"name": "packet.pdf", "temp": ".packet.pdf.dead.part"}]}))
    assert recover_outdir(tmp_path) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == [".packet.pdf.abc.part", "notes.part"]


def test_a_build_killed_while_writing_the_journal_or_the_record_leaves_nothing_behind(tmp_path, monkeypatch):
    """The journal and the record are written through fixed-name temporaries ('..packetgen-commit.part'), so one
    left by a build killed while writing it is removed by the next; a random name listed nowhere stayed for good
    (seen as a rare failure of test_killed_build_leaves_previous_packet_or_none)."""
    import packetgen.packet.output as output

    names = []
    real = output.os.replace
    monkeypatch.setattr(output.os, "replace", lambda a, b: names.append(Path(a).name) or real(a, b))
    _set(tmp_path, OLD)
    assert f".{JOURNAL_NAME}.part" in names and f".{RECORD_NAME}.part" in names
    for name in (JOURNAL_NAME, RECORD_NAME):
        (tmp_path / f".{name}.part").write_bytes(b'{"half')
    assert recover_outdir(tmp_path) == []
    assert not list(tmp_path.glob(".*.part"))


def _set(outdir, files: dict, **kw):
    with OutputSet(outdir, **kw) as out:
        for name, data in files.items():
            out.add(name, data)
        return out.commit()


OLD = {"filing-instructions.pdf": b"old instructions", "packet.pdf": b"old packet", "manifest.json": b"old manifest"}
NEW = {"filing-instructions.pdf": b"new instructions", "packet.pdf": b"new packet", "manifest.json": b"new manifest"}


def _contents(d):
    return {p.name: p.read_bytes() for p in d.iterdir() if not p.name.startswith(".")}


def test_output_set_commits_together_and_failure_keeps_previous_set(tmp_path):
    _set(tmp_path, OLD)
    assert _contents(tmp_path) == OLD
    with pytest.raises(RuntimeError):
        with OutputSet(tmp_path) as out:
            out.add("filing-instructions.pdf", NEW["filing-instructions.pdf"])
            with out.file("packet.pdf") as pending:
                pending.fh.write(b"half a packet")
                raise RuntimeError("the build failed while writing the packet")
    assert _contents(tmp_path) == OLD                       # previous complete set untouched
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == [RECORD_NAME]
    _set(tmp_path, NEW)
    assert _contents(tmp_path) == NEW
    assert stat.S_IMODE((tmp_path / "packet.pdf").stat().st_mode) == 0o600


def test_manifest_is_renamed_last(tmp_path, monkeypatch):
    order = []
    real = os.replace
    monkeypatch.setattr(os, "replace", lambda a, b: (order.append(os.path.basename(b)), real(a, b)))
    _set(tmp_path, {"manifest.json": b"m", "01-B1.pdf": b"a", "02-B2.pdf": b"b"})
    order = [n for n in order if not n.startswith(".")]      # the journal and record are written atomically too
    assert order[-1] == "manifest.json" and sorted(order[:2]) == ["01-B1.pdf", "02-B2.pdf"]


def test_files_of_the_previous_set_that_the_new_one_lacks_are_removed(tmp_path):
    _set(tmp_path, {"01-B1.pdf": b"a", "02-B2.pdf": b"b", "manifest.json": b"m"})
    _set(tmp_path, {"01-B1.pdf": b"a2", "manifest.json": b"m2"})
    assert _contents(tmp_path) == {"01-B1.pdf": b"a2", "manifest.json": b"m2"}


def test_half_renamed_set_is_recognised_and_removed(tmp_path, monkeypatch):
    _set(tmp_path, OLD)
    (tmp_path / "my-notes.txt").write_text("the user's own file")
    real, calls = os.replace, []

    def replace(a, b):
        if not os.path.basename(b).startswith("."):
            calls.append(b)
        if len(calls) == 2:
            raise OSError(5, "Input/output error")          # the power went out after one rename
        real(a, b)
    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr(OutputSet, "discard", lambda self: None)   # as when killed: no cleanup at all
    with pytest.raises(OutputError, match="cannot write the outputs"):
        _set(tmp_path, NEW)
    monkeypatch.setattr(os, "replace", real)
    assert (tmp_path / JOURNAL_NAME).exists()
    warnings = recover_outdir(tmp_path)
    assert warnings and "incomplete set" in warnings[0]
    assert _contents(tmp_path) == {"my-notes.txt": b"the user's own file"}
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]
    assert not (tmp_path / JOURNAL_NAME).exists()


def test_a_different_case_needs_force(tmp_path):
    a, b = CaseIdentity("/cases/a/case.json", "A"), CaseIdentity("/cases/b/case.json", "B")
    _set(tmp_path, OLD, identity=a)
    rec = json.loads((tmp_path / RECORD_NAME).read_text())
    assert rec["case"] == {"file": "/cases/a/case.json", "case_name": "A"}
    check_overwrite(tmp_path, force=False, identity=a)
    with pytest.raises(OutputError, match="another case") as exc:
        check_overwrite(tmp_path, force=False, identity=b)
    assert "/cases/a/case.json" in exc.value.message and "--force" in exc.value.fix
    with pytest.raises(OutputError, match="another case"):
        _set(tmp_path, NEW, identity=b)
    assert _contents(tmp_path) == OLD
    _set(tmp_path, NEW, identity=b, force=True)
    assert json.loads((tmp_path / RECORD_NAME).read_text())["case"]["file"] == "/cases/b/case.json"


@pytest.mark.parametrize("name", ["packet.pdf", "manifest.json", ".packetgen-written"])
def test_special_files_among_the_outputs_are_refused_without_hanging(tmp_path, name):
    os.mkfifo(tmp_path / name)
    with pytest.raises(OutputError, match="named pipe") as exc:
        check_overwrite(tmp_path, force=True)
    assert exc.value.exit_code == 9


def test_symlinks_among_the_outputs_and_the_lock_are_refused(tmp_path):
    (tmp_path / ".packetgen.lock").symlink_to(tmp_path / "elsewhere" / "created-by-us")
    with pytest.raises(OutputError, match="symbolic link .*does not exist"):
        with locked(tmp_path):
            pass
    assert not (tmp_path / "elsewhere").exists()
    (tmp_path / ".packetgen.lock").unlink()
    (tmp_path / "victim").write_text("x")
    (tmp_path / "packet.pdf").symlink_to(tmp_path / "victim")
    with pytest.raises(OutputError, match="symbolic link"):
        check_overwrite(tmp_path, force=True)
    with pytest.raises(OutputError, match="symbolic link"):
        _set(tmp_path, NEW, force=True)
    assert (tmp_path / "victim").read_text() == "x"


def test_existing_output_folder_is_tightened_to_owner_only(tmp_path):
    d = tmp_path / "out"
    d.mkdir(mode=0o755)
    os.chmod(d, 0o755)
    assert prepare_outdir(d) == []
    assert stat.S_IMODE(d.stat().st_mode) == 0o700


def test_existing_output_folder_that_cannot_be_tightened_warns(tmp_path, monkeypatch):
    d = tmp_path / "out"
    d.mkdir()
    os.chmod(d, 0o755)

    def deny(*a, **k):
        raise PermissionError(1, "Operation not permitted")
    monkeypatch.setattr(os, "chmod", deny)
    (w,) = prepare_outdir(d)
    assert "0755" in w and "chmod 700" in w


def test_stale_temp_folders_removed_only_with_a_marker_of_a_dead_build(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)
    killed = tmp_path / "packetgen-killed"
    killed.mkdir()
    (killed / TEMPDIR_MARKER).write_text(json.dumps({"pid": dead_pid, "start": None}))
    (killed / "photo.pdf").write_bytes(b"normalized")
    unmarked = tmp_path / "packetgen-unmarked"
    unmarked.mkdir()
    running = tmp_path / "packetgen-running"
    running.mkdir()
    (running / TEMPDIR_MARKER).write_text(json.dumps({"pid": os.getpid(), "start": None}))
    assert clean_stale_tempdirs(str(tmp_path)) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["packetgen-running", "packetgen-unmarked"]
    with build_tempdir() as t:
        assert json.loads((Path(t) / TEMPDIR_MARKER).read_text())["pid"] == os.getpid()
    assert not Path(t).exists()
