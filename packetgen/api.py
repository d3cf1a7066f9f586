"""The library API: ``build`` and ``check``.  The CLI is a thin shell over these.

Data flows one way::

    case.json --load--> Case --check--> Findings
                          \\--plan--> PacketPlan --render/normalize--> parts --paginate/assemble--> packet.pdf + manifest.json
"""

from __future__ import annotations

import datetime as dt
import io
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from packetgen import __version__
from packetgen.case.model import Case, Evidence, load_case
from packetgen.errors import ChecksFailed, EvidenceError, PacketgenError
from packetgen.packet.output import (MANIFEST_NAME, PACKET_NAME, atomic_writer, check_overwrite, clean_stale_parts, locked,
                     prepare_outdir, record_written, sha256_bytes, write_atomic)

Progress = Callable[[str], None]
INSTRUCTIONS_NAME = "filing-instructions.pdf"


def build_date(case: Case) -> dt.date:
    """The date printed on the packet: SOURCE_DATE_EPOCH, else the letter date, else the filing date, else today.

    Taking it from the case (or SOURCE_DATE_EPOCH) makes builds reproducible:
    the same inputs give a byte-identical packet on any day.
    """
    sde = os.environ.get("SOURCE_DATE_EPOCH")
    if sde and sde.strip().isdigit():
        return dt.datetime.fromtimestamp(int(sde), tz=dt.timezone.utc).date()
    return case.letter.date or case.filing.filing_date or dt.date.today()


def today_for_checks() -> dt.date:
    sde = os.environ.get("SOURCE_DATE_EPOCH")
    if sde and sde.strip().isdigit():
        return dt.datetime.fromtimestamp(int(sde), tz=dt.timezone.utc).date()
    return dt.date.today()


@dataclass
class BuildResult:
    case: Case
    outdir: Path
    packet: Path
    manifest: Path
    instructions: Optional[Path]
    pages: int
    exhibits: int
    warnings: list[str] = field(default_factory=list)
    findings: list = field(default_factory=list)
    standin_forms: list[str] = field(default_factory=list)
    seconds: float = 0.0


def check(case_or_path, *, today: Optional[dt.date] = None):
    """Load (if needed) and run the pre-flight checks; returns (case, findings)."""
    from packetgen.case.checks import run_checks

    case = case_or_path if isinstance(case_or_path, Case) else load_case(case_or_path)
    return case, run_checks(case, today=today or today_for_checks())


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


def build(case_path, *, outdir: Optional[Path] = None, forms_dir: Optional[Path] = None,
          templates_dir: Optional[Path] = None, draft: bool = False, force: bool = False, flatten: bool = False,
          progress: Optional[Progress] = None) -> BuildResult:
    """Build the submission packet for one case; see the module docstring for the pipeline."""
    t0 = time.perf_counter()
    say = progress or (lambda msg: None)
    case = case_path if isinstance(case_path, Case) else load_case(case_path)
    date = build_date(case)

    _, findings = check(case)
    errors = [f for f in findings if f.severity == "error"]
    if errors and not draft:
        stop = ChecksFailed(
            f"{case.source or 'case'}: the pre-flight check found {len(errors)} error"
            f"{'s' if len(errors) != 1 else ''}; the packet was not built",
            details=[f"{f.message} (fix: {f.fix})" for f in errors],
            fix="correct them, or build a draft anyway with --draft (not for filing)")
        stop.findings, stop.case = errors, case      # the CLI prints them as 'packetgen check' does
        raise stop

    outdir = Path(outdir) if outdir else case.base_dir / "out"
    prepare_outdir(outdir)
    check_overwrite(outdir, force=force)   # fail fast, before the long work

    from packetgen.packet.plan import plan_packet

    plan = plan_packet(case)
    warnings: list[str] = []

    import tempfile

    from packetgen.forms.fill import fill_case_forms
    from packetgen.evidence.workers import worker_pool

    # Normalized photos from worker processes live in tmpdir until the packet is saved (0700, then removed).
    with tempfile.TemporaryDirectory(prefix="packetgen-") as tmpdir:
        if draft:   # evidence not yet received: a "DOCUMENT TO COME" page stands in (packet/tocome.py)
            from packetgen.packet.tocome import with_placeholders

            case, to_come = with_placeholders(case, Path(tmpdir))
            plan = plan_packet(case) if to_come else plan
        forms: list = []
        first_pass: list = []

        def meanwhile() -> None:
            # Work that needs no evidence pages, done while workers normalize the photos.
            say("filling forms")
            forms.extend(fill_case_forms(case, forms_dir=forms_dir, flatten=flatten))
            say("writing the cover letter")
            first_pass.append(_letter_first_pass(case, plan, forms, date=date, templates_dir=templates_dir))

        with worker_pool(enabled=_worth_a_pool(case, plan)) as pool:
            exhibits = _normalize_exhibits(case, plan, say, warnings, pool=pool, tmpdir=tmpdir, meanwhile=meanwhile)
        return _finish(case, plan, exhibits, forms, first_pass[0], findings, warnings, date=date, outdir=outdir,
                       templates_dir=templates_dir, draft=draft, force=force, flatten=flatten, say=say, t0=t0)


def _finish(case, plan, exhibits, forms, first_pass, findings, warnings, *, date, outdir, templates_dir, draft, force,
            flatten, say, t0) -> BuildResult:
    """Letter, assembly and writing, once evidence and forms are ready."""
    standins = sorted({f.form_id for f in forms if not f.official})
    for f in forms:
        warnings += f.warnings
    if standins:
        warnings.append(
            f"{', '.join(standins)}: no official PDF installed; filled a generated STAND-IN marked "
            "'NOT FOR FILING' on every page (install the official form: packetgen forms add FILE)")

    # 3. Letter, paginated in two passes until its own length is stable.
    packet_pdf, page_map, letter_result = _render_and_assemble(
        case, plan, exhibits, forms, first_pass, date=date, templates_dir=templates_dir, say=say,
        draft=draft and any(f.severity == "error" for f in findings))
    warnings += letter_result.warnings

    # 4. Filing instructions (separate; not part of the submission).
    from packetgen.packet.instructions import render_filing_instructions

    signatures = []
    for f, span in zip(forms, page_map.forms):
        for s in f.signatures:
            signatures.append({**s, "form": f.form_id, "title": f.title, "packet_page": span.first + s["page"] - 1})
    instructions = render_filing_instructions(case, signatures, today=date)

    import json

    from packetgen.packet.assemble import save_packet

    with locked(outdir):
        clean_stale_parts(outdir)
        check_overwrite(outdir, force=force)
        write_atomic(outdir / INSTRUCTIONS_NAME, instructions)
        say("writing the packet")
        with atomic_writer(outdir / PACKET_NAME) as pending:
            packet_sha, packet_size = save_packet(packet_pdf, pending.fh, _document_id(case, exhibits, forms,
                                                                                        draft=draft, flatten=flatten))
            # Recorded before the rename: a build killed right after it does not lock the folder.
            record_written(outdir, packet_sha)
        manifest = _manifest(case, plan, exhibits, forms, page_map, warnings, findings, packet_sha, packet_size,
                             date, draft=draft, flatten=flatten)
        write_atomic(outdir / MANIFEST_NAME, (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode())
    say(f"wrote {page_map.total} pages")
    return BuildResult(case=case, outdir=outdir, packet=outdir / PACKET_NAME, manifest=outdir / MANIFEST_NAME,
                       instructions=outdir / INSTRUCTIONS_NAME, pages=page_map.total, exhibits=len(plan.exhibits),
                       warnings=warnings, findings=findings, standin_forms=standins,
                       seconds=time.perf_counter() - t0)


def _document_id(case: Case, exhibits: list[_Exhibit], forms, *, draft: bool, flatten: bool) -> bytes:
    """The PDF document ID: a hash of everything that went in (same inputs, same ID, same bytes)."""
    import hashlib

    h = hashlib.sha256(f"packetgen {__version__} draft={draft} flatten={flatten}\n".encode())
    if case.source:
        h.update(case.source.read_bytes())
    for x in exhibits:
        for d in [*x.docs, *x.translation]:
            h.update(d.sha256.encode())
    for f in forms:
        h.update(f"{f.form_id} {f.edition} {f.official}\n".encode())
    return h.digest()[:16]


def _normalize_exhibits(case: Case, plan, say: Progress, warnings: list[str], *, pool=None,
                        tmpdir: Optional[str] = None, meanwhile: Callable[[], None] = lambda: None) -> list[_Exhibit]:
    """Normalize every evidence file; images go to worker processes when a pool is given.

    ``meanwhile`` runs in this process after its own share of the files, while
    the workers are still busy (always exactly once, pool or not).

    Results and errors are taken in exhibit order, so the first problem reported
    is the first in the case file, whichever process found it.
    """
    from packetgen.evidence.normalize import normalize
    from packetgen.packet.pages import language_name, separator_page, translator_certificate
    from packetgen.evidence.workers import IMAGE_JOBS_FOR_POOL, looks_like_pdf, normalize_to_file, open_normalized

    # (exhibit index, role, path, password, display name); role: "doc", "translation", "certificate"
    jobs = []
    for i, px in enumerate(plan.exhibits):
        ev = px.evidence
        what = f"exhibit {px.letter} ('{ev.id}')"
        for rel in [ev.file, *ev.more_files]:
            jobs.append((i, "doc", resolve_evidence_path(case, rel, what=what), ev.password, f"{rel} ({what})"))
        if ev.translation:
            t = ev.translation
            jobs.append((i, "translation", resolve_evidence_path(case, t.file, what=f"translation of {what}"), None,
                         f"{t.file} (translation of {what})"))
            if t.certificate_file:
                jobs.append((i, "translation",
                             resolve_evidence_path(case, t.certificate_file, what=f"translation certificate of {what}"),
                             None, f"{t.certificate_file} (certificate, {what})"))

    offload = set()
    if pool is not None:
        images = [k for k, j in enumerate(jobs) if not looks_like_pdf(j[2])]
        if len(images) >= IMAGE_JOBS_FOR_POOL:
            offload = set(images)
    futures = {k: pool.submit(normalize_to_file, jobs[k][2], jobs[k][3], jobs[k][4], tmpdir) for k in offload}

    results: list = [None] * len(jobs)
    total = len(jobs)
    done = 0
    for k, (i, role, path, password, name) in enumerate(jobs):
        if k in offload:
            continue
        try:
            results[k] = normalize(path, password=password, display_name=name)
        except PacketgenError as exc:
            results[k] = exc
        done += 1
        say(f"evidence: {done}/{total} files")
    if not any(isinstance(r, PacketgenError) for r in results):
        meanwhile()
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

    out = []
    for i, px in enumerate(plan.exhibits):
        ev = px.evidence
        docs = [r for (j, role, *_), r in zip(jobs, results) if j == i and role == "doc"]
        translation = [r for (j, role, *_), r in zip(jobs, results) if j == i and role == "translation"]
        for d in docs + translation:
            warnings += d.warnings
        certificate = None
        if ev.translation and not ev.translation.certificate_file and ev.translation.translator:
            tr = case.translator(ev.translation.translator)
            certificate = translator_certificate(
                translator_name=tr.name, translator_address=tr.address, translator_phone=tr.phone,
                source_language=language_name(ev.language), document_title=ev.title,
                exhibit_letter=px.letter, date=ev.translation.date)
        sep = separator_page(px.letter, ev.title, ev.shows, translation=ev.translation is not None)
        out.append(_Exhibit(px.letter, ev, sep, docs, translation, certificate))
    return out


def _exhibit_refs(plan, page_map=None) -> list:
    from packetgen.letter.render import ExhibitRef

    out = []
    for px, xp in zip(plan.exhibits, page_map.exhibits if page_map else [None] * len(plan.exhibits)):
        ev = px.evidence
        out.append(ExhibitRef(
            evidence_id=ev.id, letter=px.letter, title=ev.title, shows=ev.shows,
            first_page=xp.span.first if xp else None, last_page=xp.span.last if xp else None,
            translation_pages=(xp.translation.first, xp.translation.last) if xp and xp.translation else None))
    return out


def _form_sections(forms, page_map=None) -> list[dict]:
    return [{"title": f.title, "first_page": s.first if s else None, "last_page": s.last if s else None}
            for f, s in zip(forms, page_map.forms if page_map else [None] * len(forms))]


def _letter_first_pass(case: Case, plan, forms, *, date, templates_dir):
    """Pass one of the letter: page numbers unknown, to learn how long the letter is."""
    from packetgen.letter.render import render_letter

    return render_letter(case, _exhibit_refs(plan), _form_sections(forms), templates_dir=templates_dir, today=date)


def _worth_a_pool(case: Case, plan) -> bool:
    """Worker processes pay off only for several images (measured: none for the samples' 3-4 small photos)."""
    from packetgen.evidence.workers import IMAGE_JOBS_FOR_POOL, IMAGE_BYTES_FOR_POOL, looks_like_pdf

    paths = []
    for px in plan.exhibits:
        for rel in [px.evidence.file, *px.evidence.more_files]:
            p = Path(rel) if Path(rel).is_absolute() else case.base_dir / rel
            if p.is_file() and not looks_like_pdf(p):
                paths.append(p)
    return len(paths) >= IMAGE_JOBS_FOR_POOL and sum(p.stat().st_size for p in paths) >= IMAGE_BYTES_FOR_POOL


def _render_and_assemble(case: Case, plan, exhibits: list[_Exhibit], forms, first_pass, *, date, templates_dir, say,
                         draft: bool = False):
    import pikepdf

    from packetgen.packet.assemble import OutlineEntry, Part, assemble
    from packetgen.letter.render import render_letter
    from packetgen.packet.plan import paginate

    form_pages = [f.page_count for f in forms]
    parts_spec = [(x.letter, x.evidence.id,
                   [(str(i), d.page_count) for i, d in enumerate(x.docs)],
                   sum(d.page_count for d in x.translation) + (1 if x.certificate else 0))
                  for x in exhibits]

    page_map = None
    result = first_pass
    for _ in range(4):
        page_map = paginate(result.page_count, form_pages, parts_spec)
        result = render_letter(case, _exhibit_refs(plan, page_map), _form_sections(forms, page_map),
                               templates_dir=templates_dir, today=date)
        if result.page_count == page_map.letter.count:
            break
    else:  # pragma: no cover - would need a letter whose length oscillates
        from packetgen.errors import InternalError

        raise InternalError("the cover letter's length did not settle after 4 passes",
                            fix="report this with the case's letter template")

    say("assembling the packet")
    open_pdf = lambda data: pikepdf.Pdf.open(io.BytesIO(data))  # noqa: E731
    letter_pdf = open_pdf(result.pdf)
    parts = [Part(letter_pdf, "Cover letter and exhibit index")]
    for f in forms:
        parts.append(Part(open_pdf(f.pdf), f"Form {f.form_id}", on_form=True))
    for x in exhibits:
        sec = f"Exhibit {x.letter}"
        parts.append(Part(open_pdf(x.separator), sec))
        for d in x.docs:
            parts.append(Part(d.pdf, sec))
        for d in x.translation:
            parts.append(Part(d.pdf, f"{sec} (translation)"))
        if x.certificate:
            parts.append(Part(open_pdf(x.certificate), f"{sec} (translation)"))

    outline = [OutlineEntry("Cover letter and exhibit index", 0)]
    if forms:
        outline.append(OutlineEntry("Forms", page_map.forms[0].first - 1,
                                    [OutlineEntry(f.title, s.first - 1) for f, s in zip(forms, page_map.forms)]))
    if exhibits:
        kids = []
        for x, xp in zip(exhibits, page_map.exhibits):
            e = OutlineEntry(f"{x.letter}: {x.evidence.title}", xp.separator - 1)
            if xp.translation:
                e.children.append(OutlineEntry("Original", xp.original.first - 1))
                e.children.append(OutlineEntry("English translation and certificate", xp.translation.first - 1))
            kids.append(e)
        outline.append(OutlineEntry("Exhibits", page_map.exhibits[0].separator - 1, kids))
    targets = {xp.evidence_id: xp.separator - 1 for xp in page_map.exhibits}
    links = [(pg, rect, targets[eid]) for pg, rect, eid in result.links if eid in targets]

    packet = assemble(parts, case_name=case.case_name, outline=outline, links=links,
                      title=f"{case.case_name}: humanitarian parole request (Form I-131)", date=date,
                      draft=draft, progress=say)
    return packet, page_map, result


def _manifest(case: Case, plan, exhibits, forms, page_map, warnings, findings, packet_sha, packet_size, date, *,
              draft, flatten):
    from packetgen.packet.tocome import expected_path

    rel = lambda p: expected_path(p) or os.path.relpath(p, case.base_dir)  # noqa: E731
    ex = []
    for x, xp in zip(exhibits, page_map.exhibits):
        files = [{"path": rel(d.source), "sha256": d.sha256, "kind": d.kind, "pages": [s.first, s.last],
                  **({"to_come": True} if expected_path(d.source) else {})}
                 for d, (_, s) in zip(x.docs, xp.files)]
        entry = {"letter": x.letter, "evidence_id": x.evidence.id, "title": x.evidence.title,
                 "pages": [xp.span.first, xp.span.last], "separator_page": xp.separator,
                 "document_pages": [xp.original.first, xp.original.last], "files": files,
                 "language": x.evidence.language}
        if xp.translation:
            entry["translation"] = {
                "pages": [xp.translation.first, xp.translation.last],
                "files": [{"path": rel(d.source), "sha256": d.sha256} for d in x.translation],
                "certificate": "generated" if x.certificate else ("file" if len(x.translation) > 1 else None)}
        ex.append(entry)
    return {
        "generator": {"name": "packetgen", "version": __version__},
        "case": {"file": case.source.name if case.source else None,
                 "sha256": sha256_bytes(case.source.read_bytes()) if case.source else None,
                 "case_name": case.case_name},
        "date": date.isoformat(),
        "draft": draft,
        "flattened": flatten,
        "output": {"file": PACKET_NAME, "sha256": packet_sha, "pages": page_map.total, "bytes": packet_size},
        "sections": {
            "letter": [page_map.letter.first, page_map.letter.last],
            "forms": [{"form": f.form_id, "edition": f.edition, "official": f.official, "title": f.title,
                       "beneficiary": f.beneficiary_id, "supporter": f.supporter_id, "pages": [s.first, s.last],
                       "values": f.values, "overflow": f.overflow, "signatures": f.signatures}
                      for f, s in zip(forms, page_map.forms)],
            "exhibits": ex,
        },
        "warnings": warnings,
        "findings": [{"severity": f.severity, "code": f.code, "group": f.group, "message": f.message, "fix": f.fix,
                      "where": f.where} for f in findings],
    }
