"""Dated, sourced facts (fees, editions, addresses, legal rules) from ``packetgen/data/rules.json``."""

from __future__ import annotations

from packetgen.errors import InternalError
from packetgen.resources import data_dir

_RULES_CACHE: dict | None = None


def load_rules() -> dict:
    """The dated facts in ``packetgen/data/rules.json``: ``{key: {value, as_of, source, confidence, note}}``."""
    global _RULES_CACHE
    if _RULES_CACHE is None:
        import json

        path = data_dir() / "rules.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            facts = data["facts"]
        except (OSError, ValueError, KeyError) as exc:
            raise InternalError(f"{path}: the rule facts cannot be read ({exc})",
                                fix="reinstall packetgen; the file ships with it")
        _RULES_CACHE = facts
    return _RULES_CACHE


def rule(key: str):
    """The value of one rule fact, e.g. ``rule("fees.i131_paper")`` -> 630."""
    try:
        return load_rules()[key]["value"]
    except KeyError:
        raise InternalError(f"rules.json has no fact '{key}'", fix="report this: a check or template expects it")
