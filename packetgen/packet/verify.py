"""``packetgen verify``: prove a built packet is what its manifest says, with an independent reader.

The packet is written with pikepdf (qpdf); this check reads it back with pypdf,
a second, independent PDF implementation, so a bug in the writer cannot hide
itself.  It is what a careful paralegal does before printing 80 pages, done in
a second:

* the packet's SHA-256 is the one in manifest.json (nothing edited since);
* the page count, and every page is US Letter (612 x 792 pt);
* every form value the manifest lists reads back from the packet's fields
  (unless the packet was built with --flatten);
* each exhibit's separator sheet is where the manifest (and so the exhibit index)
  says, and each page stamp names the right packet page;
* the bookmarks lead to the pages the manifest gives;
* nothing active: no JavaScript, launch actions, embedded files or open actions;
* every stream within the evidence bounds (no decompression bomb) and decodable
  (``packetgen.evidence.bounds``, the check the build applies to each evidence file).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Optional
from pathlib import Path

from packetgen.errors import OutputError
from packetgen.packet.output import MANIFEST_NAME, manifest_sets, sha256_file


@dataclass
class Verification:
    packet: Path
    checked: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    manifest: dict = field(default_factory=dict, repr=False)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def fileable(self):
        """Fileability recorded in the manifest ('NOT FOR FILING: stand-in I-134'); packet.preflight."""
        from packetgen.packet.preflight import Fileability, from_manifest

        return from_manifest(self.manifest) if self.manifest else Fileability(["no manifest read"])


def _locate(target: Path) -> tuple[Optional[Path], Path]:
    """(the one set file named, or None for every set) and the folder's manifest."""
    target = Path(target)
    folder = target if target.is_dir() else target.parent
    packet = target if target.is_file() and target.suffix.lower() == ".pdf" else None
    manifest = folder / MANIFEST_NAME
    if not manifest.is_file():
        raise OutputError(f"{manifest}: no manifest here", fix="name a folder written by 'packetgen build' (or a packet PDF in it)")
    return packet, manifest


def verify_packet(target: Path) -> Verification:
    """Re-read every set the manifest lists (or the one PDF named) with pypdf and check it against the manifest."""
    only, manifest_path = _locate(target)
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        sets = manifest_sets(manifest)
        files = [manifest_path.parent / s["output"]["file"] for s in sets]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise OutputError(f"{manifest_path}: not a packetgen manifest ({exc})",
                          fix="rebuild the packet with 'packetgen build'")
    if only is not None:
        pairs = [(f, s) for f, s in zip(files, sets) if f.name == only.name]
        if not pairs:
            raise OutputError(f"{only}: not a packet the manifest beside it lists",
                              fix="name a packet PDF written by 'packetgen build', or its folder")
    else:
        pairs = list(zip(files, sets))
    v = Verification(pairs[0][0] if len(pairs) == 1 else manifest_path.parent)
    v.manifest = manifest if isinstance(manifest, dict) else {}
    for path, st in pairs:
        prefix = f"{path.name}: " if len(pairs) > 1 else ""
        if not path.is_file():
            v.problems.append(f"{path.name}: missing (the manifest lists it)")
            continue
        _verify_set(v, path, st, flattened=bool(manifest.get("flattened")), prefix=prefix)
    return v


def _verify_set(v: Verification, packet: Path, st: dict, *, flattened: bool, prefix: str) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    sections = st["sections"]
    expected_pages = st["output"]["pages"]
    checked = lambda msg: v.checked.append(prefix + msg)  # noqa: E731
    problem = lambda msg: v.problems.append(prefix + msg)  # noqa: E731

    if sha256_file(packet) != st["output"]["sha256"]:
        problem(f"{packet.name} differs from the one the manifest describes (edited or replaced after the build)")
    else:
        checked("SHA-256 matches the manifest")

    try:
        reader = PdfReader(packet)
        pages = reader.pages
        n = len(pages)
    except (PdfReadError, OSError, ValueError) as exc:
        problem(f"{packet.name} cannot be read by a second PDF library (pypdf: {exc})")
        return

    if n != expected_pages:
        problem(f"{n} pages, but the manifest lists {expected_pages}")
    else:
        checked(f"{n} pages, as listed")
    odd = [i + 1 for i, p in enumerate(pages) if [round(float(x)) for x in p.mediabox] != [0, 0, 612, 792]]
    if odd:
        problem(f"pages not US Letter: {_ranges(odd)}")
    else:
        checked("every page is US Letter (612 x 792 pt)")

    if not flattened:
        fields = reader.get_fields() or {}
        missing = []
        total = 0
        for form in sections.get("forms", []):
            for val in form.get("values", []):
                total += 1
                got = fields.get(val["field"], {}).get("/V")
                if str(got) != str(val["value"]):
                    missing.append(f"{form['title']}: Part {val.get('part')} Item {val.get('item')} "
                                   f"({val['field']}) reads back {got!r}, expected {val['value']!r}")
        if missing:
            for m in missing[:20] + ([f"... and {len(missing) - 20} more"] if len(missing) > 20 else []):
                problem(m)
        else:
            checked(f"all {total} form values read back")

    bad_sep = []
    for x in sections.get("exhibits", []):
        text = pages[x["separator_page"] - 1].extract_text() or ""
        if f"EXHIBIT {x['letter']}" not in text or f"Packet page {x['separator_page']} of {n}" not in text:
            bad_sep.append(f"Exhibit {x['letter']} (page {x['separator_page']})")
    if bad_sep:
        problem("separator sheet not where the index says: " + ", ".join(bad_sep))
    else:
        checked(f"{len(sections.get('exhibits', []))} exhibits start where the index says")

    expected_marks = {f"{x['letter']}: {x['title']}": x["separator_page"] for x in sections.get("exhibits", [])}
    found = {}

    def walk(items):
        for it in items:
            if isinstance(it, list):
                walk(it)
            else:
                try:
                    found[it.title] = reader.get_destination_page_number(it) + 1
                except Exception:  # a broken destination is a finding, not a crash
                    found[it.title] = None
    walk(reader.outline)
    wrong = [t for t, p in expected_marks.items() if found.get(t) != p]
    if wrong:
        problem("bookmarks lead elsewhere than the manifest: " + "; ".join(wrong[:5]))
    else:
        checked("exhibit bookmarks lead to their separator sheets")

    active = _active_content(reader)
    if active:
        problem("active content present: " + ", ".join(active))
    else:
        checked("no JavaScript, launch actions, open actions or embedded files")

    bounds = _stream_bounds(packet, exhibits=len(sections.get("exhibits", [])))
    if bounds:
        for b in bounds:
            problem(b)
    else:
        checked("every stream decodes, within the evidence bounds (docs/evidence.md)")


def _stream_bounds(packet: Path, exhibits: int) -> list[str]:
    """The evidence bounds, checked on the whole packet (the total bound once per exhibit, plus one)."""
    import pikepdf

    from packetgen.evidence.bounds import MAX_FILE_DECODED_BYTES, BoundExceeded, check_pages

    try:
        with pikepdf.open(packet) as pdf:
            check = check_pages(pdf.pages, repair=False, max_file_bytes=MAX_FILE_DECODED_BYTES * (exhibits + 1))
    except BoundExceeded as exc:
        return [f"page {exc.page}: {exc.text} (over the evidence bounds: a decompression bomb?)"]
    except pikepdf.PdfError as exc:
        return [f"{packet.name} cannot be read by qpdf ({str(exc)[:160]})"]
    return [f"page {d.page}: {d.what} cannot be decoded (damaged)" for d in check.damaged[:20]]


def _active_content(reader) -> list[str]:
    found = set()
    root = reader.trailer["/Root"]
    if "/OpenAction" in root:
        found.add("open action")
    names = root.get("/Names")
    if names is not None:
        names = names.get_object()
        if "/JavaScript" in names:
            found.add("document JavaScript")
        if "/EmbeddedFiles" in names:
            found.add("embedded files")
    for page in reader.pages:
        for a in page.get("/Annots", []) or []:
            a = a.get_object()
            act = a.get("/A")
            if act is not None:
                s = act.get_object().get("/S")
                if s in ("/JavaScript", "/Launch"):
                    found.add(f"{s[1:]} action")
            if a.get("/Subtype") == "/FileAttachment":
                found.add("file attachment")
    return sorted(found)


def _ranges(nums: list[int]) -> str:
    out, start = [], None
    for i, n in enumerate(nums):
        if start is None:
            start = n
        if i + 1 == len(nums) or nums[i + 1] != n + 1:
            out.append(f"{start}" if start == n else f"{start}-{n}")
            start = None
    return ", ".join(out)
