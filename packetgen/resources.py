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
