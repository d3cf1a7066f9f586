"""Drafts with documents to come: in a --draft build, each evidence file that has not arrived yet is replaced
by a page saying "DOCUMENT TO COME", what the document must show, and where it belongs.

The exhibit's title gets " (DOCUMENT TO COME)", so the index, the separator sheet, the bookmarks and the
preview all say so; the manifest records the expected path with ``"to_come": true``.  Never for filing:
a missing file is a check error, so every page of such a draft carries the DRAFT mark.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

TO_COME = "DOCUMENT TO COME"
TITLE_MARK = f" ({TO_COME})"

# placeholder file (resolved, as text) -> the path the case file expects; read by api._manifest
_EXPECTED: dict[str, str] = {}


@dataclass(frozen=True)
class DocumentToCome:
    evidence_id: str
    file: str                 # as written in the case file
    placeholder: Path


def _missing(case, rel: str) -> bool:
    p = Path(rel)
    if not p.is_absolute():
        p = case.base_dir / p
    return not p.exists()


def placeholder_page(*, title: str, shows: Optional[str], expected: str, evidence_id: str) -> bytes:
    """One Letter page: DOCUMENT TO COME, the document's title, what it must show, where it goes."""
    from reportlab.lib.pagesizes import letter as LETTER_SIZE
    from reportlab.pdfgen import canvas

    from packetgen.packet.pages import _Ink

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=LETTER_SIZE, invariant=1, pageCompression=1)
    c.setTitle(f"{TO_COME}: {title}")
    w, h = LETTER_SIZE
    ink = _Ink(c, title, shows, expected)
    c.setLineWidth(3)
    c.setDash(9, 6)
    c.rect(54, 90, w - 108, h - 160)
    ink.font(30, bold=True)
    ink.centred(w / 2, h * 0.72, TO_COME)
    ink.font(15, bold=True)
    y = h * 0.64
    for line in ink.wrap(title, 60, w - 150) or [""]:
        ink.centred(w / 2, y, line)
        y -= 20
    ink.font(11)
    y -= 14
    if shows:
        ink.centred(w / 2, y, "What it must show:")
        y -= 16
        for line in ink.wrap(shows, 80, w - 150)[:10]:
            ink.centred(w / 2, y, line)
            y -= 15
    y -= 14
    for line in ink.wrap(f"Expected file: {expected} (evidence '{evidence_id}')", 90, w - 150):
        ink.centred(w / 2, y, line)
        y -= 15
    ink.font(10, bold=True)
    ink.centred(w / 2, 120, "This page stands in for a document that has not arrived. DRAFT: NOT FOR FILING.")
    c.showPage()
    c.save()
    return buf.getvalue()


def with_placeholders(case, folder: Path):
    """A copy of ``case`` whose missing evidence files point at placeholder pages written to ``folder``.

    Returns (case, documents to come).  The original case is not changed.
    """
    copy = case.model_copy(deep=True)
    copy._source = case._source
    to_come: list[DocumentToCome] = []
    for ev in copy.evidence:
        def stand_in(rel: str, shows: Optional[str]) -> str:
            if not _missing(case, rel):
                return rel
            name = hashlib.sha256(f"{ev.id}\n{rel}".encode()).hexdigest()[:12]
            target = Path(folder) / f"to-come-{name}.pdf"
            target.write_bytes(placeholder_page(title=ev.title, shows=shows, expected=rel, evidence_id=ev.id))
            _EXPECTED[str(target.resolve())] = rel
            to_come.append(DocumentToCome(ev.id, rel, target))
            return str(target.resolve())

        before = len(to_come)
        ev.file = stand_in(ev.file, ev.shows)
        ev.more_files = [stand_in(f, ev.shows) for f in ev.more_files]
        if ev.translation:
            ev.translation.file = stand_in(ev.translation.file, f"The English translation of {ev.title}.")
            if ev.translation.certificate_file:
                ev.translation.certificate_file = stand_in(ev.translation.certificate_file,
                                                           "The translator's signed certificate.")
        if len(to_come) > before and not ev.title.endswith(TITLE_MARK):
            ev.title = ev.title + TITLE_MARK
    return copy, to_come


def expected_path(path) -> Optional[str]:
    """For the manifest: the case file's path of a placeholder, or None for a real file."""
    return _EXPECTED.get(str(Path(path).resolve()))
