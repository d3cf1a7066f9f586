"""Turn answers into a validated case file and write it, its schema and the evidence folders safely.

What a paralegal cannot type at a prompt is written as ``TODO: ...`` text so the case file is valid
from the first minute; :func:`todo_paths` lists those places and ``packetgen init`` prints them.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from packetgen.case.answers_evidence import EvidenceSlot, _ids, expected_evidence
from packetgen.case.todo import todo_paths
from packetgen.case.answers_input import (CASE_NAME, EVIDENCE_DIR, LANGUAGES, README_NAME, SCHEMA_NAME, STATUSES,
                                          TODO, US, _README_MARK, AddressAnswers, Answers, PersonAnswers, person_name,
                                          slug)

STAY_TODO = {
    "medical": "why this length of stay (e.g. the treatment plan and recovery)",
    "family_emergency": "why this length of stay (e.g. the time the doctor expects, the funeral and the "
                        "family's affairs afterwards)",
    "public_benefit": "why this length of stay (e.g. the trial or hearing dates and preparation)",
    "other": "why this length of stay (the dates of the events that make the trip necessary)",
}


def fitting_fee_basis(a: Answers) -> str:
    """The 8 U.S.C. 1804(b) basis that fits the answers ("other" when none obviously does)."""
    if a.reason == "medical":
        return "b1_medical_emergency"    # the patient's basis; an accompanying parent's is b2, explained in the text
    if a.reason == "family_emergency":
        return "b5_family_funeral" if a.emergency == "funeral" else "b4_family_member_death_imminent"
    return "other"


def _todo(what: str) -> str:
    return f"{TODO} {what}"


def _address(ad: AddressAnswers, *, us: bool) -> dict:
    out: dict = {"street": ad.street or _todo("street and number")}
    if ad.unit:
        m = re.fullmatch(r"(?i)(apt|apartment|ste|suite|flr|floor|unit|#)\.?\s*(.+)", ad.unit.strip())
        kind = {"apartment": "apt", "suite": "ste", "floor": "flr", "unit": "apt", "#": "apt"}.get(
            m.group(1).lower(), m.group(1).lower()) if m else "apt"
        out["unit_type"] = kind
        out["unit_number"] = m.group(2) if m else ad.unit.strip()
    out["city"] = ad.city or _todo("city")
    country_ = ad.country or (US if us else None)
    if country_ == US:
        out["state"] = ad.state or None
        out["zip_code"] = ad.zip_code or None
    else:
        if ad.province:
            out["province"] = ad.province
        if ad.postal_code:
            out["postal_code"] = ad.postal_code
    out["country"] = country_ or _todo("country")
    return {k: v for k, v in out.items() if v is not None}


def _person(p: PersonAnswers, *, us: bool) -> dict:
    name = {"family": p.family, "given": p.given}
    if p.middle:
        name["middle"] = p.middle
    out: dict = {"name": name, "date_of_birth": p.date_of_birth.isoformat()}
    if p.city_of_birth:
        out["city_of_birth"] = p.city_of_birth
    default_country = US if us else None
    out["country_of_birth"] = p.country_of_birth or p.country_of_citizenship or _todo("country of birth")
    out["country_of_citizenship"] = p.country_of_citizenship or default_country or _todo("country of citizenship")
    if p.sex:
        out["sex"] = p.sex
    if p.phone:
        out["phone"] = p.phone
    if p.email:
        out["email"] = p.email
    ad = p.address
    if ad.country is None and not us:
        ad = AddressAnswers(**{**ad.__dict__, "country": p.country_of_citizenship})
    out["mailing_address"] = _address(ad, us=us)
    return out


def case_data(a: Answers) -> tuple[dict, list[EvidenceSlot]]:
    """The case file (plain data, not yet validated) and the evidence slots it points at."""
    if not a.beneficiaries:
        raise ValueError("a case needs at least one beneficiary")
    if a.intended_arrival is None:
        raise ValueError("the date of intended arrival is needed")
    ids = _ids(a)
    bens = []
    for i, (b, bid) in enumerate(zip(a.beneficiaries, ids.beneficiaries)):
        d = {"id": bid, **_person(b, us=False)}
        if a.petitioner_is == i:
            d["relationship_to_petitioner"] = "self"
        elif b.relationship:
            d["relationship_to_petitioner"] = b.relationship
        if b.role:
            d["role"] = b.role
        if b.accompanies is not None and b.accompanies != i:
            d["accompanies"] = ids.beneficiaries[b.accompanies]
        if b.removal_proceedings is not None:
            d["in_removal_proceedings"] = b.removal_proceedings
        if b.reentry_permit is not None:
            d["ever_issued_reentry_permit_or_refugee_travel_document"] = b.reentry_permit
        if b.advance_parole is not None:
            d["ever_issued_advance_parole"] = b.advance_parole
        if b.passport_number and b.passport_expires:
            d["passport"] = {"number": b.passport_number,
                             "country": b.country_of_citizenship or _todo("issuing country"),
                             "expires": b.passport_expires.isoformat()}
        bens.append(d)

    if a.petitioner_is is not None:
        pet_src = a.beneficiaries[a.petitioner_is]
        petitioner = {k: v for k, v in _person(pet_src, us=False).items()}
        petitioner["is_beneficiary"] = ids.beneficiaries[a.petitioner_is]
    else:
        if a.petitioner is None:
            raise ValueError("name the petitioner, or say the petitioner is one of the beneficiaries")
        petitioner = _person(a.petitioner, us=True)
        if a.petitioner_status:
            petitioner["immigration_status"] = STATUSES.get(a.petitioner_status, a.petitioner_status)

    supporters = []
    for s, sid in zip(a.supporters, ids.supporters):
        d = {"id": sid,
             "supports": [ids.beneficiaries[k] for k in (s.supports if s.supports else range(len(a.beneficiaries)))],
             **_person(s, us=True), "status": s.status}
        emp: dict = {}
        if s.employer:
            emp["employer"] = s.employer
        if s.occupation:
            emp["occupation"] = s.occupation
        if emp:
            d["employment"] = {"status": "employed", **emp}
        if s.annual_income is not None:
            d["annual_income"] = s.annual_income
        if s.relationships:
            d["relationship"] = {ids.beneficiaries[k]: v for k, v in s.relationships.items() if v}
        d["will_provide"] = _todo("what this supporter provides (housing, food, medical costs, travel)")
        if s.other_obligations_none is True:
            d["other_obligations"] = "None"
        elif s.other_obligations_none is False:
            d["other_obligations"] = _todo("people already sponsored or supported under other Forms I-134 or I-864, "
                                           "with dates")
        supporters.append(d)

    slots = expected_evidence(a, ids)
    patient = a.beneficiaries[0]
    summary = a.summary or _todo("one or two sentences: who needs to come, why, and how urgently")
    medical = a.reason == "medical"
    fee = {"claimed": False}
    basis = a.fee_basis or fitting_fee_basis(a)
    if a.fee_exception if a.fee_exception is not None else (a.fee_basis is not None or basis != "other"):
        fee = {"claimed": True, "basis": basis,
               "explanation": _todo("why the 8 U.S.C. 1804(b) parole-fee exception applies, citing the exhibits")}
    res_country = patient.address.country or patient.country_of_citizenship
    visa_attempts = []
    for i, v in enumerate(a.visa):
        visa_attempts.append({"date": v.date.isoformat(), "place": v.place, "visa_class": v.visa_class,
                              "outcome": v.outcome, "evidence": [f"visa_refusal{'' if i == 0 else i + 1}"]})
    request = {
        "reason": a.reason,
        "summary": summary,
        "narrative": _todo("why parole is needed and how urgent it is, in a few paragraphs (for the cover letter)"),
        "stay": {"months": a.stay_months,
                 "justification": _todo(STAY_TODO.get(a.reason, STAY_TODO["other"]))},
        "intended_arrival": a.intended_arrival.isoformat(),
        "consulate": {"city": a.consulate_city or _todo("city of the U.S. embassy or consulate"),
                      "country": a.consulate_country or res_country or _todo("country")},
        "visa": {"attempts": visa_attempts,
                 "why_not_possible": _todo("why a U.S. visa cannot be obtained in time (or why no attempt was possible)")},
        "expedite": ({"requested": True, "reason": _todo("why USCIS should decide quickly, with dates")}
                     if a.expedite else {"requested": False}),
        "parole_fee_exception": fee,
    }
    if a.treatment_months:
        request["stay"]["treatment_months"] = a.treatment_months
    if medical:
        request["urgency"] = _todo("why it cannot wait: dates of surgery or treatment, what happens if delayed")
    elif a.reason == "family_emergency" and a.emergency == "funeral":
        request["urgency"] = _todo("why it cannot wait: the date of the funeral and when the family must travel")
    elif a.reason == "family_emergency":
        who = a.relative.name if a.relative else "the relative"
        request["urgency"] = _todo(f"why it cannot wait: what the doctor says about the time {who} has left")
    elif a.reason != "public_benefit":
        request["urgency"] = _todo("why it cannot wait: the dates that matter and what happens if parole comes late")
    if a.reason == "public_benefit":
        by = f", as {a.agency} explains it" if a.agency else ""
        request["public_benefit"] = _todo(f"the significant public benefit of the beneficiary's presence{by}")

    crim = ("No beneficiary has ever been arrested, charged or convicted of any offence anywhere."
            if a.criminal_history_none else
            _todo("each beneficiary's criminal history (arrests, charges, convictions), or 'None'"))
    discretion = {
        "criminal_history": crim,
        "immigration_history": _todo("prior U.S. visas, travel and any violations of each beneficiary, or 'None'"),
        "payment_plan": _todo("how treatment, the stay and the return travel are paid for" if medical else
                              "how the travel, the stay and the return are paid for"),
        "departure_plan": _todo("why each beneficiary will go home when parole ends (job, family, home)"),
        "no_threat": _todo("why the beneficiaries pose no threat to the security of the United States"),
    }
    family = patient.family.split()[0] if patient.family else "New"
    default_name = f"{family} {'Medical' if medical else 'Humanitarian'} Parole"
    data: dict = {
        "$schema": SCHEMA_NAME,
        "schema_version": 1,
        "case_name": a.case_name or default_name,
        "petitioner": petitioner,
        "beneficiaries": bens,
        "supporters": supporters,
        "request": request,
        "discretion": discretion,
    }
    if a.preparer:
        given, middle, fam = person_name(a.preparer)
        prep: dict = {"name": {"family": fam, "given": given, **({"middle": middle} if middle else {})}}
        if a.organization:
            prep["organization"] = a.organization
        data["preparer"] = prep
    if a.translator and a.language and a.language != "en":
        data["translators"] = [{"id": slug(a.translator, set()), "name": a.translator,
                                "languages": [LANGUAGES.get(a.language, a.language)]}]
    data["evidence"] = [s.entry() for s in slots]
    for att in visa_attempts:
        att["evidence"] = [e for e in att["evidence"] if any(s.id == e for s in slots)]
    data["filing"] = {"payment": a.payment, **({"filing_date": a.filing_date.isoformat()} if a.filing_date else {})}
    for path, value in a.form_answers.items():
        set_path(data, path, value)
    return data, slots


def set_path(data: dict, path: str, value) -> None:
    """Set ``beneficiaries[0].biographics.race`` (or ``supporters[0].relationship.mateo``) in the case data."""
    parts = re.findall(r"([A-Za-z_][\w-]*)|\[(\d+)\]", path)
    if not parts or "".join(f".{n}" if n else f"[{i}]" for n, i in parts).lstrip(".") != path:
        raise ValueError(f"'{path}' is not a case-file path (e.g. beneficiaries[0].in_removal_proceedings)")
    node = data
    for k, (name, idx) in enumerate(parts):
        key = name if name else int(idx)
        last = k == len(parts) - 1
        if isinstance(key, int):
            if not isinstance(node, list) or key >= len(node):
                raise ValueError(f"'{path}': there is no item {key} (numbered from 0)")
        elif not isinstance(node, dict):
            raise ValueError(f"'{path}': {name} is not inside an object")
        if last:
            node[key] = value
        else:
            if isinstance(key, str) and not isinstance(node.get(key), (dict, list)):
                node[key] = {}
            node = node[key]


def validate(data: dict, where: Path):
    """Validate with the case model; a failure here is a bug in init (answers are validated as typed)."""
    from pydantic import ValidationError

    from packetgen.case.model import Case
    from packetgen.errors import CaseError

    try:
        return Case.model_validate(data)
    except ValidationError as exc:
        from packetgen.case.load import validation_problems

        problems = validation_problems(exc)
        raise CaseError(f"{where}: the answers do not make a valid case file ({len(problems)} problem"
                        f"{'s' if len(problems) != 1 else ''}); nothing was written",
                        details=[f"{p}: {m}" for p, m in problems],
                        fix="correct the answers named above and run 'packetgen init' again")


# --------------------------------------------------------------------------- writing

@dataclass
class InitResult:
    case_file: Path
    schema_file: Path
    evidence_dir: Path
    slots: list[EvidenceSlot]
    todos: list[tuple[str, str]]
    created_folders: list[Path]
    beneficiaries: int
    supporters: int


def _write_file(path: Path, data: bytes, *, replace: bool) -> None:
    """Write via a same-folder temporary file (mode 0600).

    ``replace=False``: the final step is a hard link, which fails if the target
    appeared meanwhile, so an existing file is never clobbered, even by a race.
    """
    from packetgen.errors import OutputError

    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), 0o600)
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if replace:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)
            except FileExistsError:
                raise OutputError(f"{path}: already exists; nothing was written",
                                  fix="pass --force to replace it, or choose another folder")
            except OSError:  # file systems without hard links: fall back to an exclusive create
                with open(path, "xb") as out:
                    os.fchmod(out.fileno(), 0o600)
                    out.write(data)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write ({exc.strerror})",
                          fix="check free disk space and the folder's permissions")
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def _readme(slot: EvidenceSlot, case_file: Path) -> str:
    name = Path(slot.file).name
    stem = Path(slot.file).stem
    lines = [
        f"{slot.title}",
        "=" * min(len(slot.title), 78),
        "",
        f"Put in this folder: {slot.what_to_put[0]}",
        *[f"  - {w}" for w in slot.what_to_put[1:]],
        "",
        f"Save it here as:    {name}",
        f"It shows:           {slot.shows}",
        "",
        f"case.json expects the file {slot.file} (evidence id '{slot.id}').",
        f"A photo or scan is fine too (JPG, PNG, HEIC, TIFF...: {stem}.jpg), and so is a Word or",
        f"OpenDocument file ({stem}.docx, .doc, .odt, .rtf; converted with LibreOffice), but then",
        f"change \"file\" for '{slot.id}' in case.json to match. Several files for this exhibit?",
        "List the others under \"more_files\" in the same entry, in order.",
        "Not in English? Add the English translation and the translator's details (\"translation\").",
    ]
    if slot.optional_extras:
        lines += ["", "You may also add:", *[f"  - {x}" for x in slot.optional_extras]]
    lines += ["", f"When the files are in place, run:  packetgen check {case_file.name}", "",
              f"{_README_MARK}", ""]
    return "\n".join(lines)


def _index_readme(slots: list[EvidenceSlot], case_name: str) -> str:
    lines = [f"Evidence for {case_name}", "=" * 40, "",
             "One folder per exhibit the case needs. Put each document in its folder under the file name",
             "shown below (case.json points at these names). The packet letters the exhibits A, B, C...",
             "when it is built, in the order of the packet, so folders have names, not letters.", ""]
    width = max(len(s.file) for s in slots) if slots else 10
    for s in slots:
        lines.append(f"  [ ] {s.file:<{width}}  {s.title}")
    lines += ["", "Check what is still missing at any time:  packetgen check case.json", "", _README_MARK, ""]
    return "\n".join(lines)


def ensure_can_write(folder: str | Path, *, force: bool = False) -> None:
    """Fail early (before any question is asked) when init would have to overwrite a case file."""
    from packetgen.errors import OutputError

    folder = Path(folder)
    case_file = folder / CASE_NAME
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{folder}: exists and is not a folder", fix="choose another folder")
    if case_file.is_dir():
        raise OutputError(f"{case_file}: is a folder", fix="choose another folder")
    if case_file.exists() and not force:
        raise OutputError(f"{case_file}: a case file already exists; nothing was written",
                          fix="pass --force to replace it (evidence files are kept), or choose another folder")


def create_case(folder: str | Path, answers: Answers, *, force: bool = False) -> InitResult:
    """Write ``folder/case.json`` (validated; atomic; 0600), its JSON Schema, and the evidence folders.

    Refuses to replace an existing case.json unless ``force``.  Existing evidence
    files and folders are never touched; only missing folders and READMEs are created.
    """
    from packetgen.errors import CaseError, OutputError

    folder = Path(folder)
    case_file = folder / CASE_NAME
    ensure_can_write(folder, force=force)
    try:
        data, slots = case_data(answers)
    except ValueError as exc:
        raise CaseError(f"cannot make a case file: {exc}", fix="answer the question named above")
    validate(data, case_file)

    created: list[Path] = []
    try:
        if not folder.exists():
            folder.mkdir(parents=True, mode=0o700)
            created.append(folder)
        elif not folder.is_dir():
            raise OutputError(f"{folder}: exists and is not a folder", fix="choose another folder")
        ev_dir = folder / EVIDENCE_DIR
        if not ev_dir.exists():
            ev_dir.mkdir(mode=0o700)
            created.append(ev_dir)
        for s in slots:
            d = folder / s.folder
            if not d.exists():
                d.mkdir(mode=0o700)
                created.append(d)
    except OSError as exc:
        raise OutputError(f"{folder}: cannot create folders ({exc.strerror})",
                          fix="choose a folder you can write to")

    from packetgen.case.load import json_schema

    schema_file = folder / SCHEMA_NAME
    _write_file(schema_file, (json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n").encode(), replace=True)
    for s in slots:
        readme = folder / s.folder / README_NAME
        if not readme.exists() or _README_MARK in readme.read_text(encoding="utf-8", errors="replace"):
            _write_file(readme, _readme(s, case_file).encode(), replace=True)
    index = ev_dir / README_NAME
    if not index.exists() or _README_MARK in index.read_text(encoding="utf-8", errors="replace"):
        _write_file(index, _index_readme(slots, data["case_name"]).encode(), replace=True)
    # The case file last: if anything above failed, there is no half-made case.
    _write_file(case_file, (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode(), replace=force)
    return InitResult(case_file=case_file, schema_file=schema_file, evidence_dir=ev_dir, slots=slots,
                      todos=todo_paths(data), created_folders=created, beneficiaries=len(answers.beneficiaries),
                      supporters=len(answers.supporters))
