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
from pathlib import Path

from packetgen.errors import OutputError
from packetgen.packet.output import MANIFEST_NAME, PACKET_NAME, sha256_file


@dataclass
class Verification:
    packet: Path
    checked: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _locate(target: Path) -> tuple[Path, Path]:
    target = Path(target)
    folder = target if target.is_dir() else target.parent
    packet = target if target.is_file() and target.suffix.lower() == ".pdf" else folder / PACKET_NAME
    manifest = folder / MANIFEST_NAME
    for p, what in ((packet, "packet"), (manifest, "manifest")):
        if not p.is_file():
            raise OutputError(f"{p}: no {what} here", fix="name a folder written by 'packetgen build' (or its packet.pdf)")
    return packet, manifest


def verify_packet(target: Path) -> Verification:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    packet, manifest_path = _locate(target)
    v = Verification(packet)
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        sections = manifest["sections"]
        expected_pages = manifest["output"]["pages"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise OutputError(f"{manifest_path}: not a packetgen manifest ({exc})",
                          fix="rebuild the packet with 'packetgen build'")

    if sha256_file(packet) != manifest["output"]["sha256"]:
        v.problems.append("packet.pdf differs from the one the manifest describes (edited or replaced after the build)")
    else:
        v.checked.append("SHA-256 matches the manifest")

    try:
        reader = PdfReader(packet)
        pages = reader.pages
        n = len(pages)
    except (PdfReadError, OSError, ValueError) as exc:
        v.problems.append(f"packet.pdf cannot be read by a second PDF library (pypdf: {exc})")
        return v

    if n != expected_pages:
        v.problems.append(f"{n} pages, but the manifest lists {expected_pages}")
    else:
        v.checked.append(f"{n} pages, as listed")
    odd = [i + 1 for i, p in enumerate(pages) if [round(float(x)) for x in p.mediabox] != [0, 0, 612, 792]]
    if odd:
        v.problems.append(f"pages not US Letter: {_ranges(odd)}")
    else:
        v.checked.append("every page is US Letter (612 x 792 pt)")

    if not manifest.get("flattened"):
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
            v.problems += missing[:20] + ([f"... and {len(missing) - 20} more"] if len(missing) > 20 else [])
        else:
            v.checked.append(f"all {total} form values read back")

    bad_sep = []
    for x in sections.get("exhibits", []):
        text = pages[x["separator_page"] - 1].extract_text() or ""
        if f"EXHIBIT {x['letter']}" not in text or f"Packet page {x['separator_page']} of {n}" not in text:
            bad_sep.append(f"Exhibit {x['letter']} (page {x['separator_page']})")
    if bad_sep:
        v.problems.append("separator sheet not where the index says: " + ", ".join(bad_sep))
    else:
        v.checked.append(f"{len(sections.get('exhibits', []))} exhibits start where the index says")

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
        v.problems.append("bookmarks lead elsewhere than the manifest: " + "; ".join(wrong[:5]))
    else:
        v.checked.append("exhibit bookmarks lead to their separator sheets")

    active = _active_content(reader)
    if active:
        v.problems.append("active content present: " + ", ".join(active))
    else:
        v.checked.append("no JavaScript, launch actions, open actions or embedded files")

    bounds = _stream_bounds(packet, exhibits=len(sections.get("exhibits", [])))
    if bounds:
        v.problems += bounds
    else:
        v.checked.append("every stream decodes, within the evidence bounds (docs/evidence.md)")
    return v


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
        return [f"packet.pdf cannot be read by qpdf ({str(exc)[:160]})"]
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
