"""The prompts of ``packetgen init``: answer types checked by packetgen.case.answers (the same check for a
prompt and an option), menus, and a session that asks unless the option was given.

Only click is imported at module level (``packetgen --help`` stays fast).
"""

from __future__ import annotations

import click


class _Checked(click.ParamType):
    """A value checked by a function of packetgen.case.answers (the same check for prompts and options)."""

    def __init__(self, fn: str, name: str, optional: bool = False):
        self.fn = fn
        self.name = name
        self.optional = optional

    def convert(self, value, param, ctx):
        if not isinstance(value, str):
            return value
        if self.optional and not value.strip():
            return None
        from packetgen.case import answers as case_answers

        try:
            return getattr(case_answers, self.fn)(value)
        except case_answers.AmbiguousDate as exc:
            if param is not None:           # an option: no one to ask
                self.fail(str(exc), param, ctx)
            return self._which_date(exc, param, ctx)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)

    def _which_date(self, exc, param, ctx):
        """A date typed with slashes at a prompt: ask which reading was meant, then check it as usual."""
        from packetgen.case import answers as case_answers

        choices = exc.choices
        if len(choices) == 1:
            d = choices[0]
            click.echo(f"    {exc.args[0].split(';')[0]}.")
            if not click.confirm(f"    Did you mean {case_answers.long_date(d)} ({d.isoformat()})?", default=True):
                self.fail("type the date as YYYY-MM-DD", param, ctx)
        else:
            click.echo("    Which date did you mean?")
            for i, d in enumerate(choices, 1):
                click.echo(f"      {i}  {case_answers.long_date(d)} ({d.isoformat()})")
            d = choices[click.prompt("    Number", type=click.IntRange(1, len(choices))) - 1]
        try:
            return getattr(case_answers, self.fn)(d.isoformat())
        except ValueError as again:
            self.fail(str(again), param, ctx)


class _Optional(click.ParamType):
    """Any type, where an empty answer means 'not given'."""

    def __init__(self, inner):
        self.inner = inner
        self.name = getattr(inner, "name", "text")

    def convert(self, value, param, ctx):
        if isinstance(value, str) and not value.strip():
            return None
        return self.inner.convert(value, param, ctx)


class _Menu(click.ParamType):
    """One of a few choices, by name or by its number in the menu shown."""

    name = "choice"

    def __init__(self, table: str, optional: bool = False):
        self.table = table
        self.optional = optional

    def choices(self) -> dict:
        from packetgen.case import answers as case_answers

        return getattr(case_answers, self.table)

    def get_metavar(self, param, ctx=None):
        return "[" + "|".join(self.choices()) + "]"

    def convert(self, value, param, ctx):
        if not isinstance(value, str):
            return value
        s = value.strip()
        if self.optional and not s:
            return None
        keys = list(self.choices())
        if s.isdigit() and 1 <= int(s) <= len(keys):
            return keys[int(s) - 1]
        norm = s.lower().replace("-", "_").replace(" ", "_")
        for k in keys:
            if k.lower().replace("-", "_") == norm:
                return k
        self.fail(f"'{s}' is not one of the choices; type a number from 1 to {len(keys)} or one of: "
                  + ", ".join(keys), param, ctx)


DOB = _Checked("birth_date", "date")
ARRIVAL = _Checked("arrival_date", "date")
EXPIRY = _Checked("expiry_date", "date")
FILING = _Checked("filing_date", "date")
STATE = _Checked("state_code", "state")
ZIP = _Checked("zip_code", "zip")
EMAIL = _Checked("email", "email")
COUNTRY = _Checked("country", "country")
MONTHS = _Checked("months", "months")
MONEY = _Checked("money", "amount")
NAME = _Checked("person_name", "name")
TEXT = _Checked("text_line", "text")
LANGUAGE = _Checked("language_code", "language")
VISA_DATE = _Checked("visa_date", "date")


class _Session:
    """Asks a question unless its option was given; with --no-input, records what is missing."""

    def __init__(self, no_input: bool):
        self.no_input = no_input
        self.missing: list[str] = []

    def section(self, title: str, note: str = "") -> None:
        if not self.no_input:
            click.echo()
            click.secho(title, bold=True)
            if note:
                click.echo(click.style(f"  {note}", dim=True))

    def ask(self, text: str, ptype=None, *, given=None, default=None, optional: bool = False,
            flag: str | None = None):
        if given is not None:
            return given
        if self.no_input:
            if default is None and not optional and flag:
                self.missing.append(flag)
            return default
        if optional:
            ptype = _Optional(ptype or TEXT)
            value = click.prompt(f"  {text} (optional, Enter to skip)" if default is None else f"  {text}",
                                 type=ptype, default="" if default is None else default,
                                 show_default=default is not None, show_choices=False)
            return value if value not in ("", None) else None
        if default is not None:
            return click.prompt(f"  {text}", type=ptype or TEXT, default=default)
        while True:                         # a required answer: say so when Enter is pressed on an empty line
            value = click.prompt(f"  {text}", type=_Optional(ptype or TEXT), default="", show_default=False)
            if value not in ("", None):
                return value
            click.echo("    An answer is needed here (Ctrl-C stops without writing anything).")

    def menu(self, text: str, table: str, *, given=None, default=None, flag: str | None = None):
        if given is not None or self.no_input:
            return self.ask(text, given=given, default=default, flag=flag)
        from packetgen.case import answers as case_answers

        choices = getattr(case_answers, table)
        click.echo(f"  {text}")
        width = max(len(k) for k in choices)
        num = len(str(len(choices)))
        for i, (k, desc) in enumerate(choices.items(), 1):
            click.echo(f"    {i:>{num}}  {k:<{width}}  {click.style(desc, dim=True)}")
        return click.prompt("  Choice (number or name)", type=_Menu(table), default=default)

    def confirm(self, text: str, *, given=None, default=None, flag: str | None = None):
        if given is not None:
            return given
        if self.no_input:
            if default is None and flag:
                self.missing.append(flag)
            return default
        if default is not None:
            return click.confirm(f"  {text}", default=default)
        while True:                         # no default on purpose (a sworn answer): y or n must be typed
            value = click.prompt(f"  {text} [y/n]", default="", show_default=False).strip().lower()
            if value in {"y", "yes"}:
                return True
            if value in {"n", "no"}:
                return False
            click.echo("    Please type y or n: this answer is sworn on the form, so packetgen does not choose it.")


def _nth(values, i):
    return values[i] if values and i < len(values) else None


def _person(s: _Session, who: str, *, name=None, dob=None, us: bool, country=None, sex=None,
            city=None, street=None, unit=None, state=None, zip_=None, phone=None, email=None,
            country_of_birth=None, flag_prefix: str, ask_contact: bool = True):
    from packetgen.case import answers as case_answers

    if name is None:
        if s.no_input:
            s.missing.append(f"--{flag_prefix}")
            given, middle, family = "TODO", None, "TODO"
        else:
            given = s.ask(f"{who}: given (first) name(s)")
            family = s.ask(f"{who}: family (last) name, as in the passport")
            middle = s.ask(f"{who}: middle name", optional=True)
    else:
        given, middle, family = name
    dob = s.ask(f"{given}'s date of birth (YYYY-MM-DD)", DOB, given=dob, flag=f"--{flag_prefix}-dob")
    sex = s.ask(f"{given}'s sex (F or M)", click.Choice(["F", "M", "f", "m"], case_sensitive=False),
                given=sex, optional=True) if not s.no_input or sex else None
    if sex:
        sex = sex.upper()
    if us:
        citizenship = s.ask(f"{given}'s country of citizenship", COUNTRY, given=country, default=case_answers.US)
        birth = s.ask(f"{given}'s country of birth", COUNTRY, given=country_of_birth, default=citizenship)
        street = s.ask(f"{given}'s street address in the U.S. (number and street)", given=street,
                       optional=s.no_input)
        unit = s.ask("Apartment, suite or floor (e.g. Apt 12B)", given=unit, optional=True) \
            if not s.no_input else unit
        city = s.ask("City", given=city, optional=s.no_input)
        state = s.ask("State (two letters, e.g. TX)", STATE, given=state, optional=s.no_input)
        zip_ = s.ask("ZIP code", ZIP, given=zip_, optional=s.no_input)
        address = case_answers.AddressAnswers(street=street, unit=unit, city=city, state=state, zip_code=zip_,
                                          country=case_answers.US)
    else:
        citizenship = s.ask(f"{given}'s country of citizenship", COUNTRY, given=country,
                            flag=f"--{flag_prefix}-country")
        birth = s.ask(f"{given}'s country of birth", COUNTRY, given=country_of_birth, default=citizenship)
        res_country = s.ask(f"Country where {given} lives now", COUNTRY, default=citizenship)
        city = s.ask(f"City where {given} lives", given=city, optional=s.no_input)
        street = s.ask(f"{given}'s street address there", given=street, optional=True) \
            if not s.no_input else street
        address = case_answers.AddressAnswers(street=street, city=city, country=res_country)
    if ask_contact:
        phone = s.ask(f"{given}'s daytime phone", given=phone, optional=True) if not s.no_input else phone
        email = s.ask(f"{given}'s email", EMAIL, given=email, optional=True) if not s.no_input else email
    return dict(given=given, middle=middle, family=family, date_of_birth=dob, sex=sex,
                country_of_birth=birth, country_of_citizenship=citizenship, phone=phone, email=email,
                address=address)
