"""PDF evidence as clean US-Letter pages: each source page becomes a Form XObject fitted into the content box.

Geometry, sanitizing and damaged-file policy: ``docs/evidence.md``.  Sanitizing and links are the
mixins in :mod:`packetgen.evidence.pdf_sanitize` and :mod:`packetgen.evidence.pdf_links`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

import pikepdf
from pikepdf import Array, Dictionary, Name

from packetgen.errors import EvidenceDamagedError, EvidenceLockedError
from packetgen.evidence.common import (_FIX_RESAVE, _PAGE_H, _PAGE_W, _SHRINK_WARN, _TINY_PT, _XOBJ_NAME, Matrix,
                                       _cm, _fit, _num, _page_ranges, _rect, _short)
from packetgen.evidence.bounds import BoundExceeded, check_pages
from packetgen.evidence.optional_content import _OptionalContent
from packetgen.evidence.pdf_links import _Links
from packetgen.evidence.pdf_sanitize import _Sanitizer
from packetgen.evidence.sniff import _Source

# qpdf warnings that do not mean the file is damaged in a way the user should hear about:
# a page without /Resources (we give every page its own) and qpdf's own "common error handled
# correctly" note about xref streams.
_BENIGN_QPDF = ("Resources is missing or invalid", "handled correctly by qpdf")


def _repairs(qpdf_warnings: list[str]) -> list[str]:
    """qpdf's complaints worth reporting, cleaned of the stream description, most telling first."""
    out = []
    for text in qpdf_warnings:
        if any(b in text for b in _BENIGN_QPDF):
            continue
        text = re.sub(r"^stream <[^>]*>", "", text).lstrip(" ,:")
        if text and text not in out:
            out.append(text)
    # "file is damaged" only says that reconstruction started; the next line says why
    if len(out) > 1 and out[0] == "file is damaged":
        out = out[1:]
    return out


_PERMISSIONS = (
    ("print_lowres", "printing"), ("extract", "copying text"), ("modify_other", "editing"),
    ("modify_annotation", "commenting"), ("modify_form", "filling forms"),
    ("modify_assembly", "page assembly"),
)




# A bound on work and memory for one file (a legitimate exhibit is far smaller; the corpus's largest
# has 600 pages).  Beyond it a file is refused with a message rather than slowly merged.
MAX_PAGES_PER_FILE = 5000


@dataclass
class _Layout:
    """Where each source page goes: its Form XObject and placement matrix, and what to warn about."""

    forms: list = field(default_factory=list)
    placements: list[Matrix] = field(default_factory=list)
    tiny: list[tuple[int, float, float]] = field(default_factory=list)
    shrunk: list[tuple[int, float]] = field(default_factory=list)
    empty: int = 0


class _PdfNormalizer(_Sanitizer, _Links):
    def __init__(self, source: _Source, name: str, password: Optional[str], warnings: list[str], *,
                 keep_links: bool = False):
        self.keep_links = keep_links
        self.external_removed = 0
        self.source = source
        self.name = name
        self.password = password
        self.warnings = warnings
        self.found: dict[str, list[str]] = {}      # active-content kind -> details
        self.links_dropped: dict[str, int] = {}
        self.crops: list[tuple[float, float, float, float]] = []   # visible box per source page

    # -- opening ------------------------------------------------------------
    def _open(self) -> pikepdf.Pdf:
        name = self.name
        try:
            src = pikepdf.open(self.source.path, password=self.password or "")
        except pikepdf.PasswordError as exc:
            if self.password:
                try:   # a password was given for a file that opens without one
                    src = pikepdf.open(self.source.path)
                except (pikepdf.PasswordError, pikepdf.PdfError):
                    src = None
                if src is not None and (not src.is_encrypted or src.user_password_matched):
                    self.warnings.append(f"{name}: the password given for it is wrong, but none is needed; "
                                         f"opened it without one")
                    self.password = None
                    if src.is_encrypted:
                        self._check_encryption(src)
                    return src
                raise EvidenceLockedError(
                    f"{name}: the password given for it does not open it",
                    fix=f'check the "password" of the evidence item for {name} in the case file '
                        f"(passwords are case-sensitive)") from exc
            raise EvidenceLockedError(
                f"{name}: is protected with a password",
                fix=f'add "password": "..." to the evidence item for {name} in the case file, '
                    f"or ask the sender for an unprotected copy") from exc
        except pikepdf.PdfError as exc:
            raise self._damaged(exc) from exc
        if src.is_encrypted:
            self._check_encryption(src)
        return src

    def _check_encryption(self, src: pikepdf.Pdf) -> None:
        name = self.name
        if not self.password and not src.user_password_matched:
            # The empty password was accepted only as the OWNER password: the author set a
            # user (open) password.  See docs/evidence.md for why this is refused.
            raise EvidenceLockedError(
                f"{name}: is protected with an open password (it only opens without one through "
                f"a loophole: its owner password is empty, which packetgen does not use)",
                fix=f'add "password": "..." (the password that opens it) to the evidence item for '
                    f"{name} in the case file")
        denied = []
        try:
            allow = src.allow
            denied = [label for attr, label in _PERMISSIONS if not getattr(allow, attr, True)]
        except Exception:  # permissions are informative only
            pass
        how = "opened with the password from the case file" if self.password else \
            "opened without a password (none is needed)"
        text = f"{name}: was encrypted; {how}; the packet copy is not encrypted"
        if denied:
            text += f" and no longer restricts {', '.join(denied)}"
        self.warnings.append(text)

    def _damaged(self, exc: BaseException) -> EvidenceDamagedError:
        name = self.name
        detail = _short(exc)
        tail = self.source.tail
        if b"%%EOF" not in tail and b"startxref" not in tail:
            msg = f"{name}: is damaged beyond repair: the file is cut off (an interrupted download or copy?)"
        elif "Loop detected in /Pages" in str(exc):
            msg = f"{name}: is damaged beyond repair: its page tree loops back on itself"
        else:
            msg = f"{name}: is damaged beyond repair"
        return EvidenceDamagedError(msg, fix=_FIX_RESAVE, details=[f"qpdf: {detail}"])

    # -- main -----------------------------------------------------------------
    def run(self) -> pikepdf.Pdf:
        src = self._open()
        pages = self._source_pages(src)
        self._warn_repairs(src, "was damaged and has been repaired")
        self._check_streams(pages)
        self._inspect_document(src)
        links = self._prepare_annotations(src, pages)
        _OptionalContent(src).apply(pages)
        layout = _Layout()
        used_streams: set[tuple[int, int]] = set()
        for idx, page in enumerate(pages, start=1):
            self._place_page(src, idx, page.obj, layout, used_streams)
        out = pikepdf.Pdf.new()
        new_pages = self._copy_pages(src, out, pages, layout)
        self._warn_repairs(src, "has damaged parts that were skipped or repaired while converting it")
        if links:
            self._add_links(src, out, pages, new_pages, layout.placements, links)
        self._report(layout.tiny, layout.shrunk, layout.empty, len(pages))
        return out

    def _source_pages(self, src: pikepdf.Pdf) -> list:
        try:
            pages = list(src.pages)
        except pikepdf.PdfError as exc:
            raise self._damaged(exc) from exc
        if not pages:
            raise EvidenceDamagedError(f"{self.name}: has no pages",
                                       fix="check that this is the right file; " + _FIX_RESAVE)
        if len(pages) > MAX_PAGES_PER_FILE:
            raise EvidenceDamagedError(
                f"{self.name}: has {len(pages):,} pages; one evidence file may have at most "
                f"{MAX_PAGES_PER_FILE:,} (USCIS asks for relevant pages, not whole archives)",
                fix="include only the pages that prove the point (split the file), or check it is the right file")
        return pages

    def _check_streams(self, pages) -> None:
        """Bounds on every stream (a bomb is refused) and damaged streams repaired, before anything decodes them."""
        try:
            check = check_pages(pages, repair=True, inherited_resources=lambda p: self._inherited(p, "/Resources"))
        except BoundExceeded as exc:
            where = f"page {exc.page}: " if exc.page else ""
            raise EvidenceDamagedError(
                f"{self.name}: {where}has {exc.text}; refused it (a decompression bomb, or far more than any "
                f"document needs)",
                fix="check that this is the right file; if it is, print it to a new PDF at a normal resolution "
                    "(bounds: docs/evidence.md)") from exc
        by_kind: dict[tuple[str, str], list[int]] = {}
        for d in check.damaged:
            by_kind.setdefault((d.what, d.repaired), []).append(d.page)
        for (what, done), numbers in by_kind.items():
            self.warnings.append(f"{self.name}: page(s) {_page_ranges(numbers)}: {what} could not be decoded "
                                 f"(damaged data); {done}. Check the page(s) in the packet, or get a fresh copy")

    def _warn_repairs(self, src: pikepdf.Pdf, what: str) -> None:
        repairs = _repairs(src.get_warnings())   # (retrieving them clears qpdf's list)
        if repairs:
            self.warnings.append(f"{self.name}: {what}; check its pages in the packet "
                                 f"(qpdf: {'; '.join(repairs[:2])})")

    def _place_page(self, src: pikepdf.Pdf, idx: int, pobj: Dictionary, layout: _Layout, used: set) -> None:
        crop, rot, uu = self._page_geometry(pobj)
        self.crops.append(crop)
        x0, y0, x1, y1 = crop
        w, h = (x1 - x0) * uu, (y1 - y0) * uu
        if rot in (90, 270):
            w, h = h, w
        s, tx, ty = _fit(w, h, upscale=False)
        if max(w, h) < _TINY_PT:
            layout.tiny.append((idx, w, h))
        elif s < _SHRINK_WARN:
            layout.shrunk.append((idx, s))
        form, is_empty = self._form_xobject(src, pobj, crop, used)
        layout.empty += is_empty
        layout.placements.append(self._matrix(crop, rot, s * uu, tx, ty))
        layout.forms.append(form)

    def _copy_pages(self, src: pikepdf.Pdf, out: pikepdf.Pdf, pages, layout: _Layout) -> list[pikepdf.Object]:
        # one copy_foreign for all pages: qpdf walks the shared resources (fonts...) once
        copied = out.copy_foreign(src.make_indirect(Array(layout.forms)))
        return [self._new_page(src, out, form, page.obj, m)
                for page, form, m in zip(pages, copied, layout.placements)]

    # -- pages --------------------------------------------------------------------
    def _page_geometry(self, pobj: Dictionary) -> tuple[tuple[float, float, float, float], int, float]:
        media = _rect(self._inherited(pobj, "/MediaBox")) or (0.0, 0.0, _PAGE_W, _PAGE_H)
        crop = _rect(self._inherited(pobj, "/CropBox"))
        if crop is not None:
            cx0, cy0 = max(crop[0], media[0]), max(crop[1], media[1])
            cx1, cy1 = min(crop[2], media[2]), min(crop[3], media[3])
            crop = (cx0, cy0, cx1, cy1) if cx1 > cx0 and cy1 > cy0 else None
        box = crop or media
        rot = int(round(_num(self._inherited(pobj, "/Rotate"), 0.0) / 90.0)) * 90 % 360
        uu = _num(pobj.get("/UserUnit"), 1.0)
        if not 0 < uu < 1e5:
            uu = 1.0
        return box, rot, uu

    @staticmethod
    def _inherited(pobj: Dictionary, key: str):
        node = pobj
        for _ in range(64):
            val = node.get(key)
            if val is not None:
                return val
            node = node.get("/Parent")
            if not isinstance(node, Dictionary):
                return None
        return None

    @staticmethod
    def _matrix(crop, rot: int, k: float, tx: float, ty: float) -> Matrix:
        """Form space -> page space: crop box corner to origin, /Rotate (clockwise), scale k, translate."""
        x0, y0, x1, y1 = crop
        if rot == 0:
            return (k, 0.0, 0.0, k, tx - k * x0, ty - k * y0)
        if rot == 90:
            return (0.0, -k, k, 0.0, tx - k * y0, ty + k * x1)
        if rot == 180:
            return (-k, 0.0, 0.0, -k, tx + k * x1, ty + k * y1)
        return (0.0, k, -k, 0.0, tx + k * y1, ty - k * x0)

    def _form_xobject(self, src: pikepdf.Pdf, pobj: Dictionary, crop, used: set) -> tuple[pikepdf.Object, bool]:
        contents = pobj.get("/Contents")
        stream = None
        is_empty = False
        if isinstance(contents, pikepdf.Stream):
            if contents.objgen not in used and contents.objgen != (0, 0):
                used.add(contents.objgen)
                stream = contents       # reuse: no decode / re-encode of the page content
            else:
                stream = pikepdf.Stream(src, contents.read_bytes())
            is_empty = _num(contents.get("/Length"), 1.0) == 0
        elif isinstance(contents, Array):
            parts = [c.read_bytes() for c in contents if isinstance(c, pikepdf.Stream)]
            data = b"\n".join(parts)
            stream = pikepdf.Stream(src, data)
            is_empty = not data.strip()
        else:
            stream = pikepdf.Stream(src, b"")
            is_empty = True
        res = self._inherited(pobj, "/Resources")
        stream.Type = Name.XObject
        stream.Subtype = Name.Form
        stream.FormType = 1
        stream.BBox = Array([float(v) for v in crop])
        stream.Resources = res if isinstance(res, Dictionary) else Dictionary()
        if "/Matrix" in stream:
            del stream["/Matrix"]
        if not stream.is_indirect:
            stream = src.make_indirect(stream)
        return stream, is_empty

    def _new_page(self, src: pikepdf.Pdf, out: pikepdf.Pdf, xobj, pobj: Dictionary, m: Matrix) -> pikepdf.Object:
        content = pikepdf.Stream(out, b"q " + _cm(m) + b" cm " + _XOBJ_NAME.unparse() + b" Do Q")
        page = Dictionary(
            Type=Name.Page,
            MediaBox=Array([0, 0, int(_PAGE_W), int(_PAGE_H)]),
            Resources=Dictionary(XObject=Dictionary({str(_XOBJ_NAME): xobj})),
            Contents=content,
        )
        group = pobj.get("/Group")
        if isinstance(group, Dictionary):
            # keep the page's transparency group (blending colour space) on the new page
            page.Group = out.copy_foreign(group if group.is_indirect else src.make_indirect(group))
        page = out.make_indirect(page)
        out.pages.append(pikepdf.Page(page))
        return page

