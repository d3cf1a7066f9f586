"""``packetgen init``: start a case by answering questions (or from options, for scripts).

Only click is imported at module level; the answer checks live in
:mod:`packetgen.case.answers` and are imported when a value is checked.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from packetgen.cli.init_prompts import (ARRIVAL, COUNTRY, DOB, EMAIL, EXPIRY, FILING, LANGUAGE, MONEY, MONTHS,
                                       NAME, STATE, TEXT, VISA_DATE, ZIP, _Menu, _nth, _person, _Session)


@click.command("init", context_settings={"max_content_width": 100})
@click.argument("folder", required=False, default=".", type=click.Path(path_type=Path, file_okay=False))
@click.option("--no-input", is_flag=True,
              help="Ask nothing: every answer comes from the options below (for scripts). "
                   "Lists every missing required option at once.")
@click.option("--force", is_flag=True, help="Replace an existing case.json (evidence files are never touched).")
@click.option("--reason", type=_Menu("REASONS"), help="Why parole is needed.")
@click.option("--summary", type=TEXT, help="One or two sentences: who needs to come, why, how urgently.")
@click.option("--arrival", type=ARRIVAL, metavar="YYYY-MM-DD", help="Date of intended arrival in the U.S.")
@click.option("--stay-months", type=MONTHS, help="Length of stay requested, in months (default 6).")
@click.option("--treatment-months", type=MONTHS, help="Length of treatment the doctors state, in months.")
@click.option("--expedite/--no-expedite", default=None, help="Ask USCIS to decide quickly.")
@click.option("--beneficiary", "ben_names", multiple=True, type=NAME, metavar="NAME",
              help='A person who needs parole: "Given Family" or "Family, Given Middle". Repeat for each person; '
                   "the --beneficiary-* options below follow the same order.")
@click.option("--beneficiary-dob", "ben_dobs", multiple=True, type=DOB, metavar="YYYY-MM-DD")
@click.option("--beneficiary-country", "ben_countries", multiple=True, type=COUNTRY, metavar="COUNTRY",
              help="Country of citizenship (also taken as the country of birth and of residence).")
@click.option("--beneficiary-sex", "ben_sexes", multiple=True, type=click.Choice(["F", "M"], case_sensitive=False))
@click.option("--beneficiary-city", "ben_cities", multiple=True, metavar="CITY", help="City where the person lives.")
@click.option("--relationship", "ben_relationships", multiple=True, metavar="TEXT",
              help="Relationship to the petitioner, e.g. son, nephew.")
@click.option("--role", "ben_roles", multiple=True, metavar="TEXT",
              help='e.g. "patient", "accompanying parent" (an accompanying person accompanies the first one).')
@click.option("--passport", "ben_passports", multiple=True, metavar="NUMBER:YYYY-MM-DD",
              help="Passport number and expiry date, e.g. H0012345:2030-05-14 (one per --beneficiary, in order).")
@click.option("--no-prior-parole-documents", "no_prior_docs", is_flag=True,
              help="No beneficiary was ever in U.S. removal proceedings or issued a reentry permit, refugee travel "
                   "document or advance parole document (I-131 Part 4).")
@click.option("--petitioner-is-beneficiary", "self_petition", is_flag=True, default=None,
              help="The (first) beneficiary files for themself.")
@click.option("--petitioner", "pet_name", type=NAME, metavar="NAME", help="The person in the U.S. who files the I-131.")
@click.option("--petitioner-dob", "pet_dob", type=DOB, metavar="YYYY-MM-DD")
@click.option("--petitioner-status", "pet_status", type=_Menu("STATUSES"), help="The petitioner's U.S. status.")
@click.option("--petitioner-country-of-birth", "pet_birth", type=COUNTRY, metavar="COUNTRY")
@click.option("--phone", "pet_phone", metavar="PHONE", help="The petitioner's daytime phone.")
@click.option("--email", "pet_email", type=EMAIL, metavar="EMAIL", help="The petitioner's email.")
@click.option("--street", "pet_street", metavar="TEXT", help="The petitioner's street address.")
@click.option("--unit", "pet_unit", metavar="TEXT", help="Apartment, suite or floor, e.g. 'Apt 12B'.")
@click.option("--city", "pet_city", metavar="CITY")
@click.option("--state", "pet_state", type=STATE, metavar="XX", help="Two-letter state code.")
@click.option("--zip", "pet_zip", type=ZIP, metavar="ZIP")
@click.option("--supporter", "sup_names", multiple=True, metavar="NAME|petitioner|none",
              help="Who signs a Form I-134 (default: the petitioner, when the petitioner is not a beneficiary). "
                   "Repeat for several; the --supporter-* options follow the order of the named people.")
@click.option("--supporter-dob", "sup_dobs", multiple=True, type=DOB, metavar="YYYY-MM-DD")
@click.option("--supporter-status", "sup_statuses", multiple=True, type=_Menu("STATUSES"))
@click.option("--income", "incomes", multiple=True, type=MONEY, metavar="USD",
              help="Annual income of each supporter, in order (the petitioner first when they support).")
@click.option("--employer", "employers", multiple=True, metavar="TEXT", help="Employer of each supporter, in order.")
@click.option("--no-other-sponsorships", is_flag=True,
              help="No supporter has signed a Form I-134 or I-864 for anyone else (I-134 Part 2 Item 13).")
@click.option("--answer", "form_answers", multiple=True, metavar="PATH=VALUE",
              help="Answer a question of the forms by its case-file path, e.g. "
                   "'beneficiaries[0].in_removal_proceedings=no' or 'supporters[0].relationship.mateo=aunt' "
                   "(repeat; 'packetgen check' names the path of each unanswered one).")
@click.option("--consulate", metavar="CITY, COUNTRY", help="U.S. embassy or consulate to notify, e.g. 'Tegucigalpa, Honduras'.")
@click.option("--visa-refused", "visa_refused", multiple=True, metavar="YYYY-MM-DD:PLACE",
              help="A visa refusal, e.g. '2026-09-15:U.S. Embassy Tegucigalpa' (INA 214(b) assumed).")
@click.option("--no-criminal-history", "no_crim", is_flag=True, default=None,
              help="Confirm no beneficiary was ever arrested, charged or convicted.")
@click.option("--payment", type=_Menu("PAYMENTS"), help="How the filing fee is paid (default G-1450).")
@click.option("--mailing-date", type=FILING, metavar="YYYY-MM-DD", help="Planned mailing date.")
@click.option("--case-name", type=TEXT, help="Short name printed on every page (default: from the family name).")
@click.option("--preparer", type=TEXT, metavar="NAME", help="The paralegal preparing the forms (I-131 Part 12).")
@click.option("--organization", type=TEXT, metavar="TEXT", help="The preparer's organization.")
@click.option("--emergency", type=_Menu("EMERGENCY_KINDS"), help="Family emergency: what kind.")
@click.option("--relative", type=TEXT, metavar="NAME", help="Family emergency: the relative in the U.S.")
@click.option("--relative-relationship", type=TEXT, metavar="TEXT",
              help="Family emergency: the relative is the (first) beneficiary's ... (e.g. mother).")
@click.option("--relative-condition", type=TEXT, metavar="TEXT", help="Family emergency: diagnosis or condition.")
@click.option("--relative-hospital", type=TEXT, metavar="TEXT",
              help="Family emergency: hospital, hospice or funeral home, with the city.")
@click.option("--agency", type=TEXT, metavar="TEXT", help="Public benefit: the U.S. agency or court that asks.")
@click.option("--language", type=LANGUAGE, metavar="LANG",
              help="Language of the documents issued abroad, if not English (e.g. es or Spanish).")
@click.option("--translator", type=TEXT, metavar="NAME", help="Who translates those documents into English.")
@click.option("--fee-basis", type=_Menu("FEE_BASES"), help="Basis of the parole-fee exception (8 U.S.C. 1804(b)).")
@click.option("--no-fee-exception", is_flag=True, help="Do not claim a parole-fee exception.")
def command(folder, no_input, force, reason, summary, arrival, stay_months, treatment_months, expedite,
            ben_names, ben_dobs, ben_countries, ben_sexes, ben_cities, ben_relationships, ben_roles, ben_passports,
            no_prior_docs, self_petition, pet_name, pet_dob, pet_status, pet_birth, pet_phone, pet_email, pet_street, pet_unit,
            pet_city, pet_state, pet_zip, sup_names, sup_dobs, sup_statuses, incomes, employers, no_other_sponsorships,
            form_answers, consulate, visa_refused, no_crim, payment, mailing_date, case_name, preparer, organization, emergency, relative,
            relative_relationship, relative_condition, relative_hospital, agency, language, translator, fee_basis,
            no_fee_exception):
    """Start a new case in FOLDER (default: here): answer questions, get a case.json and evidence folders.

    \b
    Writes FOLDER/case.json (checked before it is written; mode 0600),
    FOLDER/case.schema.json (lets an editor check the case file as you type)
    and FOLDER/evidence/ with one folder per document the case needs, each
    with a README.txt saying what to put in it. What cannot be answered at a
    prompt (the narrative, the payment plan) is marked TODO in case.json.

    \b
    Every question can be answered by an option instead; with --no-input
    nothing is asked:
      packetgen init mycase --no-input --reason medical \\
        --beneficiary "Mateo Reyes" --beneficiary-dob 2019-07-02 \\
        --beneficiary-country Honduras --petitioner "Lucia Reyes" \\
        --petitioner-dob 1984-03-12 --state TX --arrival 2027-01-25
    """
    from packetgen.case import answers as case_answers
    from packetgen.cli.main import _run

    _run(case_answers.ensure_can_write, folder, force=force)   # before any question is asked

    from packetgen.cli.init_questions import ask_form_questions, parse_answer_option

    given = {}
    for text in form_answers:
        try:
            path, value = parse_answer_option(text)
        except ValueError as exc:
            raise click.BadParameter(f"{text}: {exc}", param_hint="--answer")
        given[path] = value
    s = _Session(no_input)
    try:
        answers = _collect(s, folder, locals())
        answers.form_answers.update(given)
        if not no_input:
            ask_form_questions(s, answers)
    except click.Abort:
        click.echo("\nstopped: nothing was written", err=True)
        sys.exit(130)
    if s.missing:
        raise click.UsageError("with --no-input these options are needed: " + ", ".join(dict.fromkeys(s.missing)))

    result = _run(case_answers.create_case, folder, answers, force=force)
    _report(result)


def _collect(s: _Session, folder: Path, o: dict):
    from packetgen.case import answers as case_answers

    if not s.no_input:
        click.secho(f"packetgen init: a new case in {folder.resolve()}", bold=True)
        click.echo("Answer each question and press Enter. [Text in brackets] is the answer if you just press Enter.\n"
                   "Ctrl-C stops without writing anything. You can change every answer later in case.json.")

    # 1. The request
    s.section("1. The request")
    reason = s.menu("Why is parole needed?", "REASONS", given=o["reason"], flag="--reason",
                    default=None if s.no_input else "medical")
    medical = reason == "medical"
    emergency = None
    if reason == "family_emergency":
        emergency = s.menu("What is the emergency?", "EMERGENCY_KINDS", given=o["emergency"], default="dying")

    # 2. Beneficiaries
    s.section("2. Who needs to come (the beneficiaries)", "One Form I-131 is filed for each person.")
    n = len(o["ben_names"]) or (0 if s.no_input else s.ask(
        "How many people need parole?", click.IntRange(1, 12), default=1))
    if s.no_input and not n:
        s.missing.append("--beneficiary")
    bens: list = []
    for i in range(n):
        if not s.no_input:
            click.secho(f"  Person {i + 1} of {n}", fg="cyan")
        p = _person(s, f"Person {i + 1}", name=_nth(o["ben_names"], i), dob=_nth(o["ben_dobs"], i), us=False,
                    country=_nth(o["ben_countries"], i), sex=_nth(o["ben_sexes"], i), city=_nth(o["ben_cities"], i),
                    flag_prefix="beneficiary", ask_contact=not s.no_input)
        role_default = ("patient" if i == 0 else "accompanying parent") if medical else None
        role = _nth(o["ben_roles"], i) or (s.ask(f"{p['given']}'s role (e.g. patient, accompanying parent)",
                                                 optional=True, default=role_default) if not s.no_input
                                          else role_default)
        accompanies = 0 if (i > 0 and role and role.lower().startswith("accompan")) else None
        pp = _nth(o["ben_passports"], i)
        number = expires = None
        if pp:
            number, _, exp = pp.partition(":")
            try:
                expires = case_answers.expiry_date(exp)
            except ValueError as exc:
                raise click.BadParameter(str(exc), param_hint="--passport")
        elif not s.no_input:
            number = s.ask(f"{p['given']}'s passport number", optional=True)
            if number:
                expires = s.ask("Passport expiry date (YYYY-MM-DD)", EXPIRY)
        history = dict.fromkeys(("removal_proceedings", "reentry_permit", "advance_parole"),
                                False if o["no_prior_docs"] else None)     # else asked with the forms' questions
        bens.append(case_answers.BeneficiaryAnswers(**p, role=role, accompanies=accompanies,
                                                passport_number=number, passport_expires=expires, **history))

    # 3. Petitioner
    s.section("3. The petitioner", "The person who files and signs the I-131.")
    self_pet = o["self_petition"]
    if self_pet is None and o["pet_name"] is None and bens:
        self_pet = s.confirm(f"Is the petitioner {'one of these people' if n > 1 else bens[0].given} "
                             "(filing for themself)?", default=False)
    petitioner = None
    pet_is = None
    pet_status = o["pet_status"]
    if self_pet:
        pet_is = 0
        if n > 1 and not s.no_input:
            pet_is = s.ask("Which person (number)?", click.IntRange(1, n), default=1) - 1
    else:
        if o["pet_name"] is None and s.no_input:
            s.missing.append("--petitioner (or --petitioner-is-beneficiary)")
            o = {**o, "pet_name": ("TODO", None, "TODO")}
        p = _person(s, "Petitioner", name=o["pet_name"], dob=o["pet_dob"], us=True, country=None,
                    country_of_birth=o["pet_birth"], street=o["pet_street"], unit=o["pet_unit"], city=o["pet_city"],
                    state=o["pet_state"], zip_=o["pet_zip"], phone=o["pet_phone"], email=o["pet_email"],
                    flag_prefix="petitioner")
        petitioner = case_answers.PersonAnswers(**p)
        pet_status = s.menu(f"{p['given']}'s U.S. immigration status", "STATUSES", given=pet_status,
                            default="citizen")
        if not s.no_input:
            for b in bens:
                if pet_is is None:
                    b.relationship = s.ask(f"{b.given} is {p['given']}'s ... (e.g. son, nephew)", optional=True)
    for b, rel in zip(bens, o["ben_relationships"]):
        b.relationship = rel

    relative, agency = _reason_details(s, o, reason, emergency, bens, petitioner)
    language, translator = _languages(s, o, bens)

    # 4. Supporters
    s.section("4. Financial support (Form I-134)",
              "Each supporter signs one Form I-134 for each person they support.")
    sups: list = []
    names = list(o["sup_names"])
    incomes, employers = list(o["incomes"]), list(o["employers"])
    if names:
        pet_supports = any(x.strip().lower() == "petitioner" for x in names)
        others = [x for x in names if x.strip().lower() not in {"petitioner", "none"}]
    else:
        pet_supports = petitioner is not None and (s.no_input or s.confirm(
            f"Will {petitioner.given} sign the Form I-134 (support the beneficiaries)?", default=True))
        others = None
    if pet_supports and petitioner is None:
        raise click.BadParameter("the petitioner is a beneficiary; name the supporter instead",
                                 param_hint="--supporter")
    if pet_supports:
        income = incomes.pop(0) if incomes else s.ask(f"{petitioner.given}'s annual income in U.S. dollars", MONEY,
                                                      optional=s.no_input)
        employer = employers.pop(0) if employers else (
            s.ask(f"{petitioner.given}'s employer", optional=True) if not s.no_input else None)
        sups.append(case_answers.SupporterAnswers(**petitioner.__dict__, status=pet_status or "citizen",
                                              annual_income=income, employer=employer, is_petitioner=True))
    if others is None:
        k = 0 if s.no_input else s.ask("How many (other) people will sign a Form I-134?", click.IntRange(0, 6),
                                       default=0 if sups else 1)
        others = [None] * k
    for j, nm in enumerate(others):
        if not s.no_input:
            click.secho(f"  Supporter {len(sups) + 1}", fg="cyan")
        name = None
        if nm is not None:
            try:
                name = case_answers.person_name(nm)
            except ValueError as exc:
                raise click.BadParameter(str(exc), param_hint="--supporter")
        p = _person(s, f"Supporter {len(sups) + 1}", name=name, dob=_nth(o["sup_dobs"], j), us=True,
                    flag_prefix="supporter")
        status = s.menu(f"{p['given']}'s U.S. immigration status", "STATUSES", given=_nth(o["sup_statuses"], j),
                        default="citizen")
        income = incomes.pop(0) if incomes else s.ask(f"{p['given']}'s annual income in U.S. dollars", MONEY,
                                                      optional=s.no_input)
        employer = employers.pop(0) if employers else (
            s.ask(f"{p['given']}'s employer", optional=True) if not s.no_input else None)
        sups.append(case_answers.SupporterAnswers(**p, status=status, annual_income=income, employer=employer))
    for sup in sups:
        if o["no_other_sponsorships"]:
            sup.other_obligations_none = True
        elif not s.no_input:                # sworn (I-134 Part 2 Item 13): no default
            sup.other_obligations_none = not s.confirm(
                f"Has {sup.given} already signed a Form I-134 or I-864 for anyone else?", default=None)
    if not s.no_input and sups:
        click.echo("  For the Form I-134: how is each supporter related to each person?")
        for sup in sups:
            for k, b in enumerate(bens):
                if sup.is_petitioner and pet_is == k:
                    continue
                rel = s.ask(f"{sup.given} is {b.given}'s ... (e.g. aunt, father, friend; Form I-134)", optional=True)
                if rel:
                    sup.relationships[k] = rel

    # 5. Trip, visa, consulate
    s.section("5. The trip")
    summary = s.ask("In one or two sentences: who needs to come, why, and how urgently?", given=o["summary"],
                    optional=s.no_input)
    arrival = s.ask("Date of intended arrival in the U.S. (YYYY-MM-DD)", ARRIVAL, given=o["arrival"],
                    flag="--arrival")
    stay = s.ask("Length of stay requested, in months", MONTHS, given=o["stay_months"], default=6)
    treatment = o["treatment_months"] if o["treatment_months"] else (
        s.ask("Length of treatment the doctors state, in months", MONTHS, optional=True)
        if medical and not s.no_input else None)
    expedite = s.confirm("Ask USCIS to expedite (decide quickly)?", given=o["expedite"],
                         default=(medical or reason == "family_emergency") if not s.no_input else False)
    fee_claim, fee_basis = _fee_exception(s, o, reason, emergency, bens)
    cons_city, cons_country = _consulate(s, o, bens)
    visas = []
    for v in o["visa_refused"]:
        d, _, place = v.partition(":")
        try:
            day = case_answers.parse_date(d, latest=case_answers.today(), what="visa refusal date")
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--visa-refused")
        visas.append(case_answers.VisaAnswers(date=day, place=place.strip() or "U.S. Embassy"))
    if not o["visa_refused"] and not s.no_input:
        if click.confirm("  Did anyone apply for a U.S. visa for this trip?", default=False):
            day = s.ask("Date of the visa interview (YYYY-MM-DD)", VISA_DATE)
            place = s.ask("Where (e.g. U.S. Embassy Tegucigalpa)",
                          default=f"U.S. Embassy {cons_city}" if cons_city else None)
            outcome = s.ask("Outcome", default="refused under INA 214(b)")
            visas.append(case_answers.VisaAnswers(date=day, place=place, outcome=outcome))
    no_crim = s.confirm("Has anyone of them ever been arrested, charged or convicted anywhere?",
                        given=None if o["no_crim"] is None else not o["no_crim"], default=None if not s.no_input
                        else True)
    # 6. Filing
    s.section("6. Filing")
    payment = s.menu("How will the I-131 filing fee be paid?", "PAYMENTS", given=o["payment"], default="G-1450")
    family = bens[0].family.split()[0] if bens else "New"
    case_name = s.ask("Case name (printed on every page)", given=o["case_name"],
                      default=f"{family} {'Medical' if medical else 'Humanitarian'} Parole")
    preparer = o["preparer"] if o["preparer"] else (
        s.ask("Your name, if you prepare the forms for the petitioner (I-131 Part 12)", optional=True)
        if not s.no_input else None)
    organization = o["organization"] if o["organization"] else (
        s.ask("Your organization", optional=True) if preparer and not s.no_input else None)

    return case_answers.Answers(
        reason=reason, beneficiaries=bens, petitioner=petitioner, petitioner_is=pet_is,
        petitioner_status=pet_status, supporters=sups, summary=summary, intended_arrival=arrival,
        stay_months=stay, treatment_months=treatment, consulate_city=cons_city, consulate_country=cons_country,
        visa=visas, expedite=bool(expedite), criminal_history_none=(no_crim is False), payment=payment or "G-1450",
        filing_date=o["mailing_date"], case_name=case_name, preparer=preparer, organization=organization,
        emergency=emergency, relative=relative, agency=agency, fee_exception=fee_claim, fee_basis=fee_basis,
        language=language, translator=translator)


def _reason_details(s: _Session, o: dict, reason: str, emergency, bens, petitioner):
    """Family emergency: the relative in the U.S.; public benefit: who asks for the beneficiary."""
    from packetgen.case import answers as case_answers

    relative = agency = None
    first = bens[0].given if bens else "the beneficiary"
    if reason == "family_emergency":
        s.section("The family member in the U.S.", "The letter and the evidence are about this person.")
        name = s.ask("Name of the relative in the U.S.", given=o["relative"], optional=s.no_input)
        if name:
            is_pet = bool(petitioner) and not s.no_input and s.confirm(
                f"Is {name} the petitioner ({petitioner.given})?", default=False)
            rel = s.ask(f"{name} is {first}'s ... (e.g. mother, son)", given=o["relative_relationship"],
                        optional=True) if (o["relative_relationship"] or not s.no_input) else None
            if emergency == "funeral":
                cond = s.ask(f"Date and cause of {name}'s death", given=o["relative_condition"], optional=True)                     if (o["relative_condition"] or not s.no_input) else None
                place = s.ask("Funeral home, and the city and state of the funeral", given=o["relative_hospital"],
                              optional=True) if (o["relative_hospital"] or not s.no_input) else None
            else:
                cond = s.ask(f"{name}'s condition or diagnosis (e.g. terminal pancreatic cancer)",
                             given=o["relative_condition"], optional=True)                     if (o["relative_condition"] or not s.no_input) else None
                place = s.ask(f"Hospital, hospice or home care treating {name}, with the city",
                              given=o["relative_hospital"], optional=True)                     if (o["relative_hospital"] or not s.no_input) else None
            relative = case_answers.RelativeAnswers(name=name, relationship=rel, condition=cond, hospital=place,
                                                    is_petitioner=is_pet)
    elif reason == "public_benefit":
        agency = s.ask(f"Which U.S. agency, court or organization asks for {first} to come (e.g. U.S. Attorney's "
                       "Office, Southern District of Texas)?", given=o["agency"], optional=True)             if (o["agency"] or not s.no_input) else None
    return relative, agency


def _languages(s: _Session, o: dict, bens):
    """Documents issued abroad in another language need an English translation and a translator."""
    if o["language"] or o["translator"] or s.no_input:
        return o["language"], o["translator"]
    home = bens[0].country_of_citizenship if bens else "abroad"
    language = s.ask(f"Language of the documents issued in {home}, if not English (e.g. Spanish)", LANGUAGE,
                     optional=True)
    if not language or language == "en":
        return None, None
    translator = s.ask("Who will translate them into English (translator's name)?", optional=True)
    return language, translator


def _fee_exception(s: _Session, o: dict, reason: str, emergency, bens):
    """Offer the 8 U.S.C. 1804(b) basis that fits the case; the user decides whether to claim it."""
    from packetgen.case import answers as case_answers

    if o["no_fee_exception"]:
        return False, None
    if o["fee_basis"]:
        return True, o["fee_basis"]
    fits = {"medical": "b1_medical_emergency",
            "family_emergency": "b5_family_funeral" if emergency == "funeral" else
            ("b4_family_member_death_imminent" if emergency in (None, "dying") else None)}.get(reason)
    if s.no_input:
        return None, None                  # decided from the reason when the case file is made
    if fits:
        desc = case_answers.FEE_BASES[fits]
        claim = s.confirm(f"Claim the exception to the parole fee for {desc} "
                          f"(8 U.S.C. 1804(b)({fits[1]}))?", default=True)
        if claim and fits == "b1_medical_emergency" and len(bens) > 1:
            click.echo("    (an accompanying parent of a minor patient relies on 1804(b)(2); say so in the "
                       "explanation in case.json)")
        return claim, fits if claim else None
    if s.confirm("Claim an exception to the parole fee (8 U.S.C. 1804(b))? Most public-benefit and other "
                 "cases have none", default=False):
        return True, s.menu("Which exception?", "FEE_BASES", default="other")
    return False, None


def _consulate(s: _Session, o: dict, bens):
    """The U.S. post to notify: from packetgen/data/visa_posts.json (the embassy, not the home town)."""
    from packetgen.case import answers as case_answers

    if o["consulate"]:
        city, _, country = (x.strip() for x in o["consulate"].partition(","))
        return city, country or None
    if not bens:
        return None, None
    home = bens[0].address.country or bens[0].country_of_citizenship
    posts = case_answers.visa_posts(home)
    default = posts["default"] if posts else None
    if s.no_input:
        return tuple(x.strip() for x in default.split(",", 1)) if default else (None, None)
    if posts:
        listed = ", ".join(posts["posts"]) or "none"
        click.echo(f"  U.S. posts handling visas for {posts['country']}: {listed} "
                   f"(packetgen's list of {posts['as_of']}; check the embassy's site).")
        if posts.get("note"):
            click.echo(f"  Note: {posts['note']}")
    else:
        click.echo(f"  {home} is not in packetgen's list of U.S. visa posts; type the city of the U.S. embassy "
                   "that serves it (see usembassy.gov).")
    answer = s.ask("U.S. embassy or consulate to notify (City, Country)", default=default)
    city, _, country = (x.strip() for x in answer.partition(","))
    return city, country or (home if not posts else posts["country"])


def _report(r) -> None:
    click.echo(f"wrote {r.case_file}  ({r.beneficiaries} beneficiar{'ies' if r.beneficiaries != 1 else 'y'}, "
               f"{r.supporters} supporter{'s' if r.supporters != 1 else ''}, {len(r.slots)} documents expected)")
    click.echo(f"      {r.evidence_dir}/  (one folder per document, each with a README.txt)")
    click.echo()
    click.secho("Documents to collect:", bold=True)
    width = max(len(x.file) for x in r.slots)
    for x in r.slots:
        click.echo(f"  [ ] {x.file:<{width}}  {x.title}")
    if r.todos:
        click.echo()
        import json

        from packetgen.case.diagnose import friendly_path

        data = json.loads(r.case_file.read_text(encoding="utf-8"))
        click.secho(f"Still to write in case.json ({len(r.todos)} places marked TODO):", bold=True)
        for path, what in r.todos:
            click.echo(f"  {friendly_path(path, data)}: {what}")
    click.echo()
    click.secho("Next:", bold=True)
    click.echo(f"  1. put each document in its folder, write the TODO texts in {r.case_file.name}")
    folder = r.case_file.parent
    click.echo(f"  2. packetgen check {folder}      (lists what is still missing, with fixes)")
    click.echo(f"  3. packetgen build {folder}      then: packetgen preview {folder}")
