"""Sanitizing a source PDF before its pages are copied: active content, attachments, fields, comments.

A mixin of :class:`packetgen.evidence.pdf._PdfNormalizer`; policy in ``docs/evidence.md`` ("Sanitizing").
"""

from __future__ import annotations

import pikepdf
from pikepdf import Array, Dictionary, Name

from packetgen.evidence.common import _page_ranges, _short

_ACTIVE_ACTIONS = {"/JavaScript": "JavaScript", "/Launch": "Launch", "/ImportData": "ImportData",
                   "/SubmitForm": "SubmitForm", "/GoToR": "GoToR", "/GoToE": "GoToE",
                   "/Rendition": "Rendition", "/RichMediaExecute": "RichMediaExecute"}
_DROP_ANNOTS = {"/Popup", "/FileAttachment", "/Sound", "/Movie", "/Screen", "/RichMedia", "/3D",
                "/Projection", "/PrinterMark", "/TrapNet"}


class _Sanitizer:
    """Finds and removes what must not reach the packet; reports it in one warning line per kind."""

    name: str
    warnings: list[str]
    found: dict[str, list[str]]
    links_dropped: dict[str, int]
    external_removed: int

    # -- inspection -------------------------------------------------------------
    def _note(self, kind: str, detail: str) -> None:
        self.found.setdefault(kind, []).append(detail)

    def _action_kinds(self, action, depth: int = 0) -> list[str]:
        """Active action types in an action dictionary and its /Next chain."""
        kinds: list[str] = []
        seen = 0
        todo = [action]
        while todo and seen < 64:
            act = todo.pop()
            seen += 1
            if isinstance(act, Array):
                todo.extend(act)
                continue
            if not isinstance(act, Dictionary):
                continue
            s = str(act.get("/S", ""))
            if s in _ACTIVE_ACTIONS:
                kinds.append(_ACTIVE_ACTIONS[s])
            nxt = act.get("/Next")
            if nxt is not None:
                todo.append(nxt)
        return kinds

    def _inspect_document(self, src: pikepdf.Pdf) -> None:
        root = src.Root
        oa = root.get("/OpenAction")
        if oa is not None and isinstance(oa, Dictionary):
            for k in self._action_kinds(oa):
                self._note("active", f"an open action ({k})")
        if "/AA" in root:
            self._note("active", "document actions (on close/save/print)")
        names = root.get("/Names")
        if isinstance(names, Dictionary):
            if "/JavaScript" in names:
                self._note("active", "document-level JavaScript")
            ef = names.get("/EmbeddedFiles")
            if ef is not None:
                files = []
                try:
                    for key, _ in pikepdf.NameTree(ef).items():
                        files.append(str(key))
                except Exception:
                    files.append("?")
                self._note("attachments", ", ".join(files[:5]) + (" ..." if len(files) > 5 else ""))
        form = root.get("/AcroForm")
        if isinstance(form, Dictionary):
            if "/XFA" in form:
                dynamic = bool(root.get("/NeedsRendering", False))
                self._note("xfa", "dynamic" if dynamic else "static")
            self._inspect_fields(form)

    def _inspect_fields(self, form: Dictionary) -> None:
        fields = form.get("/Fields")
        if not isinstance(fields, Array):
            return
        count = sigs = 0
        seen: set = set()
        todo = list(fields)
        while todo and len(seen) < 100_000:
            f = todo.pop()
            if not isinstance(f, Dictionary):
                continue
            key = f.objgen if f.is_indirect else id(f)
            if key in seen:
                continue
            seen.add(key)
            if "/AA" in f:
                self._note("active", "form-field scripts")
            kids = f.get("/Kids")
            has_field_kids = isinstance(kids, Array) and any(
                isinstance(k, Dictionary) and "/T" in k for k in kids)
            if has_field_kids:
                todo.extend(kids)
                continue
            ft = self._inherited_field(f, "/FT")
            if ft == Name.Sig:
                sigs += f.get("/V") is not None
            else:
                count += 1
        if count:
            self._note("fields", str(count))
        if sigs:
            self._note("signatures", str(sigs))

    @staticmethod
    def _inherited_field(f: Dictionary, key: str):
        for _ in range(32):
            if key in f:
                return f[key]
            f = f.get("/Parent")
            if not isinstance(f, Dictionary):
                return None
        return None

    def _prepare_annotations(self, src: pikepdf.Pdf, pages) -> list[list[Dictionary]]:
        """Take links out, drop attachments/media, flatten everything else into the content."""
        links: list[list[Dictionary]] = []
        any_links = False
        to_flatten = False
        comments = 0
        for page in pages:
            pobj = page.obj
            if "/AA" in pobj:
                self._note("active", "page open/close actions")
            annots = pobj.get("/Annots")
            page_links: list[Dictionary] = []
            links.append(page_links)
            if annots is None:
                continue
            if not isinstance(annots, Array):
                del pobj["/Annots"]
                continue
            keep = []
            for a in annots:
                if not isinstance(a, Dictionary):
                    continue
                sub = str(a.get("/Subtype", ""))
                for k in self._action_kinds(a.get("/A")):
                    self._note("active", f"a link or button that runs {k}" if k != "Launch"
                               else "a link that launches a program or file")
                if "/AA" in a:
                    self._note("active", "field/annotation scripts")
                if sub == "/Link":
                    page_links.append(a)
                    any_links = True
                elif sub == "/FileAttachment":
                    fs = a.get("/FS")
                    label = str(fs.get("/UF", fs.get("/F", "?"))) if isinstance(fs, Dictionary) else "?"
                    self._note("attachments", label)
                elif sub in _DROP_ANNOTS:
                    if sub not in ("/Popup", "/PrinterMark", "/TrapNet"):
                        self._note("media", sub[1:])
                else:
                    if sub == "/Text" and str(a.get("/Contents", "")).strip():
                        comments += 1
                    keep.append(a)
            if keep:
                to_flatten = True
                pobj.Annots = Array(keep)
            else:
                del pobj["/Annots"]
        if comments:
            self._note("comments", str(comments))
        if to_flatten:
            form = src.Root.get("/AcroForm")
            try:
                if isinstance(form, Dictionary) and form.get("/NeedAppearances", False):
                    src.generate_appearance_streams()
                src.flatten_annotations("all")
            except pikepdf.PdfError as exc:
                self.warnings.append(f"{self.name}: its form fields and comments could not be flattened "
                                     f"({_short(exc)}); they are missing from the packet copy")
        return links if any_links else []
    # -- warnings -----------------------------------------------------------------
    def _report(self, tiny, shrunk, empty: int, npages: int) -> None:
        name, found, w = self.name, self.found, self.warnings
        if "active" in found:
            kinds = list(dict.fromkeys(found["active"]))
            w.append(f"{name}: contained active content ({'; '.join(kinds)}); removed it, the packet copy is static")
        if "attachments" in found:
            w.append(f"{name}: has attached files ({', '.join(found['attachments'])}); attachments are not "
                     f"carried into the packet: add any that matter as separate evidence")
        if "media" in found:
            kinds = ", ".join(sorted(set(found["media"])))
            w.append(f"{name}: had multimedia elements ({kinds}); removed them")
        if "xfa" in found:
            if "dynamic" in found["xfa"]:
                blank = " Its pages came out blank." if empty == npages else ""
                w.append(f"{name}: is a dynamic XFA form whose content only Adobe Reader can show; XFA data "
                         f"is not carried over.{blank} Fix: open it in Adobe Acrobat Reader, print it to "
                         f"PDF, and use that file")
            else:
                w.append(f"{name}: contained an XFA form; XFA data is not carried over (the page content "
                         f"and flattened form values are)")
        if "fields" in found:
            w.append(f"{name}: had {found['fields'][0]} fillable form field(s); their values were flattened into "
                     f"the page (no longer editable; check they read correctly)")
        if "signatures" in found:
            w.append(f"{name}: has {found['signatures'][0]} digital signature(s); they are no longer verifiable "
                     f"in the packet (their appearance is kept). Submit the original file too if the "
                     f"signature itself matters")
        if "comments" in found:
            w.append(f"{name}: has {found['comments'][0]} comment note(s); the note icons are kept but their "
                     f"text is not shown in the packet")
        if self.external_removed:
            w.append(f"{name}: removed {self.external_removed} external link(s) (web or e-mail addresses); "
                     f"the packet links to no outside site (build with --keep-links to keep them)")
        if self.links_dropped:
            parts = ", ".join(f"{n} {kind}" for kind, n in self.links_dropped.items())
            w.append(f"{name}: removed links that cannot work in the packet ({parts})")
        if tiny:
            pages = _page_ranges(i for i, _, _ in tiny)
            i, pw, ph = tiny[0]
            w.append(f"{name}: page(s) {pages} are tiny (page {i} is {pw:.0f} x {ph:.0f} pt, under 1 inch) and "
                     f"are placed at their real size, so they are barely visible; if this is a scan saved "
                     f"with a wrong size, re-scan it or convert it to an image")
        if shrunk:
            pages = _page_ranges(i for i, _ in shrunk)
            worst = min(s for _, s in shrunk)
            w.append(f"{name}: page(s) {pages} are much larger than Letter and were shrunk (down to "
                     f"{worst:.0%}); small print may be unreadable: consider also adding an enlarged excerpt")

