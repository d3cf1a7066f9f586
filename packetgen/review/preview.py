"""Preview a built packet: page images, contact sheets and an HTML review page.

``preview(target)`` takes a built packet (its folder, ``packet.pdf`` or
``manifest.json``) or a case file (built first with :func:`packetgen.api.build`
into its default folder) and writes a self-contained review folder::

    preview/
      index.html            the review page: exhibit index with thumbnails, pre-flight
                            findings with fixes, every form value filled, overflow
      contact-sheet-1.png   every page at a glance, sections framed in colour
      pages/page-001.png    each page at 100 dpi, with pages/page-001.html to page through
      thumbs/page-001.png   small images the review page shows

Everything is rendered with pypdfium2 and Pillow (no system packages); nothing
leaves the computer.  The folder is created 0700 and every file 0600: a packet
holds A-numbers, medical details and bank records.  The folder is built beside
its final place and swapped in when complete, so an interrupted preview never
leaves a mix of old and new pages; an existing folder is replaced only when it
is a packetgen preview (it holds ``.packetgen-preview``) or empty.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from packetgen.review.common import *  # noqa: F401,F403  (constants, sections, file writing)
from packetgen.review.common import _open_private, _save_png, _staging, _write_text  # noqa: F401
from packetgen.review.html import page_viewer_html, review_html  # noqa: F401
from packetgen.review.render import RenderedPage, contact_sheets, render_document, render_pages  # noqa: F401


# --------------------------------------------------------------------------- finding the packet

@dataclass
class Target:
    packet: Path
    manifest: Optional[dict]
    findings: Optional[list[dict]] = None    # with groups, when the case was built just now
    built: bool = False
    build_result: object = None


def set_views(manifest: Optional[dict]) -> list[dict]:
    """The manifest as one view per set (its ``output`` and ``sections`` at the top, as one packet's)."""
    if not manifest:
        return []
    if "sets" not in manifest:
        return [manifest]
    from packetgen.packet.output import manifest_sets

    base = {k: v for k, v in manifest.items() if k != "sets"}
    sets = [st for st in manifest_sets(manifest) if isinstance(st, dict)]
    return [{**base, "output": st.get("output") or {}, "sections": st.get("sections") or {},
             "set": {k: st.get(k) for k in ("number", "key", "beneficiaries")}, "set_count": len(sets)}
            for st in sets]


def _targets(folder: Path, manifest: Optional[dict], **kw) -> list[Target]:
    views = set_views(manifest)
    return [Target(folder / v["output"]["file"], v, **kw) for v in views if v.get("output", {}).get("file")]


def resolve_targets(target, *, forms_dir=None, draft: bool = False, build_progress=None) -> list[Target]:
    """Every set of the packet ``target`` names (one Target per set PDF); a named PDF gives its set only."""
    from packetgen.packet.output import MANIFEST_NAME

    target = Path(target)
    if target.is_dir():
        manifest = _read_manifest(target / MANIFEST_NAME)
        found = _targets(target, manifest) if manifest else []
        if found:
            return found
    elif target.suffix.lower() == ".pdf" and target.is_file():
        views = [t for t in _targets(target.parent, _read_manifest(target.parent / MANIFEST_NAME))
                 if t.packet.name == target.name]
        return views or [Target(target, None)]
    elif target.suffix.lower() == ".json" and target.is_file() and _is_manifest(target):
        return _targets(target.parent, _read_manifest(target)) or [resolve_target(target)]
    tgt = resolve_target(target, forms_dir=forms_dir, draft=draft, build_progress=build_progress)
    if tgt.built:
        return _targets(tgt.packet.parent, tgt.manifest, findings=tgt.findings, built=True,
                        build_result=tgt.build_result) or [tgt]
    return [tgt]


def _read_manifest(path: Path) -> Optional[dict]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise PreviewError(f"{path}: cannot read the manifest ({exc})",
                           fix="build the packet again with 'packetgen build'")
    return data if isinstance(data, dict) else None


def _is_manifest(path: Path) -> bool:
    try:
        head = path.read_text(encoding="utf-8", errors="replace")[:4096]
    except OSError:
        return False
    return '"generator"' in head and ('"sections"' in head or '"sets"' in head)


def findings_dicts(findings) -> list[dict]:
    """Findings objects (packetgen.case.checks) or manifest dicts as plain dicts with a group."""
    out = []
    for f in findings or []:
        if isinstance(f, dict):
            d = dict(f)
        else:
            d = {k: getattr(f, k, None) for k in ("severity", "code", "group", "message", "fix")}
        d.setdefault("group", None)
        out.append(d)
    return out


def resolve_target(target, *, forms_dir=None, draft: bool = False, build_progress=None) -> Target:
    """Find packet.pdf and its manifest, building the case first when ``target`` is a case file."""
    from packetgen.packet.output import MANIFEST_NAME, PACKET_NAME

    target = Path(target)
    if target.is_dir():
        if (target / PACKET_NAME).is_file():
            return Target(target / PACKET_NAME, _read_manifest(target / MANIFEST_NAME))
        for name in ("case.json", "case.yaml", "case.yml"):
            if (target / name).is_file():
                return _build(target / name, forms_dir=forms_dir, draft=draft, progress=build_progress)
        raise PreviewError(f"{target}: no packet.pdf or case file in this folder",
                           fix="name a built packet folder, a packet.pdf, or a case file")
    if not target.exists():
        raise PreviewError(f"{target}: not found", fix="check the path (a packet folder, packet.pdf or case.json)")
    suffix = target.suffix.lower()
    if suffix == ".pdf":
        return Target(target, _read_manifest(target.parent / MANIFEST_NAME))
    if suffix == ".json" and _is_manifest(target):
        return Target(target.parent / PACKET_NAME, _read_manifest(target))
    if suffix in {".json", ".yaml", ".yml"}:
        return _build(target, forms_dir=forms_dir, draft=draft, progress=build_progress)
    raise PreviewError(f"{target}: not a packet or case file", fix="name a packet.pdf, its folder, or a case.json")


def _build(case_path: Path, *, forms_dir, draft, progress) -> Target:
    from packetgen import api

    result = api.build(case_path, forms_dir=forms_dir, draft=draft, progress=progress)
    return Target(result.packet, _read_manifest(result.manifest), findings=findings_dicts(result.findings),
                  built=True, build_result=result)

# --------------------------------------------------------------------------- the whole preview

@dataclass
class PreviewResult:
    outdir: Path
    index: Path
    packet: Path
    pages: int
    page_images: list[Path]
    contact_sheets: list[Path]
    sections: list[Section]
    findings: list[dict]
    warnings: list[str]           # build warnings recorded in manifest.json
    unfinished_pages: list[int]   # pages still showing a "TODO:" placeholder
    built: bool
    seconds: float
    build_result: object = None


def _sha256(path: Path) -> str:
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _relative(target: Path, outdir: Path) -> str:
    import os

    return Path(os.path.relpath(Path(target).resolve(), Path(outdir).resolve())).as_posix()


def default_outdir(packet: Path) -> Path:
    return packet.parent / PREVIEW_DIR


def preview(target, *, outdir: Optional[Path] = None, forms_dir: Optional[Path] = None, draft: bool = False,
            build_progress=None, page_progress: Optional[PageProgress] = None, dpi: int = PAGE_DPI) -> PreviewResult:
    """Make the review folder for ``target`` (a packet folder, packet.pdf, manifest.json or case file)."""
    t0 = time.perf_counter()
    targets = resolve_targets(target, forms_dir=forms_dir, draft=draft, build_progress=build_progress)
    if len(targets) == 1:
        return _preview_one(targets[0], outdir=outdir, page_progress=page_progress, dpi=dpi, t0=t0)
    # One review folder per set (each set is a separate request), under one index that links them.
    outdir = Path(outdir) if outdir else default_outdir(targets[0].packet)
    with _staging(outdir) as tmp:
        results = [_preview_one(t, outdir=tmp / f"set-{i}", page_progress=page_progress, dpi=dpi, t0=t0)
                   for i, t in enumerate(targets, 1)]
        _write_text(tmp / "index.html", sets_index_html(targets, results))
        from packetgen.review import stale

        whole = _read_manifest(targets[0].packet.parent / "manifest.json") or {}
        stale.record(tmp, targets[0].packet, stale.packet_hash(whole) or "")
    moved = lambda p: outdir / Path(p).relative_to(tmp)  # noqa: E731
    first = results[0]
    return PreviewResult(outdir=outdir, index=outdir / "index.html", packet=targets[0].packet,
                         pages=sum(r.pages for r in results),
                         page_images=[moved(p) for r in results for p in r.page_images],
                         contact_sheets=[moved(p) for r in results for p in r.contact_sheets],
                         sections=[s for r in results for s in r.sections], findings=first.findings,
                         warnings=first.warnings, unfinished_pages=[n for r in results for n in r.unfinished_pages],
                         built=first.built, seconds=time.perf_counter() - t0, build_result=first.build_result)


def sets_index_html(targets: list[Target], results: list) -> str:
    """The top page of a preview of several sets: one link per set's own review page."""
    rows, banners = [], []
    for i, (t, r) in enumerate(zip(targets, results), 1):
        if r.unfinished_pages:
            banners.append(f'<p style="color:#a00000;font-weight:bold">UNFINISHED: set {i} still shows init\'s '
                           f'"TODO:" placeholder text on page{"s" if len(r.unfinished_pages) > 1 else ""} '
                           f'{", ".join(str(n) for n in r.unfinished_pages[:12])}</p>')
    errors = sum(1 for f in (results[0].findings if results else []) if f.get("severity") == "error")
    if errors:
        banners.append(f'<p style="color:#a00000;font-weight:bold">{errors} pre-flight error'
                       f'{"s" if errors != 1 else ""}: see each set\'s page. Not for filing.</p>')
    for i, (t, r) in enumerate(zip(targets, results), 1):
        ids = ", ".join((t.manifest or {}).get("set", {}).get("beneficiaries") or [])
        rows.append(f'<li><a href="set-{i}/index.html">Set {i}: {html.escape(t.packet.name)}</a> '
                    f'({r.pages} pages; beneficiary {html.escape(ids)})</li>')
    from packetgen.review.html import STALE_SLOT

    return ("<!doctype html><meta charset=utf-8><title>packetgen preview</title>" + STALE_SLOT +
            "<h1>One set per beneficiary</h1><p>Each set is a separate request with its own fee, letter, forms and "
            "exhibits; mail them as separate stacks in one envelope.</p>" + "".join(banners) + "<ul>" + "".join(rows)
            + '</ul><p><a id="instructions" href="../filing-instructions.pdf">Filing instructions</a>: which stack is '
              "which, who signs where, the fee, printing and mailing (not part of the submission).</p>\n")


def _preview_one(tgt: Target, *, outdir, page_progress, dpi, t0) -> PreviewResult:
    if not tgt.packet.is_file():
        raise PreviewError(f"{tgt.packet}: not found", fix="build the packet first: packetgen build CASE")
    manifest = tgt.manifest or {}
    findings = tgt.findings if tgt.findings is not None else findings_dicts(manifest.get("findings"))
    outdir = Path(outdir) if outdir else default_outdir(tgt.packet)
    title = (manifest.get("case") or {}).get("case_name") or tgt.packet.stem
    made = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    from packetgen.review import stale

    with _staging(outdir) as tmp:
        pages = render_pages(tgt.packet, tmp, dpi=dpi, progress=page_progress)
        stale.record(tmp, tgt.packet, (manifest.get("output") or {}).get("sha256") or _sha256(tgt.packet))
        instructions_pdf = tgt.packet.parent / "filing-instructions.pdf"
        instructions = render_document(instructions_pdf, tmp, "instructions") if instructions_pdf.is_file() else []
        sections = sections_from_manifest(manifest, len(pages))
        subtitle = f"{tgt.packet.name} · {len(pages)} pages"
        if manifest.get("date"):
            subtitle += f" · dated {manifest['date']}"
        if manifest.get("draft"):
            subtitle += " · DRAFT"
        sheets = contact_sheets(pages, sections, tmp, title=title, subtitle=subtitle)
        owner = page_owner(sections, len(pages))
        for p in pages:
            _write_text(tmp / "pages" / f"{p.stem}.html", page_viewer_html(pages, p, owner[p.number], title))
        _write_text(tmp / "index.html", review_html(manifest=manifest, sections=sections, pages=pages,
                                                     sheets=sheets, findings=findings, packet=tgt.packet,
                                                     title=title, made=made, instructions=instructions,
                                                     instructions_pdf=_relative(instructions_pdf, outdir)
                                                     if instructions else None))
    return PreviewResult(outdir=outdir, index=outdir / "index.html", packet=tgt.packet, pages=len(pages),
                         page_images=[outdir / p.png for p in pages], contact_sheets=[outdir / s for s in sheets],
                         sections=sections, findings=findings,
                         warnings=[w for w in manifest.get("warnings") or [] if isinstance(w, str)],
                         unfinished_pages=[p.number for p in pages if p.unfinished], built=tgt.built, seconds=time.perf_counter() - t0,
                         build_result=tgt.build_result)
