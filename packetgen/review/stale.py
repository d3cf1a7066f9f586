"""Which packet a preview shows: the preview records the packet's SHA-256; a rebuild that changes the packet
marks an existing preview OUT OF DATE with a banner on its review page."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Optional

from packetgen.review.common import MARKER, PREVIEW_DIR, _write_text

RECORD = "preview.json"


def packet_hash(manifest: dict) -> Optional[str]:
    """What a preview shows, as one hash: the packet's SHA-256, or for several sets a hash of theirs."""
    import hashlib

    from packetgen.packet.output import manifest_sets

    try:
        shas = [st["output"]["sha256"] for st in manifest_sets(manifest)]
    except (KeyError, TypeError):
        return None
    return shas[0] if len(shas) == 1 else hashlib.sha256("\n".join(shas).encode()).hexdigest()


def record(outdir: Path, packet: Path, sha256: str) -> None:
    """Written into the preview folder (while it is being staged)."""
    _write_text(Path(outdir) / RECORD, json.dumps({"packet": packet.name, "packet_sha256": sha256}, indent=2) + "\n")


def shown_sha(preview_dir: Path) -> Optional[str]:
    try:
        return json.loads((Path(preview_dir) / RECORD).read_text(encoding="utf-8")).get("packet_sha256")
    except (OSError, ValueError, AttributeError):
        return None


def mark_if_stale(packet: Path, sha256: str, *, when: Optional[str] = None) -> Optional[Path]:
    """After a build: if ``packet``'s folder holds a preview of another build, put the banner on its review
    page.  Returns the preview folder when it is out of date, else None."""
    from packetgen.review.html import STALE_SLOT, stale_banner

    folder = Path(packet).parent / PREVIEW_DIR
    if not (folder / MARKER).is_file():
        return None
    if shown_sha(folder) == sha256:
        return None
    index = folder / "index.html"
    try:
        text = index.read_text(encoding="utf-8")
    except OSError:
        return folder
    when = when or dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    if STALE_SLOT in text:
        head, _, rest = text.partition(STALE_SLOT)
        if rest.startswith('<div class="banner standin">OUT OF DATE'):
            rest = rest[rest.index("</div>") + len("</div>"):]
        _write_text(index, head + stale_banner(when) + rest)
    return folder
