"""Opening every evidence file during ``packetgen check`` (issue 14 §1): not implemented yet, no findings."""

from __future__ import annotations


def evidence_file_findings(case) -> list:
    return []
