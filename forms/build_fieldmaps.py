#!/usr/bin/env python3
"""Refresh the inventory of a field map from a field inventory TSV or from a real form PDF.

The entries of a field map (which case fact goes where) are written by hand in
the JSON.  What the PDF itself says about each field (type, page, rect, max
length, flags, checkbox on-states, combo options) is copied into the map's
``inventory`` by this script, and each entry's ``page``, ``maxlen``,
``multiline`` and ``comb`` are updated from it.  The JSON is committed; this
script is only run when a form (or its inventory) changes.

    # from the inventory named in the map's source.inventory (relative to the repo)
    python forms/build_fieldmaps.py forms/i-131_2025-01-20.json

    # from an inventory TSV or from the official PDF itself (e.g. when the real I-134 arrives)
    python forms/build_fieldmaps.py --tsv ../shared/reference/forms/i-134_...DERIVED.tsv forms/i-134_2025-01-20.json
    python forms/build_fieldmaps.py --pdf ~/Downloads/i-134.pdf forms/i-134_2025-01-20.json

    # only report what would change
    python forms/build_fieldmaps.py --check --pdf i-134.pdf forms/i-134_2025-01-20.json

It prints the entries whose fields are missing from the new inventory and the
checkbox states that changed: fix those entries by hand, then run it again.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from packetgen.forms.fieldmap import FormDefModel, load_formdef_file, looks_like_signature  # noqa: E402

STATES = ["", "AA", "AE", "AK", "AL", "AP", "AR", "AS", "AZ", "CA", "CO", "CT", "DC", "DE", "FL", "FM", "GA", "GU",
          "HI", "IA", "ID", "IL", "IN", "KS", "KY", "LA", "MA", "MD", "ME", "MH", "MI", "MN", "MO", "MP", "MS", "MT",
          "NC", "ND", "NE", "NH", "NJ", "NM", "NV", "NY", "OH", "OK", "OR", "PA", "PR", "PW", "RI", "SC", "SD", "TN",
          "TX", "UT", "VA", "VI", "VT", "WA", "WI", "WV", "WY"]


def _shared_path(rel: str) -> Path:
    """A '../shared/...' path relative to the checkout, or one level up for a worktree (/work/wt/NAME)."""
    p = HERE.parent / rel
    if not p.exists() and rel.startswith("../"):
        deeper = HERE.parent / ".." / rel
        if deeper.exists():
            return deeper
    return p


# --------------------------------------------------------------------------- labels from tooltips

def label_from_tooltip(tu: str) -> tuple[str | None, str | None, str | None]:
    """'Part 2. Information About You. 3. ... Enter City or Town.' -> ('2', '3', 'City or Town')."""
    if not tu:
        return None, None, None
    tu = " ".join(tu.split())
    part = None
    m = re.match(r"(?:Part|Pt\.?)\s+(\d+)\.?", tu)
    rest = tu
    if m:
        part = m.group(1)
        rest = tu[m.end():]
    item = None
    mi = re.search(r"(?:^|[.)]\s+)(\d{1,2}\.?(?:[a-z]\.)?)\s", rest)
    if mi:
        item = mi.group(1).rstrip(".")
    sentences = [s.strip() for s in re.split(r"(?<=[.?])\s+", tu) if s.strip()]
    label = sentences[-1].rstrip(".") if sentences else tu
    label = re.sub(r"^(Enter|Select|Check|Provide|Type)\s+", "", label)
    if len(label) > 70:
        label = label[:67] + "..."
    return part, item, label or None


def label_from_name(name: str) -> str:
    tail = re.sub(r"\[\d+\]$", "", name.rsplit(".", 1)[-1])
    tail = re.sub(r"^(Pt|Part|P)\d+_?(Line|Item)?\d*[a-z]?_?", "", tail)
    words = re.sub(r"([a-z])([A-Z])", r"\1 \2", tail).replace("_", " ").strip()
    return words or name


# --------------------------------------------------------------------------- reading inventories

def inventory_from_tsv(path: Path) -> tuple[list[dict], str]:
    """Read an inventory TSV (full dump or DERIVED). Returns (records, status)."""
    text = path.read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if ln and not ln.startswith("#")]
    rows = list(csv.DictReader(lines, delimiter="\t"))
    derived = "DERIVED" in path.name
    out, seen = [], set()
    for r in rows:
        name = r["full_name"].strip()
        if name in seen:
            continue
        seen.add(name)
        rec: dict = {"name": name, "type": r["type"].strip(), "page": int(r["page"])}
        if r.get("rect"):
            rec["rect"] = [float(v) for v in r["rect"].split(",")]
        if r.get("maxlen"):
            rec["maxlen"] = int(r["maxlen"])
        flags = (r.get("field_flags") if "field_flags" in r else r.get("flags")) or ""
        flags = flags.split("(")[0]
        rec["flags"] = [f.strip().split("/")[0] for f in flags.split("|") if f.strip()]
        ev = (r.get("export_values_or_options") or "").lstrip().rstrip("\r\n")
        certain = True
        if rec["type"] == "checkbox":
            if ev.startswith("on="):
                rec["on"] = [s for s in ev[3:].split(",")] if not ev[3:].startswith("/") else [ev[3:]]
            elif re.fullmatch(r"[A-Za-z0-9]+", ev):
                rec["on"] = ["/" + ev]
            elif re.fullmatch(r"([A-Za-z0-9]+) \(inferred\)", ev):
                rec["on"] = ["/" + ev.split()[0]]
                certain = False
            else:
                rec["on"] = None
                certain = False
        elif rec["type"] in {"combo", "list"}:
            if ev.startswith("opts="):
                rec["options"] = ev[5:].split("|")   # the blank choice is a single space in the PDF
            elif "AA, AE" in ev or (derived and re.search(r"State|Pt2Line10_State", name)):
                rec["options"] = ["", "N/A"] + STATES[1:]
                certain = False
            elif "e.g." in ev:
                rec["options"] = re.findall(r"'([^']+)'", ev)
                certain = False
            else:
                rec["options"] = None
        da = r.get("DA") or ""
        m = re.search(r"/(\S+)\s+([\d.]+)\s+Tf", da)
        if m:
            rec["font_size"] = float(m.group(2))
        elif derived and rec["type"] in {"text", "combo"}:
            rec["font_size"] = 10.0
        if r.get("Q"):
            rec["align"] = int(r["Q"])
        tu = (r.get("tooltip_TU") or r.get("tooltip_TU(abridged)") or "").strip()
        part, item, label = label_from_tooltip(tu)
        rec["part"], rec["item"], rec["label"] = part, item, label
        rec["barcode"] = "PDF417BarCode" in name
        rec["signature"] = looks_like_signature(name)
        if derived:
            certain = certain and r.get("source", "") == "pdf-text"
        rec["certain"] = certain
        out.append(rec)
    if derived:
        m = re.search(r"(\d+) PDF417BarCode1 fields", text)
        n = int(m.group(1)) if m else 0
        for i in range(n):
            out.append({"name": f"form1[0].#pageSet[0].Page1[{i}].PDF417BarCode1[0]", "type": "text", "page": i + 1,
                        "rect": None, "flags": ["ReadOnly", "Multiline"], "font_size": 10.0, "barcode": True,
                        "signature": False, "certain": False, "label": "2D barcode (USCIS)"})
    return out, "derived" if derived else "official"


def inventory_from_pdf(path: Path) -> tuple[list[dict], str]:
    from packetgen.forms.library import open_pdf, read_widgets

    pdf = open_pdf(path)
    try:
        widgets = read_widgets(pdf)
    finally:
        pdf.close()
    out = []
    for w in widgets:
        part, item, label = label_from_tooltip(w.get("tooltip", ""))
        rec = {k: w[k] for k in ("name", "type", "page", "rect", "flags", "barcode", "signature")}
        for k in ("maxlen", "on", "options", "font_size", "align"):
            if k in w:
                rec[k] = w[k]
        rec.update(part=part, item=item, label=label, certain=True)
        out.append(rec)
    return out, "official"


# --------------------------------------------------------------------------- syncing a map

ORDER = ["name", "type", "page", "rect", "maxlen", "flags", "on", "options", "font_size", "align",
         "part", "item", "label", "barcode", "signature", "certain"]


def sync(map_path: Path, records: list[dict], status: str, source_name: str, *, check: bool) -> int:
    data = json.loads(map_path.read_text(encoding="utf-8"))
    by_name = {r["name"]: r for r in records}
    problems = []
    for name, hint in (data.get("inventory_hints") or {}).items():
        r = by_name.get(name)
        if r is None:
            problems.append(f"inventory_hints: field '{name}' is not in the new inventory")
            continue
        for k, v in hint.items():
            if k == "flags":
                r["flags"] = sorted(set(r.get("flags") or []) | set(v))
            elif r.get(k) in (None, []):
                r[k] = v

    # labels, parts and items of mapped fields come from the map
    for e in data["entries"]:
        names = [e["field"]] if e.get("field") else []
        for key, o in (e.get("options") or {}).items():
            if o.get("field"):
                names.append(o["field"])
        for n in names:
            r = by_name.get(n)
            if r is None:
                problems.append(f"entry Part {e['part']} Item {e['item']} ({e['label']}): field '{n}' is not in the new inventory")
                continue
            r["part"], r["item"] = e["part"], e["item"]
            if len(names) == 1:
                r["label"] = e["label"]
            if e.get("field") == n:
                e["page"] = r["page"]
                if r.get("maxlen"):
                    e["maxlen"] = r["maxlen"]
                else:
                    e.pop("maxlen", None)
                for flag, key in (("Multiline", "multiline"), ("Comb", "comb")):
                    if flag in r.get("flags", []):
                        e[key] = True
                    else:
                        e.pop(key, None)
        if e["type"] == "choice":
            pages = [by_name[n]["page"] for n in names if n in by_name]
            if pages:
                e["page"] = pages[0]
        # group options: assign guessed on-states to boxes whose state is unknown (derived inventories)
        groups: dict[str, list[str]] = {}
        for key, o in (e.get("options") or {}).items():
            if o.get("group"):
                groups.setdefault(o["group"], []).append(o["on"])
            elif o.get("field") and o["field"] in by_name and by_name[o["field"]].get("on") is None:
                by_name[o["field"]]["on"] = [o["on"]]
                by_name[o["field"]]["certain"] = False
        for g, states in groups.items():
            rx = re.compile(re.escape(g) + r"\[(\d+)\]")
            members = sorted((int(rx.fullmatch(n).group(1)), n) for n in by_name if rx.fullmatch(n))
            if not members:
                problems.append(f"entry Part {e['part']} Item {e['item']}: no boxes named {g}[n]")
            known = {s for _, n in members for s in (by_name[n].get("on") or [])}
            free = [s for s in states if s not in known]
            for _, n in members:
                r = by_name[n]
                r["part"], r["item"] = e["part"], e["item"]
                if r.get("on") is None and free:
                    r["on"] = [free.pop(0)]
                    r["certain"] = False
        for key, o in (e.get("options") or {}).items():
            if o.get("group"):
                rx = re.compile(re.escape(o["group"]) + r"\[\d+\]")
                boxes = [n for n in by_name if rx.fullmatch(n) and o["on"] in (by_name[n].get("on") or [])]
            else:
                boxes = [o["field"]] if o.get("field") in by_name else []
            for n in boxes:
                by_name[n]["label"] = f"{e['label']}: {o.get('label') or key}"
        if e["type"] == "checkbox" and e.get("field") in by_name:
            r = by_name[e["field"]]
            if r.get("on") is None:
                r["on"] = ["/Y" if e["on"] == "*" else e["on"]]
                r["certain"] = False
            elif e["on"] != "*" and e["on"] not in r["on"]:
                problems.append(f"entry Part {e['part']} Item {e['item']}: on-state {e['on']} not in {r['on']} of {e['field']}")
    # unmapped fields without part/item: inherit them from the previous field of the same subform
    last: dict[tuple, tuple] = {}
    for r in records:
        parent = (r["page"], r["name"].rpartition(".")[0])
        if r.get("part"):
            last[parent] = (r["part"], r.get("item"))
        elif parent in last:
            r["part"], r["item"] = last[parent]
    for r in records:
        if r["type"] == "checkbox" and r.get("on") is None:
            r["on"] = ["/Y"]
            r["certain"] = False
        if not r.get("label"):
            r["label"] = label_from_name(r["name"])
    ov = data.get("overflow") or {"rows": []}
    for row in ov["rows"]:
        for k in ("page_field", "part_field", "item_field", "text_field"):
            r = by_name.get(row[k])
            if r is None:
                problems.append(f"overflow row {row['item']}: field '{row[k]}' is not in the new inventory")
            else:
                r["part"], r["item"] = ov["part"], row["item"]
    for s in data["signatures"]:
        for k in ("field", "date_field"):
            if s.get(k) and s[k] in by_name:
                r = by_name[s[k]]
                r["part"], r["item"] = s["part"], s["item"]
                r["label"] = ("Signature of the " if k == "field" else "Date of signature of the ") + s["who"]

    inventory = []
    for r in records:
        rec = {}
        for k in ORDER:
            v = r.get(k)
            if v is None or v == [] or (k in {"barcode", "signature"} and not v) or (k == "certain" and v):
                continue
            rec[k] = v
        inventory.append(rec)
    data["inventory"] = inventory
    data["source"]["status"] = status
    data["source"]["inventory"] = source_name
    data["source"]["checked"] = dt.date.today().isoformat()
    data["page_count"] = max([data["page_count"]] + [r["page"] for r in records])

    for p in problems:
        print(f"{map_path.name}: {p}")
    text = dumps(data)
    if check:
        print(f"{map_path.name}: {len(records)} fields read, {len(problems)} problem(s); not written (--check)")
        return 1 if problems else 0
    map_path.write_text(text, encoding="utf-8")
    FormDefModel.model_validate(json.loads(text))
    load_formdef_file(map_path)  # full consistency check
    print(f"{map_path.name}: {len(records)} fields, {len(data['entries'])} entries, {len(problems)} problem(s)")
    return 1 if problems else 0


def dumps(data: dict) -> str:
    """JSON with one entry / inventory record per line, so the map reads (and diffs) like a table."""
    out = ["{"]
    keys = list(data)
    for i, k in enumerate(keys):
        v = data[k]
        comma = "," if i < len(keys) - 1 else ""
        if isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
            out.append(f" {json.dumps(k)}: [")
            for j, x in enumerate(v):
                out.append("  " + json.dumps(x, ensure_ascii=False) + ("," if j < len(v) - 1 else ""))
            out.append(" ]" + comma)
        elif isinstance(v, dict) and any(isinstance(x, (dict, list)) for x in v.values()):
            out.append(f" {json.dumps(k)}: {{")
            sub = list(v)
            for j, kk in enumerate(sub):
                vv = v[kk]
                if isinstance(vv, list) and vv and all(isinstance(x, dict) for x in vv):
                    out.append(f"  {json.dumps(kk)}: [")
                    for m, x in enumerate(vv):
                        out.append("   " + json.dumps(x, ensure_ascii=False) + ("," if m < len(vv) - 1 else ""))
                    out.append("  ]" + ("," if j < len(sub) - 1 else ""))
                else:
                    out.append(f"  {json.dumps(kk)}: {json.dumps(vv, ensure_ascii=False)}" + ("," if j < len(sub) - 1 else ""))
            out.append(" }" + comma)
        elif isinstance(v, dict):
            out.append(f" {json.dumps(k)}: {{")
            sub = list(v)
            for j, kk in enumerate(sub):
                out.append(f"  {json.dumps(kk)}: {json.dumps(v[kk], ensure_ascii=False)}" + ("," if j < len(sub) - 1 else ""))
            out.append(" }" + comma)
        else:
            out.append(f" {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}{comma}")
    out.append("}")
    text = "\n".join(out) + "\n"
    assert json.loads(text) == data
    return text


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    src = ap.add_mutually_exclusive_group()
    src.add_argument("--tsv", type=Path, help="inventory TSV to read")
    src.add_argument("--pdf", type=Path, help="form PDF to read the fields from")
    ap.add_argument("--check", action="store_true", help="report only, do not write")
    ap.add_argument("maps", nargs="+", type=Path)
    args = ap.parse_args(argv)
    rc = 0
    for mp in args.maps:
        if args.pdf:
            records, status = inventory_from_pdf(args.pdf)
            name = f"official PDF {args.pdf.name}"
        else:
            data = json.loads(mp.read_text(encoding="utf-8"))
            tsv = args.tsv or _shared_path(data["source"]["inventory"])
            records, status = inventory_from_tsv(tsv)
            name = data["source"]["inventory"] if not args.tsv else str(args.tsv)
        rc |= sync(mp, records, status, name, check=args.check)
    return rc


if __name__ == "__main__":
    sys.exit(main())
