"""Where packetgen's own data lives, installed or in a source checkout.

The top-level ``forms/`` and ``templates/`` folders of the repository are installed
inside the package as ``packetgen/fieldmaps`` and ``packetgen/templates``
(see ``setup.cfg``); ``packetgen/data`` holds the dated rule facts and fonts.
"""

from __future__ import annotations

from pathlib import Path

_PKG = Path(__file__).resolve().parent


def _first(*candidates: Path) -> Path:
    for c in candidates:
        if c.is_dir():
            return c
    return candidates[0]


def formdefs_dir() -> Path:
    """Form definitions (field maps and metadata), one JSON file per form and edition."""
    return _first(_PKG / "fieldmaps", _PKG.parent / "forms")


def templates_dir() -> Path:
    """The built-in Jinja letter templates."""
    return _first(_PKG / "templates", _PKG.parent / "templates")


def data_dir() -> Path:
    """Rule facts (fees, editions, addresses) with dates and sources, and bundled fonts."""
    return _PKG / "data"


def user_data_dir() -> Path:
    """Per-user data folder (official forms installed by 'packetgen forms add/fetch')."""
    import os

    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "packetgen"


def write_cache_file(path: Path, data: bytes) -> None:
    """Write a cache file atomically (a reader never sees half of it); a read-only home folder is no error,
    only a slower next run."""
    import os
    import tempfile

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fdesc, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=path.suffix, dir=path.parent)
        try:
            with os.fdopen(fdesc, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
    except OSError:
        pass
