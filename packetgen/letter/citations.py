"""Exhibit references and the citation helpers a letter template calls (``exhibit("id")`` -> "Exhibit E, pp. 31–33").

Page numbers come from the packet's page map; see docs/letter.md for the citation rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from markupsafe import Markup, escape

# --------------------------------------------------------------------------- public data types

@dataclass
class ExhibitRef:
    evidence_id: str
    letter: str
    title: str
    shows: Optional[str]
    first_page: Optional[int]   # packet page numbers (1-based); None where pages are not known yet (letter source)
    last_page: Optional[int]
    translation_pages: Optional[tuple[int, int]] = None  # packet pages of its translation + certificate, if any
    translation_text: Optional[tuple[int, int]] = None   # of those, the English translation itself (no certificate)

    @property
    def original_last(self) -> Optional[int]:
        """The last packet page of the document itself (before its translation)."""
        if self.translation_pages and self.first_page is not None:
            return self.translation_pages[0] - 1
        return self.last_page

    @property
    def english(self) -> Optional[tuple[int, int]]:
        """The packet pages of the English translation (without the certificate), if it has one."""
        return self.translation_text or self.translation_pages


@dataclass
class LetterResult:
    pdf: bytes
    page_count: int
    cited: set[str]
    links: list[tuple[int, tuple[float, float, float, float], str]]
    warnings: list[str] = field(default_factory=list)
    signature_pages: list[int] = field(default_factory=list)   # 1-based pages of the letter with a signature line


def _pages(first: Optional[int], last: Optional[int]) -> str:
    if first is None:
        return "pp. 00–00"
    if last is None or last == first:
        return f"p. {first}"
    return f"pp. {first}–{last}"


def _page_range(first: Optional[int], last: Optional[int]) -> str:
    if first is None:
        return "000–000"
    if last is None or last == first:
        return f"{first}"
    return f"{first}–{last}"


def escape_markup(text) -> str:
    """Escape plain text for reportlab paragraph markup (``&``, ``<``, ``>``, quotes)."""
    return str(escape(text))



class _CitationError(Exception):
    def __init__(self, evidence_id: str, reason: str, known: list[str]):
        super().__init__(evidence_id)
        self.evidence_id = evidence_id
        self.reason = reason
        self.known = known



class _Citer:
    """The citation helpers a template calls; remembers what was cited."""

    def __init__(self, case, exhibits: list[ExhibitRef]):
        self.case = case
        self.refs = {x.evidence_id: x for x in exhibits}
        self.order = [x.evidence_id for x in exhibits]
        self.case_ids = [e.id for e in case.evidence]
        self.by_id = {e.id: e for e in case.evidence}
        self.bad_keys: dict[tuple[str, str], int] = {}   # (evidence id, passage) -> the document's page count
        self.bad_translation_keys: dict[tuple[str, str], int] = {}   # ... -> the translation's page count
        self.unmapped: dict[tuple[str, str], tuple[int, int]] = {}   # ... -> (original's, translation's pages)
        self.cited: set[str] = set()
        self.listed: set[str] = set()     # exhibits already shown as a bullet item (never listed twice)
        # exhibits whose ``shows`` the argument already states (not stated twice) -> the passage it cited, or None
        self.described: dict[str, Optional[str]] = {}

    def _ref(self, evidence_id) -> ExhibitRef:
        eid = str(evidence_id)
        if eid in self.refs:
            return self.refs[eid]
        if eid in self.case_ids:
            raise _CitationError(eid, "is in the case file but is not an exhibit in this packet", list(self.order))
        raise _CitationError(eid, "is not in the case file", list(self.case_ids))

    def exhibit(self, evidence_id, key=None) -> Markup:
        """'Exhibit H, pp. 75–76' (the document's own pages, never its separator sheet), or with ``key`` the page
        the evidence entry names for it (``"pages": {"prognosis": 2}`` -> 'Exhibit H, p. 76'); the range when the
        entry names no such page.  A translated document adds the English translation's pages, which are what
        the officer reads: 'Exhibit J, p. 80, English translation at p. 81' (docs/letter.md, 'Citations')."""
        ref = self._ref(evidence_id)
        self.cited.add(ref.evidence_id)
        page = self.key_page(ref, key)
        if page is not None:
            text = f"Exhibit {ref.letter}, p. {page}"
        else:
            text = f"Exhibit {ref.letter}, {_pages(ref.first_page, ref.original_last)}"
        ev = self.by_id.get(ref.evidence_id)
        if ev is not None and ev.translation is not None and (ref.translation_pages or ref.first_page is None):
            text += f", English translation at {self.translation_cite(ref, ev, key if page is not None else None)}"
        return escape(text)

    def translation_cite(self, ref: "ExhibitRef", ev, key) -> str:
        """'p. 81' (the translation's page of passage ``key``) or 'pp. 81–82' (the whole translation).

        The translation's page is the one ``translation.pages`` names; else, when the translation has as many pages
        as the original, the same page of it (a page-for-page translation); else the whole translation is cited
        and the build warns (``unmapped``)."""
        if ref.first_page is None or not ref.translation_pages:
            return "p. 000" if key is not None else "pp. 000–000"
        t0, t1 = ref.english
        whole = _pages(t0, t1)
        if key is None:
            return whole
        count, own = t1 - t0 + 1, ref.original_last - ref.first_page + 1
        named = (ev.translation.pages or {}).get(str(key))
        n = ev.pages[str(key)]
        if named:
            if named <= count:
                return f"p. {t0 + named - 1}"
            self.bad_translation_keys[(ref.evidence_id, str(key))] = count
            return whole
        if count == own:
            return f"p. {t0 + n - 1}"
        self.unmapped[(ref.evidence_id, str(key))] = (own, count)
        return whole

    def key_page(self, ref: "ExhibitRef", key) -> Optional[object]:
        """The packet page of a named passage (an int), '000' before pagination, or None when not named."""
        if key is None:
            return None
        ev = self.by_id.get(ref.evidence_id)
        n = (getattr(ev, "pages", None) or {}).get(str(key)) if ev is not None else None
        if not n:
            return None
        if ref.first_page is None:
            return "000"
        own = ref.original_last - ref.first_page + 1
        if 1 <= n <= own:
            return ref.first_page + n - 1
        self.bad_keys[(ref.evidence_id, str(key))] = own
        return None

    def has_exhibit(self, evidence_id) -> bool:
        return str(evidence_id) in self.refs

    def exhibits_for(self, *categories, supporter=None, about=None) -> list:
        """Evidence (case objects) of the given categories that are exhibits, in exhibit order.

        ``supporter``/``about`` narrow it to one supporter's documents or to documents about one person (id).
        """
        cats = set()
        for c in categories:
            cats.update([c] if isinstance(c, str) else list(c))
        by_id = {e.id: e for e in self.case.evidence}
        out = [by_id[i] for i in self.order if i in by_id and by_id[i].category in cats]
        if supporter is not None:
            out = [e for e in out if e.supporter == supporter or (e.supporter is None and supporter in e.about)]
        if about is not None:
            out = [e for e in out if about in e.about]
        return out

    def exhibits_with(self, key=None, words=(), about=None) -> list:
        """Exhibits that name the passage ``key`` in their ``pages``, or whose title or 'shows' mentions one of
        ``words`` (e.g. the ties to home: "employ", "ticket", "leave"), in exhibit order.  A supporter's documents
        and documents about no beneficiary only count when they name the passage.  ``about`` (a beneficiary's id)
        keeps the documents about that beneficiary and those about no beneficiary (the petitioner's declaration)."""
        import re

        pat = re.compile("|".join(re.escape(w) for w in words), re.I) if words else None
        ben = {b.id for b in self.case.beneficiaries}
        out = []
        for i in self.order:
            e = self.by_id.get(i)
            if e is None:
                continue
            if about is not None and about not in e.about and ben & set(e.about):
                continue
            if not (key and key in (getattr(e, "pages", None) or {})) and (e.supporter or not ben & set(e.about)):
                continue
            if (key and key in (getattr(e, "pages", None) or {})) or \
                    (pat and pat.search(f"{e.title} {e.shows or ''}")):
                out.append(e)
        return out

    def mark_listed(self, evidence_id) -> str:
        self.listed.add(str(evidence_id))
        return ""

    def mark_described(self, evidence_id, key=None) -> str:
        """Note that the letter has stated what this exhibit shows, citing passage ``key`` (or the whole document);
        a later bullet item gives its title and the same citation only (the ``evidence_items`` macro), so the
        same point is cited with the same pages throughout."""
        self.described[str(evidence_id)] = None if key is None else str(key)
        return ""

    def is_described(self, evidence_id) -> bool:
        return str(evidence_id) in self.described

    def described_key(self, evidence_id) -> Optional[str]:
        """The passage the letter cited where it stated what this exhibit shows (None: the whole document)."""
        return self.described.get(str(evidence_id))

    def not_listed(self, evidence) -> list:
        """The items not yet listed as a bullet item in the letter (so no exhibit is listed twice)."""
        return [e for e in evidence if (e.id if hasattr(e, "id") else str(e)) not in self.listed]

    def uncited(self) -> list:
        """Exhibits not cited so far in the rendering (for a closing 'further evidence' list)."""
        by_id = {e.id: e for e in self.case.evidence}
        return [by_id[i] for i in self.order if i in by_id and i not in self.cited]

    def cite_list(self, evidence, key=None) -> Markup:
        return Markup("; ").join(self.exhibit(e.id if hasattr(e, "id") else e, key) for e in evidence)

    def cite_named(self, evidence, keys=()) -> Markup:
        """'Exhibit B, p. 38; Exhibit D, p. 42': each exhibit once, in exhibit order, cited at the first of the
        passages ``keys`` that it names (its whole range when it names none of them)."""
        ids = list(dict.fromkeys(e.id if hasattr(e, "id") else str(e) for e in evidence))
        rank = {eid: i for i, eid in enumerate(self.order)}
        parts = []
        for eid in sorted(ids, key=lambda i: rank.get(i, len(rank))):
            named = getattr(self.by_id.get(eid), "pages", None) or {}
            parts.append(self.exhibit(eid, next((k for k in keys if named.get(str(k))), None)))
        return Markup("; ").join(parts)

    def see_list(self, evidence, key=None) -> Markup:
        c = self.cite_list(evidence, key)
        return Markup(" (see ") + c + Markup(")") if c else Markup("")

    def cite(self, *categories, key=None, **kw) -> Markup:
        """'Exhibit D, pp. 20–22; Exhibit E, p. 23' for every exhibit of these categories ('' if none);
        ``key`` cites each exhibit's named page for that passage where it has one."""
        return self.cite_list(self.exhibits_for(*categories, **kw), key)

    def see(self, *categories, key=None, **kw) -> Markup:
        """' (see Exhibit D, pp. 20–22)' or '' when there is no such exhibit."""
        return self.see_list(self.exhibits_for(*categories, **kw), key)
