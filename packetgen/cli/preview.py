"""``packetgen preview``: page images, contact sheets and an HTML review page for a packet.

Only click is imported at module level; pypdfium2 and Pillow come in with
:mod:`packetgen.review.preview` when the command runs.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from packetgen.cli.flags import common_flags


@click.command("preview", context_settings={"max_content_width": 100})
@click.argument("target", required=False, type=click.Path(path_type=Path))
@click.option("-o", "--outdir", type=click.Path(path_type=Path, file_okay=False),
              help="Folder for the preview (default: 'preview' beside packet.pdf). "
                   "An existing folder is replaced only if it is a packetgen preview or empty.")
@click.option("--forms-dir", type=click.Path(path_type=Path), envvar="PACKETGEN_FORMS_DIR",
              help="When TARGET is a case file: folder with official form PDFs (as for 'packetgen build').")
@click.option("--draft", is_flag=True,
              help="When TARGET is a case file: build even if the pre-flight check finds errors (not for filing).")
@click.option("--dpi", type=click.IntRange(50, 200), default=100, show_default=True,
              help="Resolution of the single-page images.")
@common_flags
def command(target, outdir, forms_dir, draft, dpi):
    """Render TARGET's pages and write an HTML review page; its path is printed: open it in a browser (offline).

    \b
    TARGET is a built packet: its folder, packet.pdf or manifest.json; or a
    case file (case.json) or its folder, built first into its usual 'out'
    folder; default: the current folder.

    \b
    Writes, in the preview folder (mode 0700, files 0600: personal data stays
    on this computer):
      index.html          exhibit index with thumbnails and page ranges,
                          pre-flight findings with fixes, every form value filled
      contact-sheet-N.png every page at a glance, sections framed in colour
      pages/page-NNN.png  each page (and page-NNN.html to page through them)
    """
    from packetgen.cli.main import _ctx, _progress, _run
    from packetgen.review import preview as pv

    quiet = _ctx().quiet
    target = Path(".") if target is None else target

    say = _progress(not quiet)       # build progress, when TARGET is a case file
    bar = {}

    def on_page(done: int, total: int) -> None:
        """``done`` pages of ``total`` are rendered (the count, not a step: pages come in chunks)."""
        if quiet:
            return
        if "bar" not in bar:
            if say:
                say.finish()
            bar["bar"] = click.progressbar(length=total, label="rendering pages", file=sys.stderr,
                                           show_pos=True, width=30)
            bar["bar"].__enter__()
        b = bar["bar"]
        if done > b.pos:
            b.update(done - b.pos)

    try:
        result = _run(pv.preview, target, outdir=outdir, forms_dir=forms_dir, draft=draft, build_progress=say,
                      page_progress=on_page, dpi=dpi)
    finally:
        if "bar" in bar:
            bar["bar"].__exit__(None, None, None)
            if sys.stderr.isatty():             # the finished bar is not left on screen
                click.echo("\r\033[A\033[K", nl=False, err=True)
        elif say:
            say.finish()

    if not quiet:
        if result.built and result.build_result is not None:
            from packetgen.cli.main import _print_build

            _print_build(result.build_result, draft)
        n_err = sum(1 for f in result.findings if f.get("severity") == "error")
        n_warn = sum(1 for f in result.findings if f.get("severity") == "warning") + len(result.warnings)
        exhibits = sum(1 for s in result.sections if s.kind == "exhibit")
        click.echo(f"preview:      {result.pages} pages, {exhibits} exhibits, {n_err} error"
                   f"{'s' if n_err != 1 else ''}, {n_warn} warning{'s' if n_warn != 1 else ''} "
                   f"({result.seconds:.1f} s)", err=True)
        if result.unfinished_pages:
            shown = ", ".join(str(n) for n in result.unfinished_pages[:12])
            more = " …" if len(result.unfinished_pages) > 12 else ""
            click.secho(f"UNFINISHED: 'TODO:' placeholder text is still on page"
                        f"{'s' if len(result.unfinished_pages) > 1 else ''} {shown}{more}; "
                        "replace every TODO in the case file and build again", fg="red", bold=True, err=True)
        for s in result.contact_sheets:
            click.echo(f"contact sheet: {s}", err=True)
        click.echo("open in a browser:", err=True)
    click.echo(str(result.index.resolve()))
