"""Flags every command takes, before or after its name: -v (more detail), -q (no progress)."""

from __future__ import annotations

import click


class _Ctx:
    debug = False
    verbose = 0
    quiet = False


def _ctx() -> _Ctx:
    return click.get_current_context().find_object(_Ctx) or _Ctx()


def _set_verbose(ctx, param, value):
    if value:
        ctx.ensure_object(_Ctx).verbose += value


def _set_quiet(ctx, param, value):
    if value:
        ctx.ensure_object(_Ctx).quiet = True


def common_flags(f):
    """-v and -q on a command as well as before it: `packetgen -v check` = `packetgen check -v`."""
    f = click.option("-v", "--verbose", count=True, expose_value=False, callback=_set_verbose,
                     help="More detail (may include names and numbers).")(f)
    return click.option("-q", "--quiet", is_flag=True, expose_value=False, callback=_set_quiet,
                        help="No progress output.")(f)
