"""Command line: parse arguments, call the library API, print.  No business logic here.

Heavy libraries (pikepdf, reportlab, pydantic) are imported inside the commands,
so ``packetgen --help`` starts fast.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

import click

from packetgen import interrupts
from packetgen.cli.flags import _Ctx, _ctx, common_flags  # noqa: F401  (_ctx is used by cli/preview.py)
from packetgen.errors import EXIT_CODES, PacketgenError

EXIT_HELP = "\b\nExit codes:\n" + "\n".join(f"  {k:>3}  {v}" for k, v in EXIT_CODES.items())


def _err(msg: str) -> None:
    click.echo(msg, err=True)


def _render_error(exc: PacketgenError, clean=lambda s: s) -> str:
    """A build stopped by the check lists its errors the way 'packetgen check' does (cli/report.py);
    ``clean`` redacts each part before it is wrapped (packetgen/privacy.py)."""
    findings, case = getattr(exc, "findings", None), getattr(exc, "case", None)
    if not findings:
        return clean(exc.render())
    import dataclasses

    findings = [dataclasses.replace(f, message=clean(f.message), fix=clean(f.fix) if f.fix else f.fix)
                for f in findings]
    import textwrap

    from packetgen.cli.report import format_report, terminal_width, use_colour

    colour = use_colour(sys.stderr) and click.get_current_context().color is not False
    data = case.model_dump(mode="json", by_alias=True) if hasattr(case, "model_dump") else None
    fix = textwrap.fill(f"fix: {clean(exc.fix)}", width=terminal_width(), initial_indent="  ",
                        subsequent_indent="       ", break_long_words=False, break_on_hyphens=False) if exc.fix else ""
    return "\n".join([clean(exc.message), "", format_report(findings, colour=colour, data=data, totals=False), "",
                      fix]).rstrip()


def _run(fn, *args, privacy_case=None, **kwargs):
    """Run an API call, turning every failure into a message and a documented exit code.

    ``privacy_case``: the case file whose people and numbers an error message must not show (packetgen/privacy.py).
    """
    ctx = _ctx()
    try:
        return fn(*args, **kwargs)
    except PacketgenError as exc:
        if ctx.debug:
            import traceback

            traceback.print_exc()
        if interrupts.received:        # the failure came from the stop (e.g. a write cut short by the signal)
            _err(interrupts.message(exc.__context__ if isinstance(exc.__context__, interrupts.Interrupted)
                                    else interrupts.Interrupted(interrupts.received[0])))
            sys.exit(128 + interrupts.received[0])
        from packetgen.privacy import cleaner

        _err(click.style("error: ", fg="red", bold=True) + _render_error(exc, cleaner(privacy_case, ctx.verbose)))
        sys.exit(exc.exit_code)
    except (KeyboardInterrupt, interrupts.Interrupted) as exc:   # SIGINT, SIGTERM, SIGHUP: docs/errors.md
        _err(interrupts.message(exc))
        sys.exit(getattr(exc, "exit_code", 130))
    except MemoryError:
        _err("error: out of memory. The evidence may contain an enormous image or page count.\n"
             "  fix: split or shrink the largest evidence files and build again")
        sys.exit(70)
    except Exception as exc:  # a bug: never show a traceback unless --debug
        if interrupts.received:   # a library turned the stop into another exception: still a stop
            _err(interrupts.message(interrupts.Interrupted(interrupts.received[0])))
            sys.exit(128 + interrupts.received[0])
        if ctx.debug:
            raise
        _err(click.style("internal error: ", fg="red", bold=True) + f"{type(exc).__name__} in packetgen. "
             "Nothing was written.\n  fix: rerun with --debug and report the output (remove personal data first)")
        sys.exit(70)


@click.group(epilog=EXIT_HELP, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(None, "-V", "--version", package_name="packetgen", prog_name="packetgen")
@click.option("--debug", is_flag=True, help="Show Python tracebacks (for bug reports).")
@common_flags
@click.pass_context
def cli(ctx, debug):
    """Assemble humanitarian-parole filing packets (Form I-131 Part 1 Item 7, Form I-134,
    cover letter and indexed evidence) from one case file.

    Every command takes a case file or its folder (default: ./case.json). -v and -q work before or after
    the command; NO_COLOR=1 turns colour off. Shell completion: packetgen completion --help."""
    obj = ctx.ensure_object(_Ctx)
    obj.debug = debug
    if os.environ.get("NO_COLOR"):          # https://no-color.org: click.echo then strips every style
        ctx.color = False


def _progress(enabled: bool):
    if not enabled:
        return None
    tty = sys.stderr.isatty()

    def say(msg: str) -> None:
        if tty:
            click.echo("\r\033[K  " + msg, nl=False, err=True)
        else:
            click.echo("  " + msg, err=True)

    say.finish = (lambda: click.echo("\r\033[K", nl=False, err=True)) if tty else (lambda: None)
    return say


@cli.command()
@click.argument("cases", nargs=-1, type=click.Path(path_type=Path))
@click.option("-o", "--outdir", type=click.Path(path_type=Path),
              help="Output folder (default: 'out' beside the case file). With several cases: a subfolder per case.")
@click.option("--forms-dir", type=click.Path(path_type=Path), envvar="PACKETGEN_FORMS_DIR",
              help="Folder with official form PDFs (default: $PACKETGEN_FORMS_DIR, then the user data folder).")
@click.option("--templates", "templates_dir", type=click.Path(path_type=Path, file_okay=False),
              help="A firm's template folder; its templates override the built-in ones.")
@click.option("--draft", is_flag=True, help="Build even if the pre-flight check finds errors (not for filing).")
@click.option("--force", is_flag=True, help="Replace existing outputs packetgen cannot prove it wrote, or those of "
              "another case file (never a pipe, device or link: those are always refused).")
@click.option("--flatten", is_flag=True, help="Flatten the forms: no live form fields in the packet.")
@click.option("--combined", is_flag=True,
              help="One PDF for all beneficiaries instead of one stand-alone set each (for review; USCIS receipts "
                   "each beneficiary's request separately).")
@click.option("--keep-links", is_flag=True,
              help="Keep web and e-mail links found in evidence PDFs (removed by default, with a warning).")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Build several cases in parallel processes.")
@common_flags
def build(cases, outdir, forms_dir, templates_dir, draft, force, flatten, combined, keep_links, jobs):
    """Build the submission packet for CASE (case.json or .yaml, or its folder; default ./case.json):
    one set per beneficiary.

    Writes one packet PDF per beneficiary (packet.pdf for one), manifest.json and filing-instructions.pdf
    (not part of the submission)."""
    from packetgen.cli.paths import case_file

    quiet = _ctx().quiet
    cases = [case_file(c) for c in cases] or [case_file(None)]
    if len(cases) > 1:
        from packetgen.cli.batch import run_batch

        code = _run(run_batch, list(cases), outdir=outdir, forms_dir=forms_dir, templates_dir=templates_dir,
                    draft=draft, force=force, flatten=flatten, combined=combined, keep_links=keep_links, jobs=jobs,
                    quiet=quiet, verbose=_ctx().verbose)
        sys.exit(code)
    from packetgen import api

    say = _progress(not quiet)
    try:
        result = _run(api.build, cases[0], outdir=outdir, forms_dir=forms_dir, templates_dir=templates_dir,
                      draft=draft, force=force, flatten=flatten, combined=combined, keep_links=keep_links,
                      progress=say, privacy_case=cases[0])
    finally:
        if say:
            say.finish()
    _print_build(result, draft)
    _mark_stale_preview(result)


def _mark_stale_preview(result) -> None:
    """A preview of an earlier build beside the new packet gets an OUT OF DATE banner (review/stale.py)."""
    import json

    from packetgen.review.stale import mark_if_stale, packet_hash

    try:
        sha = packet_hash(json.loads(result.manifest.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return
    if sha is None:
        return
    folder = mark_if_stale(result.packet, sha)
    if folder is not None:
        click.echo(f"preview:      {folder} shows the previous build (marked OUT OF DATE); "
                   "run 'packetgen preview' again", err=True)


def _print_build(result, draft: bool) -> None:
    from packetgen.cli.report import format_report, use_colour
    from packetgen.privacy import cleaner

    ctx = _ctx()
    # Default verbosity: no personal data in what is printed (see packetgen/privacy.py).
    clean = cleaner(result.case, ctx.verbose)
    from packetgen.packet.preflight import AUTO_DRAFT_CODES

    # Stand-in forms and a draft letter did not stop this build: the status line at the end says so.
    warn = [f for f in result.findings if f.severity != "info" and f.code not in AUTO_DRAFT_CODES]
    if warn:
        colour = use_colour(sys.stderr) and click.get_current_context().color is not False
        import dataclasses

        warn = [dataclasses.replace(f, message=clean(f.message), fix=clean(f.fix) if f.fix else f.fix) for f in warn]
        click.echo(format_report(warn, colour=colour, totals=False), err=True)
    for w in result.warnings:
        click.echo(click.style("warning: ", fg="yellow") + clean(w), err=True)
    if (result.warnings or warn) and not ctx.verbose:
        click.echo("(names and numbers are hidden in these messages; -v shows them, manifest.json lists them)",
                   err=True)
    if result.standin_forms:
        click.echo(click.style(
            f"NOT FOR FILING: {', '.join(result.standin_forms)} filled on a generated stand-in. "
            "Install the official PDFs with 'packetgen forms add FILE' and build again.", fg="red", bold=True), err=True)
    if draft:
        click.echo(click.style("DRAFT build (--draft): check errors were not enforced.", fg="yellow"), err=True)
    if len(result.sets) > 1:
        click.echo(f"packet:       {len(result.sets)} sets, one per beneficiary, to mail as separate stacks "
                   f"({result.pages} pages, {result.seconds:.1f} s)")
        for st in result.sets:
            click.echo(f"  set {st.number}:      {st.path}  ({st.pages} pages, {st.exhibits} exhibits; "
                       f"beneficiary '{st.key}')")
    else:
        click.echo(f"packet:       {result.packet}  ({result.pages} pages, {result.exhibits} exhibits, "
                   f"{result.seconds:.1f} s)")
    click.echo(f"manifest:     {result.manifest}")
    if result.instructions:
        click.echo(f"instructions: {result.instructions}  (who signs where, fee, printing, mailing)")
    state = result.fileable
    click.echo("status:       " + (click.style("ready to print, sign and file", fg="green") if state.for_filing else
                                   click.style(f"{state.line}; a draft to review, not to mail", fg="red", bold=True)))


@cli.command()
@click.argument("case", required=False, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Machine-readable findings (all of them, unformatted).")
@click.option("--errors-only", is_flag=True, help="Show only the errors (the findings that stop a build).")
@click.option("--forms-dir", type=click.Path(path_type=Path), envvar="PACKETGEN_FORMS_DIR",
              help="Folder with official form PDFs, as for build (default: $PACKETGEN_FORMS_DIR, then the user "
                   "data folder).")
@common_flags
def check(case, as_json, errors_only, forms_dir):
    """Pre-flight check of CASE (a case file or its folder; default ./case.json): errors (which stop a
    build), warnings and notes, each with its fix. Notes are summarized in one line unless -v.

    Lines are wrapped to the terminal ($COLUMNS, default 80); colour on a terminal unless NO_COLOR is set."""
    from packetgen import api
    from packetgen.case.checks import findings_json
    from packetgen.cli.paths import case_file
    from packetgen.privacy import cleaner

    ctx = _ctx()
    path = case_file(case)
    case_obj, findings = _run(api.check, path, files=True, boxes=True, forms_dir=forms_dir, privacy_case=path)
    clean = cleaner(case_obj, ctx.verbose)      # people as roles and ids, numbers hidden; -v shows them
    if as_json:
        import json

        click.echo(clean(json.dumps(findings_json(findings), indent=2, ensure_ascii=False)))
    elif not findings:
        click.echo("No problems found.")
    else:
        from packetgen.cli.report import format_report, use_colour

        colour = use_colour() and click.get_current_context().color is not False
        data = case_obj.model_dump(mode="json", by_alias=True) if hasattr(case_obj, "model_dump") else None
        import dataclasses

        # Redact each finding before the report wraps it, so the lines still fit the terminal.
        shown = [dataclasses.replace(f, message=clean(f.message), fix=clean(f.fix) if f.fix else f.fix)
                 for f in findings]
        if not ctx.verbose:
            click.echo("(names and numbers are hidden; -v shows them)", err=True)
        click.echo(format_report(shown, colour=colour, verbose=ctx.verbose, errors_only=errors_only, data=data))
    sys.exit(1 if any(f.severity == "error" for f in findings) else 0)


@cli.command()
@click.argument("target", required=False, type=click.Path(path_type=Path))
@common_flags
def verify(target):
    """Re-read a built packet with a second PDF library and check it against its manifest.

    TARGET is the output folder or its packet.pdf, or a case file or its folder (then its 'out' folder is
    checked); default: the current folder. Exit 0 when everything matches, 9 when not."""
    from packetgen.cli.paths import packet_target
    from packetgen.packet.verify import verify_packet

    v = _run(verify_packet, packet_target(target))
    for line in v.checked:
        click.echo(click.style("  ok  ", fg="green") + line)
    for line in v.problems:
        click.echo(click.style("  !!  ", fg="red") + line)
    if not v.ok:
        click.echo(f"{v.packet}: {len(v.problems)} problem(s); rebuild before printing", err=True)
        sys.exit(9)
    click.echo(f"{v.packet}: verified" + (f", {v.fileable.line}" if not v.fileable.for_filing else ""))


@cli.command()
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write to a file instead of standard output.")
def schema(output):
    """Print the JSON Schema of the case file (for editor autocompletion via "$schema")."""
    import json

    from packetgen.case.load import json_schema

    text = json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
    if output:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text, nl=False)


@cli.group()
def forms():
    """Manage the official form PDFs (they are not shipped with packetgen)."""


@forms.command("list")
@click.option("--forms-dir", type=click.Path(path_type=Path), envvar="PACKETGEN_FORMS_DIR")
def forms_list(forms_dir):
    """Show each form and edition packetgen fills, and whether the official PDF or a stand-in is used."""
    from packetgen.forms.library import list_forms

    rows = _run(list_forms, forms_dir)
    click.echo(f"{'form':<8}{'edition':<10}{'status':<12}path")
    for r in rows:
        status = r["status"]
        click.echo(f"{r['form']:<8}{r['edition']:<10}"
                   f"{click.style(f'{status:<12}', fg='green' if status == 'official' else 'yellow')}"
                   f"{r.get('path') or '(generated stand-in: NOT FOR FILING)'}")


@forms.command("add")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--forms-dir", type=click.Path(path_type=Path), envvar="PACKETGEN_FORMS_DIR")
def forms_add(file, forms_dir):
    """Verify an official form PDF (form, edition, fields) and install it."""
    from packetgen.forms.library import add_form

    r = _run(add_form, file, forms_dir)
    click.echo(f"installed {r['form']} edition {r['edition']}: {r['path']}")


@forms.command("fetch")
@click.option("--base-url", default="https://www.uscis.gov/sites/default/files/document/forms/", show_default=True)
@click.option("--forms-dir", type=click.Path(path_type=Path), envvar="PACKETGEN_FORMS_DIR")
def forms_fetch(base_url, forms_dir):
    """Download the current official PDFs from uscis.gov, verify and install them."""
    from packetgen.forms.library import fetch_forms

    for r in _run(fetch_forms, base_url, forms_dir):
        click.echo(f"installed {r['form']} edition {r['edition']}: {r['path']}")


def _register_optional_commands() -> None:
    """Commands that live in their own modules (each imports only click at module level)."""
    import importlib

    for modname in ("init", "preview", "rules", "letter", "completion"):
        try:
            mod = importlib.import_module(f"{__package__}.{modname}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__package__}.{modname}":
                raise
            continue
        cli.add_command(mod.command)


_register_optional_commands()


def _interrupted(exc: BaseException) -> None:
    with contextlib.suppress(OSError):
        sys.stderr.write(interrupts.message(exc) + "\n")
        sys.stderr.flush()
    os._exit(getattr(exc, "exit_code", 130))


def main() -> None:
    import gc

    try:
        interrupts.install()   # SIGTERM and SIGHUP stop a build like Ctrl-C: temporaries removed, a message, 143/129
    except (KeyboardInterrupt, interrupts.Interrupted) as exc:
        _interrupted(exc)
    os.umask(0o077)  # outputs hold personal data: readable by their owner only
    # A short-lived command that builds many objects (pydantic, reportlab, Jinja): collecting cycles
    # every 700 allocations cost ~10% of a small build. Measured: sample build 1.74 -> 1.55 s median,
    # peak RSS of the 892-page benchmark unchanged (see benchmarks/README.md).
    gc.set_threshold(100_000, 50, 100)
    try:
        cli(prog_name="packetgen")
        code = 0
    except SystemExit as exc:      # click always ends this way
        code = exc.code
    except (KeyboardInterrupt, interrupts.Interrupted) as exc:   # outside a command's own handling
        _interrupted(exc)
    if code == 0 and interrupts.received:   # a signal whose exception a library swallowed: still a stop
        _interrupted(interrupts.Interrupted(interrupts.received[0]))
    if not isinstance(code, int):
        if code is not None:
            print(code, file=sys.stderr)
        code = 0 if code is None else 1
    # Every output is written, synced and renamed, worker pools are shut down and temporary folders removed
    # by now: skip the interpreter's teardown of the whole module graph (measured 0.2 s of a 1.5 s build).
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, OSError):
        code = code or 1
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    main()
