"""Pre-flight checks for what the cover letter will say: typed ages and durations against the dates, the
letter date, and tensions between a doctor's time frame and a scheduled date.  Policy: docs/letter.md."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from packetgen.case.checks_base import _Out, _name_key, _people
from packetgen.case.checks_voice import check_voice, letter_signer, letter_texts
from packetgen.case.model import add_months
from packetgen.case.todo import TODO
from packetgen.wording import age_on, long_date

_WORDS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
          "seventeen eighteen nineteen twenty").split()
_NUM = r"(\d{1,3}|" + "|".join(_WORDS) + r")"
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
         "ninety": 90}
_NUM_ANY = r"(\d{1,3}|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?|" \
           + "|".join(_WORDS) + r")"
_MONTHS = ("January February March April May June July August September October November December").split()
_DATE_RE = re.compile(r"\b(" + "|".join(_MONTHS) + r") (\d{1,2}), (\d{4})\b")


def _number(word: str) -> int | None:
    w = word.lower().replace(" ", "-")
    if w.isdigit():
        return int(w)
    if w in _WORDS:
        return _WORDS.index(w)
    head, _, tail = w.partition("-")
    if head in _TENS:
        return _TENS[head] + (_WORDS.index(tail) if tail in _WORDS[1:10] else 0)
    return None


def _fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", s or "")
    return "".join(c for c in s if not unicodedata.combining(c)).casefold()


def _texts(case):
    """(field path, text) for every free-text string of the case that the letter or a form may print."""
    data = case.model_dump(mode="json", by_alias=True, exclude_none=True)
    return ((path, text) for path, text in _all_strings(data) if " " in text)


def check_letter(case, out: _Out, today: dt.date) -> None:
    """All letter-related checks (called from :func:`packetgen.case.checks.run_checks`)."""
    letter_date = case.letter.date or today
    _letter_date(case, out, today)
    _typed_ages(case, out, letter_date)
    _time_frame_tension(case, out, letter_date)
    check_assertions(case, out)
    check_support(case, out, letter_date)
    _argument(case, out, letter_date)
    _scripts_shown(case, out)
    _case_letter(case, out)
    check_voice(case, out)


def _letter_date(case, out: _Out, today: dt.date) -> None:
    d = case.letter.date
    if d and d > today:
        out.add("warning", "letter.date_future", "Dates",
                f"letter.date ({long_date(d)}) is in the future: the letter is dated the day it is signed",
                "set letter.date to the signing day, or remove it to date the letter on the build day",
                "letter.date")


def _typed_ages(case, out: _Out, letter_date: dt.date) -> None:
    """'Mateo (6)', 'Mateo is six years old', 'a six-year-old patient': the typed age against the date of birth."""
    people = []
    by_name: dict[str, list[int]] = {}
    for path, label, p in _people(case):
        names = {_fold(p.name.given), _fold(f"{p.name.given} {p.name.family}"), _fold(p.name.full)}
        role = _fold(getattr(p, "role", None) or "")
        roles = [re.compile(rf"\b{_NUM_ANY}[- ]years?[- ]old {re.escape(word)}\b")
                 for word in role.split() if len(word) > 3]
        for name in names:
            by_name.setdefault(name, []).append(len(people))
        people.append((path, label, p, roles, age_on(p.date_of_birth, letter_date)))
    # One pattern of each form for all the names (longest first), compiled once: compiling one per name was
    # most of the check's time on a small case.
    alt = "|".join(re.escape(n) for n in sorted(by_name, key=len, reverse=True) if n)
    pats = [(re.compile(pat), pat.endswith(",")) for pat in (
        rf"\b({alt}) \({_NUM_ANY}\)", rf"\b({alt}),? (?:is|was|aged|age) (?:now )?{_NUM_ANY}(?:[- ]years?[- ]old)?\b",
        rf"\b({alt}),? (?:a|an) {_NUM_ANY}[- ]years?[- ]old\b", rf"\b({alt}), {_NUM_ANY},")] if alt else []
    seen = set()
    for where, text in _texts(case):
        low = _fold(text)
        found: dict[int, list[str]] = {}
        for rx, comma in pats:
            for m in rx.finditer(low):
                if "years" in m.group(0) or "(" in m.group(0) or "aged" in m.group(0) or " age " in m.group(0) \
                        or comma:
                    for k in by_name.get(m.group(1), ()):
                        found.setdefault(k, []).append(m.group(2))
        for k, (path, label, p, roles, age) in enumerate(people):
            stated = found.get(k, [])
            for rx in roles:
                stated += [m.group(1) for m in rx.finditer(low)]
            for s in stated:
                n = _number(s)
                if n is None or n == age or (where, path) in seen:
                    continue
                seen.add((where, path))
                out.add("warning", "letter.typed_age", "Consistency",
                        f"{where} states an age of {n} for {label}, who is {age} on the letter date "
                        f"({long_date(letter_date)})",
                        f"remove the age from {where}: the letter computes each age from the date of birth "
                        f"(or correct it, or the date of birth at {path}.date_of_birth)", where)


_WITHIN_RE = re.compile(r"\bwithin (?:the next |the coming )?" + _NUM + r" (weeks?|months?)\b")
_SCHEDULED_RE = re.compile(r"\b(?:scheduled|set|booked|planned)\b(?: [a-z]+){0,3} (?:for|on) (" + "|".join(_MONTHS)
                           + r") (\d{1,2}), (\d{4})")


def _time_frame_tension(case, out: _Out, letter_date: dt.date) -> None:
    """A doctor's 'within three months' against a procedure scheduled later: the letter must explain it."""
    req = case.request
    fields = [("request.urgency", req.urgency), ("request.narrative", req.narrative),
              ("request.summary", req.summary), ("request.expedite.reason", req.expedite.reason)]
    fields += [(f"evidence[{i}].shows", e.shows) for i, e in enumerate(case.evidence)]
    medical_dates = [e.date for e in case.evidence if e.category == "medical_abroad" and e.date]
    ref = min(medical_dates) if medical_dates else letter_date
    windows = []
    for where, text in fields:
        for m in _WITHIN_RE.finditer((text or "").lower()):
            n = _number(m.group(1))
            if n:
                months = n if m.group(2).startswith("month") else n * 7 / 30.4375
                windows.append((where, m.group(0), months))
    if not windows:
        return
    scheduled = []
    for where, text in fields:
        for m in _SCHEDULED_RE.finditer(text or ""):
            try:
                scheduled.append((where, dt.date(int(m.group(3)), _MONTHS.index(m.group(1)) + 1, int(m.group(2)))))
            except ValueError:
                continue
    for w_where, phrase, months in windows:
        deadline = add_months(ref, months) if float(months).is_integer() else ref + dt.timedelta(days=round(months * 30.4375))
        for s_where, day in scheduled:
            if day > deadline:
                out.add("warning", "letter.time_frame_tension", "Consistency",
                        f"{w_where} says '{phrase}' (counted from {long_date(ref)}, about {long_date(deadline)}), "
                        f"but {s_where} gives a date after that ({long_date(day)})",
                        "explain in request.urgency why the later date is still safe (e.g. the doctor's view of the "
                        "scheduled date), or bring the date forward; an officer will ask", w_where)
                return


# --------------------------------------------------------------------------- assertions without evidence

# A claim a paragraph of the letter makes (pattern in the case text), the words an exhibit's title or "shows"
# must contain to back it, and whether it is a tie to home: a tie is the beneficiary's own, so it is looked for in
# the return-home paragraph only and backed only by an exhibit about that beneficiary (``about``), never by a
# supporter's document (the supporter's employer letter says nothing of the beneficiary's store).
_CLAIMS = (
    ("return tickets", r"\breturn (?:ticket|flight)s?\b|\bround[- ]trip\b", r"ticket|itinerar|flight|booking|airline|airfare|travel",
     False),
    ("leave from work", r"\b(?:unpaid|paid|approved|on) leave\b", r"\bleave\b", True),
    ("the visa appointment wait", r"\b(?:next|first|earliest) (?:interview|appointment)\b|\bwait(?:ing)? time\b",
     r"appointment|wait|interview", False),
    ("property at home", r"\b(?:owns?|owned) (?:a |the |his |her |their )?(?:home|house|land|property|farm)\b",
     r"deed|property|title|land|registry", True),
    ("employment at home", r"\b(?:employs?|employed|works? as|teacher|business)\b",
     r"employ|work|school|business|payroll|licen[cs]e|service|salary", True),
)

# Each factor paragraph of the letter and the evidence categories that can stand behind it.
_FACTORS = (
    ("discretion.payment_plan", "ability to pay", ("cost_estimate", "supporter_financial", "beneficiary_funds")),
    ("discretion.departure_plan", "return home when parole ends",
     ("beneficiary_funds", "character", "petitioner_statement", "other")),
    ("discretion.character", "character", ("character",)),
)


def check_assertions(case, out: _Out) -> None:
    """A factor paragraph with no exhibit behind it, and a claim ("return tickets") no exhibit shows."""
    cats = {e.category for e in case.evidence}
    texts = " ".join(_fold(f"{e.title} {e.shows or ''}") for e in case.evidence)
    d, req = case.discretion, case.request
    for where, what, need in _FACTORS:
        value = eval_path(case, where)
        if value and not cats.intersection(need):
            out.add("warning", "letter.factor_without_evidence", "Identity and discretion",
                    f"{where} ({what}) is asserted without evidence: no exhibit of category "
                    f"{' or '.join(repr(c) for c in need)}",
                    "add the document that proves it, or leave the paragraph out of the letter", where)
    ben_ids = {b.id for b in case.beneficiaries}

    def about(ids):     # the title and "shows" of the exhibits about these beneficiaries (not a supporter's)
        return " ".join(_fold(f"{e.title} {e.shows or ''}") for e in case.evidence
                        if not e.supporter and ids & set(e.about))

    # (field, text, the beneficiaries whose ties it states: None where it states none)
    fields = [("discretion.departure_plan", d.departure_plan, ben_ids), ("discretion.payment_plan", d.payment_plan, None),
              ("request.visa.why_not_possible", req.visa.why_not_possible, None), ("request.urgency", req.urgency, None)]
    fields += [(f"beneficiaries[{i}].discretion.departure_plan", b.discretion.departure_plan, {b.id})
               for i, b in enumerate(case.beneficiaries) if b.discretion and b.discretion.departure_plan]
    for where, text, whose in fields:
        low = _fold(text or "")
        for claim, pattern, backed_by, tie in _CLAIMS:
            if tie and whose is None:
                continue
            if re.search(pattern, low) and not re.search(backed_by, about(whose) if tie else texts):
                if tie:
                    names = " or ".join(sorted(whose))
                    out.add("warning", "letter.asserted_without_evidence", "Identity and discretion",
                            f"asserted without evidence: {claim} ({where}); no exhibit about "
                            f"{'the beneficiary' if len(whose) == 1 else 'a beneficiary'} ({names}) mentions it in its title or 'shows' (a supporter's documents do not show "
                            "the beneficiary's ties)",
                            f"add the beneficiary's own document (e.g. an employer's letter or business registration, "
                            f"with '{sorted(whose)[0]}' in its 'about' and what it proves in 'shows'), or take the "
                            f"claim out of {where}", where)
                    continue
                out.add("warning", "letter.asserted_without_evidence", "Identity and discretion",
                        f"asserted without evidence: {claim} ({where}); no exhibit's title or 'shows' mentions it",
                        f"add the document (and say in its 'shows' what it proves), or take the claim out of {where}",
                        where)


# --------------------------------------------------------------------------- what each claim cites

_NONE_TEXT = re.compile(r"^\s*(?:none|n/?a|no)\.?\s*$", re.I)

# A person's U.S. status the letter's texts state (pattern), and the words an exhibit's title or "shows" must
# contain to show it (an exhibit that names a "status" page counts too).
_STATUS_CLAIMS = (
    ("U.S. permanent resident status", r"\bpermanent resident\b|\bgreen card\b|\blpr\b",
     r"permanent resident|green card|\blpr\b|\bi-551\b|resident card"),
    ("U.S. citizenship", r"\bu\.\s?s\. citizen|\bunited states citizen|\bcitizen of the united states|\bnaturali[sz]",
     r"citizen|naturali[sz]|\bu\.\s?s\. passport"),
)


def _naming(case, key: str, about=None) -> list:
    """Evidence that names a ``key`` page; with ``about``, only about that beneficiary or about no beneficiary
    (as the letter's ``exhibits_with(key=..., about=...)`` cites them)."""
    ben = {b.id for b in case.beneficiaries}
    return [e for e in case.evidence if key in (e.pages or {})
            and (about is None or about in e.about or not ben & set(e.about))]


def check_support(case, out: _Out, letter_date: dt.date) -> None:
    """Claims the letter cites only to the pages a case names for them (the immigration history, the need for a
    parent), a person's U.S. status and the family relationships the letter states: each without an exhibit that
    shows it is a warning (docs/letter.md, "Citations")."""
    g = "Identity and discretion"
    # The immigration history: never the visa refusal or the appointment page, which prove neither "never been to
    # the United States" nor "never in removal proceedings".
    fields = [("discretion.immigration_history", case.discretion.immigration_history, None)]
    fields += [(f"beneficiaries[{i}].discretion.immigration_history", b.discretion.immigration_history, b.id)
               for i, b in enumerate(case.beneficiaries) if b.discretion and b.discretion.immigration_history]
    for where, text, who in fields:
        if not text or _NONE_TEXT.match(text) or text.lstrip().startswith(TODO) \
                or _naming(case, "immigration_history", who):
            continue        # (a placeholder is case.placeholder's error: write the text first)
        out.add("warning", "letter.immigration_history_without_evidence", g,
                f"{where} states an immigration history (travel to the United States, removal proceedings, visas) "
                f"and no exhibit{' about ' + repr(who) if who else ''} names the page that shows it, so the letter "
                "cites nothing for it",
                "name that page in the exhibit that states it, e.g. the declaration's paragraph or the passport's "
                "entry stamps: \"pages\": {\"immigration_history\": N} (a visa refusal or an appointment page shows "
                f"neither fact), or take the unproven claim out of {where}", where)
    # Why a minor must be accompanied: the letter says it only with the pages a case names as "accompany".
    for i, b in enumerate(case.beneficiaries):
        other = next((o for o in case.beneficiaries if o.id == b.accompanies), None)
        if other is None or age_on(other.date_of_birth, letter_date) >= 18 or b.narrative \
                or _naming(case, "accompany", other.id):
            continue
        out.add("warning", "letter.companion_need_unsupported", g,
                f"beneficiaries[{i}] ({b.name.given}) accompanies {other.name.given}, a minor, and no exhibit about "
                f"'{other.id}' names the page that says why a parent must be present (\"accompany\"), so the letter "
                "does not say it",
                "name that page in the exhibit that says it (the hospital's letter: a parent must be present to "
                "consent and stay at the bedside; the other parent's authorization): \"pages\": {\"accompany\": N}, "
                f"or write beneficiaries[{i}].narrative", f"beneficiaries[{i}]")
    # A person's U.S. status stated in the letter's texts.
    texts = [("request.summary", case.request.summary), *letter_texts(case)]
    shown = " ".join(_fold(f"{e.title} {e.shows or ''}") for e in case.evidence)
    named = bool(_naming(case, "status"))
    for what, claim, backed_by in _STATUS_CLAIMS:
        where = [w for w, t in texts if t and re.search(claim, _fold(t))]
        if where and not re.search(backed_by, shown) and not named:
            out.add("warning", "letter.status_without_evidence", g,
                    f"the letter states {what} ({', '.join(where)}), and no exhibit's title or 'shows' mentions it",
                    "add the document that shows it (a permanent resident card, a naturalization certificate, a U.S. "
                    "passport), say in its 'shows' whose status it proves, and name its page as "
                    f"\"pages\": {{\"status\": 1}} to list it under the letter's identity documents; or take the "
                    f"claim out of {where[0]}", where[0])
    # The family relationships the letter states: each shown by a civil document ('relationship' or 'consent')
    # about both people.
    pet = case.petitioner
    pet_sup = {s.id for s in case.supporters
               if _name_key(s.name) == _name_key(pet.name) and s.date_of_birth == pet.date_of_birth}
    pet_ids = {"petitioner"} | pet_sup | ({pet.is_beneficiary} if pet.is_beneficiary else set())
    docs = [set(e.about) for e in case.evidence if e.category in ("relationship", "consent")]

    def shown_between(a: set, b: set) -> bool:
        return any(d & a and d & b for d in docs)

    pairs = []
    for i, b in enumerate(case.beneficiaries):
        rel = (b.relationship_to_petitioner or "").strip()
        if rel and rel.casefold() != "self" and b.id != pet.is_beneficiary:
            pairs.append((f"beneficiaries[{i}].relationship_to_petitioner",
                          f"{b.name.full} is the petitioner's {rel}", {b.id}, pet_ids, "'petitioner'"))
        other = next((o for o in case.beneficiaries if o.id == b.accompanies), None)
        if other is not None:
            pairs.append((f"beneficiaries[{i}].accompanies", f"{b.name.given} ({b.role or 'companion'}) is "
                          f"related to {other.name.given}, whom {b.name.given} accompanies", {b.id}, {other.id},
                          f"'{other.id}'"))
    own_voice = letter_signer(case) == "petitioner"
    for i, s in enumerate(case.supporters):
        if own_voice and s.id in pet_sup:     # the petitioner's own I-134: the letter states no relationship
            continue
        for bid, rel in s.relationship.items():
            if bid in s.supports and rel and rel.strip().casefold() != "self":
                pairs.append((f"supporters[{i}].relationship.{bid}", f"{s.name.full} is the {rel} of "
                              f"{case.beneficiary(bid).name.given}", {s.id}, {bid}, f"'{bid}'"))
    for where, what, a, b, b_name in pairs:
        if shown_between(a, b):
            continue
        a_name = " or ".join(f"'{x}'" for x in sorted(a))
        out.add("warning", "letter.relationship_without_evidence", g,
                f"the letter states that {what} ({where}), and no 'relationship' or 'consent' exhibit is about both "
                f"{a_name} and {b_name} (their ids in 'about')",
                "add the civil documents that show it (birth or marriage certificates), with both ids in 'about' and "
                "the relationship in 'shows', or put both ids in the 'about' of the exhibit that already shows it",
                where)


def eval_path(case, path: str):
    obj = case
    for part in path.split("."):
        obj = getattr(obj, part, None)
    return obj


# --------------------------------------------------------------------------- the argument per beneficiary

_LAW_ENFORCEMENT = re.compile(r"prosecut|attorney'?s office|law enforcement|police|\bFBI\b|\bHSI\b|investigat|"
                              r"\bwitness|\btestif", re.I)


def law_enforcement_witness(case) -> bool:
    """A public-benefit request for someone assisting law enforcement (a witness, an informant)."""
    req = case.request
    if req.reason != "public_benefit":
        return False
    texts = [req.summary, req.narrative, req.public_benefit or ""]
    texts += [f"{e.title} {e.shows or ''}" for e in case.evidence if e.category == "public_benefit"]
    return any(_LAW_ENFORCEMENT.search(t or "") for t in texts)


def _argument(case, out: _Out, letter_date: dt.date) -> None:
    from packetgen.facts import rule

    g = "Identity and discretion"
    for i, b in enumerate(case.beneficiaries):
        if age_on(b.date_of_birth, letter_date) < 18 and not b.other_parent_consent and not any(
                e.category == "consent" and b.id in e.about for e in case.evidence):
            out.add("warning", "letter.minor_consent", g,
                    f"beneficiaries[{i}] ({b.name.given}) is a minor, and neither a consent of the other parent "
                    f"(evidence category 'consent' about '{b.id}') nor beneficiaries[{i}].other_parent_consent "
                    f"explains the other parent's position",
                    "add the other parent's signed consent to the travel, or write in "
                    f"beneficiaries[{i}].other_parent_consent why there is none (sole custody, deceased, "
                    "travelling too)", f"beneficiaries[{i}].other_parent_consent")
    if law_enforcement_witness(case) and not case.request.agency_channel:
        out.add("warning", "letter.law_enforcement_channel", g,
                "a significant-public-benefit request for a law-enforcement witness: parole that a law enforcement "
                "agency itself requests goes through ICE's law-enforcement parole channel, not USCIS",
                "confirm with the agency that it has not asked ICE to parole the witness (two requests confuse both), "
                "and that it supports this request to USCIS in writing; write the agency's reason in "
                "request.agency_channel and cite its letter",
                "request.reason")
    table = rule("parole_fee.exception_elements")
    cats = {e.category for e in case.evidence}
    claims = [("request.parole_fee_exception", case.request.parole_fee_exception)]
    claims += [(f"beneficiaries[{i}].parole_fee_exception", b.parole_fee_exception)
               for i, b in enumerate(case.beneficiaries) if b.parole_fee_exception]
    for where, fex in claims:
        spec = table.get(fex.basis or "") if fex.claimed else None
        for el in (spec or {}).get("elements", []):
            if el.get("optional") or fex.elements.get(el["id"]) or cats.intersection(el["evidence"]):
                continue
            out.add("warning", "letter.fee_element_unsupported", g,
                    f"{where}: element {el['label']} of {spec['cite']} ({el['text']}) has no evidence "
                    f"(no exhibit of category {' or '.join(repr(c) for c in el['evidence'])})",
                    f"add the evidence, or state the facts in {where}.elements.{el['id']}", where)
        for el in (spec or {}).get("elements", []):
            # An element without facts of its own restates a whole paragraph of the case under it: an officer
            # reads each element on its own, and a long paragraph there reads as padding.
            source, text = case.request.stated_facts(el.get("facts"))
            if fex.elements.get(el["id"]) or len(text or "") <= _RESTATE_MAX:
                continue
            out.add("warning", "letter.fee_element_restated", g,
                    f"{where}: element {el['label']} of {spec['cite']} has no facts of its own, so the letter "
                    f"restates all of {source} ({len(text)} characters) under it",
                    f"write the one or two sentences of facts that prove this element in "
                    f"{where}.elements.{el['id']}", f"{where}.elements")


# How long a restated paragraph (Request.stated_facts) may be before it is worth a sentence of its own:
# about three lines of the letter.
_RESTATE_MAX = 280


# --------------------------------------------------------------------------- every script

_WHO = re.compile(r"^(petitioner|beneficiaries\[(\d+)\]|supporters\[(\d+)\]|attorney|preparer|interpreter|"
                  r"translators\[(\d+)\]|letter|evidence\[(\d+)\])")


def _all_strings(value, path=""):
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for k, v in value.items():
            if k not in ("file", "more_files", "password", "$schema"):
                yield from _all_strings(v, f"{path}.{k}" if path else k)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _all_strings(v, f"{path}[{i}]")


def _scripts_shown(case, out: _Out) -> None:
    """A character no bundled font has would print as nothing in the letter and on the forms' sheets: an error
    naming the person, the field and the script."""
    from packetgen.scripts import script_name, unshowable

    data = case.model_dump(mode="json", by_alias=True, exclude_none=True)
    for where, text in _all_strings(data):
        if text.isascii():
            continue
        chars = unshowable(text)
        if not chars:
            continue
        scripts = sorted({script_name(c) for c in chars})
        m = _WHO.match(where)
        who = {"petitioner": "the petitioner", "letter": "the letter", "attorney": "the attorney"}.get(
            m.group(1) if m else "", "")
        if m and m.group(2) is not None:
            who = f"beneficiary {int(m.group(2)) + 1}"
        elif m and m.group(3) is not None:
            who = f"supporter {int(m.group(3)) + 1}"
        elif m and m.group(5) is not None:
            who = f"exhibit entry {int(m.group(5)) + 1}"
        codes = ", ".join(f"U+{ord(c):04X}" for c in chars[:6])
        out.add("error", "letter.script_unsupported", "Case file",
                f"{where}{' (' + who + ')' if who else ''} has {' and '.join(scripts)} characters ({codes}) that no "
                f"bundled font can show: they would print as nothing in the letter",
                f"write {where} in a script packetgen shows (Latin, Greek, Cyrillic, Arabic, Hebrew, Chinese, Japanese, "
                "Korean, Devanagari, Thai, Ethiopic) as on the passport's Latin line, or add a font for it "
                "(packetgen/data/fonts/README.md)", where)


# --------------------------------------------------------------------------- the case's own letter

_CALL = re.compile(r"""\b(exhibit|has_exhibit)\(\s*(["'])([^"']*)\2(?:\s*,\s*(["'])([^"']*)\4)?""")


def _case_letter(case, out: _Out) -> None:
    """The case's own letter (made by 'packetgen letter init'): every citation names an exhibit of the case."""
    if case.source is None:
        return
    path = case.base_dir / "letter" / case.letter.template
    if not path.is_file():
        return
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        out.add("error", "letter.case_letter_unreadable", "Case file", f"letter/{path.name} cannot be read ({exc})",
                "save it as UTF-8 text, or delete it to use the built-in letter", f"letter/{path.name}")
        return
    by_id = {e.id: e for e in case.evidence}
    # Jinja comments ({# ... #}, e.g. the file's own instructions) are not citations: blank them, keeping the lines.
    text = re.sub(r"\{#.*?#\}", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    for lineno, line in enumerate(text.splitlines(), 1):
        for m in _CALL.finditer(line):
            eid, key = m.group(3), m.group(5)
            where = f"letter/{path.name}, line {lineno}"
            if eid not in by_id:
                known = ", ".join(sorted(by_id)) or "(none)"
                out.add("error", "letter.unknown_citation", "Case file",
                        f"{where} cites exhibit '{eid}', which is not in the case file's evidence",
                        f"cite one of the evidence ids ({known}), or add the document to the evidence list", where)
            elif key and key not in (by_id[eid].pages or {}):
                out.add("warning", "letter.unknown_passage", "Case file",
                        f"{where} cites passage '{key}' of '{eid}', which evidence '{eid}' does not name in 'pages': "
                        f"the whole document's pages are cited",
                        f"add \"pages\": {{\"{key}\": N}} to that evidence entry, or drop the passage name", where)
