"""Keep personal data out of what packetgen prints by default.

Progress lines and warnings can end up in terminal scrollback, CI logs and
support e-mails.  At the default verbosity the CLI passes every line through a
:class:`Redactor` built from the case: people's names, dates of birth,
A-Numbers, passport numbers, phone numbers and e-mail addresses are replaced
by neutral labels ("beneficiary 1", "[date of birth]").  ``-v`` prints lines as
they are.  The packet, the manifest and the filing instructions are the
paralegal's own files (mode 0600) and keep everything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass
class Redactor:
    replacements: list[tuple[str, str]] = field(default_factory=list)
    _rx: re.Pattern | None = None

    def add(self, value, label: str) -> None:
        if value is None:
            return
        text = str(value).strip()
        if len(text) >= 3:
            self.replacements.append((text, label))
            self._rx = None

    def __call__(self, line: str) -> str:
        if not self.replacements:
            return line
        if self._rx is None:
            # Longest first, so a full name wins over the family name inside it.
            ordered = sorted(self.replacements, key=lambda r: -len(r[0]))
            self._map = {}
            for value, label in ordered:
                self._map.setdefault(value.casefold(), label)
            # Whole words only: ids and file names such as 'mateo_passport' stay readable.
            self._rx = re.compile("|".join(rf"(?<!\w){re.escape(v)}(?!\w)" for v, _ in ordered), re.IGNORECASE)
        return self._rx.sub(lambda m: self._map.get(m.group(0).casefold(), "[redacted]"), line)


def redactor_for(case) -> Redactor:
    r = Redactor()

    def person(p, label: str) -> None:
        n = p.name
        r.add(n.full, label)
        r.add(" ".join(x for x in (n.given, n.family) if x), label)
        r.add(n.family, f"{label} (family name)")
        r.add(n.given, f"{label} (given name)")
        for o in p.other_names:
            r.add(o.full, f"{label} (other name)")
        r.add(p.date_of_birth.strftime("%m/%d/%Y"), "[date of birth]")
        r.add(p.date_of_birth.isoformat(), "[date of birth]")
        r.add(p.a_number, "[A-Number]")
        r.add(p.a_number_digits, "[A-Number]")
        r.add(p.ssn, "[SSN]")
        r.add(p.email, "[e-mail]")
        r.add(p.phone, "[phone]")
        r.add(p.mobile_phone, "[phone]")
        if p.passport:
            r.add(p.passport.number, "[passport number]")

    person(case.petitioner, "the petitioner")
    for i, b in enumerate(case.beneficiaries, 1):
        person(b, f"beneficiary {i}")
    for i, s in enumerate(case.supporters, 1):
        person(s, f"supporter {i}")
    return r
