"""Field-map expressions (a safe subset of Python) and value formats; see docs/forms.md."""

from __future__ import annotations

import ast
import datetime as dt
import re
from typing import Any, Optional

from packetgen.errors import FormError

# --------------------------------------------------------------------------- expressions

_ALLOWED_NODES = (
    ast.Expression, ast.Name, ast.Attribute, ast.Subscript, ast.Constant, ast.Compare, ast.BoolOp,
    ast.UnaryOp, ast.IfExp, ast.Call, ast.Load, ast.And, ast.Or, ast.Not, ast.Eq, ast.NotEq, ast.In,
    ast.NotIn, ast.Is, ast.IsNot, ast.Gt, ast.Lt, ast.GtE, ast.LtE, ast.List, ast.Tuple, ast.BinOp, ast.Add,
    ast.Sub, ast.USub,
)


def _names_from(people, start=0):
    if not people:
        return None
    rest = list(people)[start:]
    return "; ".join(p.full if hasattr(p, "full") else str(p) for p in rest) or None


def _money(x) -> Optional[str]:
    if x is None:
        return None
    x = float(x)
    return f"${x:,.0f}" if x.is_integer() else f"${x:,.2f}"


def _assets_from(assets, start=0):
    if not assets:
        return None
    rest = list(assets)[start:]
    return "; ".join(f"{a.type}: {_money(a.amount)}" for a in rest) or None


def _physical(person):
    """The person's physical address: as given, or the mailing address when the case says they are the same."""
    if person is None:
        return None
    if person.physical_address is not None:
        return person.physical_address
    return person.mailing_address if person.physical_address_same_as_mailing else None


def _obligations(given, others):
    """I-134 Part 2 Item 13: the other Forms I-134 the supporter signs in this filing, then what the case file says."""
    parts = []
    if others:
        names = "; ".join(getattr(p, "form_name", p.name).full for p in others)
        parts.append(f"Form I-134 for {names}, signed together with this one for the same parole filing")
    if given is not None and (not others or str(given).strip().casefold() not in {"none", "n/a", "none."}):
        parts.append(str(given).strip())
    return "; ".join(parts) or None


FUNCTIONS = {
    "physical": _physical,
    "obligations": _obligations,
    "len": lambda x: len(x) if x is not None else 0,
    "sum": lambda xs: sum(x for x in xs if x is not None) if xs is not None else None,
    "any": lambda xs: any(xs) if xs is not None else False,
    "all": lambda xs: all(xs) if xs is not None else False,
    "str": lambda x: None if x is None else str(x),
    "int": lambda x: None if x is None else int(x),
    "names_from": _names_from,
    "assets_from": _assets_from,
    "money": _money,
    "amounts": lambda xs: [a.amount for a in xs] if xs is not None else None,
}


class Expr:
    """A compiled field-map expression."""

    __slots__ = ("source", "tree", "names")

    def __init__(self, source: str, *, where: str, context: dict[str, str]):
        self.source = source
        try:
            self.tree = ast.parse(source.strip(), mode="eval")
        except SyntaxError as exc:
            raise FormError(f"{where}: '{source}' is not a valid expression ({exc.msg})",
                            fix="correct the expression in the field map")
        names = set()
        for node in ast.walk(self.tree):
            if not isinstance(node, _ALLOWED_NODES):
                raise FormError(f"{where}: '{source}' uses {type(node).__name__}, which field maps do not allow",
                                fix="use names, attributes, [index], comparisons, and/or/not, 'a if c else b'")
            if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
                raise FormError(f"{where}: '{source}' reads a private attribute '{node.attr}'",
                                fix="use the case model's public fields")
            if isinstance(node, ast.BinOp) and not isinstance(node.op, (ast.Add, ast.Sub)):
                raise FormError(f"{where}: '{source}': only + and - are allowed", fix="simplify the expression")
            if isinstance(node, ast.Call):
                if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS or node.keywords:
                    raise FormError(f"{where}: '{source}' calls something other than {', '.join(sorted(FUNCTIONS))}",
                                    fix="use one of the helper functions")
            if isinstance(node, ast.Name) and node.id not in FUNCTIONS and node.id not in {"True", "False", "None"}:
                names.add(node.id)
        unknown = names - set(context)
        if unknown:
            raise FormError(f"{where}: '{source}' uses {', '.join(sorted(unknown))}, not in the map's context",
                            fix=f"use one of: {', '.join(sorted(context))}")
        self.names = names

    def __repr__(self) -> str:
        return f"Expr({self.source!r})"

    def evaluate(self, ctx: dict[str, Any], *, where: str) -> Any:
        return _eval(self.tree.body, ctx, where, self.source)


_CMP = {
    ast.Eq: lambda a, b: a == b, ast.NotEq: lambda a, b: a != b,
    ast.In: lambda a, b: b is not None and a in b, ast.NotIn: lambda a, b: b is None or a not in b,
    ast.Is: lambda a, b: a is b, ast.IsNot: lambda a, b: a is not b,
    ast.Gt: lambda a, b: a is not None and b is not None and a > b,
    ast.Lt: lambda a, b: a is not None and b is not None and a < b,
    ast.GtE: lambda a, b: a is not None and b is not None and a >= b,
    ast.LtE: lambda a, b: a is not None and b is not None and a <= b,
}


def _eval(node, ctx, where, src):
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        if node.id in ctx:
            return ctx[node.id]
        if node.id in FUNCTIONS:
            return FUNCTIONS[node.id]
        raise FormError(f"{where}: '{src}': '{node.id}' is not available for this form",
                        fix="report this bug: the filler does not provide a name the map uses")
    if isinstance(node, ast.Attribute):
        obj = _eval(node.value, ctx, where, src)
        if obj is None:
            return None
        if isinstance(obj, dict):
            return obj.get(node.attr)
        if not hasattr(obj, node.attr):
            raise FormError(f"{where}: '{src}': {type(obj).__name__} has no '{node.attr}'",
                            fix="correct the path in the field map (see 'packetgen schema' for the case fields)")
        return getattr(obj, node.attr)
    if isinstance(node, ast.Subscript):
        obj = _eval(node.value, ctx, where, src)
        key = _eval(node.slice, ctx, where, src)
        if obj is None or key is None:
            return None
        try:
            return obj[key]
        except (IndexError, KeyError):
            return None
        except TypeError:
            raise FormError(f"{where}: '{src}': cannot index {type(obj).__name__} with {key!r}",
                            fix="correct the expression in the field map")
    if isinstance(node, ast.BoolOp):
        if isinstance(node.op, ast.And):
            val = True
            for v in node.values:
                val = _eval(v, ctx, where, src)
                if not val:
                    return val
            return val
        val = None
        for v in node.values:
            val = _eval(v, ctx, where, src)
            if val:
                return val
        return val
    if isinstance(node, ast.UnaryOp):
        v = _eval(node.operand, ctx, where, src)
        if isinstance(node.op, ast.Not):
            return not v
        return None if v is None else -v
    if isinstance(node, ast.Compare):
        left = _eval(node.left, ctx, where, src)
        for op, comp in zip(node.ops, node.comparators):
            right = _eval(comp, ctx, where, src)
            if not _CMP[type(op)](left, right):
                return False
            left = right
        return True
    if isinstance(node, ast.IfExp):
        return _eval(node.body if _eval(node.test, ctx, where, src) else node.orelse, ctx, where, src)
    if isinstance(node, ast.Call):
        fn = FUNCTIONS[node.func.id]
        return fn(*[_eval(a, ctx, where, src) for a in node.args])
    if isinstance(node, (ast.List, ast.Tuple)):
        return [_eval(e, ctx, where, src) for e in node.elts]
    if isinstance(node, ast.BinOp):
        a, b = _eval(node.left, ctx, where, src), _eval(node.right, ctx, where, src)
        if a is None or b is None:
            return None
        return a + b if isinstance(node.op, ast.Add) else a - b
    raise FormError(f"{where}: '{src}': unsupported expression", fix="simplify the expression")  # pragma: no cover


# --------------------------------------------------------------------------- value formats

def _date(v, args):
    if isinstance(v, dt.datetime):
        v = v.date()
    if isinstance(v, dt.date):
        return v.strftime("%m/%d/%Y")
    raise ValueError(f"expected a date, got {v!r}")


def _digits_only(v) -> str:
    return re.sub(r"\D", "", str(v))


def _a_number(v, args):
    d = _digits_only(v)
    if not 7 <= len(d) <= 9:
        raise ValueError(f"an A-Number has 8 or 9 digits, got '{v}'")
    return d.rjust(9, "0")


def _digits(v, args):
    d = _digits_only(v)
    width = args.get("width")
    if width:
        d = d.rjust(int(width), "0")
    if "index" in args:
        i = int(args["index"])
        return d[i] if i < len(d) else ""
    return d


def _text(v, args):
    if isinstance(v, bool):
        return "Yes" if v else "No"
    if isinstance(v, dt.date):
        return v.strftime("%m/%d/%Y")
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return " ".join(str(v).split()) if not args.get("keep_lines") else str(v).strip()


def _paragraphs(v, args):
    """Free text: keep paragraph breaks, collapse other whitespace."""
    paras = [" ".join(p.split()) for p in re.split(r"\n\s*\n|\n", str(v))]
    return "\n".join(p for p in paras if p)


def _phone(v, args):
    """A U.S. number as digits only; an international one (+country) as typed, with its '+' and grouping.

    ``args.plus = false`` (a field whose instructions forbid '+' and separators): 011 + the digits.
    """
    s = " ".join(str(v).split())
    if s.startswith("+") and re.fullmatch(r"\+[\d\s().\-]+", s):
        if args.get("plus", True):
            return s
        return "011" + _digits_only(s)
    return _digits_only(v)


def _int(v, args):
    return str(int(round(float(v))))


def _state(v, args):
    return str(v).strip().upper()


FORMATS = {
    "text": _text,
    "paragraphs": _paragraphs,
    "name": _text,
    "date": _date,
    "a_number": _a_number,
    "phone": lambda v, a: _phone(v, a),
    "digits": _digits,
    "int": _int,
    "money": lambda v, a: _money(v),
    "state": _state,
    "zip": lambda v, a: _digits_only(v)[:5],
    "option": lambda v, a: str(v).strip(),
    "email": lambda v, a: str(v).strip(),
    "bool": lambda v, a: bool(v),
}


def format_value(fmt: str, value: Any, args: Optional[dict] = None) -> Any:
    """Format a case value the way the form expects it (raises ValueError with the reason)."""
    return FORMATS[fmt](value, args or {})
