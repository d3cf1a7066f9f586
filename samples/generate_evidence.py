#!/usr/bin/env python3
"""Generate the fictional evidence files of the sample cases into samples/<case>/evidence/.

    python samples/generate_evidence.py            # all samples
    python samples/generate_evidence.py dying-parent

Deterministic: fixed dates and seeds, reportlab with invariant=1, no timestamps; running it twice gives
byte-identical files (with the same versions of reportlab, Pillow and pdfium).  Every page and photo carries
a small "SAMPLE - FICTIONAL" mark: all people, institutions, numbers and letters are invented.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

CASES = {
    "child-surgery": "_gen.case_child",
    "dying-parent": "_gen.case_dying",
    "trial-witness": "_gen.case_witness",
}


def main(argv: list[str]) -> int:
    names = argv or list(CASES)
    unknown = [n for n in names if n not in CASES]
    if unknown:
        print(f"unknown sample(s): {', '.join(unknown)}; choose from {', '.join(CASES)}", file=sys.stderr)
        return 2
    for name in names:
        out = HERE / name / "evidence"
        out.mkdir(parents=True, exist_ok=True)
        importlib.import_module(CASES[name]).generate(out)
        files = sorted(p for p in out.iterdir() if p.is_file())
        total = sum(p.stat().st_size for p in files)
        print(f"{name}: {len(files)} files, {total / 1024:.0f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
