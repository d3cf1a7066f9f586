"""The pre-flight check as people read it: grouped by severity, wrapped at word boundaries to the terminal,
repeated findings folded, notes in one line unless -v, totals at the end, colour only on a terminal.

``packetgen check --json`` is not formatted here: it prints the findings unchanged.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import textwrap
from collections import OrderedDict
from typing import Callable, Optional

SEVERITY_TITLES = {"error": "Errors", "warning": "Warnings", "info": "Notes"}
MARKS = {"error": "ERROR", "warning": "WARNING", "info": "note"}
COLOURS = {"error": "red", "warning": "yellow", "info": "cyan"}
FOLD_AT = 3                 # this many findings with the same code share one fix line


def terminal_width() -> int:
    """$COLUMNS if set, else the terminal's width, else 80; never below 40."""
    env = os.environ.get("COLUMNS", "")
    if env.strip().isdigit():
        return max(40, int(env))
    if sys.stdout.isatty():
        return max(40, shutil.get_terminal_size((80, 24)).columns)
    return 80


def use_colour(stream=None) -> bool:
    """Colour on a terminal only; NO_COLOR (any value, https://no-color.org) or TERM=dumb turn it off."""
    stream = stream or sys.stdout
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def totals_line(counts: dict) -> str:
    return (f"Pre-flight check: {_plural(counts['error'], 'error')}, {_plural(counts['warning'], 'warning')}, "
            f"{_plural(counts['info'], 'note')}.")


_PATH = re.compile(r"\b[a-z_]+\[\d+\](?:(?:\.[a-z_]+)(?:\[\d+\])*)*")


def path_renamer(data) -> Callable[[str], str]:
    """Rewrite ``evidence[2].file`` in a message as ``evidence #3 ('doctor_letter').file`` (see case.diagnose)."""
    if data is None:
        return lambda s: s
    from packetgen.case.diagnose import friendly_path

    return lambda s: _PATH.sub(lambda m: friendly_path(m.group(0), data), s) if s else s


def format_report(findings, *, width: Optional[int] = None, colour: bool = False, verbose: int = 0,
                  errors_only: bool = False, data=None, totals: bool = True) -> str:
    """The check report as text lines ready to print (see the module docstring); ``totals=False`` leaves out
    the closing summary (a stopped build prints its own)."""
    from packetgen.case.checks import GROUPS, SEVERITIES

    width = width or terminal_width()
    rename = path_renamer(data)

    def style(text: str, **kw) -> str:
        if not colour:
            return text
        import click

        return click.style(text, **kw)

    def wrap(text: str, first: str, rest: str) -> list[str]:
        return textwrap.wrap(text, width=width, initial_indent=first, subsequent_indent=rest,
                             break_long_words=False, break_on_hyphens=False) or [first.rstrip()]

    findings = list(findings)
    counts = {s: sum(1 for f in findings if f.severity == s) for s in SEVERITIES}
    order = {g: i for i, g in enumerate(GROUPS)}
    lines: list[str] = []
    for sev in SEVERITIES:
        items = [f for f in findings if f.severity == sev]
        if not items or (errors_only and sev != "error"):
            continue
        if sev == "info" and not verbose:
            continue
        head = f"{SEVERITY_TITLES[sev]} ({len(items)})"
        if sev == "error":
            head += ": these stop the build"
        lines += ["", style(head, fg=COLOURS[sev], bold=True)]
        items.sort(key=lambda f: order.get(f.group, len(order)))
        groups: "OrderedDict[str, list]" = OrderedDict()
        for f in items:
            groups.setdefault(f.group, []).append(f)
        for grp, fs in groups.items():
            lines += ["", f"  {style(grp, bold=True)}"]
            by_code: "OrderedDict[str, list]" = OrderedDict()
            for f in fs:
                by_code.setdefault(f.code, []).append(f)
            for code, same in by_code.items():
                fold = len(same) >= FOLD_AT
                mark = MARKS[sev]
                for f in same:
                    text = rename(f.message)
                    where = rename(f.where) if f.where and f.where not in f.message else None
                    if where:
                        text += f" (at {where})"
                    if not fold:
                        text += f"  [{code}]"
                    out = wrap(text, f"  {mark:<7}  ", " " * 11)
                    out[0] = out[0].replace(mark, style(mark, fg=COLOURS[sev], bold=sev == "error"), 1)
                    lines += out
                    if not fold:
                        lines += wrap(f"fix: {rename(f.fix)}", " " * 11, " " * 16)
                if fold:
                    lines += wrap(f"fix, for each of these {len(same)} (the first shown): {rename(same[0].fix)}"
                                  f"  [{code}]", " " * 11, " " * 16)
    lines.append("")
    if not totals:
        return "\n".join(lines).strip("\n")
    if counts["info"] and not verbose and not errors_only:
        lines += wrap(f"{_plural(counts['info'], 'note')} (reminders: who signs where, what to pay, what to "
                      "enclose); add -v to read them.", "", "")
    if errors_only and (counts["warning"] or counts["info"]):
        lines += wrap(f"(--errors-only: {_plural(counts['warning'], 'warning')} and "
                      f"{_plural(counts['info'], 'note')} not shown)", "", "")
    total = totals_line(counts)
    lines.append(style(total, bold=True, fg="red" if counts["error"] else ("yellow" if counts["warning"] else "green")))
    if counts["error"]:
        lines += wrap("Errors stop the build; 'packetgen build --draft' builds a draft anyway (never for filing).",
                      "", "")
    while lines and not lines[0]:
        lines.pop(0)
    return "\n".join(lines)
