"""Evaluate a rule over one track's facts in Python.

This is the reference the SQL compiler is held to (see the package docstring): a
positive operator matches when ANY present value satisfies it; a negative operator is
exactly NOT its positive partner; `isMissing`/`isPresent` look at whether any value is
present at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from .ast import Condition, Node, PlaylistRef, Rule
from .facts import TrackFacts, values_of
from .fields import lookup_field
from .operators import NEGATIVE_OF
from .semantics import as_utc, comparable, compiled, cutoff, equal, fold

Test = Callable[[Any, Any, dt.datetime], bool]


def _ordered(test: Callable[[Any, Any], bool]) -> Test:
    def check(value: Any, target: Any, now: dt.datetime) -> bool:
        key = comparable(value, target)
        return key is not None and test(key, target)

    return check


def _text(test: Callable[[str, str], bool]) -> Test:
    def check(value: Any, target: Any, now: dt.datetime) -> bool:
        return isinstance(value, str) and test(fold(value), fold(target))

    return check


def _in_range(value: Any, bounds: Any, now: dt.datetime) -> bool:
    low, high = (comparable(value, b) for b in bounds)
    return low is not None and high is not None and bounds[0] <= low and high <= bounds[1]


def _in_the_last(value: Any, days: Any, now: dt.datetime) -> bool:
    start = cutoff(now, days)
    if isinstance(value, dt.datetime):
        return as_utc(value) >= start
    return value >= start.date()


def _in_playlist(value: Any, ref: PlaylistRef, now: dt.datetime) -> bool:
    playlist_id, name = value
    return playlist_id == ref.id if ref.id is not None else fold(name) == fold(ref.name or "")


POSITIVE: dict[str, Test] = {
    "is": lambda v, t, now: equal(v, t),
    "in": lambda v, t, now: any(equal(v, item) for item in t),
    "gt": _ordered(lambda a, b: a > b),
    "after": _ordered(lambda a, b: a > b),
    "gte": _ordered(lambda a, b: a >= b),
    "lt": _ordered(lambda a, b: a < b),
    "before": _ordered(lambda a, b: a < b),
    "lte": _ordered(lambda a, b: a <= b),
    "inTheRange": _in_range,
    "contains": _text(lambda v, t: t in v),
    "startsWith": _text(lambda v, t: v.startswith(t)),
    "endsWith": _text(lambda v, t: v.endswith(t)),
    "matches": lambda v, t, now: isinstance(v, str) and bool(compiled(t).search(v)),
    "inTheLast": _in_the_last,
    "inPlaylist": _in_playlist,
}


def condition_holds(cond: Condition, facts: TrackFacts, now: dt.datetime) -> bool:
    field = lookup_field(cond.field)
    if field is None:
        raise ValueError(f"unknown field {cond.field!r}; parse rules with parse_rule")
    values = values_of(field, facts)
    if cond.op in ("isMissing", "isPresent"):
        return (not values) == (cond.op == "isMissing")
    positive = NEGATIVE_OF.get(cond.op, cond.op)
    test = POSITIVE[positive]
    found = any(test(value, cond.value, now) for value in values)
    return found if positive == cond.op else not found


def evaluate(rule_or_node: Rule | Node, facts: TrackFacts, now: dt.datetime) -> bool:
    """Whether the track is selected (sort and limit aside)."""
    node = rule_or_node.root if isinstance(rule_or_node, Rule) else rule_or_node
    if isinstance(node, Condition):
        return condition_holds(node, facts, now)
    results = (evaluate(child, facts, now) for child in node.children)
    return all(results) if node.kind == "all" else any(results)
