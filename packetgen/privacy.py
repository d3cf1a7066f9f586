"""Keep personal data out of what packetgen prints by default (one policy: docs/errors.md, "Personal data").

At the default verbosity every line the CLI prints (progress, warnings, check findings, errors) goes through a
:class:`Redactor`: people become their role and id ("beneficiary 'mateo'", "the petitioner"), and dates of
birth, A-Numbers, SSNs, passport numbers, phones, e-mails, street addresses and money amounts of the case are
hidden.  Paths are never rewritten.  ``-v`` prints lines as they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Optional

# Numbers recognised by their shape, with or without a case (e.g. a case file that does not load).
_GENERIC = [
    (re.compile(r"(?<![\w-])A-?\d{8,9}(?!\w)"), "[A-Number]"),
    (re.compile(r"(?<![\w-])\d{3}-\d{2}-\d{4}(?![\w-])"), "[SSN]"),
    # (addresses at the documentation domains example.org/.com/.net are examples in fixes, not people)
    (re.compile(r"(?<![\w.+-])[\w.+-]+@(?!example\.(?:org|com|net)\b)[\w-]+(?:\.[\w-]+)+"), "[e-mail]"),
]
# What is printed as written: a token with a slash and a letter (a path, not a date), or a file name.
_PATHLIKE = re.compile(r"\S*[A-Za-z_~]\S*/\S*|\S*/\S*[A-Za-z_~]\S*"
                       r"|[^\s'\"(]+\.(?i:pdf|jpe?g|png|tiff?|heic|heif|gif|bmp|webp|json|ya?ml|txt|docx?)\b")
# "beneficiary Mateo Reyes" -> "beneficiary beneficiary 'mateo'" -> "beneficiary 'mateo'"
_ROLE_TWICE = re.compile(r"\b(?:beneficiary|supporter|translator|(?:the )?petitioner) "
                         r"(beneficiary '|supporter '|translator '|the petitioner\b)")
_NUMBER = re.compile(r"(?<![\w.])\$?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?![\w])")


@dataclass
class Redactor:
    replacements: list[tuple[str, str]] = field(default_factory=list)
    amounts: set = field(default_factory=set)          # money of the case, compared by value
    protected: list[str] = field(default_factory=list)  # paths and ids, printed as written
    _rx: Optional[re.Pattern] = None
    _keep: Optional[re.Pattern] = None

    def add(self, value, label: str) -> None:
        if value is None:
            return
        text = str(value).strip()
        if len(text) >= 3:
            self.replacements.append((text, label))
            self._rx = None

    def add_amount(self, value) -> None:
        try:
            v = round(float(value), 2)
        except (TypeError, ValueError):
            return
        if v >= 100:                    # small numbers are counts and page numbers, not money
            self.amounts.add(v)

    def keep(self, text) -> None:
        if text and len(str(text)) >= 2:
            self.protected.append(str(text))
            self._keep = None

    def _compile(self) -> None:
        ordered = sorted(self.replacements, key=lambda r: -len(r[0]))   # a full name wins over its parts
        self._map = {}
        for value, label in ordered:
            self._map.setdefault(value.casefold(), label)
        self._rx = re.compile("|".join(rf"(?<!\w){re.escape(v)}(?!\w)" for v, _ in ordered),
                              re.IGNORECASE) if ordered else None
        keep = sorted(set(self.protected), key=len, reverse=True)
        parts = [rf"(?<![\w/]){re.escape(k)}(?![\w])" for k in keep] + [_PATHLIKE.pattern]
        self._keep = re.compile("|".join(parts))

    def _clean(self, text: str) -> str:
        if self._rx is not None:
            text = self._rx.sub(lambda m: self._map.get(m.group(0).casefold(), "[redacted]"), text)
        for rx, label in _GENERIC:
            text = rx.sub(label, text)
        if self.amounts:
            def amount(m: re.Match) -> str:
                v = round(float(m.group(1).replace(",", "") + (m.group(2) or "")), 2)
                return "[amount]" if v in self.amounts else m.group(0)
            text = _NUMBER.sub(amount, text)
        return text

    def __call__(self, line: str) -> str:
        if not line:
            return line
        if self._keep is None or (self._rx is None and self.replacements):
            self._compile()
        out, pos = [], 0
        for m in self._keep.finditer(line):
            if m.start() == m.end():
                continue
            out.append(self._clean(line[pos:m.start()]))
            out.append(m.group(0))
            pos = m.end()
        out.append(self._clean(line[pos:]))
        return _ROLE_TWICE.sub(r"\1", "".join(out))


def _dates(d) -> list[str]:
    return [d.isoformat(), d.strftime("%m/%d/%Y"), f"{d:%B} {d.day}, {d.year}", f"{d.day} {d:%B} {d.year}"]


def redactor_for(case) -> Redactor:
    r = Redactor()

    def person(p, label: str) -> None:
        n = p.name
        for variant in (n.full, " ".join(x for x in (n.given, n.family) if x), n.given,
                        *(o.full for o in p.other_names)):
            r.add(variant, label)
        r.add(n.family, "[family name]")       # often shared: "the Reyes family" -> "the [family name] family"
        for d in _dates(p.date_of_birth):
            r.add(d, "[date of birth]")
        r.add(p.a_number, "[A-Number]")
        r.add(p.a_number_digits, "[A-Number]")
        r.add(p.ssn, "[SSN]")
        r.add(p.uscis_online_account, "[account number]")
        r.add(p.email, "[e-mail]")
        r.add(p.phone, "[phone]")
        r.add(p.mobile_phone, "[phone]")
        for a in (p.mailing_address, p.physical_address):
            if a is not None:
                r.add(a.street, "[address]")
        if p.passport:
            r.add(p.passport.number, "[passport number]")

    person(case.petitioner, "the petitioner")
    for b in case.beneficiaries:
        person(b, f"beneficiary '{b.id}'")
        r.keep(b.id)
    for s in case.supporters:
        person(s, f"supporter '{s.id}'")
        r.keep(s.id)
        r.add_amount(s.annual_income)
        total = 0.0
        for a in s.assets:
            r.add_amount(a.amount)
            total += a.amount or 0
        r.add_amount(total)
        r.add_amount(total + (s.annual_income or 0))
    for t in case.translators:
        r.keep(t.id)
        r.add(t.name, f"translator '{t.id}'")
    for role in ("preparer", "interpreter", "attorney"):
        helper = getattr(case, role, None)
        if helper is not None:
            r.add(helper.name.full, f"the {role}")
            r.add(" ".join(x for x in (helper.name.given, helper.name.family) if x), f"the {role}")
    for ev in case.evidence:
        r.keep(ev.id)
        for rel in [ev.file, *ev.more_files]:
            r.keep(rel)
        if ev.translation:
            r.keep(ev.translation.file)
            r.keep(ev.translation.certificate_file)
    if case.source:
        r.keep(str(case.source))
        r.keep(str(case.base_dir))
    return r


def redactor_for_path(path) -> Redactor:
    """The redactor of the case file at ``path``; when it does not load, one that hides numbers by shape."""
    try:
        from packetgen.case.load import load_case

        return redactor_for(load_case(path))
    except BaseException as exc:             # noqa: BLE001 - any failure: fall back to the generic rules
        if isinstance(exc, (KeyboardInterrupt, SystemExit)) or type(exc).__name__ == "Interrupted":
            raise
        return Redactor()


def cleaner(case_or_path, verbose: int) -> Callable[[str], str]:
    """The policy in one place: ``-v`` prints as is, the default hides personal data."""
    if verbose:
        return lambda s: s
    if case_or_path is None:
        return Redactor()
    if hasattr(case_or_path, "petitioner"):
        return redactor_for(case_or_path)
    return redactor_for_path(case_or_path)
