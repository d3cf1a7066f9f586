"""Assemble the submission PDF: merge, stamp, outline, link.  qpdf does the work.

Every part (forms, letter, separators, evidence) is a PDF file in the build's
temporary folder.  A qpdf job (``qpdf --empty --pages ...``, run in-process by
pikepdf) merges them; it copies pages lazily, so stream data is read from the
part files only while the packet is written and memory stays flat in the size
of the evidence.  pikepdf's own page copying would first read every stream into
memory (its documents copy "immediately"): 1.4 MB of memory per MB of evidence
(issue 16; measured in benchmarks/README.md).  The filled forms' fields stay
live: each form's /AcroForm and /Annots pass through the merge under private
keys and are put back (``_FORM_KEY``).  Why not pypdf: on the 870 corpus pages
qpdf merges in 0.7 s, a plain pypdf append in 3.7 s.

Page stamps are one small content stream appended to each page, using one
shared Helvetica font object: stamping never copies page content.  Where the
stamp goes:

* our own pages (letter, index, separators, certificates) and evidence pages
  keep the bottom ``STAMP_BAND`` free (evidence is shrunk into the rest by
  :mod:`packetgen.evidence.normalize`), so the stamp sits in that band;
* official form pages are never scaled or altered: their footer carries the
  edition and the PDF417 barcode, which USCIS scans.  The stamp goes in the
  empty top margin instead (above the form's first rule), in small type.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

import pikepdf
from pikepdf import Array, Dictionary, Name, OutlineItem, String

from packetgen.layout import LETTER

FORM_STAMP_Y = LETTER[1] - 14.0   # top margin of official form pages
BAND_STAMP_Y = 12.0               # bottom band of our own and evidence pages


@dataclass
class PageLabel:
    """What the stamp of one packet page says."""
    section: str          # "Cover letter", "Form I-131", "Exhibit C"
    within: int           # page within the section
    within_total: int
    on_form: bool = False


@dataclass
class Part:
    """A run of pages to put into the packet, already rendered, in a PDF file of the build's temporary folder."""
    file: Path
    pages: int
    section: str
    on_form: bool = False


@dataclass
class Assembled:
    """The unsaved packet, and the qpdf job whose input files its pages are read from when it is saved."""
    pdf: pikepdf.Pdf
    job: object


#: A filled form's /AcroForm and its pages' /Annots go through the merge under these keys (restored before
#: saving), so qpdf copies them as plain objects: its form handling would copy a form's field tree once per
#: page (measured: 11x the annotations), and its annotation handling would copy the widgets apart from the
#: fields that own them (the fields' /Kids would no longer be the widgets on the pages).
_FORM_KEY = Name("/PGAcroForm")
_ANNOTS_KEY = Name("/PGAnnots")


def part_file(workdir, data: bytes) -> Path:
    """Write a rendered PDF (letter, separator, certificate...) into ``workdir`` for the merge.

    Its page count is not read back: the part's :class:`Part` carries the count the page map was made with, and
    :func:`assemble` fails loudly if the merge disagrees.
    """
    fd, name = tempfile.mkstemp(suffix=".pdf", dir=workdir)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    return Path(name)


def form_part_file(workdir, pdf: pikepdf.Pdf) -> Path:
    """Write a filled form (open) into ``workdir`` for the merge, its fields under private page keys.

    qpdf's page copy would copy the form's fields once per page and part widgets from their fields, so the
    /AcroForm rides on the first page and each page's /Annots under ``_ANNOTS_KEY``; :func:`assemble` puts them
    back.  Saved once (filling and merging the official I-131 took two saves and a re-parse before: 60 + 75 ms).
    ``pdf`` is left as it was.
    """
    fd, name = tempfile.mkstemp(suffix=".pdf", dir=workdir)
    root = pdf.Root
    af = root.get("/AcroForm")
    first = pdf.pages[0].obj if len(pdf.pages) else None
    moved: list = []
    try:
        if af is not None and first is not None:
            first[_FORM_KEY] = af if af.is_indirect else pdf.make_indirect(af)
            del root["/AcroForm"]
        for page in pdf.pages:
            if "/Annots" in page.obj:
                page.obj[_ANNOTS_KEY] = page.obj.Annots
                del page.obj["/Annots"]
                moved.append(page.obj)
        with os.fdopen(fd, "wb") as fh:
            # streams encoded here as a stand-alone save would (the merge re-reads them, and the packet keeps
            # the same bytes); no object streams, which the packet's save makes anyway
            # fix_metadata_version=False: the packet takes pages, not the form's XMP, so updating it would only
            # import lxml (about 20 ms) for nothing
            pdf.save(fh, object_stream_mode=pikepdf.ObjectStreamMode.disable, fix_metadata_version=False)
    finally:
        for obj in moved:
            obj.Annots = obj[_ANNOTS_KEY]
            del obj[_ANNOTS_KEY]
        if first is not None and _FORM_KEY in first:
            root.AcroForm = first[_FORM_KEY]
            del first[_FORM_KEY]
    return Path(name)


@dataclass
class OutlineEntry:
    title: str
    page: int                          # 0-based packet page index
    children: list["OutlineEntry"] = field(default_factory=list)


def _pdf_escape(text: str) -> bytes:
    # WinAnsi for the standard Helvetica; characters outside Latin-1 become '?'
    raw = text.encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _helvetica_width(text: str, size: float) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return stringWidth(text.encode("cp1252", errors="replace").decode("cp1252"), "Helvetica", size)


def _stamp_stream(pdf: pikepdf.Pdf, left: str, right: str, *, y: float, size: float = 7.5) -> pikepdf.Stream:
    w = LETTER[0]
    rx = w - 36 - _helvetica_width(right, size)
    ops = (b"q 1 0 0 1 0 0 cm 0.25 g BT /PGStampF %.1f Tf %.2f %.2f Td (%s) Tj ET "
           b"BT /PGStampF %.1f Tf %.2f %.2f Td (%s) Tj ET Q\n") % (
        size, 36.0, y, _pdf_escape(left), size, rx, y, _pdf_escape(right))
    return pikepdf.Stream(pdf, ops)


def assemble(parts: list[Part], *, case_name: str, outline: list[OutlineEntry],
             links: list[tuple[int, tuple[float, float, float, float], int]],
             title: str, date: dt.date, draft: bool = False,
             progress: Optional[Callable[[str], None]] = None) -> Assembled:
    """Merge ``parts`` in order, stamp every page, add the outline and index links.

    Returns the unsaved packet; :func:`save_packet` writes it (straight to the
    output's temporary file, so the packet is never held in memory as bytes).
    The part files must stay until then.

    ``links``: (packet page index of the index row, rect, target packet page index).
    Form parts (written by :func:`form_part_file`) keep their live fields;
    evidence was flattened and sanitized by :mod:`packetgen.evidence.normalize`.
    """
    # --remove-unreferenced-resources=no: our parts' resources are already minimal, and the check would parse
    # every content stream of the evidence.  Files beyond qpdf's keep-files-open threshold (200) are reopened
    # while the packet is written, so no descriptor limit is reached.
    job = pikepdf.Job(["qpdf", "--empty", "--remove-unreferenced-resources=no", "--pages",
                       *[str(p.file) for p in parts], "--", os.devnull])
    out = job.create_pdf()
    labels: list[PageLabel] = []
    for part in parts:
        labels += [PageLabel(part.section, i + 1, part.pages, part.on_form) for i in range(part.pages)]
    total = len(out.pages)
    if total != len(labels):
        from packetgen.errors import InternalError

        raise InternalError(f"the merged packet has {total} pages where its page map has {len(labels)}",
                            fix="report this bug with the build's --debug output")
    if progress:
        progress(f"merged {total} pages")
    forms = []
    for page, label in zip(out.pages, labels):
        if not label.on_form:
            continue
        if _ANNOTS_KEY in page.obj:
            page.obj.Annots = page.obj[_ANNOTS_KEY]
            del page.obj[_ANNOTS_KEY]
        if label.within == 1 and _FORM_KEY in page.obj:
            forms.append(page.obj[_FORM_KEY])
            del page.obj[_FORM_KEY]
    _merge_acroforms(out, forms)

    font = out.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica,
                                        Encoding=Name.WinAnsiEncoding))
    # The page's own content is wrapped in q ... Q (shared streams), so an unbalanced graphics state in
    # evidence cannot move or hide the stamp drawn after it.
    open_q = out.make_stream(b"q\n")
    close_q = out.make_stream(b"Q\n")
    # A --draft build (check errors not fixed) says so on every page, so it cannot be mailed by mistake.
    left = f"DRAFT - NOT FOR FILING - {case_name}" if draft else case_name
    for i, (page, label) in enumerate(zip(out.pages, labels)):
        where = label.section if label.within_total == 1 else f"{label.section}, page {label.within} of {label.within_total}"
        right = f"{where}  |  Packet page {i + 1} of {total}"
        y = FORM_STAMP_Y if label.on_form else BAND_STAMP_Y
        # pages of an official form go to USCIS: no internal case nickname on them (issue 12 §4)
        page_left = ("DRAFT - NOT FOR FILING" if draft else "") if label.on_form else left
        res = page.obj.get("/Resources")
        if res is None:
            res = page.obj.Resources = Dictionary()
        fonts = res.get("/Font")
        if fonts is None:
            res.Font = fonts = Dictionary()
        fonts.PGStampF = font
        page.contents_add(open_q, prepend=True)
        page.contents_add(close_q, prepend=False)
        page.contents_add(_stamp_stream(out, page_left, right, y=y), prepend=False)
    if progress:
        progress("stamped every page")

    with out.open_outline() as ol:
        ol.root.extend(_outline_items(outline))
    for page_idx, rect, target in links:
        page = out.pages[page_idx]
        annot = out.make_indirect(Dictionary(
            Type=Name.Annot, Subtype=Name.Link, Rect=Array([float(v) for v in rect]), Border=Array([0, 0, 0]),
            Dest=Array([out.pages[target].obj, Name.Fit])))
        if "/Annots" not in page.obj:
            page.obj.Annots = Array()
        page.obj.Annots.append(annot)

    out.Root.PageMode = Name.UseOutlines
    stamp = date.strftime("D:%Y%m%d000000Z")
    # Document info only: XMP metadata would import lxml (70 ms) for a title the info dictionary already has.
    out.docinfo = out.make_indirect(Dictionary(Title=String(title), Creator=String("packetgen"),
                                               Producer=String("packetgen (pikepdf/qpdf)"),
                                               CreationDate=String(stamp), ModDate=String(stamp)))
    return Assembled(out, job)


class _HashingWriter(io.RawIOBase):
    """Passes writes through to ``fh`` and hashes them, so the packet is never read back to hash it."""

    def __init__(self, fh):
        self.fh = fh
        self.sha256 = hashlib.sha256()
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.sha256.update(data)
        self.size += len(data)
        return self.fh.write(data)


def save_packet(packet: Assembled, fh, document_id: bytes) -> tuple[str, int]:
    """Write the packet to ``fh``; return its SHA-256 and size.

    The document ID is derived from the inputs (``document_id``, 16 bytes), not
    from the time: the same inputs give the same bytes.  (qpdf's deterministic_id
    would hash the whole output a second time: 0.25 s on an 800-page packet.)
    """
    pdf = packet.pdf
    pdf.trailer.ID = Array([String(document_id), String(document_id)])
    out = _HashingWriter(fh)
    # qpdf writes in small pieces; buffered here, the hashing writer sees 1 MB at a time (measured: a third
    # of the save's Python overhead on the benchmark's packet).
    buffered = io.BufferedWriter(out, buffer_size=1 << 20)
    pdf.save(buffered, static_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate,
             fix_metadata_version=False)
    buffered.flush()
    return out.sha256.hexdigest(), out.size


def _outline_items(entries: list[OutlineEntry]) -> list[OutlineItem]:
    items = []
    for e in entries:
        item = OutlineItem(e.title, e.page)
        item.children.extend(_outline_items(e.children))
        items.append(item)
    return items



def _merge_acroforms(out: pikepdf.Pdf, forms: list) -> None:
    """Keep the filled forms' fields live: collect their root fields into one AcroForm.

    ``forms`` are the parts' /AcroForm dictionaries, already copied into ``out``
    with their pages (so each root field is the object the widgets' /Parent
    chains point at).  Each form was given a unique root field name by the
    filler, so no two forms share a field name.  NeedAppearances is never set:
    appearance streams are generated, so viewers do not redraw the PDF417
    barcode fields as text.
    """
    fields = Array()
    dr = da = None
    seen: set[str] = set()
    for af in forms:
        if "/Fields" not in af:
            continue
        for f in af.Fields:
            name = str(f.get("/T", ""))
            if name in seen:
                from packetgen.errors import InternalError

                raise InternalError(f"two forms in the packet share the root field name '{name}'",
                                    fix="report this bug; build with --flatten meanwhile")
            seen.add(name)
            fields.append(f)
        if dr is None and "/DR" in af:
            dr = af.DR
            da = af.get("/DA")
    if len(fields):
        acro = Dictionary(Fields=fields)
        if dr is not None:
            acro.DR = dr if dr.is_indirect else out.make_indirect(dr)
        if da is not None:
            acro.DA = da
        out.Root.AcroForm = out.make_indirect(acro)
