"""Spotify's `fields` filter: `a,b.c,items(added_at,item(name,album(!images)))`.

A dot reaches into one object, parentheses list several sub-fields, `!` excludes a field.
Filters apply to each element of a list. Applying it (rather than ignoring it) lets tests
catch a client that reads a field it did not ask for.
"""

from __future__ import annotations

import re

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

# (included name -> sub-filter or None for the whole value, excluded names)
Spec = tuple[dict[str, "Spec | None"], frozenset[str]]


def parse_fields(text: str) -> Spec:
    """Parse a fields expression; ValueError if it is malformed."""
    text = text.replace(" ", "")
    spec, pos = _list(text, 0)
    if pos != len(text):
        raise ValueError(f"unexpected {text[pos:]!r}")
    return spec


def apply_fields(value: object, spec: Spec | None) -> object:
    if spec is None or value is None:
        return value
    if isinstance(value, list):
        return [apply_fields(v, spec) for v in value]
    if not isinstance(value, dict):
        return value
    included, excluded = spec
    if included:
        return {k: apply_fields(value[k], sub) for k, sub in included.items() if k in value}
    return {k: v for k, v in value.items() if k not in excluded}


def _list(text: str, pos: int) -> tuple[Spec, int]:
    included: dict[str, Spec | None] = {}
    excluded: set[str] = set()
    while True:
        negate, name, sub, pos = _item(text, pos)
        if negate:
            excluded.add(name)
        else:
            included[name] = _merge(included[name], sub) if name in included else sub
        if not text.startswith(",", pos):
            return (included, frozenset(excluded)), pos
        pos += 1


def _item(text: str, pos: int) -> tuple[bool, str, Spec | None, int]:
    negate = text.startswith("!", pos)
    match = _NAME.match(text, pos + negate)
    if not match:
        raise ValueError(f"expected a field name at {pos}")
    pos, sub = match.end(), None
    if text.startswith(".", pos):
        inner_negate, name, inner, pos = _item(text, pos + 1)
        sub = ({}, frozenset({name})) if inner_negate else ({name: inner}, frozenset())
    elif text.startswith("(", pos):
        sub, pos = _list(text, pos + 1)
        if not text.startswith(")", pos):
            raise ValueError(f"expected ')' at {pos}")
        pos += 1
    return negate, match.group(), sub, pos


def _merge(a: Spec | None, b: Spec | None) -> Spec | None:
    """`x.a,x.b` asks for both a and b of x; a bare `x` asks for all of it."""
    if a is None or b is None:
        return None
    included = dict(a[0])
    for name, sub in b[0].items():
        included[name] = _merge(included[name], sub) if name in included else sub
    return included, a[1] | b[1]
