"""Whose voice each case text is written in, and the check that it speaks of its author in the right person.

A text is written in the voice of the person who signs the paper that prints it: the letter's own sentences in
the letter signer's (``letter.signer``, by default the petitioner), ``request.summary`` in the petitioner's (Form
I-131), ``supporters[].will_provide`` in that supporter's (Form I-134).  Policy: docs/letter.md ("Whose voice")."""

from __future__ import annotations

import re

from packetgen.case.checks_base import _Out, _fold as norm_name   # the checks' one name key (accents, case, spaces)

# The case texts the letter prints as its own sentences (spliced, never quoted): the signer's voice.
_REQUEST_TEXTS = ("narrative", "urgency", "public_benefit", "agency_channel", "stay.justification",
                  "visa.why_not_possible", "expedite.reason")
_DISCRETION_TEXTS = ("criminal_history", "immigration_history", "payment_plan", "departure_plan", "character",
                     "no_threat")

# "I", "me", "my", "myself", "mine": the first person singular ("I-131" and "Part I" are not).
_FIRST_PERSON = re.compile(r"(?<![\w\-.])(?:I(?=[\s,;:']|$)|(?:me|my|myself|mine)(?![\w\-]))", re.I)
# A quotation keeps its speaker's own words: “...”, "...".
_QUOTED = re.compile(r"\u201c[^\u201d]*\u201d|\"[^\"]*\"")


def _names(person) -> set[str]:
    n = person.name
    return {norm_name(n.full), norm_name(f"{n.given} {n.family}")}


def letter_signer(case) -> str:
    """Who signs the letter: 'petitioner' (the default), 'attorney', or 'other' (anyone else named in
    ``letter.signer``)."""
    signer = norm_name(case.letter.signer or case.petitioner.name.full)
    if signer in _names(case.petitioner):
        return "petitioner"
    if case.attorney is not None and signer in _names(case.attorney):
        return "attorney"
    return "other"


def letter_texts(case):
    """(field path, text) of every case text the letter prints as its own sentences, in the signer's voice."""
    req = case.request
    for f in _REQUEST_TEXTS:
        obj = req
        for part in f.split("."):
            obj = getattr(obj, part, None)
        yield f"request.{f}", obj
    yield from _fee_texts("request.parole_fee_exception", req.parole_fee_exception)
    for f in _DISCRETION_TEXTS:
        yield f"discretion.{f}", getattr(case.discretion, f)
    for i, b in enumerate(case.beneficiaries):
        yield f"beneficiaries[{i}].narrative", b.narrative
        yield f"beneficiaries[{i}].other_parent_consent", b.other_parent_consent
        if b.discretion:
            for f in _DISCRETION_TEXTS:
                yield f"beneficiaries[{i}].discretion.{f}", getattr(b.discretion, f)
        if b.parole_fee_exception:
            yield from _fee_texts(f"beneficiaries[{i}].parole_fee_exception", b.parole_fee_exception)


def _fee_texts(where, fex):
    yield f"{where}.explanation", fex.explanation
    for k, v in (fex.elements or {}).items():
        yield f"{where}.elements.{k}", v


def _people(case):
    """Every named person of the case once (the petitioner who is also a beneficiary or a supporter is one)."""
    seen, out = set(), []
    for p in [case.petitioner, *case.beneficiaries, *case.supporters,
              *(h for h in (case.attorney, case.preparer, case.interpreter) if h is not None)]:
        key = norm_name(p.name.full)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


# 'the supporter', 'the financial sponsor': the case's only supporter ("the other sponsor" is not matched).
_SUPPORTER_ROLE = r"the (?:financial )?(?:supporter|sponsor)"


def _sole_supporter(case, person) -> bool:
    """``person`` is the case's only financial supporter, so 'the supporter' can mean no one else."""
    return len(case.supporters) == 1 and norm_name(case.supporters[0].name.full) in _names(person)


def _third_person_pattern(case, person, *, petitioner: bool) -> re.Pattern:
    """The ways a text names ``person`` in the third person: full name, given and family name, the given name
    alone when no one else in the case has it, 'the petitioner' for the petitioner, and 'the supporter' /
    'the sponsor' for the case's only supporter.  Pronouns ('her apartment') are not: they may be about anyone
    (docs/letter.md, 'Whose voice')."""
    given = norm_name(person.name.given)
    shared = sum(1 for p in _people(case) if norm_name(p.name.given) == given) > 1
    names = _names(person) | ({given} if len(given) > 1 and not shared else set())
    alts = [re.escape(a) for a in sorted(names, key=len, reverse=True)] + (["the petitioner"] if petitioner else [])
    if _sole_supporter(case, person):
        alts.append(_SUPPORTER_ROLE)
    return re.compile(r"(?<!\w)(?:" + "|".join(alts) + r")(?!\w)")


def _unquoted(text: str) -> str:
    return _QUOTED.sub(" ", text or "")


def check_voice(case, out: _Out) -> None:
    """A case text that speaks of its author in the third person by name ("Lucía Reyes will pay" in a letter Lucía
    signs), or in the first person in a letter someone else signs ("I will pay" under an attorney's signature)."""
    g = "Consistency"
    role = letter_signer(case)
    pet = case.petitioner
    signer = case.letter.signer or pet.name.full
    if role == "petitioner":
        rx = _third_person_pattern(case, pet, petitioner=True)
        for where, text in letter_texts(case):
            m = rx.search(norm_name(_unquoted(text or "")))
            if m:
                out.add("warning", "letter.voice", g,
                        f"{where} speaks of {pet.name.full}, who signs the letter, in the third person "
                        f"('{m.group(0)}'): the letter prints it as {pet.name.given}'s own words, next to 'I'",
                        f"write {where} in {pet.name.given}'s voice: 'I' and 'my' for {pet.name.given}, names or "
                        f"'he'/'she' for everyone else ('I will pay the balance', 'my brother Jorge')", where)
    else:
        who = f"{signer}, the attorney," if role == "attorney" else f"{signer}, who is not the petitioner,"
        for where, text in letter_texts(case):
            m = _FIRST_PERSON.search(_unquoted(text or ""))
            if m:
                out.add("warning", "letter.voice", g,
                        f"{where} is written in the first person ('{m.group(0)}'), but {who} signs the letter: "
                        f"the letter prints it as the signer's own words",
                        f"write {where} in the third person ('the petitioner will pay', 'her brother'), or sign the "
                        f"letter as the petitioner (letter.signer)", where)
    # The forms' own texts: each in the voice of the person who signs that form.
    rx = _third_person_pattern(case, pet, petitioner=True)
    m = rx.search(norm_name(_unquoted(case.request.summary)))
    if m:
        out.add("warning", "letter.voice", g,
                f"request.summary is {pet.name.full}'s own answer on Form I-131 (Part 8, Item 1), which "
                f"{pet.name.given} signs, but it speaks of {pet.name.given} in the third person ('{m.group(0)}')",
                f"write it as {pet.name.given} would on the form: 'I' and 'my' for {pet.name.given}, names for "
                "everyone else", "request.summary")
    for i, s in enumerate(case.supporters):
        for key in ("will_provide", "contributions"):       # both are the supporter's own words on Form I-134
            text = getattr(s, key, None)
            if not text:
                continue
            m = _third_person_pattern(case, s, petitioner=False).search(norm_name(_unquoted(text)))
            if m:
                out.add("warning", "letter.voice", g,
                        f"supporters[{i}].{key} is {s.name.full}'s own description on Form I-134, which "
                        f"{s.name.given} signs, but it names {s.name.given} in the third person ('{m.group(0)}')",
                        f"write it as {s.name.given} would on the form ('a room in my apartment, food, local "
                        "transport')", f"supporters[{i}].{key}")
