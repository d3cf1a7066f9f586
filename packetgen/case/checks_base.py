"""Findings of the pre-flight check: the record, the severities and groups, shared helpers and the report.

The rules themselves are in the other ``checks_*`` modules; ``checks.run_checks`` runs them in order.
Policy and every finding code: docs/errors.md.
"""

from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass
from typing import Optional

GROUPS = ["Fileability", "Case file", "Evidence files", "The three questions", "Medical evidence", "Financial support", "Consistency", "Dates", "Translations",
          "Identity and discretion", "Risk flags", "Signatures", "Forms and fees"]
SEVERITIES = ("error", "warning", "info")
# Errors that make the set NOT FOR FILING without anything to correct in the case file (no official form PDF
# installed, a letter marked draft): 'packetgen build' goes on and builds a draft that says so.
AUTO_DRAFT_CODES = ("fileable.standin_forms", "fileable.draft_letter")


@dataclass
class Finding:
    severity: str     # "error" | "warning" | "info"
    code: str         # stable id, e.g. "visa.explanation_missing"
    group: str        # one of GROUPS
    message: str      # what is wrong, naming the field path or exhibit
    fix: str          # what to do
    where: Optional[str] = None


class _Out(list):
    def add(self, severity, code, group, message, fix, where=None):
        assert severity in SEVERITIES and group in GROUPS, (severity, group)
        self.append(Finding(severity, code, group, message, fix, where))


def has_errors(findings) -> bool:
    return any(f.severity == "error" for f in findings)


# --------------------------------------------------------------------------- helpers

def _fold(s: str) -> str:
    """Case- and accent-insensitive form of a name, for matching records of the same person."""
    s = unicodedata.normalize("NFKD", s or "")
    return " ".join("".join(c for c in s if not unicodedata.combining(c)).casefold().split())


def _name_key(name) -> str:
    return _fold(f"{name.given} {name.middle or ''} {name.family}")


def _ev_label(e) -> str:
    return f"exhibit '{e.id}' ({e.title})"


def _ev_path(case, e) -> str:
    """``evidence[i]`` for this very entry.  By identity: ``list.index`` compares pydantic models field by field
    (quadratic in the number of exhibits, 0.4 s of checks at 931 files) and would name the first of two equal
    entries."""
    for i, x in enumerate(case.evidence):
        if x is e:
            return f"evidence[{i}]"
    raise ValueError("evidence entry not in this case")


def _of(case, *cats):
    return [e for e in case.evidence if e.category in cats]


_LANG_NAMES = {
    "es": "spanish", "fr": "french", "pt": "portuguese", "ar": "arabic", "ru": "russian", "uk": "ukrainian",
    "zh": "chinese", "ht": "haitian creole", "fa": "persian", "ps": "pashto", "prs": "dari", "ur": "urdu",
    "hi": "hindi", "vi": "vietnamese", "tl": "tagalog", "de": "german", "it": "italian", "tr": "turkish",
    "so": "somali", "am": "amharic", "ti": "tigrinya", "sw": "swahili", "ko": "korean", "ja": "japanese",
}


def _country_in(country: Optional[str], names: list[str]) -> bool:
    if not country:
        return False
    c = _fold(country).replace("the ", "")
    return any(c == _fold(n).replace("the ", "") for n in names)


def _people(case):
    """(path, label, person) for the petitioner, each beneficiary and each supporter."""
    out = [("petitioner", f"petitioner {case.petitioner.name.full}", case.petitioner)]
    out += [(f"beneficiaries[{i}]", f"beneficiary {b.name.full}", b) for i, b in enumerate(case.beneficiaries)]
    out += [(f"supporters[{i}]", f"supporter {s.name.full}", s) for i, s in enumerate(case.supporters)]
    return out


_MARK = {"error": "ERROR", "warning": "WARNING", "info": "info"}


def format_findings(findings) -> str:
    """A grouped report for a paralegal: counts first, then each group with what to fix."""
    findings = list(findings)
    if not findings:
        return "No findings: the case file passed every pre-flight check."
    counts = {s: sum(1 for f in findings if f.severity == s) for s in SEVERITIES}
    lines = [f"Pre-flight check: {counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} note(s)"]
    stopping = sum(1 for f in findings if f.severity == "error" and f.code not in AUTO_DRAFT_CODES)
    if stopping:
        lines.append("Errors stop the build (use --draft to build a draft anyway).")
    elif counts["error"]:
        lines.append("The set is NOT FOR FILING (see Fileability): 'packetgen build' makes a draft to review.")
    order = GROUPS + sorted({f.group for f in findings} - set(GROUPS))
    for grp in order:
        items = [f for f in findings if f.group == grp]
        if not items:
            continue
        items.sort(key=lambda f: SEVERITIES.index(f.severity) if f.severity in SEVERITIES else 9)
        lines.append("")
        lines.append(f"{grp}")
        lines.append("-" * len(grp))
        for f in items:
            lines.append(f"  {_MARK.get(f.severity, f.severity):<7}  {f.message}  [{f.code}]")
            lines.append(f"           fix: {f.fix}")
            if f.where:
                lines.append(f"           where: {f.where}")
    return "\n".join(lines)


def findings_json(findings) -> list[dict]:
    return [asdict(f) for f in findings]
