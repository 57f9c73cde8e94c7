"""The comparison primitives, shared by the evaluator and meant for the SQL compiler.

`fold` is the one definition of "ignoring case": the SQL side must apply the same
folding (see the package docstring for how).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Any

from .facts import is_number
from .regex import python_pattern


def fold(text: str) -> str:
    """Case folding for every text comparison: Python's `str.lower()`."""
    return text.lower()


def as_utc(when: dt.datetime) -> dt.datetime:
    """A naive datetime is taken to be UTC."""
    return when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when.astimezone(dt.UTC)


def cutoff(now: dt.datetime, days: int) -> dt.datetime:
    """`inTheLast N` keeps values at or after this instant (dates: its UTC date)."""
    return as_utc(now) - dt.timedelta(days=days)


@functools.lru_cache(maxsize=256)
def compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(python_pattern(pattern))


def comparable(value: Any, target: Any) -> Any:
    """`value` in the terms of `target`, or None when they cannot be compared.

    Numbers compare with numbers only. A datetime compared with a date compares by its
    UTC calendar day, so `dateadded after 2024-01-31` means from February 1st on.
    """
    if is_number(target):
        return value if is_number(value) else None
    if isinstance(target, dt.datetime):
        return as_utc(value) if isinstance(value, dt.datetime) else None
    if isinstance(target, dt.date):
        if isinstance(value, dt.datetime):
            return as_utc(value).date()
        return value if isinstance(value, dt.date) else None
    return None


def equal(value: Any, target: Any) -> bool:
    """`is`: same type family and equal; text ignoring case."""
    if isinstance(target, bool):
        return isinstance(value, bool) and value == target
    if isinstance(target, str):
        return isinstance(value, str) and fold(value) == fold(target)
    key = comparable(value, target)
    return key is not None and key == target
