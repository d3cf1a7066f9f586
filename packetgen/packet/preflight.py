"""Pre-flight findings that need the later stages: is the set fileable (official forms, final letter, no
placeholders), and can every evidence file be read.  ``api.check`` adds them to ``run_checks``' findings.

Policy: docs/errors.md ("Fileability", "Exit codes").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from packetgen.case.checks import Finding
from packetgen.case.checks_base import AUTO_DRAFT_CODES  # noqa: F401  (build goes on, as a draft, for these)
PLACEHOLDER_CODES = ("case.placeholder", "case.example_text")


@dataclass(frozen=True)
class Fileability:
    """Whether a set may be filed, and if not, why (short phrases: 'stand-in I-134')."""
    reasons: list = field(default_factory=list)

    @property
    def for_filing(self) -> bool:
        return not self.reasons

    @property
    def line(self) -> str:
        return "for filing" if self.for_filing else f"NOT FOR FILING: {'; '.join(self.reasons)}"

    def as_json(self) -> dict:
        return {"for_filing": self.for_filing, "reasons": list(self.reasons)}


def needed_forms(case) -> list[str]:
    """Every form a build of this case fills: I-131, I-134 and the companion forms of each set."""
    from packetgen.forms.companion import applicable_companions

    need = ["I-131"] + (["I-134"] if case.supporters else [])
    for b in case.beneficiaries:
        need += [fd.model.form for fd, _ in applicable_companions(case, b) if fd.model.form not in need]
    return need


def standin_forms(case, forms_dir: Optional[Path] = None) -> list[str]:
    """The forms of this case that would be filled on a generated stand-in (no official PDF installed)."""
    from packetgen.forms.library import list_forms

    need = needed_forms(case)
    return [r["form"] for r in list_forms(forms_dir) if r["form"] in need and r["status"] != "official"]


def fileability_findings(case, findings, *, forms_dir: Optional[Path] = None) -> list[Finding]:
    """One error per reason the set is not for filing (placeholders are already errors of their own)."""
    g = "Fileability"
    out: list[Finding] = []
    stand = standin_forms(case, forms_dir)
    if stand:
        out.append(Finding(
            "error", "fileable.standin_forms", g,
            f"NOT FOR FILING: Form {', '.join(stand)} would be filled on a generated stand-in (no official PDF "
            f"installed); 'packetgen build' makes a draft to review, marked NOT FOR FILING",
            "install the official PDFs: 'packetgen forms fetch', or download them from uscis.gov and run "
            "'packetgen forms add FILE'; then build again", "forms"))
    if case.letter.draft:
        out.append(Finding(
            "error", "fileable.draft_letter", g,
            "NOT FOR FILING: letter.draft is true, so the cover letter is marked DRAFT for attorney review",
            "when the attorney has approved the letter, set letter.draft to false and build again", "letter.draft"))
    n = sum(1 for f in findings if f.code in PLACEHOLDER_CODES)
    if n:
        out.append(Finding(
            "error", "fileable.placeholders", g,
            f"NOT FOR FILING: {n} placeholder(s) or example text(s) from 'packetgen init' are still in the case file "
            f"(listed under 'Case file')", "write the real answers; 'packetgen build --draft' builds a draft meanwhile",
            None))
    return out


def fileability(findings, standins=()) -> Fileability:
    """The state of a set from its findings (and the forms a build actually filled on stand-ins)."""
    reasons = []
    stand = sorted(set(standins))
    if stand:
        reasons.append(f"stand-in {', '.join(stand)}")
    codes = {f.code if hasattr(f, "code") else f.get("code") for f in findings}
    if "fileable.draft_letter" in codes:
        reasons.append("draft letter")
    if codes & set(PLACEHOLDER_CODES):
        reasons.append("unfilled placeholders")
    errors = [f for f in findings if (f.severity if hasattr(f, "severity") else f.get("severity")) == "error"
              and (f.code if hasattr(f, "code") else f.get("code")) not in AUTO_DRAFT_CODES + PLACEHOLDER_CODES
              and not (f.code if hasattr(f, "code") else f.get("code", "")).startswith("fileable.")]
    if errors:
        reasons.append(f"{len(errors)} check error(s) not fixed")
    return Fileability(reasons)


def from_manifest(manifest: dict) -> Fileability:
    """The state recorded by the build, or (older manifests) derived from its forms and findings."""
    rec = manifest.get("fileable")
    if isinstance(rec, dict) and isinstance(rec.get("reasons"), list):
        return Fileability([str(r) for r in rec["reasons"]])
    forms = (manifest.get("sections") or {}).get("forms") or []
    stand = [f.get("form") for f in forms if isinstance(f, dict) and f.get("official") is False]
    return fileability([f for f in manifest.get("findings") or [] if isinstance(f, dict)], stand)
