"""Atomic, owner-only output that never clobbers a file packetgen did not write."""

from __future__ import annotations

import json
import os
import stat

import pytest

from packetgen.errors import OutputError
from packetgen.packet.output import check_overwrite, clean_stale_parts, sha256_bytes, write_atomic


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


def test_clean_stale_parts_only_touches_our_temp_files(tmp_path):
    (tmp_path / ".packet.pdf.abc.part").write_bytes(b"half")
    (tmp_path / "notes.part").write_bytes(b"user file")
    clean_stale_parts(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.part"]
