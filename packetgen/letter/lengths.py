"""How long each set's cover letter came out the last time this case was built, so a rebuild lays it out once.

The letter cites packet page numbers, and the packet's pages come after the letter, so the first layout needs
the letter's own length before it exists.  A fresh case gets a guess from its exhibits (``api._letter_pages_model``)
and a second layout when the guess is off; a rebuild of the same case file (the usual loop: edit, build, read)
starts from the length the last build found.  A stale or wrong value costs what a wrong guess costs, one more
layout; the packet is the same either way.

Stored in ``user_data_dir()/cache/letter-pages.json``: a hash of (packetgen version, case file path, templates
folder, set, draft or not) -> page count.  No name, text or path of the case is written.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Optional

from packetgen import __version__
from packetgen.resources import user_data_dir, write_cache_file

_FILE = "letter-pages.json"
_KEEP = 500                      # most recent entries kept


def _path() -> Path:
    return user_data_dir() / "cache" / _FILE


def _key(case, set_key: str, templates_dir, draft: bool) -> Optional[str]:
    if case.source is None:
        return None
    # a draft's documents to come change exhibit titles, so its letter is remembered apart from the final one
    raw = f"{__version__}\0{Path(case.source).resolve()}\0{templates_dir or ''}\0{set_key}\0{int(draft)}"
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _load() -> dict:
    try:
        data = json.loads(_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def recall(case, set_keys: list[str], templates_dir=None, *, draft: bool = False) -> dict[str, int]:
    """The page count each set's letter had in the last build of this case file (sets never built: absent)."""
    data = _load()
    out = {}
    for k in set_keys:
        v = data.get(_key(case, k, templates_dir, draft) or "")
        if isinstance(v, int) and v > 0:
            out[k] = v
    return out


def remember(case, pages: dict[str, int], templates_dir=None, *, draft: bool = False) -> None:
    """Record each set's final letter length (a read-only or missing cache folder is no error)."""
    keyed = {_key(case, k, templates_dir, draft): n for k, n in pages.items()}
    keyed.pop(None, None)
    if not keyed:
        return
    data = _load()
    if all(data.get(k) == n for k, n in keyed.items()):
        return
    for k in keyed:
        data.pop(k, None)               # re-inserted last: the oldest entries are dropped first
    data.update(keyed)
    if len(data) > _KEEP:
        data = dict(list(data.items())[-_KEEP:])
    write_cache_file(_path(), json.dumps(data, separators=(",", ":")).encode("utf-8"))
