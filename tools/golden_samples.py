"""Build the three samples under fixed conditions and print (or record) the SHA-256 of every output.

    python tools/golden_samples.py            # print the hashes
    python tools/golden_samples.py --record   # write tests/golden/samples.sha256.json

Fixed conditions: SOURCE_DATE_EPOCH of 2026-12-02 (the tests' date), stand-in forms only (an empty forms
folder and a private XDG_DATA_HOME), each sample built in a separate process. ``tests/test_golden.py``
compares a build with the recorded hashes, so a change that alters a packet, manifest or instructions byte
is a deliberate one: record again in the same commit and say why in its message.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RECORD = REPO / "tests" / "golden" / "samples.sha256.json"
SAMPLES = ("child-surgery", "dying-parent", "trial-witness")
EPOCH = "1796169600"  # 2026-12-02, as tests/conftest.py pins it


def build_hashes() -> dict[str, dict[str, str]]:
    result: dict[str, dict[str, str]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        (tmp_path / "forms").mkdir()
        env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, XDG_DATA_HOME=str(tmp_path / "xdg"),
                   XDG_CONFIG_HOME=str(tmp_path / "config"),     # no firm rules override
                   PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        env.pop("PACKETGEN_FORMS_DIR", None)
        env.pop("PACKETGEN_RULES", None)
        for name in SAMPLES:
            out = tmp_path / name
            proc = subprocess.run([sys.executable, "-m", "packetgen", "build", "-q", str(REPO / "samples" / name / "case.json"),
                                   "-o", str(out), "--forms-dir", str(tmp_path / "forms")],
                                  env=env, capture_output=True, text=True)
            if proc.returncode != 0:
                raise SystemExit(f"{name}: build failed (exit {proc.returncode}):\n{proc.stderr}")
            result[name] = {f.name: hashlib.sha256(f.read_bytes()).hexdigest()
                            for f in sorted(out.iterdir()) if f.is_file() and not f.name.startswith(".")}
    return result


def main() -> None:
    hashes = build_hashes()
    text = json.dumps(hashes, indent=2) + "\n"
    if "--record" in sys.argv:
        RECORD.write_text(text, encoding="utf-8")
        print(f"recorded {RECORD.relative_to(REPO)}")
    else:
        print(text, end="")


if __name__ == "__main__":
    main()
