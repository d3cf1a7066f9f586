#!/usr/bin/env python3
"""Baseline step for HEIC photos: decode each with pillow_heif and write it as a JPEG (quality 90).

    python benchmarks/heic2jpeg.py OUTDIR A.heic B.heic ...     # writes OUTDIR/0001-A.jpg, OUTDIR/0002-B.jpg

img2pdf cannot read HEIC, and no PDF can hold HEVC, so any packet tool has to decode a HEIC photo and encode
it again.  ``sizes.py`` runs this as its own process, so its CPU time and memory (``os.wait4``) count in the
baseline, the same work packetgen does for a HEIC photo (decode, JPEG quality 90; packetgen also halves
photos over 300 dpi at page size, which this does not).  The JPEGs then go to img2pdf with the other photos.
The decoded image is upright (pillow_heif applies the HEIF's rotation), and its ICC profile is kept.
"""

from __future__ import annotations

import sys
from pathlib import Path


def out_name(i: int, src: Path) -> str:
    return f"{i + 1:04d}-{src.stem}.jpg"


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    import pillow_heif
    from PIL import Image

    pillow_heif.register_heif_opener()
    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    for i, name in enumerate(argv[1:]):
        src = Path(name)
        with Image.open(src) as im:
            icc = im.info.get("icc_profile")
            rgb = im.convert("RGB")
        kw = {"icc_profile": icc} if icc else {}
        rgb.save(out / out_name(i, src), "JPEG", quality=90, **kw)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
