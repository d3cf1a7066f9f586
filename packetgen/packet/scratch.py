"""The build's private temporary folder (``$TMPDIR/packetgen-*``), and removing those of killed builds.

A folder is removed only when it holds packetgen's marker naming the process that made it, belongs to
this user, and that process no longer runs: never because of its name alone (docs/errors.md, "Signals").
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import tempfile
from pathlib import Path
from typing import Optional

from packetgen.errors import OutputError
from packetgen.packet.output import _read_small

TEMPDIR_MARKER = ".packetgen-tempdir"

def _process_start(pid: int) -> Optional[str]:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[19].decode()
    except (OSError, IndexError):
        return None


def _alive(pid: int, start: Optional[str]) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    now = _process_start(pid)
    return not (start and now and now != start)          # a reused pid is not our build


@contextlib.contextmanager
def build_tempdir():
    """A private ``packetgen-*`` folder for one build, with a marker naming the process that made it."""
    path = tempfile.mkdtemp(prefix="packetgen-")
    try:
        pid = os.getpid()
        marker = json.dumps({"pid": pid, "start": _process_start(pid)}).encode()
        fd = os.open(os.path.join(path, TEMPDIR_MARKER), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(marker)
        yield path
    finally:
        import shutil

        shutil.rmtree(path, ignore_errors=True)


def clean_stale_tempdirs(root: Optional[str] = None) -> int:
    """Remove ``packetgen-*`` temporary folders of builds that were killed: ours (same user), holding
    packetgen's marker, and made by a process that no longer runs.  Returns how many were removed."""
    import shutil

    root = root or tempfile.gettempdir()
    removed = 0
    try:
        entries = list(os.scandir(root))
    except OSError:
        return 0
    for e in entries:
        if not e.name.startswith("packetgen-"):
            continue
        try:
            st = os.lstat(e.path)
            if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid():
                continue
            data = _read_small(Path(e.path) / TEMPDIR_MARKER)
            if not data:
                continue                       # no marker: not provably ours
            m = json.loads(data.decode())
            if _alive(int(m["pid"]), m.get("start")):
                continue
        except (OSError, ValueError, KeyError, TypeError, OutputError):
            continue
        shutil.rmtree(e.path, ignore_errors=True)
        removed += 1
    return removed
