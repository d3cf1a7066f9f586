"""Companion forms filed with each beneficiary's I-131: payment (G-1450 / G-1650), G-1145, G-28.

Which forms exist, when each applies and where it goes in the set are field-map data
(``companion`` in ``forms/*.json``); adding a companion form is a new map, not code (docs/forms.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from packetgen.forms.fieldmap import FormDef, all_formdefs
from packetgen.forms.fill import FilledForm, _slug, fill_form, i131_context
from packetgen.forms.template import template_for


@dataclass(frozen=True)
class PayerView:
    """Who pays the fee, as the payment forms need it: ``case.filing.payer``, or the petitioner."""
    form_name: Any
    address: Any
    phone: Optional[str]
    email: Optional[str]
    card_type: Optional[str]
    account_type: Optional[str]
    is_petitioner: bool


def payer_view(case) -> PayerView:
    p = case.filing.payer
    if p is not None:
        return PayerView(p.form_name, p.billing_address, p.phone, p.email, p.card_type, p.account_type, False)
    pet = case.petitioner
    return PayerView(pet.form_name, pet.mailing_address, pet.phone, pet.email, None, None, True)


def companion_context(case, beneficiary) -> dict[str, Any]:
    """The I-131 context plus the payment facts (payer, fee) every companion map may use."""
    from packetgen.facts import rule

    ctx = i131_context(case, beneficiary)
    view = payer_view(case)
    ctx.update(filing=case.filing, payment=case.filing.payment, payer=view, payer_is_petitioner=view.is_petitioner,
               fee=rule("fees.i131_paper"), e_notification=case.filing.e_notification)
    ctx["_paths"] = dict(ctx["_paths"], payer="filing.payer" if not view.is_petitioner else "petitioner")
    return ctx


def companion_formdefs(directory: Optional[Path] = None) -> list[FormDef]:
    """The newest edition of every companion form, in mailing order."""
    newest: dict[str, FormDef] = {}
    for fd in all_formdefs(directory):             # newest edition first per form
        if fd.model.companion is not None:
            newest.setdefault(fd.model.form, fd)
    return sorted(newest.values(), key=lambda d: (d.model.companion.order, d.model.form))


def applicable_companions(case, beneficiary, directory: Optional[Path] = None) -> list[tuple[FormDef, dict]]:
    """(field map, context) of each companion form filed for ``beneficiary``, in mailing order."""
    ctx = companion_context(case, beneficiary)
    out = []
    for fd in companion_formdefs(directory):
        where = f"{fd.path.name}: companion.applies"
        if fd.expr(fd.model.companion.applies, where=where).evaluate(ctx, where=where):
            out.append((fd, ctx))
    return out


def fill_companion_forms(case, beneficiary, *, forms_dir: Optional[Path] = None,
                         flatten: bool = False) -> list[FilledForm]:
    """The filled companion forms of one beneficiary's set, in mailing order (payment, G-1145, G-28).

    Each is a :class:`FilledForm` like the I-131's (``order`` and ``placement`` say where it goes);
    root field names are ``<form>_<beneficiary id>`` so several sets can share one PDF.
    """
    out = []
    for fd, ctx in applicable_companions(case, beneficiary):
        tpl, official, _ = template_for(fd, forms_dir)
        f = fill_form(fd, ctx, template=tpl, official=official,
                      root_name=f"{_slug(fd.model.form.lower().replace('-', ''))}_{_slug(beneficiary.id)}",
                      title=f"Form {fd.model.form} \u2014 {beneficiary.name.full}", beneficiary_id=beneficiary.id,
                      flatten=flatten)
        f.order, f.placement = fd.model.companion.order, fd.model.companion.placement
        out.append(f)
    return out
