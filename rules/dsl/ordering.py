"""`sort` and `limit` in Python, defined to match the SQL `ORDER BY ... LIMIT` exactly.

For each sort key in turn: present values first, in ascending or descending order;
missing values last whatever the direction. Text compares by `fold(value)` code point
by code point (PostgreSQL: `COLLATE "C"`). artist and albumartist sort by the track's
first non-empty name in credit order (its primary artist). `PROVIDER.KEY` sorts as two
keys in one: its number, then its text (folded), so numbers come first, then text, then
the rest (booleans too) as missing, in either direction. false sorts before true;
datetimes compare as UTC instants. Ties left after every key are broken by track `id`,
ascending (so every track needs an `id`). `random` shuffles (the order is not meant to
match SQL) and then limits.
"""

from __future__ import annotations

import functools
import random
from typing import Any

from .ast import Rule, SortKey
from .facts import TrackFacts, is_number, values_of
from .fields import FieldType, lookup_field
from .semantics import as_utc, fold


def sort_values(key: SortKey, facts: TrackFacts) -> tuple[Any, ...]:
    """What a track sorts by for one key: its value, or for `PROVIDER.KEY` its number and
    its folded text; None where it sorts as missing."""
    field = lookup_field(key.field)
    if field is None:
        raise ValueError(f"unknown sort field {key.field!r}")
    values = values_of(field, facts)
    value = values[0] if values else None
    if field.type is FieldType.DYNAMIC:
        text = fold(value) if isinstance(value, str) else None
        return (value if is_number(value) else None, text)
    if isinstance(value, str):
        return (fold(value),)
    if field.type is FieldType.DATETIME and value is not None:
        return (as_utc(value),)
    return (value,)


def _compare(keys: tuple[SortKey, ...], a: TrackFacts, b: TrackFacts) -> int:
    for key in keys:
        for left, right in zip(sort_values(key, a), sort_values(key, b), strict=True):
            if left is None or right is None:
                if (left is None) != (right is None):
                    return 1 if left is None else -1
                continue
            if left != right:
                order = -1 if left < right else 1
                return -order if key.descending else order
    return (a["id"] > b["id"]) - (a["id"] < b["id"])


def sort_and_limit(
    rule: Rule, tracks: list[TrackFacts], rng: random.Random | None = None
) -> list[TrackFacts]:
    """The selected tracks in the rule's order, cut to its limit (a new list)."""
    ordered = list(tracks)
    if rule.sort == "random":
        (rng or random.Random()).shuffle(ordered)
    else:
        keys = rule.sort
        ordered.sort(key=functools.cmp_to_key(lambda a, b: _compare(keys, a, b)))
    return ordered[: rule.limit] if rule.limit is not None else ordered
