"""The HTML review page (index.html) and the one-page viewer beside each page image."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Optional

from packetgen.review.common import OTHER_COLOUR, PAGE_DPI, TODO_MARK, Section, _span, page_owner
from packetgen.review.render import RenderedPage


# --------------------------------------------------------------------------- the review page

CSS = """
:root { --ink:#1f2328; --muted:#59636e; --line:#d8dee4; --bg:#f6f7f9; --card:#fff; --err:#b42318; --warn:#b54708;
        --info:#175cd3; --ok:#067647; }
* { box-sizing: border-box; }
body { margin:0; font:15px/1.5 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color:var(--ink); background:var(--bg); }
header.top { background:#1d3557; color:#fff; padding:18px 32px 14px; }
header.top h1 { margin:0; font-size:24px; font-weight:650; }
header.top .meta { opacity:.85; font-size:14px; margin-top:2px; }
header.top .private { display:inline-block; margin-top:8px; font-size:12.5px; background:rgba(255,255,255,.12);
       padding:2px 8px; border-radius:4px; }
nav { position:sticky; top:0; z-index:5; background:#fff; border-bottom:1px solid var(--line); padding:8px 32px; }
nav a { margin-right:18px; color:#1d3557; text-decoration:none; font-weight:600; font-size:14px; }
nav a:hover { text-decoration:underline; }
main { padding:20px 32px 60px; max-width:1280px; }
section { margin:0 0 28px; }
h2 { font-size:19px; margin:0 0 10px; padding-top:8px; }
h3 { font-size:16px; margin:14px 0 6px; }
.banner { padding:10px 14px; border-radius:6px; margin:0 0 12px; font-weight:600; }
.banner.draft { background:#fef0c7; border:1px solid #fdb022; color:#7a2e0e; }
.banner.standin { background:#fee4e2; border:1px solid #f97066; color:#7a271a; }
.cards { display:flex; gap:12px; flex-wrap:wrap; margin-bottom:18px; }
.card { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:10px 16px; min-width:120px;
        color:var(--ink); text-decoration:none; }
a.card:hover { border-color:#1d3557; }
.card .n { font-size:24px; font-weight:700; }
.card .l { color:var(--muted); font-size:13px; }
.card.err .n { color:var(--err); } .card.warn .n { color:var(--warn); } .card.ok .n { color:var(--ok); }
table { border-collapse:collapse; width:100%; background:var(--card); border:1px solid var(--line); border-radius:8px;
        overflow:hidden; }
th, td { text-align:left; vertical-align:top; padding:7px 10px; border-bottom:1px solid var(--line); font-size:14px; }
th { background:#eef1f4; font-size:12.5px; text-transform:uppercase; letter-spacing:.03em; color:var(--muted); }
tr:last-child td { border-bottom:0; }
td.num { white-space:nowrap; font-variant-numeric:tabular-nums; }
.chip { display:inline-block; min-width:30px; padding:2px 7px; border-radius:4px; color:#fff; font-weight:700;
        text-align:center; font-size:13px; }
.strip { display:flex; gap:6px; flex-wrap:wrap; margin-top:6px; }
.strip a { display:block; line-height:0; }
.strip img { width:58px; border:2px solid var(--c, #999); border-radius:2px; background:#fff; }
.muted { color:var(--muted); }
.small { font-size:13px; }
.finding { background:var(--card); border:1px solid var(--line); border-left:5px solid var(--line); border-radius:6px;
           padding:8px 12px; margin:6px 0; }
.finding.error { border-left-color:var(--err); } .finding.warning { border-left-color:var(--warn); }
.finding.info { border-left-color:var(--info); }
.sev { font-size:11.5px; font-weight:700; text-transform:uppercase; letter-spacing:.04em; margin-right:6px; }
.sev.error { color:var(--err); } .sev.warning { color:var(--warn); } .sev.info { color:var(--info); }
.fix { margin-top:3px; } .fix b { color:var(--ok); }
code { font:12.5px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background:#eef1f4; padding:1px 4px;
       border-radius:3px; }
details { background:var(--card); border:1px solid var(--line); border-radius:8px; margin:8px 0; }
details > summary { cursor:pointer; padding:10px 14px; font-weight:600; }
details > table { border:0; border-top:1px solid var(--line); border-radius:0; }
.grid { display:grid; grid-template-columns:repeat(auto-fill, minmax(128px, 1fr)); gap:14px; }
.grid a { text-decoration:none; color:var(--ink); }
.grid figure { margin:0; }
.grid img { width:100%; border:3px solid var(--c, #999); border-radius:2px; background:#fff; display:block; }
.grid figcaption { font-size:12px; color:var(--muted); display:flex; justify-content:space-between; margin-top:2px; }
.grid figcaption b { color:var(--c); }
.sheet img { max-width:100%; border:1px solid var(--line); }
.instructions { max-width:100%; border:1px solid var(--line); background:#fff; }
.overflow { background:#fffaeb; }
.value { white-space:pre-wrap; word-break:break-word; }
tr.todo td { background:#fee4e2; }
.grid figure.todo img { outline:3px solid #c8102e; outline-offset:2px; }
details.notes { border:0; background:transparent; margin:4px 0 0; }
details.notes > summary { padding:2px 0; font-weight:500; color:var(--info); font-size:14px; }
details.notes ul { margin:4px 0 8px; padding-left:20px; font-size:13.5px; }
details.notes li { margin:3px 0; }
ul.bw { margin:0; padding-left:18px; font-size:14px; } ul.bw li { margin:3px 0; }
"""

VIEW_CSS = """
body { margin:0; background:#52575c; font:14px -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
.bar { position:sticky; top:0; background:#1d3557; color:#fff; padding:8px 16px; display:flex; gap:16px;
       align-items:center; }
.bar a { color:#fff; font-weight:600; text-decoration:none; }
.bar a.off { opacity:.35; pointer-events:none; }
.bar .where { flex:1; }
.chip { display:inline-block; padding:1px 7px; border-radius:4px; color:#fff; font-weight:700; margin-right:6px; }
img { display:block; margin:16px auto; max-width:calc(100% - 32px); background:#fff; box-shadow:0 2px 10px #0006; }
"""


def _e(v) -> str:
    return html.escape("" if v is None else str(v))


def _pages_text(a: int, b: int) -> str:
    return f"p. {a}" if a == b else f"pp. {a}–{b}"


def _question_and_answer(v: dict) -> tuple[str, str]:
    """A form row as a person reads it: a ticked box answers its question ("...proceedings?: No" -> "No")."""
    label = str(v.get("label") or v.get("field") or "")
    value, kind = v.get("value"), v.get("kind")
    if kind in ("checkbox", "radio"):
        ticked = value not in (None, False, "", "/Off", "Off")
        head, sep, tail = label.rpartition(": ")
        if sep and tail:
            return head, (tail if ticked else f"not {tail}")
        return label, ("Yes (box ticked)" if ticked else "No (box left empty)")
    return label, _value_text(value, kind)


def _value_text(v, kind: Optional[str] = None) -> str:
    if kind in ("checkbox", "radio") and v not in (None, False, "", "/Off", "Off"):
        return "☑ checked"
    if v is True:
        return "☑ checked"
    if v is False:
        return "☐ not checked"
    if isinstance(v, (list, tuple)):
        return ", ".join(str(x) for x in v)
    return "" if v is None else str(v)


def _form_values(f: dict) -> list[dict]:
    vals = f.get("values") or []
    if isinstance(vals, dict):
        vals = [{"field": k, **(v if isinstance(v, dict) else {"value": v})} for k, v in vals.items()]
    return [v if isinstance(v, dict) else {"value": v} for v in vals]


def _packet_page(form: dict, page) -> Optional[int]:
    sp = _span(form.get("pages"))
    try:
        p = int(page)
    except (TypeError, ValueError):
        return None
    if sp and 1 <= p <= sp[1] - sp[0] + 1:
        return sp[0] + p - 1
    return None


def _page_link(pages: list[RenderedPage], p: Optional[int], label: Optional[str] = None) -> str:
    if not p or not 1 <= p <= len(pages):
        return _e(label or "")
    return f'<a href="pages/{pages[p - 1].stem}.html">{_e(label or p)}</a>'


def _strip(section: Section, pages: list[RenderedPage], limit: int = 8) -> str:
    items = []
    for p in pages[section.first - 1:min(section.last, section.first - 1 + limit)]:
        items.append(f'<a href="pages/{p.stem}.html" title="packet page {p.number}">'
                     f'<img src="{p.thumb}" alt="page {p.number}" loading="lazy"></a>')
    more = section.count - limit
    if more > 0:
        items.append(f'<span class="muted small" style="align-self:center">+{more} more</span>')
    return f'<div class="strip" style="--c:{section.colour}">{"".join(items)}</div>'


def _part_item(o: dict) -> str:
    part, item = o.get("part"), o.get("item")
    out = []
    if part:
        out.append(str(part) if str(part).lower().startswith("part") else f"Part {part}")
    if item:
        out.append(str(item) if str(item).lower().startswith("item") else f"Item {item}")
    return ", ".join(out)


SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}

# Findings recorded in manifest.json carry no group; the code's prefix tells it (as in packetgen.case.checks).
_GROUP_BY_PREFIX = {
    "evidence": "Evidence files", "why": "The three questions", "stay": "The three questions", "visa": "The three questions",
    "medical": "Medical evidence", "support": "Financial support", "consistency": "Consistency", "dates": "Dates",
    "translation": "Translations", "identity": "Identity and discretion", "discretion": "Identity and discretion",
    "risk": "Risk flags", "signature": "Signatures", "fees": "Forms and fees", "forms": "Forms and fees",
    "expedite": "Forms and fees", "rules": "Forms and fees",
}


def _group_order() -> list[str]:
    try:
        from packetgen.case.checks import GROUPS
    except Exception:  # pragma: no cover - checks is part of the package
        return []
    return list(GROUPS)


def _group_findings(findings: list[dict]) -> list[tuple[str, list[dict]]]:
    """Findings by group, in the order of the check report; in each group errors first."""
    groups: dict[str, list[dict]] = {}
    for f in findings:
        g = f.get("group") or _GROUP_BY_PREFIX.get(str(f.get("code") or "").split(".")[0]) or "Other"
        groups.setdefault(str(g), []).append(f)
    for v in groups.values():
        v.sort(key=lambda f: SEVERITY_ORDER.get(f.get("severity"), 3))
    order = _group_order()
    return sorted(groups.items(), key=lambda kv: (order.index(kv[0]) if kv[0] in order else len(order), kv[0]))


def _html_findings(findings: list[dict], warnings: list[str]) -> list[str]:
    h = ['<section id="findings"><h2>Pre-flight findings</h2>']
    if not findings:
        h.append('<p class="muted">No findings: the case passed every pre-flight check.</p>')
    for group, items in _group_findings(findings):
        serious = [f for f in items if f.get("severity") in ("error", "warning")]
        notes = [f for f in items if f not in serious]
        h.append(f"<h3>{_e(group)}</h3>")
        for f in serious:
            sev = f.get("severity")
            h.append(f'<div class="finding {_e(sev)}"><span class="sev {_e(sev)}">{_e(sev)}</span>'
                     f'{_e(f.get("message"))}'
                     + (f' <code>{_e(f.get("code"))}</code>' if f.get("code") else "")
                     + (f'<div class="fix"><b>Fix:</b> {_e(f.get("fix"))}</div>' if f.get("fix") else "")
                     + "</div>")
        if notes:
            h.append(f'<details class="notes"><summary>{len(notes)} note'
                     f'{"s" if len(notes) != 1 else ""}</summary><ul>')
            for f in notes:
                h.append(f"<li>{_e(f.get('message'))}" + (f" <span class='muted'>→ {_e(f.get('fix'))}</span>"
                                                          if f.get("fix") else "") + "</li>")
            h.append("</ul></details>")
    if warnings:
        h.append("<h3>Build warnings</h3><div class='finding warning'><ul class='bw'>")
        for w in warnings:
            h.append(f"<li>{_e(w)}</li>")
        h.append("</ul></div>")
    h.append("</section>")
    return h


def _html_contents(sections: list[Section], pages: list[RenderedPage]) -> list[str]:
    h = ['<section id="contents"><h2>Contents and exhibit index</h2><table><thead><tr>'
         "<th></th><th>Section</th><th>Pages</th><th>Details</th></tr></thead><tbody>"]
    for s in sections:
        info = s.info
        details: list[str] = []
        if s.kind == "exhibit":
            chip_text = s.key
            sp = _span(info.get("document_pages"))
            if sp:
                details.append(f"separator p. {s.first}, document {_pages_text(*sp)}")
            tr = info.get("translation")
            if isinstance(tr, dict):
                tsp = _span(tr.get("pages"))
                lang = info.get("language")
                details.append(f"English translation{' (from ' + _e(lang) + ')' if lang else ''}"
                               + (f" {_pages_text(*tsp)}" if tsp else "")
                               + ("; certificate generated" if tr.get("certificate") == "generated" else ""))
                if tr.get("certificate") == "generated" and tsp:
                    # the certificate is the translation's last page, with a blank line for the translator
                    details.append(f"✍ the translator signs the certificate of translation on "
                                   f"{_page_link(pages, tsp[1], f'p. {tsp[1]}')}")
            files = [f for f in info.get("files") or [] if isinstance(f, dict)]
            if files:
                details.append("<span class='muted'>" + ", ".join(_e(f.get("path", "")) for f in files) + "</span>")
        elif s.kind == "form":
            chip_text = info.get("form") or "Form"
            if info.get("edition"):
                details.append(f"edition {_e(info['edition'])}")
            if info.get("official") is False:
                details.append('<b style="color:var(--err)">stand-in: not for filing</b>')
            elif info.get("official"):
                details.append("official PDF")
            details.append(f"{len(_form_values(info))} values filled"
                           + (f", {len(info.get('overflow') or [])} continued in Part 13"
                              if info.get("overflow") else ""))
            for x in info.get("signatures") or []:
                if isinstance(x, dict):
                    pp = _packet_page(info, x.get("page"))
                    what = _part_item(x) or "the form"       # the G-1450 numbers neither parts nor items
                    details.append(f"✍ {_e(x.get('name') or x.get('who') or 'signature')} signs "
                                   f"{_e(what)} on {_page_link(pages, pp, f'p. {pp}')}")
            # the additional-information page says "sign and date each sheet": the pages that carry answers
            sheets = sorted({int(m.group(1)) for o in info.get("overflow") or [] if isinstance(o, dict)
                             for m in [re.search(r"\(page (\d+)\)", str(o.get("where") or ""))] if m})
            for sheet in sheets:
                pp = _packet_page(info, sheet)
                where = _page_link(pages, pp, f"p. {pp}") if pp else f"form page {sheet}"
                details.append(f"✍ sign and date the additional-information sheet on {where}")
        else:
            chip_text = "✉" if s.kind == "letter" else "…"
            for pp in (info.get("signature_pages") or []) if s.kind == "letter" else []:
                details.append(f"✍ the signer signs the letter on {_page_link(pages, pp, f'p. {pp}')}")
        h.append(f'<tr><td><span class="chip" style="background:{s.colour}">{_e(chip_text)}</span></td>'
                 f"<td><b>{_e(s.title)}</b>{_strip(s, pages)}</td>"
                 f'<td class="num">{_page_link(pages, s.first, _pages_text(s.first, s.last))}<br>'
                 f'<span class="muted small">{s.count} page{"s" if s.count != 1 else ""}</span></td>'
                 f'<td class="small">{"<br>".join(details)}</td></tr>')
    h.append("</tbody></table></section>")
    return h


def _html_fields(forms: list[dict], pages: list[RenderedPage]) -> list[str]:
    h = ['<section id="fields"><h2>Form fields filled</h2>']
    if not forms:
        h.append('<p class="muted">No forms in this packet.</p>')
    for i, f in enumerate(forms):
        vals = _form_values(f)
        ov = [o for o in f.get("overflow") or []]
        sp = _span(f.get("pages"))
        h.append(f"<details{' open' if i == 0 else ''}><summary>{_e(f.get('title') or f.get('form'))} "
                 f"<span class='muted small'>· {len(vals)} values"
                 f"{' · ' + str(len(ov)) + ' continued in Part 13' if ov else ''}"
                 f"{' · ' + _pages_text(*sp) if sp else ''}</span></summary>")
        if ov:
            h.append('<table class="overflow"><thead><tr><th>Too long for its box</th><th>Why</th>'
                     "<th>Continued in</th></tr></thead><tbody>")
            for o in ov:
                if isinstance(o, dict):
                    pp = _packet_page(f, o.get("page"))
                    h.append(f"<tr><td><b>{_e(_part_item(o))}</b> {_e(o.get('label') or o.get('field') or '')}"
                             f"{' · ' + _page_link(pages, pp, 'packet p. ' + str(pp)) if pp else ''}</td>"
                             f"<td class='small'>{_e(o.get('why') or o.get('text') or '')}</td>"
                             f"<td class='small'>{_e(o.get('where') or o.get('continued_on') or '')}</td></tr>")
                else:
                    h.append(f"<tr><td colspan=3 class='value'>{_e(o)}</td></tr>")
            h.append("</tbody></table>")
        unanswered = [u for u in f.get("unanswered") or [] if isinstance(u, dict)]
        if unanswered:   # a --draft build: sworn questions the case does not answer are left blank, never guessed
            h.append('<table class="overflow"><thead><tr><th>NOT ANSWERED (left blank)</th><th>Set in the case file'
                     "</th></tr></thead><tbody>")
            for u in unanswered:
                pp = _packet_page(f, u.get("page"))
                h.append(f"<tr class='todo'><td><b>{_e(_part_item(u))}</b> {_e(u.get('label') or '')}"
                         f"{' · ' + _page_link(pages, pp, 'packet p. ' + str(pp)) if pp else ''}</td>"
                         f"<td class='small'>{_e(u.get('set') or '')}</td></tr>")
            h.append("</tbody></table>")
        h.append("<table><thead><tr><th>Part</th><th>Item</th><th>Question</th><th>Value</th><th>Page</th>"
                 "</tr></thead><tbody>")
        for v in vals:
            pp = _packet_page(f, v.get("page"))
            page_txt = (_page_link(pages, pp, f"p. {pp}") + f" <span class='muted'>(form p. {_e(v.get('page'))})</span>"
                        if pp else _e(v.get("page")))
            row_class = ' class="todo"' if str(v.get("value") or "").startswith(TODO_MARK) else ""
            h.append(f"<tr{row_class}><td class='num'>{_e(v.get('part'))}</td>"
                     f"<td class='num'>{_e(v.get('item'))}</td>"
                     f"<td>{_e(_question_and_answer(v)[0])}</td>"
                     f"<td class='value'><b>{_e(_question_and_answer(v)[1])}</b></td>"
                     f"<td class='num small'>{page_txt}</td></tr>")
        h.append("</tbody></table></details>")
    h.append("</section>")
    return h


STALE_SLOT = "<!--packetgen:stale-->"


def stale_banner(when: str) -> str:
    """Inserted by a rebuild into an existing preview (review/stale.py)."""
    return (f'{STALE_SLOT}<div class="banner standin">OUT OF DATE: packet.pdf was rebuilt on {_e(when)}; this preview '
            "still shows the previous build. Run <code>packetgen preview</code> again.</div>")


def _html_instructions(instructions: list[str], pdf_link: Optional[str]) -> list[str]:
    if not instructions:
        return []
    h = ['<section id="instructions"><h2>Filing instructions</h2>',
         '<p class="muted">Not part of the submission: who signs where, the fee, printing and mailing'
         + (f' (<a href="{_e(pdf_link)}">filing-instructions.pdf</a>)' if pdf_link else "") + ".</p>"]
    for i, src in enumerate(instructions, 1):
        h.append(f'<p><a href="{src}"><img class="instructions" src="{src}" alt="filing instructions, page {i}" '
                 'loading="lazy"></a></p>')
    h.append("</section>")
    return h


def review_html(*, manifest: dict, sections: list[Section], pages: list[RenderedPage], sheets: list[str],
                findings: list[dict], packet: Path, title: str, made: str, instructions: list[str] = (),
                instructions_pdf: Optional[str] = None) -> str:
    """The review page: findings, contents with thumbnails, form values, every page, the contact sheets."""
    secs = manifest.get("sections") or {}
    forms = [f for f in secs.get("forms") or [] if isinstance(f, dict)]
    exhibits = [s for s in sections if s.kind == "exhibit"]
    n_err = sum(1 for f in findings if f.get("severity") == "error")
    warnings = [w for w in manifest.get("warnings") or [] if isinstance(w, str)]
    n_warn = sum(1 for f in findings if f.get("severity") == "warning") + len(warnings)
    standins = [f for f in forms if f.get("official") is False]
    overflow_total = sum(len(f.get("overflow") or []) for f in forms)
    fields_total = sum(len(_form_values(f)) for f in forms)
    date = manifest.get("date") or ""

    h = ["<!doctype html>", '<html lang="en"><head><meta charset="utf-8">',
         '<meta name="viewport" content="width=device-width, initial-scale=1">',
         '<meta name="robots" content="noindex">',
         f"<title>{_e(title)} – packet review</title><style>{CSS}</style></head><body>"]
    h.append('<header class="top">'
             f"<h1>{_e(title)}</h1>"
             f'<div class="meta">{_e(packet.name)} · {len(pages)} pages · {len(exhibits)} exhibits'
             f'{" · dated " + _e(date) if date else ""} · preview made {_e(made)}</div>'
             '<div class="private">Contains personal data. Keep this folder on this computer; '
             "do not email or upload it.</div></header>")
    h.append('<nav><a href="#findings">Findings</a><a href="#contents">Exhibit index</a>'
             '<a href="#fields">Form fields</a><a href="#pages">All pages</a>'
             '<a href="#sheet">Contact sheet</a>'
             + ('<a href="#instructions">Filing instructions</a>' if instructions else "") + f"</nav><main>{STALE_SLOT}")
    if manifest.get("draft"):
        h.append('<div class="banner draft">DRAFT build (--draft): check errors were not enforced. Not for filing.</div>')
    if standins:
        names = ", ".join(sorted({str(f.get("form", "?")) for f in standins}))
        h.append(f'<div class="banner standin">NOT FOR FILING: {_e(names)} filled on a generated stand-in. Install the '
                 "official PDFs with <code>packetgen forms add FILE</code> and build again.</div>")
    todo_pages = [p for p in pages if p.unfinished]
    todo_values = [(f, v) for f in forms for v in _form_values(f) if str(v.get("value") or "").startswith(TODO_MARK)]
    if todo_pages or todo_values:
        where = []
        if todo_pages:
            where.append(f"page{'s' if len(todo_pages) > 1 else ''} "
                         + ", ".join(_page_link(pages, p.number, str(p.number)) for p in todo_pages[:30])
                         + (" …" if len(todo_pages) > 30 else ""))
        if todo_values:
            where.append(f"{len(todo_values)} form value{'s' if len(todo_values) > 1 else ''}")
        h.append('<div class="banner standin">UNFINISHED: placeholder text starting "TODO:" (written by '
                 f"<code>packetgen init</code>) is still in the packet: {' and '.join(where)}. Replace every TODO "
                 "in case.json and build again.</div>")
    to_come = [x for x in secs.get("exhibits") or [] if isinstance(x, dict)
               and any(isinstance(f, dict) and f.get("to_come") for f in x.get("files") or [])]
    if to_come:
        h.append(f'<div class="banner standin">DOCUMENTS TO COME: {len(to_come)} exhibit'
                 f'{"s" if len(to_come) != 1 else ""} ('
                 + ", ".join(_e(x.get("letter", "?")) for x in to_come)
                 + ') hold a "DOCUMENT TO COME" page instead of the document. Not for filing.</div>')
    if not manifest.get("sections"):
        h.append('<div class="banner draft">No manifest.json beside the packet: sections, findings and form values '
                 "are unknown. Build with <code>packetgen build</code> to get them.</div>")

    def card(n, label, cls="", href=""):
        inner = f'<div class="n">{n}</div><div class="l">{_e(label)}</div>'
        return f'<a class="card {cls}" href="{href}">{inner}</a>' if href else f'<div class="card {cls}">{inner}</div>'

    h.append('<div class="cards">'
             + card(n_err, "errors" if n_err != 1 else "error", "err" if n_err else "ok", "#findings")
             + card(n_warn, "warnings" if n_warn != 1 else "warning", "warn" if n_warn else "ok", "#findings")
             + card(len(pages), "pages", "", "#pages")
             + card(len(exhibits), "exhibits", "", "#contents")
             + card(len(forms), "forms", "", "#fields")
             + card(fields_total, "form values filled", "", "#fields")
             + card(overflow_total, "continued in Part 13", "warn" if overflow_total else "", "#fields")
             + "</div>")
    h += _html_findings(findings, warnings)
    h += _html_contents(sections, pages)
    h += _html_fields(forms, pages)

    owner = page_owner(sections, len(pages))
    h.append('<section id="pages"><h2>All pages</h2><div class="grid">')
    for p in pages:
        s = owner[p.number]
        colour = s.colour if s else OTHER_COLOUR
        tag = (s.key if s.kind == "exhibit" else s.tag) if s else ""
        h.append(f'<a href="pages/{p.stem}.html" style="--c:{colour}"><figure{" class=todo" if p.unfinished else ""}>'
                 f'<img src="{p.thumb}" alt="page {p.number}" loading="lazy">'
                 f"<figcaption><span>p. {p.number}{' · TODO' if p.unfinished else ''}</span><b>{_e(tag)}</b>"
                 "</figcaption></figure></a>")
    h.append("</div></section>")

    h.append('<section id="sheet" class="sheet"><h2>Contact sheet</h2>')
    for s in sheets:
        h.append(f'<p><a href="{s}"><img src="{s}" alt="contact sheet" loading="lazy"></a></p>')
    h.append("</section>")
    h += _html_instructions(list(instructions), instructions_pdf)
    h.append(f'<p class="muted small">Made by <code>packetgen preview</code> from {_e(packet)}. Page images in '
             f"<code>pages/</code> ({PAGE_DPI} dpi); click any page to page through the packet.</p></main></body></html>")
    return "\n".join(h)


def page_viewer_html(pages: list[RenderedPage], p: RenderedPage, section: Optional[Section], title: str) -> str:
    total = len(pages)
    prev_ = (f'<a href="{pages[p.number - 2].stem}.html">← previous</a>' if p.number > 1
             else '<a class="off">← previous</a>')
    next_ = (f'<a href="{pages[p.number].stem}.html">next →</a>' if p.number < total
             else '<a class="off">next →</a>')
    where = ""
    if section:
        where = (f'<span class="chip" style="background:{section.colour}">{_e(section.tag)}</span>'
                 f"{_e(section.title)} · page {p.number - section.first + 1} of {section.count}")
    return ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>p. {p.number} – {_e(title)}</title><style>{VIEW_CSS}</style></head><body>"
            f'<div class="bar"><a href="../index.html">↑ review page</a>{prev_}{next_}'
            f'<span class="where">{where}</span><span>packet page {p.number} of {total}</span></div>'
            f'<img src="{Path(p.png).name}" alt="packet page {p.number}" width="{p.width}" height="{p.height}">'
            "</body></html>")
