"""SIGINT, SIGTERM and SIGHUP all stop a build the same way: an :class:`Interrupted` exception.

Raising (instead of dying) lets every ``with`` block remove its temporary files and folders; the CLI
then prints "interrupted; nothing was written" and exits 128 + the signal number (130, 143, 129).
The few microseconds in which an output set is renamed into place are a :func:`deferred` section: a
signal that arrives then is acted on right after, so a set is never half-visible.  See docs/errors.md.
"""

from __future__ import annotations

import _thread   # built in: no import cost (threading costs start-up time and may be mid-import)
import contextlib
import os
import signal
import sys
import time

SIGNALS = tuple(getattr(signal, n) for n in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, n))

_pending: list[int] = []
_depth = 0
_owner_pid: int | None = None
#: Every signal handled, whether or not its exception reached the top (see :func:`check`).
received: list[int] = []
#: Set once an output set has been renamed into place (the CLI's message must not then say "nothing").
written: list[str] = []


class Interrupted(BaseException):
    """A stop requested by a signal; ``exit_code`` is the shell's 128 + signal number.

    Not a KeyboardInterrupt: click turns those into "Aborted!" and exit 1 wherever they happen.
    """

    def __init__(self, signum: int = signal.SIGINT, message: str = ""):
        super().__init__(signum, message)
        self.signum = int(signum)
        self.exit_code = 128 + int(signum)
        self.message = message


def message(exc: BaseException) -> str:
    """What to print for an interrupt (a signal, or a KeyboardInterrupt raised before :func:`install`)."""
    if getattr(exc, "message", ""):
        return exc.message
    if written:
        return "interrupted after the outputs were written: " + ", ".join(written)
    return "interrupted; nothing was written"


def _handler(signum, frame):
    if os.getpid() != _owner_pid:
        # A forked worker: the parent reports and cleans up; die quietly instead of printing a traceback.
        os._exit(128 + signum)
    if _importing(frame):
        # Raising inside an import can leave a C extension half-initialised (nanobind aborts the process):
        # ask again in 20 ms, when the import is done.
        _thread.start_new_thread(_resend, (os.getpid(), signum))
        return
    received.append(signum)
    if _depth:
        _pending.append(signum)
        return
    raise Interrupted(signum)


def _resend(pid: int, signum: int) -> None:
    time.sleep(0.02)
    os.kill(pid, signum)


def _importing(frame) -> bool:
    while frame is not None:
        if frame.f_code.co_filename.startswith("<frozen importlib"):
            return True
        frame = frame.f_back
    return False


def check() -> None:
    """Raise :class:`Interrupted` if a signal came earlier but its exception was swallowed on the way
    (a library that catches everything, a callback from C): called before outputs are committed."""
    if received and _owner_pid == os.getpid():
        raise Interrupted(received[0])


def _unraisable(args) -> None:
    """An :class:`Interrupted` that C code could not pass on (pydantic-core compiling a pattern, a ``__del__``)
    is not printed as "Exception ignored ... Traceback": :func:`check` acts on it before outputs are committed."""
    if isinstance(args.exc_value, Interrupted):
        return
    _previous_unraisable(args)


_previous_unraisable = sys.unraisablehook


def install() -> None:
    """Route the three signals to :class:`Interrupted` (main thread only; a no-op elsewhere)."""
    global _owner_pid, _previous_unraisable
    _owner_pid = os.getpid()
    for sig in SIGNALS:
        with contextlib.suppress(ValueError, OSError):
            signal.signal(sig, _handler)
    if sys.unraisablehook is not _unraisable:
        _previous_unraisable = sys.unraisablehook
        sys.unraisablehook = _unraisable


def run_main(load_main) -> None:
    """Install the handlers, then import the command line (``load_main()`` returns its ``main``) and run it:
    a signal while the CLI's modules are still loading is reported like any other."""
    install()
    try:
        main = load_main()
    except (KeyboardInterrupt, Interrupted) as exc:
        with contextlib.suppress(OSError):
            sys.stderr.write(message(exc) + "\n")
            sys.stderr.flush()
        os._exit(getattr(exc, "exit_code", 130))
    main()


def _exit_now(signum, frame):
    os._exit(128 + signum)


def exit_quietly() -> None:
    """For an idle worker process: a signal ends it at once, without a traceback."""
    for sig in SIGNALS:
        with contextlib.suppress(ValueError, OSError):
            signal.signal(sig, _exit_now)


@contextlib.contextmanager
def deferred():
    """Hold signals until the block ends (keep it short: renames only)."""
    global _depth
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
    if not _depth and _pending:
        signum = _pending[0]
        _pending.clear()
        raise Interrupted(signum)
