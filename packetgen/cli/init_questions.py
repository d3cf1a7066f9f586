"""The forms' own questions in ``packetgen init``.

What to ask comes from the field maps: every entry marked ``ask`` that the case leaves unanswered
(:func:`packetgen.forms.questions.unanswered_questions`) is asked, per person, and the answer is written at
the case-file path the entry names. The answer's type comes from the case model. Sworn Yes/No questions
have no default. ``--answer PATH=VALUE`` gives the same answers to a script.
"""

from __future__ import annotations

import datetime as dt
import re
import typing

import click

SWORN_NOTE = ("These answers are sworn on the forms, so packetgen never answers them for you: "
              "type y or n (there is no default).")

# Clearer wording than the form's label for a few fields (by the field's name in the case file).
WORDING = {
    "reads_english": "Can {who} read and understand English? (No: an interpreter reads the Form I-134 to them)",
    "dependents": "How many people depend on {who} financially? (0 if none)",
    "race": "{who}'s race (one or more, separated by commas)",
    "weight_pounds": "{who}'s weight in pounds",
    "other_obligations": "Other Forms I-134 or I-864 {who} signed outside this case, with dates ('None' if none)",
    "specific_contributions": "Does {who} intend to make specific contributions (money, housing, medical costs)?",
}

_ASK = re.compile(r"^(\S+)(?: \((.*?)\))?(?:, or (\S+))?$")
_PART = re.compile(r"([A-Za-z_][\w-]*)|\[(\d+)\]")


# --------------------------------------------------------------------------- types, from the case model

def _unwrap(ann):
    while True:
        origin = typing.get_origin(ann)
        if origin is typing.Annotated:
            ann = typing.get_args(ann)[0]
        elif origin is typing.Union:
            args = [a for a in typing.get_args(ann) if a is not type(None)]
            ann = args[0] if len(args) == 1 else ann
            if len(args) != 1:
                return ann
        else:
            return ann


def field_type(path: str):
    """The case model's type at a case-file path (Optional and constraints removed); None if unknown."""
    from pydantic import BaseModel

    from packetgen.case.model import Case

    ann = Case
    for name, idx in _PART.findall(path):
        origin = typing.get_origin(ann)
        if idx:
            if origin is not list:
                return None
            ann = typing.get_args(ann)[0]
        elif origin is dict:
            ann = typing.get_args(ann)[1]
        elif isinstance(ann, type) and issubclass(ann, BaseModel) and name in ann.model_fields:
            ann = ann.model_fields[name].annotation
        else:
            return None
        ann = _unwrap(ann)
    return ann


def kind_of(ann) -> tuple[str, tuple]:
    """('yesno'|'int'|'money'|'date'|'text'|'choice'|'multi'|'object', choices)."""
    from pydantic import BaseModel

    origin = typing.get_origin(ann)
    if ann is bool:
        return "yesno", ()
    if ann is int:
        return "int", ()
    if ann is float:
        return "money", ()
    if ann is dt.date:
        return "date", ()
    if origin is typing.Literal:
        return "choice", typing.get_args(ann)
    if origin is list and typing.get_origin(typing.get_args(ann)[0]) is typing.Literal:
        return "multi", typing.get_args(typing.get_args(ann)[0])
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return "object", ()
    return "text", ()


def convert(path: str, text: str):
    """A typed answer (``--answer PATH=VALUE`` or a prompt) -> the value written at ``path``; ValueError if wrong."""
    from packetgen.case import answers as case_answers

    ann = field_type(path)
    if ann is None:
        raise ValueError(f"'{path}' is not a field of the case file")
    kind, choices = kind_of(ann)
    t = text.strip()
    if kind == "yesno":
        if t.lower() in {"y", "yes", "true"}:
            return True
        if t.lower() in {"n", "no", "false"}:
            return False
        raise ValueError("answer yes or no")
    if kind == "int":
        if not t.isdigit():
            raise ValueError("a whole number is needed")
        return int(t)
    if kind == "money":
        return case_answers.money(t)
    if kind == "date":
        return case_answers.parse_date(t, latest=case_answers.today(), what="date").isoformat()
    if kind in {"choice", "multi"}:
        picked = []
        for part in ([t] if kind == "choice" else [x for x in re.split(r"[,\s]+", t) if x]):
            norm = part.lower().replace(" ", "_").replace("-", "_")
            key = next((c for c in choices if c.lower() == norm), norm)
            if part.isdigit() and 1 <= int(part) <= len(choices):
                key = choices[int(part) - 1]
            if key not in choices:
                raise ValueError(f"'{part}' is not one of: " + ", ".join(choices))
            picked.append(key)
        if not picked:
            raise ValueError("at least one answer is needed")
        return picked[0] if kind == "choice" else list(dict.fromkeys(picked))
    if kind == "object":
        raise ValueError(f"'{path}' holds several fields; set each, e.g. {path}.street=...")
    return case_answers.text_line(t)


def parse_answer_option(value: str) -> tuple[str, object]:
    """``PATH=VALUE`` -> (path, typed value)."""
    path, sep, text = value.partition("=")
    path = path.strip()
    if not sep or not path:
        raise ValueError("write PATH=VALUE, e.g. beneficiaries[0].in_removal_proceedings=no")
    return path, convert(path, text)


# --------------------------------------------------------------------------- asking

class _Typed(click.ParamType):
    name = "answer"

    def __init__(self, path: str):
        self.path = path

    def convert(self, value, param, ctx):
        if not isinstance(value, str):
            return value
        try:
            return convert(self.path, value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


def _who(data: dict, path: str) -> str:
    m = re.match(r"^(beneficiaries|supporters)\[(\d+)\]|^petitioner", path)
    try:
        person = data[m.group(1)][int(m.group(2))] if m and m.group(1) else data["petitioner"]
        return person["name"]["given"]
    except (KeyError, IndexError, TypeError):
        return "this person"


def _target(u, data: dict) -> tuple[str, str, str | None]:
    """(path to set, hint, alternative path) from an ``ask`` text such as 'supporters[0].relationship (an entry
    for beneficiaries[1])' or 'x.physical_address_same_as_mailing (true), or x.physical_address'."""
    m = _ASK.match(u.ask)
    if not m:
        return u.ask, "", None
    path, hint, alt = m.group(1), m.group(2) or "", m.group(3)
    entry = re.match(r"an entry for beneficiaries\[(\d+)\]", hint)
    if entry:
        path += "." + data["beneficiaries"][int(entry.group(1))]["id"]
    return path, hint, alt


def ask_form_questions(s, answers) -> None:
    """Ask every question the forms require and the answers leave open; record them in answers.form_answers."""
    from packetgen.case import answers as case_answers
    from packetgen.case.model import Case
    from packetgen.forms.questions import unanswered_questions

    asked: set[str] = set()
    while True:                          # one at a time: a Yes opens its follow-ups (date issued, disposition)
        try:
            data, _slots = case_answers.case_data(answers)
            todo = unanswered_questions(Case.model_validate(data))
        except Exception:                # not a valid case yet: create_case reports why
            return
        nxt = None
        for _title, u in todo:
            if u.kind == "unanswered":
                path, hint, alt = _target(u, data)
                if path not in asked:
                    nxt = (u, path, hint, alt)
                    break
        if nxt is None:
            return
        if not asked:
            s.section("7. Questions on the forms", SWORN_NOTE)
        asked.add(nxt[1])
        _ask_one(s, answers, data, *nxt)


def _ask_one(s, answers, data, u, path, hint, alt) -> None:
    who = _who(data, path)
    leaf = re.sub(r"\[\d+\]", "", path).split(".")[-1]
    click.echo(click.style(f"  (Form {u.form} Part {u.part} Item {u.item}; case.json {path})", dim=True))
    if alt:                             # 'the same as the mailing address (true), or a physical address'
        same = s.confirm(f"Is {who}'s physical address (where they live) the same as the mailing "
                         "address?", default=None)
        answers.form_answers[path] = same
        if not same:
            answers.form_answers[alt] = _address(s, who)
        return
    kind, choices = kind_of(field_type(path))
    label = WORDING.get(leaf, f"{who}: " + re.sub(r", digit \d+$", "", u.label)).format(who=who)
    if kind == "yesno":
        answers.form_answers[path] = s.confirm(label, default=None)
        return
    if kind in {"choice", "multi"}:
        click.echo("    " + "   ".join(f"{i} {c.replace('_', ' ')}" for i, c in enumerate(choices, 1)))
        label += " (number or name)" if kind == "choice" else ""
    elif hint and leaf not in WORDING:
        label += f" ({hint})"
    answers.form_answers[path] = s.ask(label, _Typed(path))
    _siblings(s, answers, data, path, who)


def _get(data, path: str):
    node = data
    for name, idx in _PART.findall(path):
        try:
            node = node[int(idx)] if idx else node.get(name)
        except (IndexError, KeyError, TypeError, AttributeError):
            return None
    return node


def _siblings(s, answers, data, path: str, who: str) -> None:
    """The other required fields of a new object ``path`` is in (a document's date issued -> its disposition)."""
    from pydantic import BaseModel

    parent, _, _leaf = path.rpartition(".")
    if not parent or _get(data, parent) is not None:
        return
    cls = field_type(parent)
    if not (isinstance(cls, type) and issubclass(cls, BaseModel)):
        return
    for name, f in cls.model_fields.items():
        sub = f"{parent}.{name}"
        if f.is_required() and sub not in answers.form_answers:
            hint = f" ({f.description})" if f.description else ""
            answers.form_answers[sub] = s.ask(f"{who}: {name.replace('_', ' ')}{hint}", _Typed(sub))


def _address(s, who: str) -> dict:
    from packetgen.case import answers as case_answers

    from packetgen.cli.init_prompts import COUNTRY, STATE, ZIP

    street = s.ask(f"{who}'s physical address: number and street")
    city = s.ask("City")
    country = s.ask("Country", COUNTRY)
    out = {"street": street, "city": city, "country": country}
    if country == case_answers.US:
        out["state"] = s.ask("State (two letters, e.g. TX)", STATE)
        out["zip_code"] = s.ask("ZIP code", ZIP)
    return out
