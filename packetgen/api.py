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
from packetgen.case.model import Case
from packetgen.case.load import load_case
from packetgen.errors import ChecksFailed, EvidenceError
from packetgen.packet.output import (MANIFEST_NAME, CaseIdentity, OutputSet, check_overwrite, locked,
                                     prepare_outdir, recover_outdir, sha256_bytes)
from packetgen.packet.exhibits import (_all_file_problems, _evidence_jobs, _Exhibit, _normalize_exhibits,  # noqa: F401
                                       _relettered, _worth_a_pool, resolve_evidence_path)
from packetgen.packet.scratch import build_tempdir, clean_stale_tempdirs

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
class SetResult:
    """One stand-alone set written by a build: one beneficiary's request, or all of them combined."""
    number: int
    key: str                     # beneficiary id, or "all"
    beneficiary_ids: list[str]
    path: Path
    pages: int
    exhibits: int


@dataclass
class BuildResult:
    case: Case
    outdir: Path
    packet: Path                 # the first set's file (the only one for a single beneficiary)
    manifest: Path
    instructions: Optional[Path]
    pages: int
    exhibits: int
    warnings: list[str] = field(default_factory=list)
    findings: list = field(default_factory=list)
    standin_forms: list[str] = field(default_factory=list)
    seconds: float = 0.0
    sets: list[SetResult] = field(default_factory=list)

    @property
    def fileable(self):
        """Whether the packet may be filed, and why not (packet.preflight.Fileability)."""
        from packetgen.packet.preflight import fileability

        return fileability(self.findings, self.standin_forms)


def check(case_or_path, *, today: Optional[dt.date] = None, forms_dir: Optional[Path] = None,
          fileability: bool = True, files: bool = False, boxes: bool = False):
    """Load (if needed) and run the pre-flight checks; returns (case, findings).

    ``fileability``: also report why the set is NOT FOR FILING (stand-in forms, a draft letter, placeholders).
    ``files``: also open every evidence file with the reader ``build`` uses (``packetgen check`` does).
    ``boxes``: also plan the forms and report values that will not fit their box (``packetgen check`` does; a
    build reports the same from the forms it fills)."""
    from packetgen.case.checks import GROUPS, SEVERITIES, run_checks

    case = case_or_path if isinstance(case_or_path, Case) else load_case(case_or_path)
    findings = run_checks(case, today=today or today_for_checks())
    from packetgen.case.checks import _Out
    from packetgen.forms.checks import check_forms

    extra = _Out()
    check_forms(case, extra)          # what the forms need: unanswered sworn questions, scripts a form can't show
    if boxes:
        from packetgen.forms.checks import check_boxes

        check_boxes(case, extra, forms_dir=forms_dir)
    if files:
        from packetgen.packet.probe import evidence_file_findings

        extra += evidence_file_findings(case)
    if fileability:
        from packetgen.packet.preflight import fileability_findings

        extra += fileability_findings(case, findings + list(extra), forms_dir=forms_dir)
    if extra:
        order = {g: i for i, g in enumerate(GROUPS)}
        findings = sorted(findings + extra, key=lambda f: (order.get(f.group, len(order)),
                                                           SEVERITIES.index(f.severity)))
    return case, findings


def build(case_path, *, outdir: Optional[Path] = None, forms_dir: Optional[Path] = None,
          templates_dir: Optional[Path] = None, draft: bool = False, force: bool = False, flatten: bool = False,
          combined: bool = False, keep_links: bool = False, progress: Optional[Progress] = None) -> BuildResult:
    """Build the submission packet for one case: one stand-alone set per beneficiary (``combined``: one PDF
    for all of them); see the module docstring for the pipeline."""
    t0 = time.perf_counter()
    say = progress or (lambda msg: None)
    case = case_path if isinstance(case_path, Case) else load_case(case_path)
    date = build_date(case)
    from packetgen.facts import reset_used

    reset_used()                     # the manifest lists the rule facts this build looked up

    from packetgen.packet.preflight import AUTO_DRAFT_CODES

    _, findings = check(case, forms_dir=forms_dir)
    # Stand-in forms or a letter marked draft make the result a draft by themselves: the build goes on and
    # says why it is NOT FOR FILING (docs/errors.md, "Fileability"). Every other error stops it.
    errors = [f for f in findings if f.severity == "error" and f.code not in AUTO_DRAFT_CODES]
    if errors and not draft:
        stop = ChecksFailed(
            f"{case.source or 'case'}: the pre-flight check found {len(errors)} error"
            f"{'s' if len(errors) != 1 else ''}; the packet was not built",
            details=[f"{f.message} (fix: {f.fix})" for f in errors],
            fix="correct them, or build a draft anyway with --draft (not for filing)")
        stop.findings, stop.case = errors, case      # the CLI prints them as 'packetgen check' does
        raise stop

    outdir = Path(outdir) if outdir else case.base_dir / "out"
    warnings: list[str] = prepare_outdir(outdir)

    from packetgen.packet.plan import plan_packet, plan_sets

    plan = plan_packet(case)
    sets = plan_sets(case, plan, combined=combined)
    check_overwrite(outdir, force=force, names=[st.file_name for st in sets],   # fail fast, before the long work
                    identity=CaseIdentity.of(case))

    from packetgen.forms.companion import fill_companion_forms
    from packetgen.forms.fill import fill_case_forms

    # Normalized photos from worker processes live in tmpdir until the packet is saved (0700, then removed).
    clean_stale_tempdirs()   # left by builds that were killed (marked folders of dead processes only)
    with build_tempdir() as tmpdir:
        if draft:   # evidence not yet received: a "DOCUMENT TO COME" page stands in (packet/tocome.py)
            from packetgen.packet.tocome import with_placeholders

            case, to_come = with_placeholders(case, Path(tmpdir))
            if to_come:
                plan = plan_packet(case)
                sets = plan_sets(case, plan, combined=combined)
        forms: list = []
        first_pass: list = []

        def meanwhile(estimate: dict) -> None:
            # Work that needs no more than the evidence's page counts known so far, done while workers
            # normalize the photos.
            say("filling forms")
            # I-131 Part 8 Item 1 ends with a reference to the letter and to the exhibits of the beneficiary's set
            spans = {b: _exhibit_span(st) for st in sets for b in st.beneficiary_ids}
            forms.extend(fill_case_forms(case, forms_dir=forms_dir, flatten=flatten, exhibits_text=spans))
            for b in case.beneficiaries:      # payment, G-1145 and G-28: one each per beneficiary's set
                forms.extend(fill_companion_forms(case, b, forms_dir=forms_dir, flatten=flatten))
            say("writing the cover letter")
            error = 0.0       # how far the guess was off for the sets laid out so far (the case's own style)
            from packetgen.letter import lengths

            last_build = lengths.recall(case, [st.key for st in sets], templates_dir, draft=draft)   # a rebuild
            for st in sets:
                model = _letter_pages_model(st)
                guess = last_build.get(st.key) or max(1, round(model + error))
                first_pass.append(_letter_first_pass(case, st, _set_forms(forms, st), estimate, guess, date=date,
                                                     templates_dir=templates_dir))
                error = first_pass[-1].result.page_count - model

        try:
            exhibits = _normalize_exhibits(case, plan, say, warnings, tmpdir=tmpdir, meanwhile=meanwhile,
                                           keep_links=keep_links)
        except EvidenceError as exc:
            raise _all_file_problems(case, exc) from exc
        return _finish(case, sets, exhibits, forms, first_pass, findings, warnings, date=date, outdir=outdir,
                       templates_dir=templates_dir, draft=draft, force=force, flatten=flatten, say=say, t0=t0,
                       workdir=tmpdir, keep_links=keep_links)


def _exhibit_span(st) -> str:
    """'Exhibits A\u2013O' (or 'Exhibit A'; '' without exhibits): the exhibits of one set, lettered in order."""
    letters = [px.letter for px in st.plan.exhibits]
    if not letters:
        return ""
    return f"Exhibit {letters[0]}" if len(letters) == 1 else f"Exhibits {letters[0]}\u2013{letters[-1]}"


@dataclass
class _BuiltSet:
    plan: object                     # SetPlan
    forms: list
    exhibits: list                   # _Exhibit, lettered within the set
    pdf: object                      # the assembled pikepdf.Pdf
    page_map: object
    letter: object                   # LetterResult

    @property
    def letter_signature(self) -> list[int]:
        """Packet pages of the letter's signature line (for the instructions and the manifest)."""
        return [self.page_map.letter.first + p - 1 for p in self.letter.signature_pages]


def _finish(case, sets, exhibits, forms, first_pass, findings, warnings, *, date, outdir, templates_dir, draft, force,
            flatten, say, t0, workdir, keep_links: bool = False) -> BuildResult:
    """Letters, assembly and writing, once evidence and forms are ready."""
    from packetgen.packet.preflight import AUTO_DRAFT_CODES, fileability

    standins = sorted({f.form_id for f in forms if not f.official})
    for f in forms:
        warnings += f.warnings
    if standins:
        warnings.append(
            f"{', '.join(standins)}: no official PDF installed; filled a generated STAND-IN marked "
            "'NOT FOR FILING' on every page (install the official form: packetgen forms add FILE)")

    # 3. Per set: its letter, paginated in two passes until its own length is stable, and its pages.
    by_id = {x.evidence.id: x for x in exhibits}
    built: list[_BuiltSet] = []
    for st, fp in zip(sets, first_pass):
        set_forms = _set_forms(forms, st)
        set_exhibits = [_relettered(case, by_id[px.id], px.letter) for px in st.plan.exhibits]
        if len(sets) > 1:
            say(f"set {st.number} of {len(sets)}")
        pdf, page_map, letter_result = _render_and_assemble(
            case, st, set_exhibits, set_forms, fp, date=date, templates_dir=templates_dir, say=say, workdir=workdir,
            draft=draft and any(f.severity == "error" and f.code not in AUTO_DRAFT_CODES for f in findings))
        warnings += [w for w in letter_result.warnings if w not in warnings]
        built.append(_BuiltSet(st, set_forms, set_exhibits, pdf, page_map, letter_result))

    # 4. Filing instructions (separate; not part of the submission).
    from packetgen.packet.instructions import other_signatures, render_filing_instructions

    signatures = []
    for b in built:
        for f, span in zip(b.forms, b.page_map.forms):
            for s in f.signatures:
                signatures.append({**s, "form": f.form_id, "title": f.title, "set": b.plan.number,
                                   "file": b.plan.file_name, "packet_page": span.first + s["page"] - 1})
        # additional-information sheets that carry answers, and the translator's certificates packetgen draws
        signatures += [{**s, "set": b.plan.number, "file": b.plan.file_name}
                       for s in other_signatures(case, b.forms, b.exhibits, b.page_map)]
    set_rows = [{"number": b.plan.number, "file": b.plan.file_name, "beneficiaries": b.plan.beneficiary_ids,
                 "pages": b.page_map.total, "forms": [f.form_id for f in b.forms],
                 "letter": (b.page_map.letter.first, b.page_map.letter.last),
                 "letter_signature": b.letter_signature,
                 "i131_first": [s.first for f, s in zip(b.forms, b.page_map.forms) if f.form_id == "I-131"]}
                for b in built]
    state = fileability(findings, standins)
    instructions = render_filing_instructions(case, signatures, today=date, sets=set_rows,
                                              not_for_filing="" if state.for_filing else state.line)

    import json

    from packetgen.packet.assemble import save_packet

    # All outputs become visible together, the manifest last (packetgen/packet/output.py, OutputSet).
    written = []
    with locked(outdir), OutputSet(outdir, identity=CaseIdentity.of(case), force=force) as out:
        warnings += recover_outdir(outdir)
        out.add(INSTRUCTIONS_NAME, instructions)
        for b in built:
            say(f"writing {b.plan.file_name}")
            with out.file(b.plan.file_name) as pending:
                sha, size = save_packet(b.pdf, pending.fh, _document_id(case, b.plan, b.exhibits, b.forms,
                                                                       draft=draft, flatten=flatten,
                                                                       keep_links=keep_links))
                pending.sha256 = sha
            written.append((b, sha, size))
        manifest = _manifest(case, written, warnings, findings, date, draft=draft, flatten=flatten,
                             keep_links=keep_links)
        out.add(MANIFEST_NAME, (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode())
        out.commit()
    from packetgen.letter import lengths

    lengths.remember(case, {b.plan.key: b.letter.page_count for b in built}, templates_dir, draft=draft)
    total = sum(b.page_map.total for b in built)
    say(f"wrote {total} pages" + (f" in {len(built)} sets" if len(built) > 1 else ""))
    results = [SetResult(number=b.plan.number, key=b.plan.key, beneficiary_ids=list(b.plan.beneficiary_ids),
                         path=outdir / b.plan.file_name, pages=b.page_map.total, exhibits=len(b.exhibits))
               for b in built]
    return BuildResult(case=case, outdir=outdir, packet=results[0].path, manifest=outdir / MANIFEST_NAME,
                       instructions=outdir / INSTRUCTIONS_NAME, pages=total, exhibits=len(exhibits),
                       warnings=warnings, findings=findings, standin_forms=standins,
                       seconds=time.perf_counter() - t0, sets=results)


# Where each form goes in a set comes from the field maps: a companion form's ``companion.order`` (1 payment,
# 2 G-1145, 4 G-28; 3 is the cover letter); the I-131 and I-134 (order 0) follow, in the order they were filled.
LETTER_ORDER = 3
MAIN_FORMS_ORDER = 5


def _rank(f) -> int:
    return f.order or MAIN_FORMS_ORDER


def _set_forms(forms, st) -> list:
    """The forms of one set, in mailing order (stable within a rank: case-file order)."""
    mine = [f for f in forms if f.beneficiary_id is None or f.beneficiary_id in st.beneficiary_ids]
    return sorted(mine, key=_rank)


def _forms_before_letter(forms) -> int:
    return sum(1 for f in forms if _rank(f) < LETTER_ORDER)


def _document_id(case: Case, st, exhibits: list[_Exhibit], forms, *, draft: bool, flatten: bool,
                 keep_links: bool = False) -> bytes:
    """The PDF document ID: a hash of everything that went in (same inputs, same ID, same bytes)."""
    import hashlib

    h = hashlib.sha256(f"packetgen {__version__} draft={draft} flatten={flatten}\n".encode())
    if st.file_name != "packet.pdf":
        h.update(f"set {st.number} {st.key}\n".encode())
    if keep_links:
        h.update(b"keep_links\n")
    if case.source:
        h.update(case.source.read_bytes())
    for x in exhibits:
        for d in [*x.docs, *x.translation]:
            h.update(d.sha256.encode())
    for f in forms:
        h.update(f"{f.form_id} {f.edition} {f.official}\n".encode())
    return h.digest()[:16]


def _exhibit_refs(plan, page_map=None) -> list:
    from packetgen.letter.render import ExhibitRef

    out = []
    for px, xp in zip(plan.exhibits, page_map.exhibits if page_map else [None] * len(plan.exhibits)):
        ev = px.evidence
        out.append(ExhibitRef(
            evidence_id=ev.id, letter=px.letter, title=ev.title, shows=ev.shows,
            first_page=xp.original.first if xp else None, last_page=xp.span.last if xp else None,
            translation_pages=(xp.translation.first, xp.translation.last) if xp and xp.translation else None,
            translation_text=((xp.translation_text.first, xp.translation_text.last)
                              if xp and xp.translation else None)))
    return out


def _form_sections(forms, page_map=None) -> list[dict]:
    return [{"title": f.title, "first_page": s.first if s else None, "last_page": s.last if s else None}
            for f, s in zip(forms, page_map.forms if page_map else [None] * len(forms))]


def _letter_pages_model(st) -> float:
    """How long a set's letter will be, guessed before it is laid out: three and a half pages of argument, plus
    the exhibit list and index, which grow with the number of exhibits and the length of their titles and
    descriptions.  Fitted by least squares over the samples and generated cases of 24 to 204 exhibits (5 to 25
    pages).  Measured 2026-12-06 on the three samples and six generated cases of 9 to 404 exhibits (5 to 44
    pages): within 1.25 pages everywhere, and rounded right for 4 of the 9 (the argument's own length, which it
    does not see, varies by a page).  A rebuild does not need it: ``letter.lengths`` remembers the real length."""
    exhibits = [px.evidence for px in st.plan.exhibits]
    chars = sum(len(e.title or "") + len(e.shows or "") for e in exhibits)
    return 3.55 + 0.0444 * len(exhibits) + 0.00081 * chars


def _letter_first_pass(case: Case, st, forms, estimate: dict, letter_pages: int, *, date, templates_dir):
    """Pass one of a set's letter, to learn how long it is, with the page numbers it will most likely have.

    The numbers come from the page counts known so far (``estimate``; a photo still being normalized counts as
    one page) and a guess of the letter's own length.  The layout depends only on how many digits each number
    has (the letter's figures are all one width), so pass two, with the real numbers, comes out as long as
    this pass unless a number crossed a power of ten: two passes, whatever the size of the packet (issue 16).
    A placeholder such as "pp. 00–00" would not do: in a packet of thousands of pages every number is wider,
    the index rows wrap differently, and a third pass was needed.
    """
    from packetgen.letter.render import render_letter
    from packetgen.packet.plan import ExhibitParts, paginate

    parts = []
    for px in st.plan.exhibits:
        docs, tr, cert = estimate.get(px.evidence.id, ([1], 0, 0))
        parts.append(ExhibitParts(px.letter, px.evidence.id, [(str(i), n) for i, n in enumerate(docs)], tr, cert))
    page_map = paginate(letter_pages, [f.page_count for f in forms], parts,
                        forms_before_letter=_forms_before_letter(forms))
    result = render_letter(case, _exhibit_refs(st.plan, page_map), _form_sections(forms, page_map),
                           templates_dir=templates_dir, today=date, **_letter_focus(case, st))
    return _FirstPass(result, page_map)


@dataclass
class _FirstPass:
    result: object          # LetterResult
    page_map: object        # the PageMap its page numbers came from


def _letter_focus(case: Case, st) -> dict:
    """A set's letter is for its beneficiary and names the requests mailed with it; a combined one is for all."""
    if st.key == "all" or len(case.beneficiaries) == 1:
        return {}
    others = [b for b in case.beneficiaries if b.id not in st.beneficiary_ids]
    return {"for_beneficiary": st.key,
            "related_requests": [f"the request for {b.name.full}" for b in others]}


def _render_and_assemble(case: Case, st, exhibits: list[_Exhibit], forms, first_pass, *, date, templates_dir, say,
                         workdir, draft: bool = False):
    """One set: its letter paginated until stable, then merged, stamped, outlined and linked."""

    from packetgen.packet.assemble import OutlineEntry, Part, assemble, form_part_file, part_file
    from packetgen.letter.render import render_letter
    from packetgen.packet.plan import ExhibitParts, paginate

    plan = st.plan
    form_pages = [f.page_count for f in forms]
    front = _forms_before_letter(forms)
    parts_spec = [ExhibitParts(x.letter, x.evidence.id, [(str(i), d.page_count) for i, d in enumerate(x.docs)],
                               sum(d.page_count for d in x.translation) + (1 if x.certificate else 0),
                               sum(d.page_count for d in x.translation[1:]) + (1 if x.certificate else 0))
                  for x in exhibits]

    result = first_pass.result
    page_map = paginate(result.page_count, form_pages, parts_spec, forms_before_letter=front)
    # The first pass is the letter itself when it was laid out with the very page numbers it gets (its length
    # was guessed right and every photo became one page): the same input gives the same letter.
    if page_map != first_pass.page_map:
        for _ in range(4):
            result = render_letter(case, _exhibit_refs(plan, page_map), _form_sections(forms, page_map),
                                   **_letter_focus(case, st), templates_dir=templates_dir, today=date)
            if result.page_count == page_map.letter.count:
                break
            page_map = paginate(result.page_count, form_pages, parts_spec, forms_before_letter=front)
        else:  # pragma: no cover - would need a letter whose length oscillates
            from packetgen.errors import InternalError

            raise InternalError("the cover letter's length did not settle after 4 passes",
                                fix="report this with the case's letter template")

    say("assembling the packet")

    # Each part carries the page count the page map was made with (a separator or certificate is one page).
    def drawn(data: bytes, pages: int, section: str) -> Part:
        return Part(part_file(workdir, data), pages, section)

    def evidence(d, section: str) -> Part:
        if d.file is None:          # normalized without a temporary folder (not a build)
            buf = io.BytesIO()
            d.pdf.save(buf)
            return drawn(buf.getvalue(), d.page_count, section)
        return Part(d.file, d.page_count, section)

    form_parts = [Part(form_part_file(workdir, f.doc), f.page_count, f"Form {f.form_id}", on_form=True)
                  for f in forms]
    parts = form_parts[:front] + [drawn(result.pdf, result.page_count, "Cover letter and exhibit index")] \
        + form_parts[front:]
    for x in exhibits:
        sec = f"Exhibit {x.letter}"
        parts.append(drawn(x.separator, 1, sec))
        for d in x.docs:
            parts.append(evidence(d, sec))
        for d in x.translation:
            parts.append(evidence(d, f"{sec} (translation)"))
        if x.certificate:
            parts.append(drawn(x.certificate, 1, f"{sec} (translation)"))

    form_entries = [OutlineEntry(f.title, s.first - 1) for f, s in zip(forms, page_map.forms)]
    outline = [OutlineEntry(e.title, e.page) for e in form_entries[:front]]
    outline.append(OutlineEntry("Cover letter and exhibit index", page_map.letter.first - 1))
    if forms[front:]:
        outline.append(OutlineEntry("Forms", page_map.forms[front].first - 1, form_entries[front:]))
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
    offset = page_map.letter.first - 1          # letter links are relative to the letter's own pages
    links = [(pg + offset, rect, targets[eid]) for pg, rect, eid in result.links if eid in targets]

    packet = assemble(parts, case_name=case.case_name, outline=outline, links=links,
                      title=f"{case.case_name}: humanitarian parole request (Form I-131)", date=date,
                      draft=draft, progress=say)
    return packet, page_map, result


def _manifest(case: Case, written, warnings, findings, date, *, draft, flatten, keep_links=False):
    """manifest.json: what was built, set by set, with every page range, file hash and filled value."""
    from packetgen.packet.tocome import expected_path

    rel = lambda p: expected_path(p) or os.path.relpath(p, case.base_dir)  # noqa: E731
    sets = []
    for b, sha, size in written:
        page_map = b.page_map
        ex = []
        for x, xp in zip(b.exhibits, page_map.exhibits):
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
        sets.append({
            "number": b.plan.number,
            "key": b.plan.key,
            "beneficiaries": list(b.plan.beneficiary_ids),
            "output": {"file": b.plan.file_name, "sha256": sha, "pages": page_map.total, "bytes": size},
            "sections": {
                "letter": [page_map.letter.first, page_map.letter.last],
                "letter_signature": b.letter_signature,
                "forms": [{"form": f.form_id, "edition": f.edition, "official": f.official, "title": f.title,
                           "beneficiary": f.beneficiary_id, "supporter": f.supporter_id, "pages": [s.first, s.last],
                           "values": f.values, "overflow": f.overflow, "signatures": f.signatures,
                           **({"unanswered": f.unanswered} if f.unanswered else {})}
                          for f, s in zip(b.forms, page_map.forms)],
                "exhibits": ex,
            },
        })
    return {
        "generator": {"name": "packetgen", "version": __version__},
        "case": {"file": case.source.name if case.source else None,
                 "sha256": sha256_bytes(case.source.read_bytes()) if case.source else None,
                 "case_name": case.case_name},
        "date": date.isoformat(),
        "draft": draft,
        "flattened": flatten,
        "external_links": "kept" if keep_links else "removed",
        "sets": sets,
        "warnings": warnings,
        "findings": [{"severity": f.severity, "code": f.code, "group": f.group, "message": f.message, "fix": f.fix,
                      "where": f.where} for f in findings],
        "fileable": _fileable(findings, [f for b, _, _ in written for f in b.forms]),
        "rules": _rules_used(),
    }


def _rules_used() -> dict:
    from packetgen.facts import rules_sources, used_facts

    return {"files": rules_sources(), "facts": used_facts()}


def _fileable(findings, forms) -> dict:
    from packetgen.packet.preflight import fileability

    return fileability(findings, [f.form_id for f in forms if not f.official]).as_json()
def letter_init(case_path, *, forms_dir: Optional[Path] = None, templates_dir: Optional[Path] = None,
                force: bool = False) -> Path:
    """Write the case's own editable letter (letter/letter.j2 beside the case file); see docs/walkthrough.md."""
    from packetgen.forms.fill import fill_case_forms
    from packetgen.letter.source import write_letter_source
    from packetgen.packet.plan import plan_packet

    case = case_path if isinstance(case_path, Case) else load_case(case_path)
    plan = plan_packet(case)
    forms = fill_case_forms(case, forms_dir=forms_dir, flatten=False)
    return write_letter_source(case, _exhibit_refs(plan), _form_sections(forms), today=build_date(case),
                               templates_dir=templates_dir, force=force)
