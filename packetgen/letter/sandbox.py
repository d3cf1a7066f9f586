"""Bounds on a firm's letter templates: which files may be read, how long and how big a render may get.

Jinja's sandbox already stops templates from reaching Python internals; this adds the resource bounds
(issue 15, hole 13).  Each bound, its value and its message are in docs/errors.md ("Letter templates").
Hooked in by packetgen/letter/render.py at three places: the loader (:class:`ConfinedLoader`), the
environment class (:class:`BoundedEnvironment`) and the render call (:func:`render_bounded`).
"""

from __future__ import annotations

import contextlib
import math
import os
import signal
import stat
import threading
import time
from typing import Optional

from jinja2 import FileSystemLoader, TemplateNotFound
from jinja2.exceptions import SecurityError
from jinja2.loaders import split_template_path
from jinja2.sandbox import SandboxedEnvironment

from packetgen.errors import TemplateError

MAX_TEMPLATE_BYTES = 1 << 20        # one template file (the built-in letter.j2 is about 10 KB)
MAX_OUTPUT_CHARS = 2_000_000        # the rendered markup of one letter (a 30-page letter is about 100,000)
MAX_SEQUENCE = 1_000_000            # a string or list made by '*' ('A' * 10**8)
MAX_POWER_BITS = 100_000            # an integer made by '**' (10 ** 10000000 takes minutes)
MAX_SECONDS = 10.0                  # one render (a letter renders in about 0.05 s)


class TemplateLimit(SecurityError):
    """A template went over a bound (raised inside Jinja, so the template's line is known)."""


_deadline = threading.local()


def _tick() -> None:
    end = getattr(_deadline, "at", None)
    if end is not None and time.monotonic() > end:
        _deadline.at = None
        raise TemplateLimit(f"rendering took longer than {MAX_SECONDS:g} seconds (a loop that does not end?)")


class BoundedEnvironment(SandboxedEnvironment):
    """The sandbox, plus bounds on '*' and '**' and a clock checked at every call."""

    intercepted_binops = frozenset(["*", "**"])

    def call_binop(self, context, operator, left, right):
        _tick()
        if operator == "*":
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(n, int) and len(seq) * n > MAX_SEQUENCE:
                    raise TemplateLimit(f"'*' would make {len(seq) * n:,} items; the bound is {MAX_SEQUENCE:,}")
        elif operator == "**":
            if isinstance(left, int) and isinstance(right, int) and abs(left) > 1 and right > 0:
                if right * math.log2(abs(left)) > MAX_POWER_BITS:
                    raise TemplateLimit(f"'**' would make a number of more than {MAX_POWER_BITS:,} bits")
        return super().call_binop(context, operator, left, right)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - Jinja's own signature
        _tick()
        return super().call(__context, __obj, *args, **kwargs)


class ConfinedLoader(FileSystemLoader):
    """Templates are regular files inside the folder: a symlink may point within it, never out of it."""

    def __init__(self, searchpath, encoding: str = "utf-8"):
        super().__init__(searchpath, encoding=encoding)

    def get_source(self, environment, template):
        pieces = split_template_path(template)
        for folder in self.searchpath:
            path = os.path.join(folder, *pieces)
            if not os.path.lexists(path):
                continue
            root = os.path.realpath(folder)
            real = os.path.realpath(path)
            if os.path.commonpath([root, real]) != root:
                raise TemplateError(f"letter template '{template}' in {folder} is a link to a file outside that "
                                    "folder; templates are read only from inside the template folder",
                                    fix="copy the file into the template folder instead of linking to it")
            try:
                st = os.stat(real)
            except OSError as exc:
                raise TemplateError(f"letter template '{template}' in {folder} cannot be read ({exc.strerror})",
                                    fix="check the file and its permissions")
            if not stat.S_ISREG(st.st_mode):
                raise TemplateError(f"letter template '{template}' in {folder} is not a regular file",
                                    fix="a template is a text file (e.g. letter.j2)")
            if st.st_size > MAX_TEMPLATE_BYTES:
                raise TemplateError(f"letter template '{template}' in {folder} is {st.st_size:,} bytes; the bound "
                                    f"is {MAX_TEMPLATE_BYTES:,}", fix="a letter template is a short text file")
            fd = os.open(real, os.O_RDONLY | os.O_NONBLOCK)
            with os.fdopen(fd, "rb") as fh:
                source = fh.read(MAX_TEMPLATE_BYTES + 1).decode(self.encoding)
            mtime = st.st_mtime

            def uptodate(real=real, mtime=mtime) -> bool:
                try:
                    return os.path.getmtime(real) == mtime
                except OSError:
                    return False

            return source, os.path.normpath(path), uptodate
        raise TemplateNotFound(template)


def _where(exc: BaseException, fallback: str) -> tuple[str, Optional[int]]:
    """The innermost template frame of a traceback: its name and line."""
    name, line = fallback, None
    tb = exc.__traceback__
    while tb is not None:
        g = tb.tb_frame.f_globals
        t = g.get("__jinja_template__")
        if t is not None:                          # a template's compiled code
            name = t.name or t.filename or fallback
            with contextlib.suppress(Exception):
                line = t.get_corresponding_lineno(tb.tb_lineno)
        elif "__jinja_exception__" in g:           # a frame Jinja rewrote to point at the template line
            name, line = tb.tb_frame.f_code.co_filename, tb.tb_lineno
        tb = tb.tb_next
    return name, line


def _limit_error(exc: BaseException, tmpl, what: str) -> TemplateError:
    name, line = _where(exc, tmpl.name or "letter template")
    at = f", line {line}" if line else ""
    return TemplateError(f"letter template '{name}'{at}: {what}",
                         fix="check that line for a macro or include that calls itself, a loop that does not "
                             "end, or a large repetition ('*'); the bounds are in docs/errors.md (Letter templates)")


def render_bounded(tmpl, ctx: dict) -> str:
    """``tmpl.render(**ctx)`` with the output, recursion and time bounds; over a bound: TemplateError (exit 8)."""
    main = threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
    old_handler = None
    _deadline.at = time.monotonic() + MAX_SECONDS

    def alarm(signum, frame):
        raise TemplateLimit(f"rendering took longer than {MAX_SECONDS:g} seconds (a loop that does not end?)")

    try:
        if main:
            old_handler = signal.signal(signal.SIGALRM, alarm)
            signal.setitimer(signal.ITIMER_REAL, MAX_SECONDS)
        out, size = [], 0
        for chunk in tmpl.generate(**ctx):
            size += len(chunk)
            if size > MAX_OUTPUT_CHARS:
                raise _limit_error(TemplateLimit(), tmpl,
                                   f"the letter is over {MAX_OUTPUT_CHARS:,} characters; the bound stops a "
                                   "template that writes without end")
            out.append(chunk)
            _tick()
        return "".join(out)
    except RecursionError as exc:
        raise _limit_error(exc, tmpl, "recursion too deep (a macro or include that calls itself without end)")
    except TemplateLimit as exc:
        raise _limit_error(exc, tmpl, str(exc))
    finally:
        _deadline.at = None
        if main:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old_handler if old_handler is not None else signal.SIG_DFL)
