"""'packetgen letter init': write the case's own editable letter (``letter/letter.j2`` beside the case file), the
built-in letter flattened with the case's sentences in place and every citation a live call.  Workflow:
docs/walkthrough.md ("Editing the letter")."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from packetgen.errors import TemplateError
from packetgen.letter.source_mode import finish

HEADER = """{#- The cover letter of this case, made by 'packetgen letter init' on %s from the built-in letter.
    Edit the sentences freely: 'packetgen build' uses this file while it exists (delete it to go back to the
    built-in letter).  Keep citations as calls so that page numbers stay right after every rebuild:
      {{ exhibit("doctor_letter") }}                 -> Exhibit B, pp. 59-60  (the document's own pages)
      {{ exhibit("doctor_letter", "prognosis") }}    -> Exhibit B, p. 60      (evidence[].pages names the page)
    Blocks: <p>, <h2>, <h3>, <li>, <signature>, <exhibit-index/> ... (see templates/README.md in packetgen).
    Write &amp; for a literal '&'.  'packetgen check' reports a citation of an unknown exhibit. -#}
"""


def write_letter_source(case, exhibits, sections, *, today: dt.date, templates_dir=None, force: bool = False) -> Path:
    """Write ``letter/letter.j2`` for ``case`` and return its path."""
    from packetgen.letter.render import _markup, case_letter_dir

    folder = case_letter_dir(case)
    if folder is None:
        raise TemplateError("the case has no folder to write its letter into",
                            fix="run 'packetgen letter init' on a case file (case.json)")
    target = folder / case.letter.template
    if target.exists() and not force:
        raise TemplateError(f"{target} already exists",
                            fix="edit it, or pass --force to replace it with a fresh copy of the built-in letter")
    markup, _ctx, _citer, _name = _markup(case, exhibits, sections, templates_dir=templates_dir, today=today,
                                          source=True)
    text = HEADER % today.isoformat() + finish(markup).strip() + "\n"
    folder.mkdir(mode=0o700, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, target)
    return target
