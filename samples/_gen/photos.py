"""Ready-made phone photos: passport booklets and visa refusal sheets."""

from __future__ import annotations

from pathlib import Path
from typing import Optional, Sequence

from reportlab.lib.pagesizes import LETTER

from .forms import draw_refusal
from .passport import PassportData, booklet_size, draw_booklet
from .photo import check_upright, phone_photo, render, save_jpeg


def passport_photo(path: Path, p: PassportData, seed: str, angle: float = -2.5, background: str = "wood",
                   orientation: Optional[int] = None, size=(1500, 2000), scale: float = 0.78) -> None:
    """An open passport lying on a table, photographed from above (portrait frame)."""
    W, H = booklet_size()
    doc = render(lambda c, w, h: draw_booklet(c, w, h, p), (W, H), int(size[0] * scale))
    img = phone_photo([(doc, (0.5, 0.52), angle)], size, seed, background=background)
    save_jpeg(img, path, orientation=orientation)
    check_upright(path, size)


def refusal_photo(path: Path, sheets: Sequence[dict], seed: str, size=(1500, 2000),
                  placements: Sequence[tuple[tuple[float, float], float]] = (((0.5, 0.5), 1.8),),
                  scale: float = 0.84, background: str = "laminate", orientation: Optional[int] = None) -> None:
    """One or more refusal sheets on a table.  ``sheets`` are keyword arguments for draw_refusal."""
    docs = []
    for s, (center, angle) in zip(sheets, placements):
        img = render(lambda c, w, h, s=s: draw_refusal(c, w, h, **s), LETTER, int(size[0] * scale))
        docs.append((img, center, angle))
    photo = phone_photo(docs, size, seed, background=background, light=0.22)
    save_jpeg(photo, path, orientation=orientation)
    check_upright(path, size)
