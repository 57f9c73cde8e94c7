"""AST -> the short text form, for rules the text form can say; None for the rest.

Not expressible (None): `in`, `notIn`, `startsWith`, `endsWith`, `isMissing`,
`isPresent`, and an `any` group of one member; but `{"any": [{"lte": {"year": 2000}},
{"isMissing": {"year": true}}]}` is what `-year:>2000` parses to, and is said so.
Rendering mirrors `text.py`'s structure rules, so `parse_query(render_query(r)) == r`
whenever it is not None.
"""

from __future__ import annotations

import datetime as dt

from .ast import Condition, Group, Node, PlaylistRef, Rule, Scalar
from .fields import FieldType, lookup_field
from .lexer import KEYWORDS
from .operators import NEGATIVE_OF
from .parse import sort_text, value_json
from .terms import BARE_FIELDS, COMPARISONS, to_number

SAYABLE = frozenset(
    ("is", "contains", "matches", "gt", "gte", "lt", "lte", "before", "after")
    + ("inTheRange", "inTheLast", "inPlaylist")
)
# text `is` needs `=`: a bare `field:value` on these is `contains`
TYPED_BY_EQUALS = (FieldType.TEXT, FieldType.DYNAMIC)
SYMBOLS = {op: symbol for symbol, op in COMPARISONS.items()} | {"after": ">", "before": "<"}
# the comparison whose NOT (or no value) each one is, as `-field:SYMBOL` says it
NEGATED_SYMBOLS = {"lte": ">", "lt": ">=", "before": ">=", "gte": "<", "gt": "<=", "after": "<="}


class _Inexpressible(Exception):
    pass


def _quote(text: str) -> str:
    """Quoted, escaping only what the lexer would misread: `"`, and `\\` before `\\`/`"`/end."""
    out = []
    for i, c in enumerate(text):
        follows = text[i + 1] if i + 1 < len(text) else '"'
        out.append("\\" + c if c == '"' or (c == "\\" and follows in '\\"') else c)
    return '"' + "".join(out) + '"'


def _safe_bare(text: str) -> bool:
    return bool(text) and not (
        text in KEYWORDS
        or text[0] in "-=~<>#"
        or ".." in text
        or any(c.isspace() or c in '()"' for c in text)
    )


def _scalar(value: Scalar, loose: bool = False) -> str:
    """`loose`: on PROVIDER.KEY fields, where an unquoted number or true/false is typed."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dt.date):
        return value_json(value)
    looks_typed = loose and (to_number(value) is not None or value.lower() in ("true", "false"))
    return value if _safe_bare(value) and not looks_typed else _quote(value)


def _positive(op: str, cond: Condition) -> str:
    if op not in SAYABLE:
        raise _Inexpressible(op)
    field, value = cond.field, cond.value
    if isinstance(value, PlaylistRef):
        ref = f"#{value.id}" if value.id is not None else _scalar(value.name or "")
        return f"playlist:{ref}"
    spec = lookup_field(field)
    loose = spec is not None and spec.type is FieldType.DYNAMIC
    if op == "inTheRange":
        low, high = value
        return f"{field}:{_scalar(low)}..{_scalar(high)}"
    if op == "inTheLast":
        return f"{field}:-{value}d.."
    if op == "matches":
        return f"{field}:~{_scalar(value)}"
    if op in SYMBOLS and op != "is":
        return f"{field}:{SYMBOLS[op]}{_scalar(value)}"
    text = _scalar(value, loose)
    if op == "contains":
        return f"{field}:{text}"
    textual = isinstance(value, str) and spec is not None and spec.type in TYPED_BY_EQUALS
    return f"{field}:={text}" if textual else f"{field}:{text}"  # op is "is"


def _condition(cond: Condition) -> str:
    positive = NEGATIVE_OF.get(cond.op)
    if positive is not None:
        return "-" + _positive(positive, cond)
    return _positive(cond.op, cond)


def _bare_word(group: Group) -> str | None:
    """`daft` for the any-of-title/artist/album group a bare word stands for."""
    kids = group.children
    if group.kind != "any" or len(kids) != len(BARE_FIELDS):
        return None
    if not all(isinstance(k, Condition) and k.op == "contains" for k in kids):
        return None
    values = {k.value for k in kids}
    if [k.field for k in kids] != list(BARE_FIELDS) or len(values) != 1:
        return None
    value = values.pop()
    return value if _safe_bare(value) and ":" not in value else _quote(value)


def _not_compared(group: Group) -> str | None:
    """`-year:>2000` for the group it parses to: the opposite comparison, or no value."""
    if group.kind != "any" or len(group.children) != 2:
        return None
    compared, missing = group.children
    if not (isinstance(compared, Condition) and isinstance(missing, Condition)):
        return None
    spec = lookup_field(compared.field)
    if compared.op not in NEGATED_SYMBOLS or spec is None or spec.type is FieldType.DYNAMIC:
        return None
    if (missing.op, missing.field, missing.value) != ("isMissing", compared.field, True):
        return None
    return f"-{compared.field}:{NEGATED_SYMBOLS[compared.op]}{_scalar(compared.value)}"


def _term(node: Node) -> str:
    if isinstance(node, Condition):
        return _condition(node)
    return _bare_word(node) or _not_compared(node) or f"({_inner(node)})"


def _alternative(node: Node) -> str:
    if isinstance(node, Group) and node.kind == "all" and len(node.children) > 1:
        return " ".join(_term(child) for child in node.children)
    return _term(node)


def _inner(group: Group) -> str:
    if group.kind == "all":
        return " ".join(_term(child) for child in group.children)
    if len(group.children) < 2:
        raise _Inexpressible("any of one")
    return " OR ".join(_alternative(child) for child in group.children)


def render_query(rule: Rule) -> str | None:
    """The text form of a rule, or None when the text form cannot express it."""
    try:
        body = _inner(rule.root)
    except _Inexpressible:
        return None
    parts = [body] if body else []
    if rule.sort:
        parts.append(f"sort:{sort_text(rule.sort)}")
    if rule.limit is not None:
        parts.append(f"limit:{rule.limit}")
    return " ".join(parts)
