"""The three samples' outputs are byte-identical to the recorded hashes (tools/golden_samples.py).

A change that alters what packetgen writes must record the new hashes in the same commit
(``python tools/golden_samples.py --record``), so that no output changes by accident, for
example while modules are moved or split.
"""

from __future__ import annotations

import json

from .conftest import load_script


def _tool():
    return load_script("tools/golden_samples.py")


def test_sample_outputs_are_byte_identical_to_the_record():
    tool = _tool()
    recorded = json.loads(tool.RECORD.read_text(encoding="utf-8"))
    built = tool.build_hashes()
    assert {s: sorted(f) for s, f in built.items()} == {s: sorted(f) for s, f in recorded.items()}
    for sample, files in recorded.items():
        for name, digest in files.items():
            assert built[sample][name] == digest, (
                f"{sample}/{name} changed; if intended, run 'python tools/golden_samples.py --record' "
                "and say why in the commit")
