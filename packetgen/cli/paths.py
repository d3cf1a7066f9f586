"""What a command's CASE or TARGET argument means: a case file, its folder, or ./case.json by default."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

CASE_NAMES = ("case.json", "case.yaml", "case.yml")


def case_file(arg: Optional[Path]) -> Path:
    """``None`` -> ./case.json (or case.yaml); a folder -> the case file in it; a file -> itself.

    A folder without a case file is returned as ``folder/case.json`` so that the loader's
    "case file not found" message names the file it looked for.
    """
    folder = Path(".") if arg is None else Path(arg)
    if arg is not None and not folder.is_dir():
        return folder
    for name in CASE_NAMES:
        if (folder / name).is_file():
            return folder / name
    return folder / CASE_NAMES[0]


def packet_target(arg: Optional[Path]) -> Path:
    """For ``verify``: a packet folder or packet.pdf as given; a case file or case folder -> its ``out/``."""
    p = Path(".") if arg is None else Path(arg)
    if p.is_file() and p.suffix.lower() in {".json", ".yaml", ".yml"} and p.name != "manifest.json":
        return p.parent / "out"
    if p.is_dir() and not (p / "packet.pdf").exists():
        if (p / "out" / "packet.pdf").exists() or any((p / n).is_file() for n in CASE_NAMES):
            return p / "out"
    return p
