"""``packetgen rules``: every dated fact packetgen relies on, with its value, age, source and file.

Only click is imported at module level.  The override file and its format: docs/rules.md.
"""

from __future__ import annotations

import sys

import click


def _short(value, width: int = 60) -> str:
    import json

    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= width else text[: width - 3] + "..."


@click.command("rules", context_settings={"max_content_width": 100})
@click.option("--stale", is_flag=True, help="Only the facts last confirmed more than six months ago: re-check these.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable: every field of every fact.")
@click.option("--full", is_flag=True, help="Print each value and source in full.")
def command(stale, as_json, full):
    """List the facts (fees, editions, addresses, legal rules) with value, age, confidence, source and file.

    \b
    A firm overrides or adds facts in its own rules file, validated against the
    same schema: $PACKETGEN_RULES, else ~/.config/packetgen/rules.json
    ($XDG_CONFIG_HOME/packetgen/rules.json). Exit 1 with --stale when any
    fact is stale, so a script can warn."""
    import datetime as dt

    from packetgen.cli.main import _run
    from packetgen.facts import STALE_DAYS, age_days, load_rules, override_path, rules_sources

    facts = _run(load_rules)
    today = dt.date.today()
    keys = sorted(facts)
    if stale:
        keys = [k for k in keys if (age_days(facts[k], today) or 0) > STALE_DAYS]
    if as_json:
        import json

        rows = [{"key": k, **dict.__getitem__(facts, k), "age_days": age_days(facts[k], today)} for k in keys]
        click.echo(json.dumps({"files": rules_sources(), "facts": rows}, indent=2, ensure_ascii=False))
    else:
        for s in rules_sources():
            click.echo(f"{s['kind']:<9}{s['file']}  ({s['facts']} facts)")
        over = override_path()
        if not any(s["kind"] == "override" for s in rules_sources()):
            click.echo(f"override  (none: create {over} to override or add facts)")
        click.echo("")
        for k in keys:
            f = dict.__getitem__(facts, k)
            age = age_days(f, today)
            old = age is not None and age > STALE_DAYS
            head = f"{k}  [{f.get('confidence', '?')}]  as of {f.get('as_of')} ({age} days"
            head += ", STALE: re-check)" if old else ")"
            click.echo(click.style(head, fg="red" if old else None, bold=True))
            click.echo(f"    value:  {f['value'] if full and isinstance(f['value'], str) else _short(f['value'], 10**6 if full else 90)}")
            click.echo(f"    source: {f['source'] if full else _short(f['source'], 90)}")
            if f.get("effective_from"):
                click.echo(f"    effective from: {f['effective_from']}")
            click.echo(f"    file:   {f.get('file')}")
        if stale:
            click.echo(f"\n{len(keys)} fact(s) last confirmed more than six months ago" if keys else
                       "No fact is more than six months old.")
    sys.exit(1 if stale and keys else 0)
