"""The exhibits of a build: every evidence file normalized once (photos in worker processes), and the pages
packetgen draws for each exhibit (separator sheet, translator's certificate), redrawn when a set letters the
exhibit differently (docs/packet.md)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from packetgen.case.model import Case, Evidence
from packetgen.errors import EvidenceError, PacketgenError

Progress = Callable[[str], None]


def resolve_evidence_path(case: Case, rel: str, *, what: str) -> Path:
    """Evidence paths are relative to the case file's folder (absolute paths are allowed).

    Policy (docs/errors.md): a path may point outside the case folder (firms keep
    shared documents elsewhere), but it must be a regular, readable file;
    symlinks are followed once and loops are reported.
    """
    p = Path(rel)
    if not p.is_absolute():
        p = case.base_dir / p
    try:
        resolved = p.resolve(strict=True)
    except FileNotFoundError:
        raise EvidenceError(f"{what}: file not found: {rel}",
                            fix=f"check the path (it is relative to {case.base_dir}) or add the file")
    except RuntimeError:
        raise EvidenceError(f"{what}: {rel} is a symbolic-link loop", fix="point the path at the real file")
    except OSError as exc:
        raise EvidenceError(f"{what}: cannot open {rel} ({exc.strerror})", fix="check the path and permissions")
    if resolved.is_dir():
        raise EvidenceError(f"{what}: {rel} is a folder, not a file", fix="name the PDF or image inside it")
    if not resolved.is_file():
        raise EvidenceError(f"{what}: {rel} is not a regular file", fix="use a PDF or image file")
    if not os.access(resolved, os.R_OK):
        raise EvidenceError(f"{what}: {rel} is not readable", fix="check the file's permissions")
    return resolved


@dataclass
class _Exhibit:
    letter: str
    evidence: Evidence
    separator: bytes
    docs: list                       # NormalizedDoc, one per file
    translation: list                # NormalizedDoc(s): translation and certificate file
    certificate: Optional[bytes]


def _all_file_problems(case: Case, first: EvidenceError) -> EvidenceError:
    """The build stops at the first unusable file; report every one, as 'packetgen check' does."""
    from packetgen.packet.probe import evidence_file_findings

    try:
        problems = [f for f in evidence_file_findings(case) if f.severity == "error"]
    except PacketgenError:
        return first
    if len(problems) < 2:
        return first
    return type(first)(f"{len(problems)} evidence files cannot be used; the packet was not built",
                       details=[f"{f.message} (fix: {f.fix})" for f in problems],
                       fix="fix each file listed ('packetgen check' lists them too), then build again")


def _drawn_pages(case: Case, ev: Evidence, letter: str) -> tuple[bytes, Optional[bytes]]:
    """The pages packetgen draws for an exhibit: its separator sheet and, if generated, the translator's certificate."""
    from packetgen.packet.pages import language_name, separator_page, translator_certificate

    certificate = None
    if _generates_certificate(ev):
        tr = case.translator(ev.translation.translator)
        certificate = translator_certificate(
            translator_name=tr.name, translator_address=tr.address, translator_phone=tr.phone,
            source_language=language_name(ev.language), document_title=ev.title,
            exhibit_letter=letter, date=ev.translation.date)
    return separator_page(letter, ev.title, ev.shows, translation=ev.translation is not None), certificate


def _generates_certificate(ev: Evidence) -> bool:
    """A translated exhibit gets a generated translator's certificate (one page) when the translator is named and
    no certificate file of their own is given."""
    return bool(ev.translation and not ev.translation.certificate_file and ev.translation.translator)


def _relettered(case: Case, x: "_Exhibit", letter: str) -> "_Exhibit":
    """The exhibit as it stands in a set where its letter is ``letter`` (separator and certificate redrawn)."""
    if x.letter == letter:
        return x
    separator, certificate = _drawn_pages(case, x.evidence, letter)
    return _Exhibit(letter, x.evidence, separator, x.docs, x.translation, certificate)


@dataclass(frozen=True)
class _EvidenceJob:
    """One evidence file to normalize, sniffed once: whether it is an image decides where it runs."""

    exhibit: int                 # index into plan.exhibits
    role: str                    # "doc" (the evidence) or "translation" (translation or its certificate)
    path: Path
    password: Optional[str]
    name: str                    # what messages call the file: its path and the exhibit
    image: bool = False          # not a PDF by its first bytes (the normalizer decides for real)
    size: int = 0


def _evidence_jobs(case: Case, plan) -> list[_EvidenceJob]:
    """Every evidence file of the plan, in exhibit order, each resolved and sniffed once."""
    from packetgen.evidence.workers import looks_like_pdf

    jobs = []

    def add(i: int, role: str, rel: str, password: Optional[str], what: str, name: str) -> None:
        path = resolve_evidence_path(case, rel, what=what)
        try:
            size = path.stat().st_size if path.is_file() else 0
        except OSError:
            size = 0
        jobs.append(_EvidenceJob(i, role, path, password, name, image=bool(size) and not looks_like_pdf(path),
                                 size=size))

    for i, px in enumerate(plan.exhibits):
        ev = px.evidence
        what = f"exhibit {px.letter} ('{ev.id}')"
        for rel in [ev.file, *ev.more_files]:
            add(i, "doc", rel, ev.password, what, f"{rel} ({what})")
        if ev.translation:
            t = ev.translation
            add(i, "translation", t.file, None, f"translation of {what}", f"{t.file} (translation of {what})")
            if t.certificate_file:
                add(i, "translation", t.certificate_file, None, f"translation certificate of {what}",
                    f"{t.certificate_file} (certificate, {what})")
    return jobs


def _worth_a_pool(jobs: list[_EvidenceJob]) -> bool:
    """Worker processes pay off only for several images (measured: none for the samples' 3-4 small photos)."""
    from packetgen.evidence.workers import IMAGE_BYTES_FOR_POOL, IMAGE_JOBS_FOR_POOL

    images = [j for j in jobs if j.image]
    return len(images) >= IMAGE_JOBS_FOR_POOL and sum(j.size for j in images) >= IMAGE_BYTES_FOR_POOL


def _normalize_exhibits(case: Case, plan, say: Progress, warnings: list[str], *, tmpdir: Optional[str] = None,
                        meanwhile: Callable[[dict], None] = lambda estimate: None, workers: bool = True,
                        keep_links: bool = False) -> list[_Exhibit]:
    """Normalize every evidence file; images go to worker processes when there are enough of them.

    ``meanwhile`` runs in this process after its own share of the files, while
    the workers are still busy (always exactly once, pool or not).  It gets the
    page counts known so far (:func:`_estimated_pages`).

    Results and errors are taken in exhibit order, so the first problem reported
    is the first in the case file, whichever process found it.
    """
    from packetgen.evidence.workers import worker_pool

    jobs = _evidence_jobs(case, plan)
    with worker_pool(enabled=workers and tmpdir is not None and _worth_a_pool(jobs)) as pool:
        results = _run_jobs(jobs, pool, tmpdir, say, lambda partial: meanwhile(_estimated_pages(case, plan, jobs, partial)),
                            keep_links)
    return _exhibits_from(case, plan, jobs, results, warnings)


def _estimated_pages(case: Case, plan, jobs: list[_EvidenceJob],
                     partial: list) -> dict[str, tuple[list[int], int, int]]:
    """Per evidence id: the page count of each of its files, of its translation with the certificate, and of the
    certificate alone (the translator's file, or the generated page), as far as known; a file still being
    normalized (a photo, in a worker) counts as one page."""
    out: dict[str, tuple[list[int], int, int]] = {}
    for i, px in enumerate(plan.exhibits):
        ev = px.evidence
        known = [(job.role, r.page_count if r is not None and not isinstance(r, PacketgenError) else 1)
                 for job, r in zip(jobs, partial) if job.exhibit == i]
        docs = [n for role, n in known if role == "doc"]
        tr = [n for role, n in known if role == "translation"]     # the translation, then the certificate file
        generated = 1 if _generates_certificate(ev) else 0
        out[ev.id] = (docs, sum(tr) + generated, sum(tr[1:]) + generated)
    return out


def _run_jobs(jobs: list[_EvidenceJob], pool, tmpdir: Optional[str], say: Progress, meanwhile,
              keep_links: bool = False) -> list:
    """Each job's NormalizedDoc, images in the pool (if any), the rest here; the first error, in order, is raised."""
    from packetgen.evidence.normalize import normalize
    from packetgen.evidence.workers import normalize_to_file, open_normalized

    offload = {k for k, j in enumerate(jobs) if j.image} if pool is not None else set()
    futures = {k: pool.submit(normalize_to_file, jobs[k].path, jobs[k].password, jobs[k].name, tmpdir, keep_links)
               for k in offload}

    results: list = [None] * len(jobs)
    total = len(jobs)
    done = 0
    for k, job in enumerate(jobs):
        if k in offload:
            continue
        try:
            if tmpdir is None:
                results[k] = normalize(job.path, password=job.password, display_name=job.name, keep_links=keep_links)
            else:   # saved and released at once: memory stays flat however large the evidence (issue 16)
                results[k] = open_normalized(normalize_to_file(job.path, job.password, job.name, tmpdir, keep_links))
        except PacketgenError as exc:
            results[k] = exc
        done += 1
        say(f"evidence: {done}/{total} files")
    if not any(isinstance(r, PacketgenError) for r in results):
        meanwhile(results)
    for k in sorted(offload):
        try:
            results[k] = open_normalized(futures[k].result())
        except PacketgenError as exc:
            results[k] = exc
        done += 1
        say(f"evidence: {done}/{total} files")
    for r in results:
        if isinstance(r, PacketgenError):
            for f in futures.values():
                f.cancel()
            raise r
    return results


def _exhibits_from(case: Case, plan, jobs: list[_EvidenceJob], results: list, warnings: list[str]) -> list[_Exhibit]:
    out = []
    for i, px in enumerate(plan.exhibits):
        ev = px.evidence
        docs = [r for job, r in zip(jobs, results) if job.exhibit == i and job.role == "doc"]
        translation = [r for job, r in zip(jobs, results) if job.exhibit == i and job.role == "translation"]
        for d in docs + translation:
            warnings += d.warnings
        sep, certificate = _drawn_pages(case, ev, px.letter)
        out.append(_Exhibit(px.letter, ev, sep, docs, translation, certificate))
    return out
