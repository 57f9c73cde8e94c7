"""Checking and typing the VALUE of `{op: {field: VALUE}}`.

The JSON form is strict: a string is never turned into a number (`"1990"` for `year` is
an error), so a definition means one thing. Accepted conversions, all lossless: an
integral float for an int field (`1990.0` -> 1990), enum values and field names to
lowercase, ISO date/datetime strings to `date`/aware UTC `datetime` (a datetime without
an offset is UTC).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .ast import Scalar, Value
from .fields import Field
from .fields import FieldType as T
from .regex import validate_pattern
from .semantics import as_utc

MAX_TEXT = 1000
MAX_LIST = 1000
MAX_DAYS = 100_000
MAX_NUMBER = 10**15  # exact as a float too; a bigger one cannot be bound on SQLite


class BadValue(ValueError):
    pass


def _is_number(raw: Any) -> bool:
    return isinstance(raw, int | float) and not isinstance(raw, bool)


def _text(raw: Any) -> str:
    if not isinstance(raw, str):
        raise BadValue(f"expected text, got {_describe(raw)}")
    if not raw:
        raise BadValue("empty text; to test for no value use isMissing")
    if len(raw) > MAX_TEXT:
        raise BadValue(f"text longer than {MAX_TEXT} characters")
    if "\x00" in raw:  # PostgreSQL cannot bind it; SQLite's LIKE stops reading at it
        raise BadValue("text cannot hold the NUL character")
    return raw


def _in_range(number: int | float) -> int | float:
    if not -MAX_NUMBER <= number <= MAX_NUMBER:
        raise BadValue(f"numbers in a rule are between -10^15 and 10^15, got {number:g}")
    return number


def _int(raw: Any, field: Field) -> int:
    if not _is_number(raw) or (isinstance(raw, float) and not raw.is_integer()):
        raise BadValue(f"expected a whole number, got {_describe(raw)}")
    value = int(_in_range(raw))
    if field.bounds and not field.bounds[0] <= value <= field.bounds[1]:
        raise BadValue(f"{field.name} is between {field.bounds[0]} and {field.bounds[1]}")
    return value


def _number(raw: Any) -> int | float:
    if not _is_number(raw):
        raise BadValue(f"expected a number, got {_describe(raw)}")
    return _in_range(raw)


def parse_when(raw: Any, type_: T) -> dt.date | dt.datetime:
    """`YYYY-MM-DD` -> date; for datetime fields also an ISO datetime -> aware UTC."""
    if not isinstance(raw, str):
        raise BadValue(f"expected a date like 2024-01-31, got {_describe(raw)}")
    has_time = "T" in raw or " " in raw
    if has_time and type_ is T.DATE:
        raise BadValue(f"expected a date like 2024-01-31, got '{raw}'")
    try:
        when = dt.datetime.fromisoformat(raw) if has_time else dt.date.fromisoformat(raw)
    except ValueError:
        raise BadValue(f"'{raw}' is not an ISO date (2024-01-31) or datetime") from None
    return as_utc(when) if isinstance(when, dt.datetime) else when


def equality_scalar(raw: Any, field: Field) -> Scalar:
    """A value `is`/`in` can compare with."""
    t = field.type
    if t is T.TEXT:
        return _text(raw)
    if t is T.ENUM:
        if not isinstance(raw, str) or raw.lower() not in field.choices:
            raise BadValue(f"expected one of {', '.join(field.choices)}, got {_describe(raw)}")
        return raw.lower()
    if t is T.BOOL:
        if not isinstance(raw, bool):
            raise BadValue(f"expected true or false, got {_describe(raw)}")
        return raw
    if t is T.DYNAMIC:
        if isinstance(raw, bool):
            return raw
        if _is_number(raw):
            return _in_range(raw)
        if isinstance(raw, str):
            return _text(raw)
        raise BadValue(f"expected text, a number or true/false, got {_describe(raw)}")
    return ordered_scalar(raw, field)


def ordered_scalar(raw: Any, field: Field) -> Scalar:
    """A value `gt`/`before`/`inTheRange` can compare with."""
    t = field.type
    if t is T.INT:
        return _int(raw, field)
    if t in (T.NUMBER, T.DYNAMIC):
        return _number(raw)
    return parse_when(raw, t)


def _list(raw: Any, field: Field) -> tuple[Scalar, ...]:
    if not isinstance(raw, list) or not raw:
        raise BadValue(f"expected a non-empty list, got {_describe(raw)}")
    if len(raw) > MAX_LIST:
        raise BadValue(f"list longer than {MAX_LIST} items")
    return tuple(equality_scalar(item, field) for item in raw)


def _range(raw: Any, field: Field) -> tuple[Scalar, Scalar]:
    if not isinstance(raw, list) or len(raw) != 2:
        raise BadValue(f"expected [min, max], got {_describe(raw)}")
    low, high = (ordered_scalar(item, field) for item in raw)
    if isinstance(low, dt.datetime) != isinstance(high, dt.datetime):
        raise BadValue("range ends must both be dates or both be datetimes")
    if low > high:
        raise BadValue(f"range minimum {raw[0]} is above its maximum {raw[1]}")
    return low, high


def _days(raw: Any) -> int:
    if not _is_number(raw) or raw != int(raw) or not 1 <= raw <= MAX_DAYS:
        raise BadValue(f"expected a number of days from 1 to {MAX_DAYS}, got {_describe(raw)}")
    return int(raw)


def coerce_value(op: str, raw: Any, field: Field) -> Value:
    """The typed value for `op` on `field`, or BadValue saying what was expected."""
    if op in ("isMissing", "isPresent"):
        if raw is not True:
            raise BadValue(f"{op} takes true, got {_describe(raw)}")
        return True
    if op in ("is", "isNot"):
        return equality_scalar(raw, field)
    if op in ("in", "notIn"):
        return _list(raw, field)
    if op in ("inTheRange", "notInTheRange"):
        return _range(raw, field)
    if op in ("inTheLast", "notInTheLast"):
        return _days(raw)
    if op in ("matches", "notMatches"):
        pattern = _text(raw)
        problem = validate_pattern(pattern)
        if problem:
            raise BadValue(problem)
        return pattern
    if op in ("contains", "notContains", "startsWith", "endsWith"):
        return _text(raw)
    return ordered_scalar(raw, field)  # gt gte lt lte before after


def _describe(raw: Any) -> str:
    if raw is None:
        return "null"
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, str):
        return f"text '{raw[:40]}'"
    if isinstance(raw, list | dict):
        return "a list" if isinstance(raw, list) else "an object"
    return str(raw)
