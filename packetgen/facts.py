"""Dated, sourced facts (fees, editions, addresses, legal rules): ``packetgen/data/rules.json``, overridden or
extended by a firm's rules file in the user's config folder, validated against the same schema.

Where the override lives, its format and ``packetgen rules``: docs/rules.md.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Optional

from packetgen.errors import CaseError, InternalError
from packetgen.resources import data_dir

STALE_DAYS = 183                 # "re-check every fact whose as_of is more than six months old"
CONFIDENCE = ("C", "S", "U")
_FIELDS = {"value", "as_of", "source", "confidence", "note", "effective_from"}
PACKAGED = "packetgen/data/rules.json"

_RULES_CACHE: Optional[dict] = None
_CACHE_KEY: Optional[tuple] = None
_SOURCES: list = []
_USED: set = set()


class _Facts(dict):
    """The merged facts; remembers which ones were looked up (the manifest lists them)."""

    def __getitem__(self, key):
        _USED.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        if key in self:
            _USED.add(key)
        return super().get(key, default)


def override_path() -> Path:
    """The firm's rules file: $PACKETGEN_RULES, else $XDG_CONFIG_HOME/packetgen/rules.json (~/.config/...)."""
    env = os.environ.get("PACKETGEN_RULES")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "packetgen" / "rules.json"


def _date(v) -> Optional[dt.date]:
    try:
        return dt.date.fromisoformat(v) if isinstance(v, str) else None
    except ValueError:
        return None


def _shape(a, b) -> bool:
    """Same JSON type (numbers are numbers), and dicts with the same keys, so the code using the fact works."""
    if a is None or b is None:
        return True
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return True
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return set(a) == set(b) and all(_shape(a[k], b[k]) for k in a)
    return True


def validate(data, where: str, base: Optional[dict] = None) -> list[str]:
    """Problems of a rules file (empty when valid): the schema of packetgen/data/rules.json."""
    if not isinstance(data, dict):
        return [f"{where}: the top level must be an object with 'schema' and 'facts'"]
    problems = []
    if data.get("schema") != 1:
        problems.append(f"{where}: 'schema' must be 1")
    facts = data.get("facts")
    if not isinstance(facts, dict) or not facts:
        return problems + [f"{where}: 'facts' must be an object of facts"]
    for key, f in facts.items():
        at = f"{where}: facts.{key}"
        if not isinstance(key, str) or not key or len(key) > 80:
            problems.append(f"{at}: a fact's name is a short text such as 'parole_fee.amount'")
            continue
        if not isinstance(f, dict):
            problems.append(f"{at}: must be an object with value, as_of, source and confidence")
            continue
        for need in ("value", "as_of", "source", "confidence"):
            if need not in f:
                problems.append(f"{at}: '{need}' is required")
        extra = set(f) - _FIELDS
        if extra:
            problems.append(f"{at}: unknown field(s) {', '.join(sorted(extra))} (allowed: {', '.join(sorted(_FIELDS))})")
        d = _date(f.get("as_of"))
        if "as_of" in f and d is None:
            problems.append(f"{at}.as_of: expected a date as YYYY-MM-DD")
        elif d and d > dt.date.today() + dt.timedelta(days=1):
            problems.append(f"{at}.as_of: {d} is in the future (the date the fact was last confirmed)")
        if "effective_from" in f and _date(f["effective_from"]) is None:
            problems.append(f"{at}.effective_from: expected a date as YYYY-MM-DD")
        if "source" in f and (not isinstance(f["source"], str) or len(f["source"].strip()) < 5):
            problems.append(f"{at}.source: say where the fact comes from (a page, notice or document and its date)")
        if "confidence" in f and f["confidence"] not in CONFIDENCE:
            problems.append(f"{at}.confidence: one of C (primary source), S (secondary), U (unconfirmed)")
        if "note" in f and not isinstance(f["note"], str):
            problems.append(f"{at}.note: must be text")
        if base and key in base and "value" in f and not _shape(base[key]["value"], f["value"]):
            problems.append(f"{at}.value: must have the same form as packetgen's fact "
                            f"({type(base[key]['value']).__name__}"
                            + (f" with keys {', '.join(sorted(base[key]['value']))}" if isinstance(base[key]['value'], dict)
                               else "") + ")")
    return problems


def _read(path: Path, what: str) -> dict:
    import json

    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CaseError(f"{path}: the {what} cannot be read ({exc.strerror or exc})",
                        fix="check the file's permissions, or remove it")
    except ValueError as exc:
        raise CaseError(f"{path}: the {what} is not valid JSON ({exc})", fix="correct the JSON, or remove the file")


def load_rules() -> dict:
    """The dated facts: ``{key: {value, as_of, source, confidence, note?, effective_from?, file}}``.

    ``file`` says where each fact came from: 'packetgen/data/rules.json' or the override file's path."""
    global _RULES_CACHE, _CACHE_KEY, _SOURCES
    over = override_path()
    try:
        st = over.stat()
        key = (str(over), st.st_mtime_ns, st.st_size)
    except OSError:
        key = (str(over), None, None)
    if _RULES_CACHE is not None and key == _CACHE_KEY:
        return _RULES_CACHE
    import hashlib

    path = data_dir() / "rules.json"
    try:
        raw = path.read_bytes()
        import json

        facts = json.loads(raw)["facts"]
    except (OSError, ValueError, KeyError) as exc:
        raise InternalError(f"{path}: the rule facts cannot be read ({exc})",
                            fix="reinstall packetgen; the file ships with it")
    merged = _Facts({k: {**v, "file": PACKAGED} for k, v in facts.items()})
    sources = [{"file": PACKAGED, "kind": "packaged", "sha256": hashlib.sha256(raw).hexdigest(), "facts": len(facts)}]
    if key[1] is not None:
        data = _read(over, "rules override file")
        problems = validate(data, str(over), facts)
        if problems:
            raise CaseError(f"{over}: {len(problems)} problem(s) in the rules override file",
                            details=problems,
                            fix="correct them (docs/rules.md describes the format), or move the file away")
        for k, v in data["facts"].items():
            merged[k] = {**v, "file": str(over)}
        sources.append({"file": str(over), "kind": "override", "sha256": hashlib.sha256(over.read_bytes()).hexdigest(),
                        "facts": len(data["facts"])})
    _RULES_CACHE, _CACHE_KEY, _SOURCES = merged, key, sources
    return merged


def rule(key: str):
    """The value of one rule fact, e.g. ``rule("fees.i131_paper")`` -> 630."""
    try:
        return load_rules()[key]["value"]
    except KeyError:
        raise InternalError(f"rules.json has no fact '{key}'", fix="report this: a check or template expects it")


def age_days(fact: dict, today: dt.date) -> Optional[int]:
    d = _date(fact.get("as_of"))
    return (today - d).days if d else None


def stale_facts(today: dt.date) -> list[str]:
    return sorted(k for k, f in load_rules().items() if (age_days(f, today) or 0) > STALE_DAYS)


def rules_sources() -> list[dict]:
    """The rules files in use: the packaged one and the override, each with its SHA-256."""
    load_rules()
    return [dict(s) for s in _SOURCES]


def reset_used() -> None:
    _USED.clear()


def used_facts() -> dict:
    """The facts looked up since the last reset (a build): {key: {value, as_of, confidence, file}}."""
    facts = load_rules()
    return {k: {f: dict.__getitem__(facts, k).get(f) for f in ("value", "as_of", "confidence", "file")}
            for k in sorted(_USED) if k in facts}
