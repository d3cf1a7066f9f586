"""'packetgen letter ...': the case's own editable cover letter (docs/walkthrough.md, "Editing the letter")."""

from __future__ import annotations

from pathlib import Path

import click


@click.group("letter")
def command():
    """The cover letter of a case: make an editable copy whose citations stay live."""


@command.command("init")
@click.argument("case", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--forms-dir", type=click.Path(path_type=Path), envvar="PACKETGEN_FORMS_DIR",
              help="Folder with official form PDFs (for the enclosure list's form titles).")
@click.option("--templates", "templates_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Start from a firm's template folder instead of the built-in letter.")
@click.option("--force", is_flag=True, help="Replace an existing letter/letter.j2.")
def init(case, forms_dir, templates_dir, force):
    """Write CASE's own letter to letter/letter.j2 beside the case file.

    It is the built-in letter for this case with the case's sentences in place and every citation a call
    ({{ exhibit("doctor_letter", "prognosis") }}); 'packetgen build' uses it while it exists."""
    from packetgen import api
    from packetgen.cli.main import _run

    path = _run(api.letter_init, case, forms_dir=forms_dir, templates_dir=templates_dir, force=force)
    click.echo(f"wrote {path}\n  edit it in a text editor; 'packetgen build' uses it and keeps the page numbers right")
