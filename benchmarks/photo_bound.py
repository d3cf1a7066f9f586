#!/usr/bin/env python3
"""packetgen with another photo bound, for a what-if measurement only (never for a packet to file).

    python benchmarks/sizes.py --combined --sizes 1600,3200 -n 1 \\
        --packetgen "python benchmarks/photo_bound.py 600"

runs ``packetgen build ...`` with ``evidence.image.IMAGE_DPI`` set to the given dpi instead of 300, so photos up to
that density at page size are passed through instead of halved.  It answers one question for issue 16: how much
of the CPU gap to the img2pdf + qpdf baseline is the 300 dpi evidence policy.  See benchmarks/README.md.
"""

from __future__ import annotations

import runpy
import sys

if __name__ == "__main__":
    if len(sys.argv) < 2 or not sys.argv[1].isdigit():
        sys.exit("usage: photo_bound.py DPI packetgen-arguments...")
    import packetgen.evidence.image as image

    image.IMAGE_DPI = int(sys.argv[1])
    sys.argv = ["packetgen", *sys.argv[2:]]
    runpy.run_module("packetgen", run_name="__main__")
