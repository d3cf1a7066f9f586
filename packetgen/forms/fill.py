"""Fill a form (I-131, I-134, ...) from the case, on the official PDF or on a generated stand-in.

Steps, one module each: template (:mod:`.template`), values and fitting (:mod:`.plan`),
continuation sheets (:mod:`.continuation`), writing with appearance streams (:mod:`.write`).
Policy and measurements: docs/forms.md.
"""

from __future__ import annotations

import io
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import pikepdf

from packetgen.case.model import add_months
from packetgen.forms.continuation import _continuation_pdf
from packetgen.forms.fieldmap import FormDef, load_formdef
from packetgen.forms.plan import _Plan, _route_overflow
from packetgen.forms.template import _template_info, template_for
from packetgen.forms.write import _write_pdf, save_form


@dataclass
class FilledForm:
    form_id: str
    edition: str
    official: bool
    title: str
    beneficiary_id: str
    supporter_id: Optional[str]
    doc: pikepdf.Pdf               # the filled form, open: the packet merges it from one raw save
    page_count: int
    values: list[dict] = field(default_factory=list)
    overflow: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    signatures: list[dict] = field(default_factory=list)
    seconds: float = 0.0
    root_name: str = ""
    unanswered: list[dict] = field(default_factory=list)   # required items the case does not answer (left blank)
    order: int = 0                 # companion forms: place in the beneficiary's set (1 payment, 2 G-1145, 4 G-28)
    placement: str = ""            # companion forms: where it goes, for the filing instructions
    _file: Optional[bytes] = field(default=None, repr=False, compare=False)

    @property
    def pdf(self) -> bytes:
        """The filled form as a stand-alone PDF file, saved on first use (a build never needs it)."""
        if self._file is None:
            self._file = save_form(self.doc)
        return self._file


# --------------------------------------------------------------------------- contexts


def i131_context(case, beneficiary, exhibits_text: str = "") -> dict[str, Any]:
    return {
        "exhibits_text": exhibits_text,
        "case": case, "request": case.request, "discretion": case.discretion,
        "applicant": case.petitioner, "beneficiary": beneficiary,
        "for_other": case.petitioner.is_beneficiary != beneficiary.id,
        "interpreter": case.interpreter, "preparer": case.preparer or case.attorney, "attorney": case.attorney,
        "g28": bool(case.attorney and case.attorney.g28),
        "_paths": person_paths(case, beneficiary=beneficiary),
    }


def person_paths(case, *, beneficiary=None, supporter=None) -> dict[str, str]:
    """Case-file paths of the people a form is about, for messages ('beneficiaries[1]')."""
    out = {"applicant": "petitioner", "petitioner": "petitioner",
           "preparer": "preparer" if case.preparer else "attorney", "attorney": "attorney", "interpreter": "interpreter"}
    if beneficiary is not None:
        out["beneficiary"] = f"beneficiaries[{case.beneficiaries.index(beneficiary)}]"
    if supporter is not None:
        out["supporter"] = f"supporters[{case.supporters.index(supporter)}]"
    return out


def same_person(a, b) -> bool:
    return (a.name.family.casefold() == b.name.family.casefold() and a.name.given.casefold() == b.name.given.casefold()
            and a.date_of_birth == b.date_of_birth)


def i134_context(case, supporter, beneficiary) -> dict[str, Any]:
    start = case.request.intended_arrival
    return {
        "case": case, "request": case.request, "supporter": supporter, "beneficiary": beneficiary,
        "self_support": same_person(supporter, beneficiary),
        "other_supported": [case.beneficiary(x) for x in supporter.supports if x != beneficiary.id],
        "support_from": start, "support_until": add_months(start, case.request.stay.months),
        "interpreter": case.interpreter, "preparer": case.preparer or case.attorney, "attorney": case.attorney,
        "_paths": person_paths(case, beneficiary=beneficiary, supporter=supporter),
    }


def _slug(s: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", s)


def fill_form(fd: FormDef, ctx: dict, *, template: bytes, official: bool, root_name: str, title: str,
              beneficiary_id: str, supporter_id: Optional[str] = None, flatten: bool = False) -> FilledForm:
    """Fill one form from a context (see ``i131_context`` / ``i134_context``)."""
    t0 = time.perf_counter()
    info = _template_info(template)
    widgets = info.widgets
    plan = _Plan(fd, ctx, widgets, title)
    for i, e in enumerate(fd.model.entries):
        plan.plan_entry(i, e)
    blocks, _ = _route_overflow(plan)

    # continuation sheets for what the rows could not hold
    cont_who = fd.model.overflow.continuation.who if fd.model.overflow else None
    cont_bytes, cont_pages, placements = None, 0, []
    if any(b.rest for b in blocks):
        cont_bytes, cont_pages, placements = _continuation_pdf(
            fd, ctx, blocks, first_page=info.page_count + 1, standin=not official, signer=cont_who)

    # write the values and their appearance streams (no NeedAppearances: the PDF417 barcodes stay images)
    pdf = pikepdf.open(io.BytesIO(template))
    try:
        page_count = _write_pdf(fd, pdf, info, plan.writes, root_name=root_name,
                                continuation=cont_bytes, flatten=flatten)
    except BaseException:
        pdf.close()
        raise

    # report
    values = []
    for wr in plan.writes:
        if wr.kind == "checkbox-off":
            continue
        values.append({"field": root_name + wr.field[len(fd.model.root_field):] if wr.field.startswith(fd.model.root_field)
                       else wr.field, "form_field": wr.field, "value": wr.value, "page": wr.page, "part": wr.part,
                       "item": wr.item, "label": wr.label, "kind": "checkbox" if wr.kind == "checkbox" else
                       "overflow" if wr.kind == "overflow-row" else wr.kind})
        if wr.derived:
            values[-1]["derived_from"] = wr.derived
    overflow = []
    for b in blocks:
        mv = b.moved
        where = []
        if b.rows:
            items = [r for r, _ in b.rows]
            where.append(f"Part {fd.model.overflow.part} "
                         f"{'row' if len(items) == 1 else 'rows'} {', '.join(items)} (page {fd.model.overflow.page})")
        sheet_pages = sorted({p["page"] for p in placements if p["block"] is b})
        if b.rest:
            where.append(f"continuation sheet{'s' if len(sheet_pages) > 1 else ''} "
                         f"(page{'s' if len(sheet_pages) > 1 else ''} {', '.join(map(str, sheet_pages))})")
        overflow.append({"part": mv.part, "item": mv.item, "page": mv.page, "label": mv.label, "field": mv.field,
                         "text_len": len(mv.text), "where": "; ".join(where), "why": mv.why})
    signatures = []
    for s in fd.model.signatures:
        if s.when and not fd.expr(s.when, where="signatures").evaluate(ctx, where="signatures"):
            continue
        who_name = fd.expr(s.name, where="signatures").evaluate(ctx, where="signatures") if s.name else None
        signatures.append({"page": s.page, "part": s.part, "item": s.item, "who": s.who, "name": who_name})
    if cont_pages:
        name_expr = fd.model.overflow.continuation.name
        nm = fd.expr(name_expr, where="continuation").evaluate(ctx, where="continuation")
        for k in range(cont_pages):
            signatures.append({"page": page_count - cont_pages + k + 1, "part": fd.model.overflow.part,
                               "item": f"continuation sheet {k + 1}", "who": cont_who,
                               "name": getattr(nm, "full", None)})
    if official and fd.model.source.status == "derived":
        plan.warn(f"the field map {fd.path.name} was derived without the official PDF; it matched this PDF's "
                  "fields, but check every filled page before filing")
    if plan.moved and fd.model.overflow is None:
        plan.warn(f"{len(plan.moved)} answer(s) did not fit their fields and the form has no additional-information "
                  "part: the box shows the beginning (a number, date or e-mail address: nothing); complete by hand: "
                  + "; ".join(f"{m.label}" for m in plan.moved))
    elif plan.moved:
        plan.warn(f"{len(plan.moved)} answer(s) did not fit their fields and are in Part {fd.model.overflow.part}"
                  + (f" and {cont_pages} continuation sheet(s) that must be signed and dated" if cont_pages else "")
                  + ": " + "; ".join(f"Part {m.part} Item {m.item}" for m in plan.moved))
    return FilledForm(form_id=fd.model.form, edition=fd.model.edition, official=official, title=title,
                      beneficiary_id=beneficiary_id, supporter_id=supporter_id, doc=pdf, page_count=page_count,
                      values=values, overflow=overflow, warnings=plan.warnings, signatures=signatures,
                      seconds=time.perf_counter() - t0, root_name=root_name,
                      unanswered=[{"part": u.part, "item": u.item, "label": u.label, "page": u.page, "set": u.ask,
                                   "kind": u.kind} for u in plan.unanswered])


def fill_case_forms(case, *, forms_dir: Optional[Path] = None, flatten: bool = False,
                    exhibits_text: Optional[dict] = None) -> list[FilledForm]:
    """One I-131 per beneficiary (case order), then one I-134 per (supporter, beneficiary) pair.

    ``exhibits_text``: beneficiary id -> 'Exhibits A\u2013O', the exhibits of that beneficiary's set, which I-131
    Part 8 Item 1 refers to after the request's summary ('See the cover letter.' alone without it)."""
    out: list[FilledForm] = []
    fd131 = load_formdef("I-131")
    tpl, official, _ = template_for(fd131, forms_dir)
    for b in case.beneficiaries:
        ctx = i131_context(case, b, (exhibits_text or {}).get(b.id, ""))
        out.append(fill_form(fd131, ctx, template=tpl, official=official, root_name=f"i131_{_slug(b.id)}",
                             title=f"Form I-131 \u2014 {b.name.full}", beneficiary_id=b.id, flatten=flatten))
    pairs = case.supporter_pairs()
    if pairs:
        fd134 = load_formdef("I-134")
        tpl, official, _ = template_for(fd134, forms_dir)
        for s, b in pairs:
            title = f"Form I-134 \u2014 {s.name.given} {s.name.family} for {b.name.given} {b.name.family}"
            out.append(fill_form(fd134, i134_context(case, s, b), template=tpl, official=official,
                                 root_name=f"i134_{_slug(s.id)}_{_slug(b.id)}", title=title,
                                 beneficiary_id=b.id, supporter_id=s.id, flatten=flatten))
    return out
