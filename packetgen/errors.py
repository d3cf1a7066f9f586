"""One error taxonomy: every failure a user can meet has a class, an exit code and a fix.

The CLI prints ``error: <message>`` followed by the details and ``fix: <what to do>``
and exits with the class's code.  No traceback is shown unless ``--debug``.

Exit codes (documented in docs/errors.md and ``packetgen --help``):

====  =====================  ==================================================
code  class                  meaning
====  =====================  ==================================================
0     -                      success (warnings may have been printed)
1     ChecksFailed           the pre-flight check found errors (build stopped)
2     (click)                wrong command-line usage
3     CaseError              the case file is missing, malformed or invalid
4     EvidenceError          an evidence file is missing or cannot be read
5     EvidenceLockedError    an evidence file is encrypted and needs a password
6     EvidenceDamagedError   an evidence file is damaged beyond repair / not a PDF or image
7     FormError              a form PDF is missing, wrong, or does not match its field map
8     TemplateError          a letter template failed to render
9     OutputError            the output cannot be written (or would overwrite)
10    BatchFailed            at least one case in a batch build failed
70    InternalError          a bug in packetgen: please report it with --debug output
====  =====================  ==================================================
"""

from __future__ import annotations

from typing import Optional, Sequence


class PacketgenError(Exception):
    """Base class: a message, optional detail lines, and the fix."""

    exit_code = 70
    kind = "error"

    def __init__(self, message: str, *, fix: Optional[str] = None, details: Sequence[str] = ()):
        super().__init__(message)
        self.message = message
        self.fix = fix
        self.details = list(details)

    def __str__(self) -> str:
        return self.render()

    def render(self) -> str:
        lines = [self.message]
        lines += [f"  - {d}" for d in self.details]
        if self.fix:
            lines.append(f"  fix: {self.fix}")
        return "\n".join(lines)


class ChecksFailed(PacketgenError):
    exit_code = 1


class CaseError(PacketgenError):
    exit_code = 3


class EvidenceError(PacketgenError):
    exit_code = 4


class EvidenceLockedError(EvidenceError):
    exit_code = 5


class EvidenceDamagedError(EvidenceError):
    exit_code = 6


class FormError(PacketgenError):
    exit_code = 7


class TemplateError(PacketgenError):
    exit_code = 8


class OutputError(PacketgenError):
    exit_code = 9


class BatchFailed(PacketgenError):
    exit_code = 10


class InternalError(PacketgenError):
    exit_code = 70


EXIT_CODES = {
    0: "success",
    1: "pre-flight check found errors (use --draft to build anyway)",
    2: "wrong command-line usage",
    3: "case file missing, malformed or invalid",
    4: "evidence file missing or unreadable",
    5: "evidence file is encrypted and needs a password",
    6: "evidence file damaged or not a PDF/image",
    7: "form PDF missing, wrong edition, or field map mismatch",
    8: "letter template error",
    9: "output cannot be written",
    10: "at least one case in a batch failed",
    70: "internal error (a bug; rerun with --debug and report it)",
    129: "stopped by SIGHUP (terminal closed); temporary files removed, nothing written",
    130: "interrupted (Ctrl-C, SIGINT); temporary files removed, nothing written",
    143: "stopped by SIGTERM; temporary files removed, nothing written",
}
