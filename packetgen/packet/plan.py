"""The packet plan: what goes in, in which order, and with which exhibit letters.

Nothing is rendered here.  The plan is computed once from the case; the page
map (which section starts on which packet page) is computed from it by
:func:`paginate` and everything that shows page numbers reads that map.

Order (one submission PDF; see docs/packet.md):

1. cover letter, followed by its exhibit index;
2. Form I-131, one per beneficiary;
3. Form I-134, one per supporter and beneficiary pair;
4. exhibits, lettered in packet order: in the order of the letter's argument
   (:func:`argument_order`; ``filing.exhibit_order`` changes it), each supporter's
   evidence kept together.  A foreign-language document is followed immediately
   by its English translation and the translator's certificate.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from typing import Optional

from packetgen.case.model import Case, Evidence


def exhibit_letters(n: int) -> list[str]:
    """A..Z, then AA..AZ, BA.. (as tabs are usually labelled)."""
    out = []
    letters = string.ascii_uppercase
    for i in range(n):
        out.append(letters[i] if i < 26 else letters[i // 26 - 1] + letters[i % 26])
    return out


@dataclass
class PlannedExhibit:
    letter: str
    evidence: Evidence

    @property
    def id(self) -> str:
        return self.evidence.id

    @property
    def needs_translation(self) -> bool:
        return self.evidence.language != "en"


@dataclass
class PacketPlan:
    exhibits: list[PlannedExhibit] = field(default_factory=list)

    def exhibit(self, evidence_id: str) -> Optional[PlannedExhibit]:
        return next((x for x in self.exhibits if x.id == evidence_id), None)


# The order of the letter's argument, by evidence category ("supporter": each supporter's evidence, kept together).
_ARGUMENT = {
    "medical": ("petitioner_statement", "medical_abroad", "unavailability", "us_provider", "visa_history",
                "beneficiary_identity", "petitioner_identity", "relationship", "consent", "prior_filings",
                "criminal_record", "cost_estimate", "supporter", "beneficiary_funds", "character", "other"),
    "public_benefit": ("public_benefit", "petitioner_statement", "visa_history", "beneficiary_identity",
                       "petitioner_identity", "relationship", "consent", "prior_filings", "criminal_record",
                       "cost_estimate", "supporter", "beneficiary_funds", "medical_abroad", "us_provider",
                       "unavailability", "character", "other"),
}
_ARGUMENT["family_emergency"] = _ARGUMENT["other"] = _ARGUMENT["medical"]


def argument_order(case: Case) -> list[Evidence]:
    """The case's evidence in the order the letter argues it: for a medical request the medical evidence comes
    before the financial.  ``filing.exhibit_order``: "argument" (default), "supporters_first" (each supporter's
    evidence first, then the rest in case-file order), or a list of categories (with "supporter")."""
    supporter_ev = [e for s in case.supporters for e in case.evidence if e.supporter == s.id]
    other = [e for e in case.evidence if e.supporter is None]
    base = supporter_ev + other
    choice = getattr(case.filing, "exhibit_order", "argument") or "argument"
    if choice == "supporters_first":
        return base
    order = list(_ARGUMENT.get(case.request.reason, _ARGUMENT["medical"]) if choice == "argument" else choice)
    rank = {c: i for i, c in enumerate(order)}
    last = len(order)

    def key(e: Evidence) -> int:
        if e.supporter is not None:
            return rank.get("supporter", rank.get(e.category, last))
        return rank.get(e.category, rank.get("other", last))

    return sorted(base, key=key)      # stable: case-file order within a category, supporters in their order


def plan_packet(case: Case) -> PacketPlan:
    ordered = argument_order(case)
    return PacketPlan(exhibits=[PlannedExhibit(letter=l, evidence=e)
                                for l, e in zip(exhibit_letters(len(ordered)), ordered)])


@dataclass
class Span:
    """A run of packet pages (1-based, inclusive)."""
    first: int
    last: int

    @property
    def count(self) -> int:
        return self.last - self.first + 1


@dataclass
class ExhibitPages:
    letter: str
    evidence_id: str
    separator: int                     # packet page of the slip-sheet
    original: Span                     # the document itself (all its files)
    translation: Optional[Span] = None  # translation + certificate
    files: list[tuple[str, Span]] = field(default_factory=list)  # each input file's pages

    @property
    def span(self) -> Span:
        end = self.translation.last if self.translation else self.original.last
        return Span(self.separator, end)


@dataclass
class PageMap:
    letter: Span
    forms: list[Span]
    exhibits: list[ExhibitPages]
    total: int


def paginate(letter_pages: int, form_pages: list[int], exhibit_parts: list[tuple[str, str, list[tuple[str, int]], int]]) -> PageMap:
    """Lay sections end to end.

    ``exhibit_parts``: per exhibit (letter, evidence id, [(file label, pages)...], translation pages incl. certificate).
    """
    page = 1
    letter = Span(page, page + letter_pages - 1)
    page += letter_pages
    forms = []
    for n in form_pages:
        forms.append(Span(page, page + n - 1))
        page += n
    exhibits = []
    for letter_, eid, files, tr_pages in exhibit_parts:
        sep = page
        page += 1
        first = page
        file_spans = []
        for label, n in files:
            file_spans.append((label, Span(page, page + n - 1)))
            page += n
        original = Span(first, page - 1)
        tr = None
        if tr_pages:
            tr = Span(page, page + tr_pages - 1)
            page += tr_pages
        exhibits.append(ExhibitPages(letter_, eid, sep, original, tr, file_spans))
    return PageMap(letter=letter, forms=forms, exhibits=exhibits, total=page - 1)
