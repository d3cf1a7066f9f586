"""Writing results safely: atomic, owner-only, never clobbering someone else's file.

Rules (documented in docs/errors.md, "Output files"):

* Every file is written to a temporary file in the output folder, flushed to disk,
  then renamed over the target.  A build killed at any moment leaves the previous
  complete packet, or none; never a truncated PDF.
* Files are created with mode 0600 and the output folder with 0700: cases hold
  A-numbers, medical details and bank records.
* A build holds an exclusive lock on ``OUTDIR/.packetgen.lock``, so two builds of
  the same case at once run one after the other instead of interleaving.
* An existing ``packet.pdf`` is replaced only when packetgen can prove it wrote
  it: its SHA-256 is the one in ``manifest.json`` beside it, or one recorded in
  ``.packetgen-written`` (every packet written to the folder is recorded there
  *before* it is renamed into place, so a build killed between writing the packet
  and its manifest does not lock the folder).  Otherwise ``--force`` is needed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from pathlib import Path

from packetgen.errors import OutputError

PACKET_NAME = "packet.pdf"
MANIFEST_NAME = "manifest.json"
RECORD_NAME = ".packetgen-written"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def prepare_outdir(outdir: Path) -> Path:
    try:
        outdir.mkdir(parents=True, exist_ok=True, mode=0o700)
    except FileExistsError:
        raise OutputError(f"{outdir}: exists and is not a folder", fix="choose another output folder with -o")
    except OSError as exc:
        raise OutputError(f"{outdir}: cannot create the output folder ({exc.strerror})",
                          fix="choose a folder you can write to with -o")
    if not os.access(outdir, os.W_OK | os.X_OK):
        raise OutputError(f"{outdir}: output folder is not writable", fix="choose a folder you can write to with -o")
    return outdir


@contextlib.contextmanager
def locked(outdir: Path):
    """Serialize builds that write to the same folder."""
    import fcntl

    lock_path = outdir / ".packetgen.lock"
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise OutputError(f"{lock_path}: cannot create the lock file ({exc.strerror})",
                          fix="check the output folder's permissions")
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _manifest_hashes(outdir: Path) -> set[str]:
    """The SHA-256 of every packet file the folder's manifest.json lists (one per set)."""
    try:
        m = json.loads((outdir / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    outputs = [s.get("output") for s in m.get("sets", []) if isinstance(s, dict)] if isinstance(m, dict) else []
    if isinstance(m, dict) and isinstance(m.get("output"), dict):     # manifests of packetgen before sets
        outputs.append(m["output"])
    return {o["sha256"] for o in outputs if isinstance(o, dict) and isinstance(o.get("sha256"), str)}


def check_overwrite(outdir: Path, *, force: bool, names: tuple[str, ...] = (PACKET_NAME,)) -> None:
    """Refuse to replace a packet file (``names``) that packetgen cannot prove it wrote."""
    if force:
        return
    listed: set[str] | None = None
    recorded: set[str] | None = None
    for name in names:
        packet = outdir / name
        if not packet.exists():
            continue
        try:
            actual = sha256_file(packet)
        except OSError:
            actual = None
        if actual:
            if listed is None:
                listed = _manifest_hashes(outdir)
            if recorded is None:
                try:
                    recorded = set((outdir / RECORD_NAME).read_text(encoding="ascii").split())
                except (OSError, ValueError):
                    recorded = set()
            if actual in listed or actual in recorded:
                continue
        raise OutputError(
            f"{packet}: already exists and its manifest.json does not show packetgen wrote it "
            "(it may have been edited or copied in)",
            fix="move it away, choose another folder with -o, or pass --force to replace it")


class _Pending:
    def __init__(self, path: Path, fh):
        self.path = path
        self.fh = fh


@contextlib.contextmanager
def atomic_writer(path: Path):
    """Like :func:`write_atomic`, for writers that stream: yields the temporary file (``.fh``, ``.path``).

    On a clean exit the file is flushed, synced and renamed over ``path``; on any
    error it is removed and ``path`` is untouched.
    """
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write ({exc.strerror})",
                          fix="check free disk space and the folder's permissions")
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), 0o600)
            yield _Pending(Path(tmp), fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise OutputError(f"{path}: cannot write ({exc.strerror})",
                          fix="check free disk space and the folder's permissions")
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a same-folder temporary file and rename; mode 0600."""
    with atomic_writer(path) as pending:
        pending.fh.write(data)


def record_written(outdir: Path, sha256: str) -> None:
    """Remember (durably) that packetgen wrote a packet with this hash into ``outdir``."""
    path = outdir / RECORD_NAME
    try:
        lines = path.read_text(encoding="ascii").split()[-49:]
    except (OSError, ValueError):
        lines = []
    write_atomic(path, ("\n".join(lines + [sha256]) + "\n").encode("ascii"))


def clean_stale_parts(outdir: Path) -> None:
    """Remove temporary files left by a build that was killed (only packetgen's own '.part' files)."""
    for p in outdir.glob(".*.part"):
        with contextlib.suppress(OSError):
            p.unlink()
