"""``packetgen check`` opens every evidence file with the reader ``build`` uses, without assembling a packet,
and reports every file problem in one pass, naming the exhibit and the file.

Results are cached by the file's SHA-256 (and the password given, and the packetgen version) in the user data
folder, so a second check reads each file only to hash it.  Policy: docs/errors.md ("Evidence files").
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from packetgen import __version__
from packetgen.case.checks import Finding

_NAME = "\u2063FILE\u2063"          # stands for the file's name in cached messages (never in a real name)
_CACHE_VERSION = 1


@dataclass(frozen=True)
class FileJob:
    """One file to open: which exhibit it belongs to, its role, and where the case file names it."""
    exhibit: str             # "exhibit 'doctor_letter' (Letter of the treating doctor)"
    where: str               # "evidence[4].file"
    rel: str                 # the path as written in the case file
    path: Path
    password: Optional[str] = None


@dataclass
class ProbeResult:
    """What the reader said about one file (cacheable: no path, the name is a placeholder)."""
    status: str                          # "ok" | "locked" | "needs_conversion" | "over_bounds" | "damaged"
    message: str = ""
    fix: str = ""
    warnings: list = field(default_factory=list)
    pages: int = 0


def cache_dir() -> Path:
    from packetgen.resources import user_data_dir

    return user_data_dir() / "check-cache"


def _jobs(case) -> list[FileJob]:
    out = []
    for i, ev in enumerate(case.evidence):
        label = f"exhibit '{ev.id}'"
        named = [(f"evidence[{i}].file", ev.file, ev.password)]
        named += [(f"evidence[{i}].more_files[{j}]", f, ev.password) for j, f in enumerate(ev.more_files)]
        if ev.translation:
            named.append((f"evidence[{i}].translation.file", ev.translation.file, None))
            if ev.translation.certificate_file:
                named.append((f"evidence[{i}].translation.certificate_file", ev.translation.certificate_file, None))
        for where, rel, pw in named:
            p = Path(rel) if Path(rel).is_absolute() else case.base_dir / rel
            out.append(FileJob(label, where, rel, p, pw))
    return out


def _classify(exc) -> str:
    from packetgen.errors import EvidenceLockedError

    text = str(getattr(exc, "message", "") or exc)
    if isinstance(exc, EvidenceLockedError):
        return "locked"
    if "not a PDF or image" in text:
        return "needs_conversion"
    if re.search(r"too large|at most|megapixel|pages; one evidence file", text):
        return "over_bounds"
    return "damaged"


def _clean(text: str) -> str:
    """No content of a user's file in a report: the reader may quote the start of a text file."""
    return re.sub(r'a text file: "[^"]*"', "a text file", text)


def _read(job: FileJob) -> ProbeResult:
    from packetgen.errors import PacketgenError
    from packetgen.evidence.normalize import normalize

    try:
        doc = normalize(job.path, password=job.password, display_name=_NAME)
    except PacketgenError as exc:
        return ProbeResult(_classify(exc), _clean(exc.message if hasattr(exc, "message") else str(exc)),
                           getattr(exc, "fix", "") or "")
    try:
        return ProbeResult("ok", warnings=[_clean(w) for w in doc.warnings], pages=doc.page_count)
    finally:
        try:
            doc.pdf.close()
        except Exception:  # pragma: no cover - closing a finished document does not fail
            pass


def _cache_key(data_hash: str, password: Optional[str]) -> str:
    pw = hashlib.sha256((password or "").encode()).hexdigest()[:16] if password else "-"
    return hashlib.sha256(f"{_CACHE_VERSION} {__version__} {data_hash} {pw}".encode()).hexdigest()


def _cached(key: str) -> Optional[ProbeResult]:
    try:
        raw = json.loads((cache_dir() / key[:2] / f"{key}.json").read_text(encoding="utf-8"))
        return ProbeResult(**raw)
    except (OSError, ValueError, TypeError):
        return None


def _store(key: str, result: ProbeResult) -> None:
    folder = cache_dir() / key[:2]
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = folder / f".{key}.{os.getpid()}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(result.__dict__, fh)
        os.replace(tmp, folder / f"{key}.json")
    except OSError:
        pass                     # a cache that cannot be written only costs time


def _hash(path: Path) -> Optional[str]:
    h = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    except OSError:
        return None
    return h.hexdigest()


def probe_file(job: FileJob) -> Optional[ProbeResult]:
    """Open one file with the build's reader (or take the cached result); None if it cannot be read at all
    (missing, a folder, no permission: the 'evidence.file_missing' check reports those)."""
    return probe_files([job])[0]


# Files not in the cache are opened in worker processes when there are enough of them (measured on the 1,600-page
# case, 426 files, nothing cached: 9.4 -> 5.6 s wall, docs/errors.md "Evidence files"); a few small files are not
# worth a fork.
POOL_MIN_FILES = 4
POOL_MIN_BYTES = 8 << 20


def probe_files(jobs: list[FileJob]) -> list[Optional[ProbeResult]]:
    """:func:`probe_file` for each job, in order; the files not cached are read in worker processes if worthwhile."""
    from packetgen.evidence.workers import worker_pool

    keys: list[Optional[str]] = []
    found: dict[str, ProbeResult] = {}  # cache key -> result: cached, or read below
    todo: dict[str, int] = {}           # cache key -> the first job with that content (read once, as one by one)
    size = 0
    for i, job in enumerate(jobs):
        data_hash = _hash(job.path) if job.path.is_file() else None
        key = _cache_key(data_hash, job.password) if data_hash is not None else None
        keys.append(key)
        if key is None or key in todo or key in found:
            continue
        hit = _cached(key)
        if hit is not None:
            found[key] = hit
            continue
        todo[key] = i
        with contextlib.suppress(OSError):
            size += job.path.stat().st_size
    worth = len(todo) >= POOL_MIN_FILES and size >= POOL_MIN_BYTES
    with worker_pool(enabled=worth) as pool:
        if pool is None:
            done = {key: _read(jobs[i]) for key, i in todo.items()}
        else:
            futures = {key: pool.submit(_read, jobs[i]) for key, i in todo.items()}
            done = {key: f.result() for key, f in futures.items()}
    for key, result in done.items():
        _store(key, result)
    found.update(done)
    return [None if key is None else found[key] for key in keys]


_CODES = {
    "locked": ("evidence.file_locked", "is protected with a password, or the password given does not open it"),
    "needs_conversion": ("evidence.file_needs_conversion", "is not a PDF or image and needs converting"),
    "over_bounds": ("evidence.file_over_bounds", "is over packetgen's bounds"),
    "damaged": ("evidence.file_damaged", "is damaged or cannot be processed"),
}


def evidence_file_findings(case) -> list[Finding]:
    """Every evidence file opened as the build would; one finding per problem, all in one pass."""
    g = "Evidence files"
    out: list[Finding] = []
    jobs = _jobs(case)
    results = probe_files(jobs)
    for job, r in zip(jobs, results):
        if r is None:
            continue
        if r.status != "ok":
            code, what = _CODES.get(r.status, _CODES["damaged"])
            detail = r.message.removeprefix(_NAME + ": ").replace(_NAME, job.rel)
            out.append(Finding("error", code, g, f"{job.where}: {job.rel} of {job.exhibit} {what}: {detail}",
                               (r.fix or "replace the file with a clean PDF, JPEG or PNG").replace(_NAME, job.rel),
                               job.where))
            continue
        for w in r.warnings:
            out.append(Finding("warning", "evidence.file_note", g,
                               f"{job.where}: {job.rel} of {job.exhibit}: "
                               f"{w.removeprefix(_NAME + ': ').replace(_NAME, job.rel)}",
                               "look at the pages in 'packetgen preview'; replace the file if they are not right",
                               job.where))
    out += _translation_page_findings(case, jobs, results)
    return out


def _translation_page_findings(case, jobs: list[FileJob], results: list[Optional[ProbeResult]]) -> list[Finding]:
    """A passage named in ``evidence[].pages`` of a translated document whose translation has not as many pages
    as the original, with no ``translation.pages`` for it: the letter cannot know the translation's page and
    cites the whole translation (the build's warning, known here from the probed page counts)."""
    pages = {job.where: r.pages for job, r in zip(jobs, results) if r is not None and r.status == "ok"}
    out = []
    for i, ev in enumerate(case.evidence):
        if not ev.translation or not ev.pages:
            continue
        wheres = [f"evidence[{i}].file"] + [f"evidence[{i}].more_files[{j}]" for j in range(len(ev.more_files))]
        if not all(w in pages for w in wheres + [f"evidence[{i}].translation.file"]):
            continue                       # a file that cannot be read is reported above
        own, count = sum(pages[w] for w in wheres), pages[f"evidence[{i}].translation.file"]
        if own == count:
            continue                       # page for page: the same page of the translation
        named = ev.translation.pages or {}
        for key, n in ev.pages.items():
            if str(key) in named or not 1 <= n <= own:
                continue                   # named, or past the end (the build warns of that)
            out.append(Finding(
                "warning", "evidence.file_translation_page_unknown", "Evidence files",
                f"evidence[{i}].pages.{key}: the English translation of exhibit '{ev.id}' "
                f"({ev.translation.file}) has {count} page(s) and the original {own}, so the letter cannot tell "
                f"which translation page shows '{key}' and cites the whole translation",
                f"name it in evidence[{i}].translation.pages.{key} (counted from the translation's first page)",
                f"evidence[{i}].pages.{key}"))
    return out
