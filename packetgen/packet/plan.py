"""The packet plan: what goes in, in which order, and with which exhibit letters.

Nothing is rendered here.  The plan is computed once from the case; the page
map (which section starts on which packet page) is computed from it by
:func:`paginate` and everything that shows page numbers reads that map.

USCIS receipts each beneficiary's Form I-131 (with its own fee) as a separate request, so a packet is
one **set** per beneficiary, each standing alone (:func:`plan_sets`; see docs/packet.md): payment form
and G-1145 on top, the cover letter and its exhibit index, the G-28, the beneficiary's I-131, the I-134s
for them, then every exhibit that concerns them, shared ones included, lettered within the set in the
order of the letter's argument (:func:`argument_order`; ``filing.exhibit_order`` changes it), each
supporter's evidence kept together.  A foreign-language document is followed immediately by its English
translation and the translator's certificate.
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


def _linked(case: Case, ids: set[str]) -> set[str]:
    """The beneficiaries in ``ids`` and those linked to them by ``accompanies`` (either way)."""
    out = set(ids)
    for b in case.beneficiaries:
        if b.id in ids and b.accompanies:
            out.add(b.accompanies)
        if b.accompanies in ids:
            out.add(b.id)
    return out


def concerns(case: Case, ev: Evidence, beneficiary_ids: set[str]) -> bool:
    """Does this evidence belong in the set of these beneficiaries?

    A supporter's documents go with every beneficiary that supporter files an I-134 for. Evidence about
    nobody in particular, or about the petitioner, is shared by every set. Evidence about people goes to the sets of those people
    and of the beneficiaries linked to them by ``accompanies`` (a parent's set carries the child's medical
    evidence, the child's set the parent's identity documents).
    """
    supporters = {s.id for s in case.supporters if beneficiary_ids & set(s.supports)}
    if ev.supporter:
        return ev.supporter in supporters
    if not ev.about:
        return True
    people = _linked(case, beneficiary_ids) | supporters | {"petitioner"}   # the petitioner files every request
    return any(who in people for who in ev.about)


@dataclass
class SetPlan:
    """One stand-alone stack for USCIS: one beneficiary's request (or, combined, all of them)."""
    number: int                       # 1-based, mailing order
    key: str                          # the beneficiary's id, or "all" for a combined packet
    beneficiary_ids: list[str]
    plan: PacketPlan                  # the exhibits of this set, lettered within it
    file_name: str


def plan_sets(case: Case, plan: PacketPlan, *, combined: bool = False) -> list[SetPlan]:
    """One set per beneficiary (one set when there is one beneficiary, or when ``combined``).

    File names sort in mailing order and name the beneficiary by id, never by personal name:
    ``packet.pdf`` for a single set, else ``packet-1-<id>.pdf``, ``packet-2-<id>.pdf``, ...
    """
    groups = [[b.id for b in case.beneficiaries]] if combined or len(case.beneficiaries) <= 1 else \
        [[b.id] for b in case.beneficiaries]
    width = len(str(len(groups)))
    out = []
    for n, ids in enumerate(groups, 1):
        chosen = [px.evidence for px in plan.exhibits if concerns(case, px.evidence, set(ids))]
        lettered = PacketPlan(exhibits=[PlannedExhibit(letter=l, evidence=e)
                                        for l, e in zip(exhibit_letters(len(chosen)), chosen)])
        single = len(groups) == 1
        key = ids[0] if len(ids) == 1 and not combined else "all"
        name = "packet.pdf" if single else f"packet-{n:0{width}d}-{key}.pdf"
        out.append(SetPlan(number=n, key=key, beneficiary_ids=ids, plan=lettered, file_name=name))
    return out


@dataclass(frozen=True)
class ExhibitParts:
    """What :func:`paginate` needs of one exhibit: its files' page counts and its translation's."""
    letter: str
    evidence_id: str
    files: list[tuple[str, int]]      # (file label, pages) per input file of the document
    translation_pages: int = 0        # translation and certificate together
    certificate_pages: int = 0        # of those, the translator's certificate (the last pages)


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
    certificate_pages: int = 0         # the translator's certificate, at the end of ``translation``

    @property
    def translation_text(self) -> Optional[Span]:
        """The English translation itself, without the translator's certificate."""
        if self.translation is None:
            return None
        return Span(self.translation.first, max(self.translation.first, self.translation.last - self.certificate_pages))

    @property
    def span(self) -> Span:
        end = self.translation.last if self.translation else self.original.last
        return Span(self.separator, end)


@dataclass
class PageMap:
    letter: Span
    forms: list[Span]                 # every form, in set order (those before the letter first)
    exhibits: list[ExhibitPages]
    total: int


def paginate(letter_pages: int, form_pages: list[int], exhibit_parts: list[ExhibitParts], *,
             forms_before_letter: int = 0) -> PageMap:
    """Lay sections end to end: the first ``forms_before_letter`` forms (payment, G-1145), the letter,
    the other forms, then the exhibits."""
    page = 1
    forms = []
    for n in form_pages[:forms_before_letter]:
        forms.append(Span(page, page + n - 1))
        page += n
    letter = Span(page, page + letter_pages - 1)
    page += letter_pages
    for n in form_pages[forms_before_letter:]:
        forms.append(Span(page, page + n - 1))
        page += n
    exhibits = []
    for part in exhibit_parts:
        letter_, eid, files, tr_pages = part.letter, part.evidence_id, part.files, part.translation_pages
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
        exhibits.append(ExhibitPages(letter_, eid, sep, original, tr, file_spans,
                                     min(part.certificate_pages, tr_pages) if tr else 0))
    return PageMap(letter=letter, forms=forms, exhibits=exhibits, total=page - 1)
