"""Reading a case file: JSON or YAML into a :class:`~packetgen.case.model.Case`, every problem reported at once
with its path (and, for syntax errors, the line: :mod:`packetgen.case.diagnose`); the JSON Schema for editors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

from packetgen.case.model import Case
from packetgen.errors import CaseError


def _reject_duplicate_keys(pairs):
    seen = {}
    for k, v in pairs:
        if k in seen:
            raise CaseError(f"duplicate key '{k}' in the same object", fix="remove one of the two entries")
        seen[k] = v
    return seen


def read_case_data(path: Path) -> dict:
    """Read JSON or YAML into plain data, with parse errors located in the file."""
    import stat as _stat

    try:
        st = path.stat()
        if not _stat.S_ISREG(st.st_mode) and not _stat.S_ISDIR(st.st_mode):   # a FIFO would block for ever
            raise CaseError(f"{path}: is not a regular file (a pipe, socket or device)",
                            fix="name the case file itself (case.json)")
        if st.st_size > 5_000_000:
            raise CaseError(f"{path}: case file is {st.st_size:,} bytes; a case file is at most 5 MB",
                            fix="put documents in evidence files and reference them by path")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CaseError(f"{path}: case file not found", fix="check the path, or create one with 'packetgen init'")
    except IsADirectoryError:
        raise CaseError(f"{path}: is a folder, not a case file", fix="name the case.json inside it")
    except OSError as exc:
        raise CaseError(f"{path}: cannot read the case file ({exc.strerror})", fix="check the file's permissions")
    if len(raw) > 5_000_000:
        raise CaseError(f"{path}: case file is {len(raw):,} bytes; a case file is at most 5 MB",
                        fix="put documents in evidence files and reference them by path")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CaseError(f"{path}: not UTF-8 text (byte {exc.start})", fix="save the file as UTF-8")
    if path.suffix.lower() in {".yaml", ".yml"}:
        try:
            import yaml
        except ImportError:  # pragma: no cover - yaml is a dependency
            raise CaseError(f"{path}: YAML case files need PyYAML", fix="pip install pyyaml, or use JSON")

        class _Loader(yaml.SafeLoader):
            pass

        def _construct_mapping(loader, node, deep=False):
            mapping = {}
            for knode, vnode in node.value:
                key = loader.construct_object(knode, deep=deep)
                if key in mapping:
                    raise CaseError(f"{path}:{knode.start_mark.line + 1}: duplicate key '{key}'",
                                    fix="remove one of the two entries")
                mapping[key] = loader.construct_object(vnode, deep=deep)
            return mapping

        _Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
        # Dates stay strings: the model parses them, with one error style for JSON and YAML.
        _Loader.yaml_implicit_resolvers = {
            k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
            for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}
        try:
            data = yaml.load(text, Loader=_Loader)
        except CaseError:
            raise
        except yaml.YAMLError as exc:
            from packetgen.case.diagnose import excerpt, yaml_problem

            p = yaml_problem(text, exc)
            if p is None:
                raise CaseError(f"{path}: not valid YAML ({getattr(exc, 'problem', None) or exc})",
                                fix="check the indentation and the quotes")
            raise CaseError("\n".join([f"{path}:{p.line}:{p.col}: not valid YAML: {p.cause}",
                                       *excerpt(text, p.line, p.col)]), fix=p.fix)
        except RecursionError:
            raise CaseError(f"{path}: nested too deeply", fix="a case file is a few levels deep; check the structure")
    else:
        try:
            data = json.loads(text, object_pairs_hook=_reject_duplicate_keys)
        except CaseError as exc:
            raise CaseError(f"{path}: {exc.message}", fix=exc.fix)
        except json.JSONDecodeError as exc:
            from packetgen.case.diagnose import excerpt, json_problem

            p = json_problem(text, exc.msg, exc.pos)
            raise CaseError("\n".join([f"{path}:{p.line}:{p.col}: not valid JSON: {p.cause}",
                                       *excerpt(text, p.line, p.col)]), fix=p.fix)
        except RecursionError:
            raise CaseError(f"{path}: nested too deeply", fix="a case file is a few levels deep; check the structure")
    if not isinstance(data, dict):
        raise CaseError(f"{path}: the case file must be an object at the top level, found {type(data).__name__}",
                        fix="start from a sample: samples/*/case.json")
    return data


def format_loc(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def validation_problems(exc) -> list[tuple[str, str]]:
    """Turn a pydantic ValidationError into (path, message) pairs a paralegal can act on."""
    problems = []
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        msg = err["msg"]
        typ = err["type"]
        if typ == "value_error" and "@" in msg:
            for line in msg.split("\n"):
                line = line.removeprefix("Value error, ")
                if line.startswith("@"):
                    where, _, what = line[1:].partition(": ")
                    problems.append((where, what))
            continue
        from packetgen.case.diagnose import field_names_at, plain_message, suggest

        if typ == "missing":
            msg = "required, but missing"
        elif typ == "extra_forbidden":
            near = suggest(loc[-1], field_names_at(Case, loc)) if loc else None
            allowed = field_names_at(Case, loc) if loc else []
            msg = (f"unknown field: did you mean \"{near}\"?" if near else
                   "unknown field (check the spelling; the fields here are "
                   + ", ".join(f'"{f}"' for f in allowed) + ")" if 0 < len(allowed) <= 12 else
                   "unknown field (check the spelling; docs/case-file.md lists the fields)")
        elif plain_message(err, Case):
            msg = plain_message(err, Case)
        elif typ == "literal_error":
            msg = "expected " + msg.removeprefix("Input should be ")
        elif typ == "string_pattern_mismatch":
            msg = _pattern_hint(loc) or msg
        elif typ == "string_too_long":
            msg = "too long: " + msg
        elif typ == "value_error":
            msg = msg.removeprefix("Value error, ")
        problems.append((format_loc(loc), msg))
    return problems


def _pattern_hint(loc: tuple) -> Optional[str]:
    last = next((p for p in reversed(loc) if isinstance(p, str)), "")
    return {
        "a_number": "expected an A-Number: 8 or 9 digits, e.g. A-123-456-789",
        "email": "expected an email address such as name@example.org",
        "state": "expected a two-letter U.S. state code such as TX",
        "zip_code": "expected a 5-digit ZIP code (or ZIP+4)",
        "id": "expected a short id: lowercase letters, digits, '_' or '-'",
        "language": "expected an ISO 639 language code such as 'es'",
        "ssn": "expected a Social Security number, 9 digits",
        "uscis_online_account": "expected a 12-digit USCIS online account number",
    }.get(last) or ("expected a short id: lowercase letters, digits, '_' or '-'" if last in {
        "supports", "about", "supporter", "translator", "is_beneficiary", "accompanies", "evidence"} else None)


def _raw_cross_references(data: dict) -> list[tuple[str, str]]:
    """The id cross-references of the model validator, on raw data of any shape.

    Pydantic runs the model validator only when every field is valid; running
    this too when fields fail means one run reports every problem.
    """
    def items(key, src=data):
        v = src.get(key) if isinstance(src, dict) else None
        return [(i, x) for i, x in enumerate(v) if isinstance(x, dict)] if isinstance(v, list) else []

    ids = lambda key: [x.get("id") for _, x in items(key)]  # noqa: E731
    bens, sups, trs, evs = ids("beneficiaries"), ids("supporters"), ids("translators"), ids("evidence")
    people = set(map(str, bens)) | set(map(str, sups)) | {"petitioner"}
    out = []
    for i, s in items("supporters"):
        for j, b in enumerate(s.get("supports") or [] if isinstance(s.get("supports"), list) else []):
            if isinstance(b, str) and b not in bens:
                out.append((f"supporters[{i}].supports[{j}]", f"no beneficiary with id '{b}'"))
    for i, e in items("evidence"):
        if isinstance(e.get("supporter"), str) and e["supporter"] not in sups:
            out.append((f"evidence[{i}].supporter", f"no supporter with id '{e['supporter']}'"))
        tr = e.get("translation")
        if isinstance(tr, dict) and isinstance(tr.get("translator"), str) and tr["translator"] not in trs:
            out.append((f"evidence[{i}].translation.translator", f"no translator with id '{tr['translator']}'"))
        about = e.get("about") if isinstance(e.get("about"), list) else []
        for j, who in enumerate(about):
            if isinstance(who, str) and who not in people:
                out.append((f"evidence[{i}].about[{j}]", f"no beneficiary or supporter with id '{who}'"))
    req = data.get("request") if isinstance(data.get("request"), dict) else {}
    visa = req.get("visa") if isinstance(req.get("visa"), dict) else {}
    for i, a in items("attempts", visa):
        for j, ref in enumerate(a.get("evidence") if isinstance(a.get("evidence"), list) else []):
            if isinstance(ref, str) and ref not in evs:
                out.append((f"request.visa.attempts[{i}].evidence[{j}]", f"no evidence with id '{ref}'"))
    pet = data.get("petitioner") if isinstance(data.get("petitioner"), dict) else {}
    if isinstance(pet.get("is_beneficiary"), str) and pet["is_beneficiary"] not in bens:
        out.append(("petitioner.is_beneficiary", f"no beneficiary with id '{pet['is_beneficiary']}'"))
    return out


def load_case(path: str | Path) -> Case:
    """Load and validate a case file; raise :class:`CaseError` listing every problem."""
    from pydantic import ValidationError

    from packetgen.case.diagnose import friendly_path

    path = Path(path)
    data = read_case_data(path)
    try:
        case = Case.model_validate(data)
    except ValidationError as exc:
        problems = validation_problems(exc)
        seen = {where for where, _ in problems}
        problems += [p for p in _raw_cross_references(data) if p[0] not in seen]
        raise CaseError(
            f"{path}: {len(problems)} problem{'s' if len(problems) != 1 else ''} in the case file",
            fix="correct each field named above (positions count from 1: evidence #3 is the third); "
                "docs/case-file.md describes every field with an example",
            details=[f"{friendly_path(where, data)}: {what}" for where, what in problems])
    except RecursionError:
        raise CaseError(f"{path}: nested too deeply", fix="check the structure against 'packetgen schema'")
    case._source = path.resolve()
    return case


def json_schema() -> dict:
    schema = Case.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://packetgen.invalid/schema/case-v1.json"
    schema["title"] = "packetgen case file"
    schema["description"] = "A humanitarian-parole filing (Form I-131 Part 1 Item 7, Form I-134, evidence)."
    return schema
