"""Writing results safely: a set of files made visible together, owner-only, never clobbering.

:class:`OutputSet` writes every file of a build (packets, instructions, manifest) to temporary
files, then renames them into place with the manifest last, under a journal that lets the next
build recognise and remove a half-renamed set.  The folder's written-record names the case that
owns it.  Rules and their reasons: docs/errors.md, "Output files".
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional, Union

from packetgen.errors import OutputError

PACKET_NAME = "packet.pdf"
MANIFEST_NAME = "manifest.json"
INSTRUCTIONS_NAME = "filing-instructions.pdf"
RECORD_NAME = ".packetgen-written"
JOURNAL_NAME = ".packetgen-commit"
LOCK_NAME = ".packetgen.lock"
_HISTORY = 50            # packet hashes remembered per folder
_SMALL = 1 << 20         # the record and journal are tiny; refuse to read more


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    fd = _open_regular(path)
    with os.fdopen(fd, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# --------------------------------------------------------------------------- what is safe to touch

def _kind(mode: int) -> str:
    for test, what in ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISLNK, "a symbolic link"), (stat.S_ISDIR, "a folder")):
        if test(mode):
            return what
    return "not a regular file"


def refuse_special(path: Path) -> bool:
    """True when ``path`` is a regular file, False when absent; OutputError (exit 9) for anything else.

    Uses lstat only, so a FIFO or device is never opened (opening a FIFO blocks for ever) and a
    symbolic link is never followed (packetgen never creates one; a link, dangling or not, was put
    there by someone else, and writing through it would create or replace a file elsewhere).
    """
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise OutputError(f"{path}: cannot inspect ({exc.strerror})", fix="check the output folder's permissions")
    if stat.S_ISREG(st.st_mode):
        return True
    what = _kind(st.st_mode)
    if stat.S_ISLNK(st.st_mode):
        try:
            target = os.readlink(path)
        except OSError:
            target = "?"
        what += f" to {target}" + ("" if os.path.exists(path) else ", which does not exist")
    raise OutputError(f"{path}: is {what}; packetgen writes only regular files it created",
                      fix=f"remove it (rm '{path}') or choose another output folder with -o")


def _open_regular(path: Path, flags: int = os.O_RDONLY) -> int:
    """Open without following a link and without blocking on a FIFO; refuse anything but a regular file."""
    refuse_special(path)
    fd = os.open(path, flags | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):      # swapped between lstat and open
            raise OutputError(f"{path}: is not a regular file", fix="remove it or choose another output folder")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _read_small(path: Path) -> Optional[bytes]:
    """A tiny packetgen file (record, journal, manifest header): None when absent or unreadable."""
    try:
        fd = _open_regular(path)
    except FileNotFoundError:
        return None
    except OSError:
        return None
    with os.fdopen(fd, "rb") as fh:
        return fh.read(_SMALL * 8)


# --------------------------------------------------------------------------- the folder and its lock

def prepare_outdir(outdir: Path) -> list[str]:
    """Create the folder (0700) or tighten an existing one to 0700; returns warnings."""
    try:
        outdir.mkdir(parents=True, exist_ok=True, mode=0o700)
    except FileExistsError:
        raise OutputError(f"{outdir}: exists and is not a folder", fix="choose another output folder with -o")
    except OSError as exc:
        raise OutputError(f"{outdir}: cannot create the output folder ({exc.strerror})",
                          fix="choose a folder you can write to with -o")
    if not os.access(outdir, os.W_OK | os.X_OK):
        raise OutputError(f"{outdir}: output folder is not writable", fix="choose a folder you can write to with -o")
    warnings = []
    mode = stat.S_IMODE(os.stat(outdir).st_mode)
    if mode & 0o077:
        try:
            os.chmod(outdir, mode & 0o700)
        except OSError as exc:
            warnings.append(f"{outdir}: output folder is readable by others (mode {mode:04o}) and cannot be "
                            f"made owner-only ({exc.strerror}); the packet holds personal data "
                            f"(fix: chmod 700 '{outdir}', or build into a folder you own)")
    return warnings


@contextlib.contextmanager
def locked(outdir: Path):
    """Serialize builds that write to the same folder (``OUTDIR/.packetgen.lock``, a regular file)."""
    import fcntl

    lock_path = outdir / LOCK_NAME
    refuse_special(lock_path)
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0),
                     0o600)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            refuse_special(lock_path)
        raise OutputError(f"{lock_path}: cannot create the lock file ({exc.strerror})",
                          fix="check the output folder's permissions")
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OutputError(f"{lock_path}: is not a regular file", fix=f"remove it (rm '{lock_path}')")
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


# --------------------------------------------------------------------------- who owns the folder

@dataclass(frozen=True)
class CaseIdentity:
    """The case an output folder belongs to: its case file (resolved path) and its case name."""
    file: Optional[str]
    case_name: str = ""

    @classmethod
    def of(cls, case) -> "CaseIdentity":
        src = getattr(case, "source", None)
        return cls(str(Path(src).resolve()) if src else None, getattr(case, "case_name", "") or "")

    def same_case(self, other: "CaseIdentity") -> bool:
        if self.file and other.file:
            return self.file == other.file
        return self.case_name == other.case_name


@dataclass
class Record:
    """``.packetgen-written``: the owning case, the current set's files and recent hashes."""
    identity: Optional[CaseIdentity]
    files: dict           # name -> sha256 of the last committed set
    history: list         # sha256 of every file packetgen wrote here (most recent last)
    legacy: bool = False  # the older format: packet hashes only, one a line


def read_record(outdir: Path) -> Record:
    data = _read_small(outdir / RECORD_NAME)
    if not data:
        return Record(None, {}, [])
    try:
        obj = json.loads(data.decode("utf-8"))
        case = obj.get("case") or {}
        ident = CaseIdentity(case.get("file"), case.get("case_name", "")) if case else None
        return Record(ident, dict(obj.get("files") or {}), list(obj.get("history") or []))
    except (ValueError, AttributeError, TypeError):
        words = data.decode("ascii", "replace").split()
        return Record(None, {}, [w for w in words if len(w) == 64], legacy=True)


def _write_record(outdir: Path, rec: Record) -> None:
    obj = {"case": {"file": rec.identity.file, "case_name": rec.identity.case_name} if rec.identity else None,
           "files": rec.files, "history": rec.history[-_HISTORY:]}
    write_atomic(outdir / RECORD_NAME, (json.dumps(obj, indent=1, ensure_ascii=False) + "\n").encode("utf-8"),
                 fixed_temp=True)


def record_written(outdir: Path, sha256: str) -> None:
    """Remember (durably) that packetgen wrote a file with this hash into ``outdir``."""
    rec = read_record(outdir)
    rec.history.append(sha256)
    _write_record(outdir, rec)


def manifest_sets(manifest: dict) -> list[dict]:
    """The sets a manifest describes, each with its ``output`` and ``sections``; a manifest written before
    packets had sets describes one (raises KeyError/TypeError on a manifest that is neither)."""
    if "sets" in manifest:
        return list(manifest["sets"])
    return [{"output": manifest["output"], "sections": manifest.get("sections") or {}}]


def check_overwrite(outdir: Path, *, force: bool, names: Iterable[str] = (PACKET_NAME,),
                    identity: Optional[CaseIdentity] = None) -> None:
    """Refuse special files always; without ``force``, refuse to replace files packetgen cannot prove it
    wrote, or a folder that holds another case's packet."""
    names = list(dict.fromkeys([*names, MANIFEST_NAME]))
    present = [n for n in names if refuse_special(outdir / n)]
    refuse_special(outdir / RECORD_NAME)
    if force:
        return
    rec = read_record(outdir)
    if identity is not None and rec.identity is not None and not rec.identity.same_case(identity):
        theirs = rec.identity.file or "another case file"
        ours = identity.file or "this case"
        raise OutputError(
            f"{outdir}: holds the outputs of another case ({theirs}); building {ours} into it would replace them",
            fix="choose another output folder with -o, or pass --force to replace the other case's packet")
    known = set(rec.history) | set(rec.files.values())
    manifest = _read_small(outdir / MANIFEST_NAME)
    if manifest:
        with contextlib.suppress(ValueError, KeyError, TypeError, AttributeError):
            for st in manifest_sets(json.loads(manifest.decode("utf-8"))):
                known.add(st["output"]["sha256"])
    for name in present:
        is_packet = name == PACKET_NAME or (name.startswith("packet-") and name.endswith(".pdf"))   # a set
        if name == MANIFEST_NAME or (not is_packet and (rec.legacy or not (rec.files or rec.history))):
            continue          # the manifest is checked through what it describes; older folders: the packet
        if not rec.history and not rec.files and not manifest:
            ours = False
        else:
            try:
                ours = sha256_file(outdir / name) in known
            except OSError:
                ours = False
        if not ours:
            raise OutputError(
                f"{outdir / name}: already exists and its manifest.json does not show packetgen wrote it "
                "(it may have been edited or copied in)",
                fix="move it away, choose another folder with -o, or pass --force to replace it")


# --------------------------------------------------------------------------- single files

class _Pending:
    def __init__(self, path: Path, fh):
        self.path = path
        self.fh = fh
        self.sha256: Optional[str] = None    # set by a writer that hashes as it writes


def _bookkeeping_temp(name: str) -> str:
    """The fixed temporary name of one of packetgen's own files in an output folder ('..packetgen-commit.part').

    The journal and the record are rewritten under the folder's lock, so one fixed name each is enough, and a
    build killed while writing one leaves a name the next build knows to remove (:func:`recover_outdir`); a random
    name would stay behind, since no journal lists it."""
    return f".{name}.part"


def _mkstemp(path: Path, fixed: bool = False):
    try:
        if fixed:
            tmp = path.parent / _bookkeeping_temp(path.name)
            refuse_special(tmp)
            flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
            return os.open(tmp, flags, 0o600), str(tmp)
        return tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write ({exc.strerror})",
                          fix="check free disk space and the folder's permissions")


@contextlib.contextmanager
def atomic_writer(path: Path, *, fixed_temp: bool = False):
    """Like :func:`write_atomic`, for writers that stream: yields the temporary file (``.fh``, ``.path``).

    On a clean exit the file is flushed, synced and renamed over ``path``; on any
    error it is removed and ``path`` is untouched.  ``fixed_temp``: packetgen's own bookkeeping files, written
    under the folder's lock (:func:`_bookkeeping_temp`).
    """
    refuse_special(path)
    fd, tmp = _mkstemp(path, fixed_temp)
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


def write_atomic(path: Path, data: bytes, *, fixed_temp: bool = False) -> None:
    """Write ``data`` to ``path`` via a same-folder temporary file and rename; mode 0600."""
    with atomic_writer(path, fixed_temp=fixed_temp) as pending:
        pending.fh.write(data)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# --------------------------------------------------------------------------- a set of files, committed together

@dataclass
class _Staged:
    name: str
    temp: str            # file name of the temporary file, in the same folder
    sha256: Optional[str] = None


class OutputSet:
    """Files written to temporaries, then renamed into place together, the manifest last.

    Use under :func:`locked`::

        with OutputSet(outdir, identity=CaseIdentity.of(case), force=force) as out:
            out.add("filing-instructions.pdf", data)
            with out.file("packet.pdf") as pending:     # stream into pending.fh; may set pending.sha256
                ...
            out.add("manifest.json", manifest_bytes)
            out.commit()

    Leaving the block without :meth:`commit` (an error, an interrupt) removes every temporary and leaves
    the previous set untouched.  The journal ``.packetgen-commit`` lists the temporaries (so a later build
    removes those of a killed one, and only those) and, while renaming, the set being made visible.
    """

    def __init__(self, outdir: Path, *, identity: Optional[CaseIdentity] = None, force: bool = False,
                 last: str = MANIFEST_NAME):
        self.outdir = Path(outdir)
        self.identity = identity
        self.force = force
        self.last = last
        self.staged: list[_Staged] = []
        self.committed = False
        self.renaming = False

    def __enter__(self) -> "OutputSet":
        return self

    def __exit__(self, *exc) -> None:
        if not self.committed:
            self.discard()

    def _journal(self, state: str) -> None:
        obj = {"state": state, "pid": os.getpid(),
               "files": [{"name": s.name, "temp": s.temp, "sha256": s.sha256} for s in self.staged]}
        write_atomic(self.outdir / JOURNAL_NAME, (json.dumps(obj) + "\n").encode("utf-8"), fixed_temp=True)

    @contextlib.contextmanager
    def file(self, name: str):
        """A temporary file for ``name``, to stream into (``.fh``); flushed and synced when the block ends."""
        if any(s.name == name for s in self.staged) or os.sep in name or name.startswith("."):
            raise ValueError(f"bad or repeated output name {name!r}")
        import secrets

        path = self.outdir / name
        refuse_special(path)
        entry = _Staged(name, f".{name}.{secrets.token_hex(6)}.part")
        self.staged.append(entry)
        tmp = self.outdir / entry.temp
        try:
            # Listed in the journal before it exists: the marker that lets a later build remove it.
            self._journal("writing")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0),
                         0o600)
            with os.fdopen(fd, "wb") as fh:
                os.fchmod(fh.fileno(), 0o600)
                pending = _Pending(tmp, fh)
                yield pending
                fh.flush()
                os.fsync(fh.fileno())
        except OSError as exc:
            raise OutputError(f"{path}: cannot write ({exc.strerror})",
                              fix="check free disk space and the folder's permissions")
        entry.sha256 = pending.sha256

    def add(self, name: str, data: Union[bytes, Path]) -> None:
        """Stage ``data`` (bytes, or a file whose content is copied) as ``name``."""
        with self.file(name) as pending:
            if isinstance(data, (bytes, bytearray)):
                pending.fh.write(data)
                pending.sha256 = sha256_bytes(bytes(data))
            else:
                import shutil

                with open(data, "rb") as src:
                    shutil.copyfileobj(src, pending.fh, 1 << 20)

    def commit(self) -> dict[str, str]:
        """Make the staged files visible together (the manifest last); returns name -> SHA-256."""
        from packetgen import interrupts

        interrupts.check()        # a stop requested earlier is honoured before anything becomes visible
        d = self.outdir
        for s in self.staged:
            if s.sha256 is None:
                s.sha256 = sha256_file(d / s.temp)
        names = [s.name for s in self.staged]
        check_overwrite(d, force=self.force, names=names, identity=self.identity)
        self.staged.sort(key=lambda s: s.name == self.last)          # stable: the manifest goes last
        rec = read_record(d)
        old_files = dict(rec.files)
        rec.identity = self.identity or rec.identity
        rec.files = {s.name: s.sha256 for s in self.staged}
        rec.history = [h for h in rec.history if h not in rec.files.values()] + list(rec.files.values())
        self.renaming = True
        try:
            self._journal("renaming")
            # Recorded before the renames: a build killed between them does not lock the folder.
            _write_record(d, rec)
            with interrupts.deferred():
                for s in self.staged:
                    os.replace(d / s.temp, d / s.name)
                self.committed = True
                interrupts.written.extend(str(d / n) for n in names)
                _fsync_dir(d)
                # Files of the previous set that this one does not have (e.g. one beneficiary fewer).
                for name, sha in old_files.items():
                    if name not in rec.files:
                        with contextlib.suppress(OSError, OutputError):
                            if refuse_special(d / name) and sha256_file(d / name) == sha:
                                os.unlink(d / name)
                os.unlink(d / JOURNAL_NAME)
        except OSError as exc:
            raise OutputError(f"{d}: cannot write the outputs ({exc.strerror})",
                              fix="check free disk space and the folder's permissions, then build again")
        _fsync_dir(d)
        return dict(rec.files)

    def discard(self) -> None:
        for s in self.staged:
            with contextlib.suppress(OSError):
                os.unlink(self.outdir / s.temp)
        self.staged.clear()
        if not self.renaming:    # else the journal stays: the next build removes the half-renamed set
            with contextlib.suppress(OSError):
                os.unlink(self.outdir / JOURNAL_NAME)


def recover_outdir(outdir: Path) -> list[str]:
    """Remove what a killed build left (under the lock): its temporaries, or a half-renamed set.

    Only files named in the journal are touched, and the fixed-name temporaries of the journal and the record
    themselves (:func:`_bookkeeping_temp`): never a user's file recognised by its name alone.
    Returns warnings for the build to report.
    """
    journal = outdir / JOURNAL_NAME
    for name in (JOURNAL_NAME, RECORD_NAME):     # a bookkeeping file's own temporary, from a build killed writing it
        with contextlib.suppress(OSError, OutputError):
            if refuse_special(outdir / _bookkeeping_temp(name)):
                os.unlink(outdir / _bookkeeping_temp(name))
    data = _read_small(journal)
    if data is None:
        refuse_special(journal)
        return []
    try:
        obj = json.loads(data.decode("utf-8"))
        files = [(f["name"], f["temp"], f.get("sha256")) for f in obj["files"]]
        state = obj.get("state")
    except (ValueError, KeyError, TypeError, AttributeError):
        files, state = [], None
    for _, temp, _ in files:
        if os.sep not in temp and temp.startswith(".") and temp.endswith(".part"):
            with contextlib.suppress(OSError, OutputError):
                if refuse_special(outdir / temp):
                    os.unlink(outdir / temp)
    warnings = []
    if state == "renaming":
        # Stopped while renaming: some files are new, some old. Neither set is complete; remove it.
        rec = read_record(outdir)
        known = set(rec.history) | {sha for _, _, sha in files if sha}
        removed = []
        for name, _, _ in files:
            with contextlib.suppress(OSError, OutputError):
                if refuse_special(outdir / name) and sha256_file(outdir / name) in known:
                    os.unlink(outdir / name)
                    removed.append(name)
        if removed:
            warnings.append(f"{outdir}: removed an incomplete set of outputs ({', '.join(removed)}) left by a "
                            "build that was stopped while writing them")
    with contextlib.suppress(OSError):
        os.unlink(journal)
    return warnings


def clean_stale_parts(outdir: Path) -> list[str]:
    """Former name of :func:`recover_outdir`."""
    return recover_outdir(outdir)
