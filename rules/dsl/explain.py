"""Human explanations: "why is this track in (or out)?"."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .ast import Condition, Group, Node, PlaylistRef, Rule, Value
from .evaluate import condition_holds, evaluate
from .facts import TrackFacts, values_of
from .fields import lookup_field
from .parse import value_json

PHRASES = {
    "is": "is",
    "isNot": "is not",
    "gt": ">",
    "gte": ">=",
    "lt": "<",
    "lte": "<=",
    "before": "before",
    "after": "after",
    "contains": "contains",
    "notContains": "does not contain",
    "startsWith": "starts with",
    "endsWith": "ends with",
    "matches": "matches",
    "notMatches": "does not match",
    "in": "is one of",
    "notIn": "is not one of",
    "inTheRange": "in",
    "notInTheRange": "not in",
    "inTheLast": "in the last",
    "notInTheLast": "not in the last",
    "isMissing": "is missing",
    "isPresent": "is present",
}
MAX_SHOWN = 5


def show(value: Value | Any) -> str:
    """A value as a person reads it: `house`, `"Road Trip"`, `2024-01-31`, `true`."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, PlaylistRef):
        return f"#{value.id}" if value.id is not None else show(value.name)
    if isinstance(value, dt.date):
        return value_json(value)
    if isinstance(value, str):
        text = value if len(value) <= 60 else value[:57] + "..."
        return f'"{text}"' if not text or any(c.isspace() for c in text) else text
    return str(value)


def describe(cond: Condition) -> str:
    """`year in 1990..1999`, `genre contains house`, `not in playlist "Road Trip"`."""
    if cond.op in ("inPlaylist", "notInPlaylist"):
        prefix = "in" if cond.op == "inPlaylist" else "not in"
        return f"{prefix} playlist {show(cond.value)}"
    phrase, value = PHRASES[cond.op], cond.value
    if cond.op in ("isMissing", "isPresent"):
        return f"{cond.field} {phrase}"
    if cond.op in ("inTheRange", "notInTheRange"):
        return f"{cond.field} {phrase} {show(value[0])}..{show(value[1])}"
    if cond.op in ("inTheLast", "notInTheLast"):
        return f"{cond.field} {phrase} {value} days"
    if isinstance(value, tuple):
        return f"{cond.field} {phrase} " + ", ".join(show(v) for v in value)
    return f"{cond.field} {phrase} {show(value)}"


def _track_values(cond: Condition, facts: TrackFacts) -> str:
    field = lookup_field(cond.field)
    values = values_of(field, facts) if field else []
    if field and field.name == "playlist":
        values = [name for _, name in values]
    if not values:
        return f"track has no {cond.field}"
    shown = ", ".join(show(v) for v in values[:MAX_SHOWN])
    more = f" and {len(values) - MAX_SHOWN} more" if len(values) > MAX_SHOWN else ""
    return f"track: {shown}{more}"


def _lines(node: Node, facts: TrackFacts, now: dt.datetime, depth: int) -> list[str]:
    pad = "  " * depth
    if isinstance(node, Condition):
        verdict = "matched" if condition_holds(node, facts, now) else "failed"
        return [f"{pad}{verdict}: {describe(node)} ({_track_values(node, facts)})"]
    verdict = "matched" if evaluate(node, facts, now) else "failed"
    lines = [f"{pad}{verdict}: {'all' if node.kind == 'all' else 'any'} of"]
    for child in node.children:
        lines.extend(_lines(child, facts, now, depth + 1))
    return lines


def explain(rule: Rule | Group, facts: TrackFacts, now: dt.datetime) -> list[str]:
    """One line per group and condition, indented, each `matched:` or `failed:`.

    The first line is the verdict for the whole rule (sort and limit aside).
    """
    root = rule.root if isinstance(rule, Rule) else rule
    return _lines(root, facts, now, 0)
