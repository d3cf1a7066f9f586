"""Render the cover letter and its exhibit index: template (environment.py) -> block markup -> pages (layout.py).

How a letter is made, and the template language, are described in docs/letter.md and templates/README.md."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from packetgen.case.model import add_months
from packetgen.errors import TemplateError
from packetgen.facts import load_rules, rule
from packetgen.letter.argument import build_arguments, fee_groups, refusals_214b
from packetgen.letter.citations import ExhibitRef, LetterResult, _Citer, _CitationError, escape_markup
from packetgen.letter.source_mode import _SourceCiter, live_context
from packetgen.letter.context import _context
from packetgen.letter.environment import _CURRENT_CITER, _environment, _short, _template_location
from packetgen.letter.fonts import (FONT_BODY, FONT_BOLD, FONT_BOLD_ITALIC, FONT_ITALIC, _FontReport, _LOADED,
                                    font_markup, register_fonts, text_runs)
from packetgen.letter.layout import _build_pdf, _build_story, _parse_blocks, _styles
from packetgen.resources import templates_dir as builtin_templates_dir
from packetgen.wording import country_in_sentence, long_date, money

__all__ = ["ExhibitRef", "LetterResult", "render_letter", "register_fonts", "font_markup", "text_runs",
           "escape_markup", "FONT_BODY", "FONT_BOLD", "FONT_ITALIC", "FONT_BOLD_ITALIC", "load_rules", "rule",
           "long_date", "money", "add_months", "country_in_sentence"]


def render_letter(case, exhibits: list[ExhibitRef], sections: list[dict], *, templates_dir: Path | None = None,
                  today: dt.date, for_beneficiary: str | None = None,
                  related_requests: list[str] | None = None) -> LetterResult:
    """Render the cover letter and exhibit index to PDF bytes.

    ``templates_dir``: a firm's folder searched before the built-in templates.
    ``sections``: the packet's other parts (forms), for the enclosure list.
    ``for_beneficiary``: the id of the beneficiary this letter is for, when a packet holds one set per
    beneficiary (None: one letter for all).  ``related_requests``: lines naming the requests filed together
    with this one (e.g. "Form I-131 for Ana Gabriela Castillo Mejía (accompanying parent)"); the letter
    lists them.  Both default to today's single-letter behaviour.

    Called twice or more per build (two-pass pagination), so everything that does not depend on the
    page numbers is made once per process: the Jinja environment and its compiled templates
    (:func:`_environment`), the fonts (:func:`register_fonts`, Latin only unless the text needs more),
    the paragraph styles (:func:`_styles`) and the rule facts (:func:`load_rules`).  Each pass still
    renders the template, parses the blocks and lays out the pages, since the citations change.
    Measured on the child-surgery letter (2 cores, load 1.6-1.8, median of 7 fresh processes, CPU):
    first pass 0.385 s -> 0.287 s (fonts 0.145 -> 0.080 s incl. importing pdfmetrics; Jinja 0.13 s,
    the first compile), second pass 0.137 s -> 0.062 s (Jinja 0.13 s -> 0.003 s; layout 0.06 s).
    Output is byte-identical to before, for Latin, Cyrillic, CJK and Arabic letters alike.
    """
    markup, ctx, citer, name = _markup(case, exhibits, sections, templates_dir=templates_dir, today=today,
                                       for_beneficiary=for_beneficiary, related_requests=related_requests)
    fonts = _FontReport()
    links: list = []
    signature_pages: list = []          # the letter's pages that hold a signature line (drawn there)
    blocks = _parse_blocks(markup)
    story = _build_story(blocks, ctx, exhibits, case, fonts, links, name, signature_pages)
    pdf, pages = _build_pdf(story, case, ctx, fonts)

    warnings: list[str] = []
    known_ids = {e.id for e in case.evidence}
    for x in exhibits:
        if x.evidence_id not in known_ids:
            warnings.append(f"exhibit {x.letter} ('{x.evidence_id}') is not in the case file's evidence list")
        elif x.evidence_id not in citer.cited:
            warnings.append(f"Exhibit {x.letter} ('{x.evidence_id}': {x.title}) is never cited in the cover letter; "
                            f"cite it with {{{{ exhibit(\"{x.evidence_id}\") }}}} or remove it from the case file")
    for (eid, key), own in citer.bad_keys.items():
        i = next(i for i, e in enumerate(case.evidence) if e.id == eid)
        warnings.append(f"evidence[{i}].pages.{key} points past the end of '{eid}', which has {own} page(s): "
                        f"the letter cites the whole document instead; correct the page number")
    for (eid, key), count in citer.bad_translation_keys.items():
        i = next(i for i, e in enumerate(case.evidence) if e.id == eid)
        warnings.append(f"evidence[{i}].translation.pages.{key} points past the end of the English translation of "
                        f"'{eid}', which has {count} page(s) (its certificate not counted): the letter cites the "
                        f"whole translation instead; correct the page number")
    for (eid, key), (own, count) in citer.unmapped.items():
        i = next(i for i, e in enumerate(case.evidence) if e.id == eid)
        warnings.append(f"evidence[{i}].pages.{key}: the English translation of '{eid}' has {count} page(s) and the "
                        f"original {own}, so its page for '{key}' is not known and the letter cites the whole "
                        f"translation; name it in evidence[{i}].translation.pages.{key} (counted from the "
                        f"translation's first page)")
    if fonts.missing:
        chars = " ".join(f"{c} (U+{ord(c):04X})" for c in list(fonts.missing)[:12])
        warnings.append(f"the cover letter has characters no bundled font can show: {chars}; they print as nothing "
                        f"(the check error letter.script_unsupported names the field): write them in a script "
                        f"packetgen shows, or add a font")
    if fonts.unshaped:
        warnings.append("Arabic, Devanagari or Thai text in the cover letter is shown unshaped: install "
                        "'arabic-reshaper' and 'uharfbuzz' (pip install arabic-reshaper uharfbuzz)")
    return LetterResult(pdf=pdf, page_count=pages, cited=set(citer.cited), links=links, warnings=warnings,
                        signature_pages=sorted(set(signature_pages)))


def case_letter_dir(case) -> Path | None:
    """The case's own letter folder (``letter/`` beside the case file), where 'packetgen letter init' writes."""
    return case.base_dir / "letter" if case.source is not None else None


def _markup(case, exhibits, sections, *, templates_dir, today, for_beneficiary=None, related_requests=None,
            source: bool = False):
    """Render the letter template to block markup: (markup, context, citer, template name).

    ``source``: render the editable per-case letter source instead (case sentences in place, citations and page
    numbers as live calls); see :mod:`packetgen.letter.source`.
    """
    from jinja2 import TemplateNotFound, TemplateSyntaxError, UndefinedError
    from jinja2.exceptions import SecurityError, TemplateError as JinjaTemplateError

    from packetgen.letter.sandbox import render_bounded

    register_fonts()
    search: list[Path] = []
    if templates_dir is not None:
        td = Path(templates_dir)
        if not td.is_dir():
            raise TemplateError(f"templates folder {td} not found",
                                fix="pass --templates the folder holding your letter templates (e.g. letter.j2)")
        search.append(td.resolve())
    search.append(builtin_templates_dir().resolve())

    own = case_letter_dir(case)
    name = case.letter.template
    if not source and own is not None and (own / name).is_file():
        search.insert(0, own.resolve())      # the case's own letter, made by 'packetgen letter init'
    citer = (_SourceCiter if source else _Citer)(case, exhibits)
    env = _environment(search, source=source)
    ctx = _context(case, exhibits, sections, today, for_beneficiary=for_beneficiary,
                   related_requests=related_requests)
    if source:
        live_context(ctx)
    ctx["arguments"] = build_arguments(case, citer, ctx["people"])
    ctx["fee_groups"] = fee_groups(ctx["arguments"])
    ctx["refusals_214b"] = refusals_214b(case)
    where = " or ".join(str(p) for p in search)
    token = _CURRENT_CITER.set(citer)
    try:
        tmpl = env.get_template(name)
        markup = render_bounded(tmpl, ctx)   # recursion, size and time bounds (sandbox.py)
    except TemplateSyntaxError as exc:
        fn = _short(exc.filename or exc.name, search)
        raise TemplateError(f"letter template '{fn}', line {exc.lineno}: syntax error: {exc.message}",
                            fix="correct the Jinja syntax at that line ({{ ... }} for values, {% ... %} for logic)")
    except TemplateNotFound as exc:
        raise TemplateError(f"letter template '{exc.name}' not found in {where}",
                            fix="check letter.template in the case file and the --templates folder")
    except _CitationError as exc:
        fn, line = _template_location(exc, set())
        known = ", ".join(exc.known) or "(none)"
        raise TemplateError(
            f"letter template '{_short(fn, search)}', line {line}: cites evidence '{exc.evidence_id}', "
            f"which {exc.reason}",
            fix=f"cite one of the exhibit ids ({known}), or add the evidence to the case file's evidence list")
    except UndefinedError as exc:
        fn, line = _template_location(exc, set())
        raise TemplateError(f"letter template '{_short(fn, search)}', line {line}: {exc.message}",
                            fix="use a variable the letter context provides (see templates/README.md), "
                                "or guard optional values with {% if ... %}")
    except SecurityError as exc:
        fn, line = _template_location(exc, set())
        raise TemplateError(f"letter template '{_short(fn, search)}', line {line}: not allowed in a template: {exc}",
                            fix="templates may read case data and call the citation helpers only")
    except JinjaTemplateError as exc:
        fn, line = _template_location(exc, set())
        raise TemplateError(f"letter template '{_short(fn, search)}', line {line}: {exc}",
                            fix="correct the template at that line")
    except (TypeError, ValueError, AttributeError, ZeroDivisionError, KeyError, IndexError) as exc:
        fn, line = _template_location(exc, set())
        raise TemplateError(f"letter template '{_short(fn, search)}', line {line}: "
                            f"{type(exc).__name__}: {exc}", fix="correct the expression at that line")
    finally:
        _CURRENT_CITER.reset(token)
    return markup, ctx, citer, name
