"""The letter's layout: the block markup a template writes, parsed into reportlab flowables and set on pages
(styles, exhibit index table, signature block, footers, "Page x of y")."""

from __future__ import annotations

import io
import re
from typing import Optional

from packetgen.errors import TemplateError
from packetgen.layout import LETTER, STAMP_BAND
from packetgen.letter.citations import ExhibitRef, _page_range, escape_markup
from packetgen.letter.fonts import FONT_BODY, FONT_BOLD, FONT_BOLD_ITALIC, FONT_ITALIC, _FontReport, font_markup
from packetgen.wording import and_list as _and_list, long_date

# --------------------------------------------------------------------------- styles

_STYLES: dict | None = None


def _styles() -> dict:
    """The letter's paragraph styles, made once per process (both pagination passes and every letter share
    them; reportlab never modifies a style, and per-block variants are new styles with one of these as parent)."""
    global _STYLES
    if _STYLES is None:
        _STYLES = _make_styles()
    return _STYLES


def _make_styles() -> dict:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
    from reportlab.lib.styles import ParagraphStyle

    base = ParagraphStyle("body", fontName=FONT_BODY, fontSize=10.5, leading=14.2, alignment=TA_JUSTIFY,
                          spaceAfter=7, allowWidows=0, allowOrphans=0, hyphenationLang=None,
                          bulletFontName=FONT_BODY)
    s = {
        "p": base,
        "letterhead": ParagraphStyle("letterhead", parent=base, alignment=TA_CENTER, fontSize=9,
                                     leading=11.5, textColor=colors.HexColor("#333333"), spaceAfter=0),
        "letterhead1": ParagraphStyle("letterhead1", parent=base, alignment=TA_CENTER, fontName=FONT_BOLD,
                                      fontSize=14, leading=17, spaceAfter=2),
        "date": ParagraphStyle("date", parent=base, alignment=TA_LEFT, spaceBefore=14, spaceAfter=12),
        "address": ParagraphStyle("address", parent=base, alignment=TA_LEFT, spaceAfter=14),
        "re_label": ParagraphStyle("re_label", parent=base, fontName=FONT_BOLD, alignment=TA_LEFT, spaceAfter=0),
        "re": ParagraphStyle("re", parent=base, alignment=TA_LEFT, spaceAfter=0),
        "h1": ParagraphStyle("h1", parent=base, fontName=FONT_BOLD, fontSize=13, leading=16, alignment=TA_CENTER,
                             spaceBefore=0, spaceAfter=10, keepWithNext=1),
        "h2": ParagraphStyle("h2", parent=base, fontName=FONT_BOLD, fontSize=11, leading=14, alignment=TA_LEFT,
                             spaceBefore=9, spaceAfter=4, keepWithNext=1),
        "h3": ParagraphStyle("h3", parent=base, fontName=FONT_BOLD_ITALIC, fontSize=10.5, leading=13.5,
                             alignment=TA_LEFT, spaceBefore=5, spaceAfter=2, keepWithNext=1),
        "li": ParagraphStyle("li", parent=base, leftIndent=16, bulletIndent=4, spaceAfter=3),
        "quote": ParagraphStyle("quote", parent=base, leftIndent=24, rightIndent=24),
        "note": ParagraphStyle("note", parent=base, fontName=FONT_ITALIC, fontSize=8.5, leading=11,
                               textColor=colors.HexColor("#444444"), alignment=TA_LEFT),
        "sig": ParagraphStyle("sig", parent=base, alignment=TA_LEFT, spaceAfter=0),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=11.5, alignment=TA_LEFT, spaceAfter=0),
        "cellb": ParagraphStyle("cellb", parent=base, fontName=FONT_BOLD, fontSize=9, leading=11.5,
                                alignment=TA_LEFT, spaceAfter=0),
        "cellc": ParagraphStyle("cellc", parent=base, fontName=FONT_BOLD, fontSize=11, leading=13,
                                alignment=TA_CENTER, spaceAfter=0),
        "head": ParagraphStyle("head", parent=base, fontName=FONT_BOLD, fontSize=8.5, leading=11,
                               alignment=TA_LEFT, spaceAfter=0, textColor=colors.white),
        "running": ParagraphStyle("running", parent=base, fontSize=8, leading=10, alignment=TA_LEFT,
                                  textColor=colors.HexColor("#555555"), spaceAfter=0),
    }
    return s


MARGIN_X = 66.0                     # + reportlab's 6 pt frame padding: text starts 1 inch from the edge
MARGIN_TOP = 60.0
TEXT_WIDTH = LETTER[0] - 2 * MARGIN_X - 12
MARGIN_BOTTOM = STAMP_BAND + 42.0   # footer sits just above the stamp band
FOOTER_Y = STAMP_BAND + 16.0


# --------------------------------------------------------------------------- block markup -> flowables

_BLOCK_TAGS = ("letterhead", "date", "address", "re", "h1", "h2", "h3", "p", "li", "quote", "note", "signature")
_EMPTY_TAGS = ("exhibit-index", "pagebreak", "spacer")
_BLOCK_RE = re.compile(
    r"<(?P<tag>%s)(?P<attrs>\s[^<>]*)?>(?P<body>.*?)</(?P=tag)\s*>|<(?P<empty>%s)(?P<eattrs>\s[^<>]*)?/>"
    % ("|".join(_BLOCK_TAGS), "|".join(_EMPTY_TAGS)), re.S)
_ATTR_RE = re.compile(r'([A-Za-z_][\w-]*)\s*=\s*"([^"]*)"')


def _parse_blocks(markup: str) -> list[tuple[str, dict, str]]:
    blocks: list[tuple[str, dict, str]] = []
    pos = 0

    def stray(text: str):
        for chunk in re.split(r"\n\s*\n", text):
            if chunk.strip():
                blocks.append(("p", {}, chunk.strip()))

    for m in _BLOCK_RE.finditer(markup):
        stray(markup[pos:m.start()])
        if m.group("tag"):
            blocks.append((m.group("tag"), dict(_ATTR_RE.findall(m.group("attrs") or "")), m.group("body").strip()))
        else:
            blocks.append((m.group("empty"), dict(_ATTR_RE.findall(m.group("eattrs") or "")), ""))
        pos = m.end()
    stray(markup[pos:])
    return blocks


class _IdParagraph:  # mixin marker set on the first cell of each exhibit-index row
    pass


def _build_story(blocks, ctx, exhibits: list[ExhibitRef], case, fonts: _FontReport, links_sink: list,
                 template_name: str, signature_sink: Optional[list] = None):
    from reportlab.lib import colors
    from reportlab.lib.units import inch
    from reportlab.platypus import (Flowable, KeepTogether, PageBreak, Paragraph, Spacer, Table,
                                    TableStyle)

    st = _styles()
    width = TEXT_WIDTH

    def para(text: str, style, **kw):
        try:
            return Paragraph(font_markup(text, fonts), style, **kw)
        except Exception as exc:  # reportlab's markup parser: unclosed or unknown inline tags
            snippet = re.sub(r"\s+", " ", text)[:120]
            raise TemplateError(
                f"letter template '{template_name}': the paragraph markup cannot be set ({exc})",
                fix="check the inline tags in this text: only <b>, <i>, <u>, <br/>, <font> and <a> are allowed, "
                    "and each must be closed; write '&amp;' for a literal '&'",
                details=[f"text: {snippet}"])

    class _Rule(Flowable):
        def __init__(self, w, thickness=0.6, space=4, color=colors.HexColor("#555555")):
            super().__init__()
            self.w, self.t, self.space, self.color = w, thickness, space, color

        def wrap(self, aw, ah):
            return self.w, self.space * 2

        def draw(self):
            self.canv.setStrokeColor(self.color)
            self.canv.setLineWidth(self.t)
            self.canv.line(0, self.space, self.w, self.space)

    class _Unsplittable(Table):
        def split(self, aW, aH):
            return []

    class _IndexTable(Table):
        def drawOn(self, canvas, x, y, _sW=0):
            super().drawOn(canvas, x, y, _sW)
            if _sW and hasattr(self, "hAlign"):
                x = self._hAlignAdjust(x, _sW)
            page = getattr(canvas, "page_index", lambda: canvas.getPageNumber() - 1)()
            for i, row in enumerate(self._cellvalues):
                cell = row[0]  # a flowable, or the tuple reportlab expands it into before drawing
                marked = [c for c in (cell if isinstance(cell, (list, tuple)) else [cell])
                          if getattr(c, "evidence_id", None)]
                if marked:
                    top = y + self._rowpositions[i]
                    bottom = y + self._rowpositions[i + 1]
                    marked[0].links_sink.append((page, (round(x, 2), round(bottom, 2), round(x + self._width, 2),
                                                        round(top, 2)), marked[0].evidence_id))

    story = []
    for n, (tag, attrs, body) in enumerate(blocks):
        if tag == "letterhead":
            lines = [ln.strip() for ln in re.split(r"<br\s*/?>", body) if ln.strip()]
            items = []
            for i, ln in enumerate(lines):
                items.append(para(ln, st["letterhead1"] if i == 0 else st["letterhead"]))
            items.append(Spacer(1, 3))
            items.append(_Rule(width, 0.8, 3))
            story.append(KeepTogether(items))
        elif tag == "date" and attrs.get("flag"):
            t = Table([[para(body, st["date"]), _Flag(attrs["flag"])]], colWidths=[width - 170, 170])
            t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                   ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 0),
                                   ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
            story.append(Spacer(1, 8))
            story.append(t)
            story.append(Spacer(1, 4))
        elif tag in ("date", "address", "p", "h1", "h2", "h3", "quote", "note"):
            style = st[tag]
            align = {"left": 0, "center": 1, "right": 2, "justify": 4}.get(attrs.get("align", ""))
            try:    # space-before="12": extra space above the block (dropped at the top of a page)
                before = max(0.0, min(float(attrs["space-before"]), 72.0)) if "space-before" in attrs else None
            except ValueError:
                before = None
            if attrs.get("keep") == "next" or align is not None or before is not None:
                from reportlab.lib.styles import ParagraphStyle
                style = ParagraphStyle(f"{tag}-x", parent=style, keepWithNext=1 if attrs.get("keep") == "next" else
                                       style.keepWithNext, alignment=style.alignment if align is None else align,
                                       spaceBefore=style.spaceBefore if before is None else before)
            story.append(para(body, style))
        elif tag == "li":
            style = st["li"]
            try:
                indent = max(8.0, min(float(attrs["indent"]), 120.0)) if "indent" in attrs else None
            except ValueError:
                indent = None
            # The last item of a list is followed by a paragraph's space, not an item's: the text after a
            # list (the closing line after the fee-exception elements) must not run into it.
            last = n + 1 == len(blocks) or blocks[n + 1][0] != "li"
            if indent is not None or last:
                from reportlab.lib.styles import ParagraphStyle
                style = ParagraphStyle("li-x", parent=style, leftIndent=style.leftIndent if indent is None else indent,
                                       spaceAfter=st["p"].spaceAfter if last else style.spaceAfter)
            story.append(para(body, style, bulletText=attrs.get("bullet", "•")))
        elif tag == "re":
            lines = [ln.strip() for ln in re.split(r"<br\s*/?>", body) if ln.strip()]
            cell = [para(ln, st["re"]) for ln in lines]
            t = Table([[para("RE:", st["re_label"]), cell]], colWidths=[0.55 * inch, width - 0.55 * inch])
            t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                   ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 0),
                                   ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
            story.append(t)
            story.append(Spacer(1, 12))
        elif tag == "signature":
            lines = [ln.strip() for ln in re.split(r"<br\s*/?>", body) if ln.strip()]
            items = [para(attrs.get("closing", "Respectfully submitted,"), st["sig"]), Spacer(1, 40),
                     _SignatureLine(3.2 * inch, signature_sink)]
            items += [para(ln, st["sig"]) for ln in lines]
            # One unsplittable block (a table, so that a preceding keep="next" paragraph stays with it).
            t = _Unsplittable([[f] for f in items], colWidths=[width])
            t.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                                   ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
            story.append(t)
            story.append(Spacer(1, 14))
        elif tag == "spacer":
            try:
                h = float(attrs.get("height", "12"))
            except ValueError:
                h = 12
            story.append(Spacer(1, max(0.0, min(h, 400.0))))
        elif tag == "pagebreak":
            story.append(PageBreak())
        elif tag == "exhibit-index":
            story.append(_index_table(exhibits, case, para, st, width, links_sink, _IndexTable))
    return story


class _SignatureLine:
    """A blank line for a handwritten signature (never a typed one); notes the page it is drawn on in ``sink``."""

    def __new__(cls, width, sink: Optional[list] = None):
        from reportlab.platypus import Flowable

        class _Line(Flowable):
            def wrap(self, aw, ah):
                return width, 6

            def draw(self):
                self.canv.setLineWidth(0.7)
                self.canv.line(0, 4, width, 4)
                if sink is not None:
                    sink.append(self.canv.getPageNumber())

        return _Line()


def _Flag(text: str):
    """A boxed mark such as 'EXPEDITE REQUESTED', right-aligned in its cell."""
    from reportlab.platypus import Flowable

    class _FlagBox(Flowable):
        def wrap(self, aw, ah):
            self.aw = aw
            return aw, 24

        def draw(self):
            c = self.canv
            w = pdfmetrics_width(text, FONT_BOLD, 11) + 18
            x = self.aw - w
            c.saveState()
            c.setLineWidth(1.4)
            c.rect(x, 1, w, 22)
            c.setFont(FONT_BOLD, 11)
            c.drawCentredString(x + w / 2, 8, text)
            c.restoreState()

    return _FlagBox()


def pdfmetrics_width(text: str, font: str, size: float) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return stringWidth(text, font, size)


_SHOWS_CHUNK = 450    # characters of "shows" per index row (about 16 lines of the column: well under a page)


def _chunks(text: str, size: int) -> list[str]:
    """Text cut into pieces of at most ``size`` characters, at sentence or word ends where possible."""
    text = text.strip()
    out = []
    while len(text) > size:
        cut = max(text.rfind(". ", 0, size), text.rfind("; ", 0, size))
        if cut < size // 2:
            cut = text.rfind(" ", 0, size)
        cut = cut + 1 if cut > 0 else size
        out.append(text[:cut].strip())
        text = text[cut:].strip()
    out.append(text)
    return out


def _index_table(exhibits: list[ExhibitRef], case, para, st, width, links_sink, table_cls):
    from reportlab.lib import colors
    from reportlab.platypus import TableStyle

    has_translation = {e.id for e in case.evidence if e.translation}
    header = [para("Exhibit", st["head"]), para("Document", st["head"]), para("What it shows", st["head"]),
              para("Pages", st["head"])]
    rows = [header]
    style = [("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#3d3d3d")), ("VALIGN", (0, 0), (-1, -1), "TOP"),
             ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
             ("LEFTPADDING", (0, 0), (-1, -1), 5), ("RIGHTPADDING", (0, 0), (-1, -1), 5)]
    line = colors.HexColor("#9a9a9a")
    shades = [colors.white, colors.HexColor("#f2f2f2")]
    for n, x in enumerate(exhibits):
        first = para(escape_markup(x.letter), st["cellc"])
        first.evidence_id = x.evidence_id
        first.links_sink = links_sink
        pages = _page_range(x.first_page, x.last_page)
        if x.translation_pages or x.evidence_id in has_translation:
            tp = x.translation_pages or (None, None)
            pages += f"<br/><font size=\"7.5\">transl. {_page_range(tp[0], tp[1])}</font>"
        # A long "shows" text continues in rows of its own, so that no row is taller than a page.
        chunks = _chunks(x.shows or "", _SHOWS_CHUNK)
        top = len(rows)
        rows.append([first, para(escape_markup(x.title), st["cellb"]),
                     para(escape_markup(chunks[0]), st["cell"]), para(pages, st["cell"])])
        for more in chunks[1:]:
            rows.append(["", "", para(escape_markup(more), st["cell"]), ""])
        last = len(rows) - 1
        style.append(("BACKGROUND", (0, top), (-1, last), shades[n % 2]))
        style.append(("LINEBELOW", (0, last), (-1, last), 0.4, line))
        if last > top:
            style.append(("BOTTOMPADDING", (0, top), (-1, last - 1), 0))
            style.append(("TOPPADDING", (0, top + 1), (-1, last), 0))
    col = [0.62 * 72, 2.45 * 72, 0, 0.95 * 72]
    col[2] = width - sum(col)
    t = table_cls(rows, colWidths=col, repeatRows=1)
    t.setStyle(TableStyle(style))
    return t


# --------------------------------------------------------------------------- page furniture

def _make_canvas_class(footer_cb):
    from reportlab.pdfgen.canvas import Canvas

    class _NumberedCanvas(Canvas):
        """Defers each page so the footer can say 'Page x of y'."""

        def __init__(self, *a, **kw):
            super().__init__(*a, **kw)
            self._saved_pages: list[dict] = []

        def page_index(self) -> int:
            return len(self._saved_pages)

        def showPage(self):
            self._saved_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._saved_pages)
            for i, state in enumerate(self._saved_pages):
                self.__dict__.update(state)
                footer_cb(self, i + 1, total)
                Canvas.showPage(self)
            self.page_total = total
            Canvas.save(self)

    return _NumberedCanvas


def _KeepWithNext(flowables):
    """keepWithNext groups (a heading and what follows): the group moves to the next page only when
    the last flowable can neither fit nor split in the space left, so a heading is never left alone
    at the foot of a page and no half-empty page is made when the paragraph could start there."""
    from reportlab.platypus import KeepTogether, Paragraph, Table
    from reportlab.platypus.doctemplate import FrameBreak

    class _K(KeepTogether):
        def split(self, aW, aH):
            content = list(self._content)
            frame = getattr(self, "_frame", None)
            if frame is not None and getattr(frame, "_atTop", False):
                return content      # already at the top of a page: nothing better elsewhere
            used = 0.0
            for i, f in enumerate(content[:-1]):
                _, h = f.wrap(aW, aH)
                used += h + (f.getSpaceBefore() if i else 0) + f.getSpaceAfter()
            last = content[-1]
            rest = aH - used - last.getSpaceBefore()
            if rest > 0:
                _, h = last.wrap(aW, rest)
                if h <= rest or (isinstance(last, (Paragraph, Table)) and len(last.split(aW, rest)) > 1):
                    return content
            return [FrameBreak()] + content

    return _K(flowables)


def _build_pdf(story, case, ctx, fonts: _FontReport) -> tuple[bytes, int]:
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    st = _styles()
    draft = case.letter.draft
    focus = ctx.get("for_beneficiary")     # one set per beneficiary: the running head names that beneficiary
    short_names = _and_list(f"{b.name.given} {b.name.family}" for b in case.beneficiaries
                            if not focus or b.id == focus)
    what = "parole for significant public benefit" if case.request.reason == "public_benefit" else "humanitarian parole"
    running_text = font_markup(escape_markup(f"Request for {what}: {short_names}"), fonts)
    running_date = long_date(ctx["letter_date"])

    def footer(canv, page, total):
        canv.saveState()
        canv.setFont(FONT_BODY, 8.5)
        canv.setFillColor(colors.HexColor("#444444"))
        canv.drawCentredString(LETTER[0] / 2, FOOTER_Y, f"Page {page} of {total}")
        if page > 1:
            p = Paragraph(running_text, st["running"])
            w, h = p.wrap(TEXT_WIDTH - 100, 40)
            p.drawOn(canv, MARGIN_X + 6, LETTER[1] - 42 + 10 - h)
            canv.setFont(FONT_BODY, 8)
            canv.drawRightString(LETTER[0] - MARGIN_X - 6, LETTER[1] - 40, running_date)
            canv.setStrokeColor(colors.HexColor("#bbbbbb"))
            canv.setLineWidth(0.4)
            canv.line(MARGIN_X + 6, LETTER[1] - 46, LETTER[0] - MARGIN_X - 6, LETTER[1] - 46)
        if draft:
            canv.setFont(FONT_BOLD, 9)
            canv.setFillColor(colors.HexColor("#b00000"))
            canv.drawRightString(LETTER[0] - MARGIN_X - 6, LETTER[1] - 28, "DRAFT \u2014 FOR ATTORNEY REVIEW")
        canv.restoreState()

    buf = io.BytesIO()
    title = f"Cover letter: {case.case_name}"
    doc = SimpleDocTemplate(buf, pagesize=LETTER, leftMargin=MARGIN_X, rightMargin=MARGIN_X,
                            topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM, invariant=1,
                            title=title, author=ctx["signer"], subject=f"Request for {what} (Form I-131)",
                            creator="packetgen")
    canvas_cls = _make_canvas_class(footer)
    holder: dict = {}

    class _Canvas(canvas_cls):
        def save(self):
            super().save()
            holder["pages"] = self.page_total

    doc.keepTogetherClass = _KeepWithNext
    try:
        doc.build(story, canvasmaker=_Canvas)
    except TemplateError:
        raise
    except Exception as exc:  # a layout failure is a bug or an impossible block (e.g. a too-tall table cell)
        raise TemplateError(f"the cover letter cannot be laid out: {exc}",
                            fix="shorten the text of the block named above, or report it with --debug")
    return buf.getvalue(), holder.get("pages", 0)
