"""Comparisons of one value with a rule's value, as `Q`s, typed by the field's family.

`value` is an expression (a column, a JSON value, one genre of a list) or an object that
knows how to compare itself (sources.Earliest: `dateadded` as sets). Tests are written for
present values: callers guard with `present` where a NULL could leak through a negation.
"""

import datetime as dt
from typing import Any

from django.db.models import Q, Value
from django.db.models.lookups import (
    Contains,
    EndsWith,
    Exact,
    GreaterThan,
    GreaterThanOrEqual,
    In,
    IsNull,
    LessThan,
    LessThanOrEqual,
    StartsWith,
)

from rules.dsl.fields import FieldType
from rules.dsl.semantics import cutoff, fold

from .expressions import Matches, StoredText, folded

NOTHING = Q(Value(False))
FAMILY = {
    FieldType.TEXT: "text",
    FieldType.ENUM: "text",
    FieldType.INT: "number",
    FieldType.NUMBER: "number",
    FieldType.BOOL: "bool",
    FieldType.DATE: "date",
    FieldType.DATETIME: "datetime",
}
TEXT_LOOKUPS = {"contains": Contains, "startsWith": StartsWith, "endsWith": EndsWith}


def present(value, family: str) -> Q:
    """The value is there: not NULL, and for text not empty."""
    if hasattr(value, "present"):
        return value.present()
    found = Q(IsNull(value, False))
    return found & ~Q(Exact(value, "")) if family == "text" else found


def _text_test(op: str, value, x: Any) -> Q:
    if op == "is":
        return Q(Exact(folded(value), fold(x)))
    if op == "in":
        return Q(In(folded(value), sorted({fold(item) for item in x})))
    if op == "matches":
        return Q(Matches(value.text if isinstance(value, StoredText) else value, x))
    return Q(TEXT_LOOKUPS[op](folded(value, like=fold(x)), fold(x)))


LOOKUPS = {
    "=": Exact,
    ">": GreaterThan,
    ">=": GreaterThanOrEqual,
    "<": LessThan,
    "<=": LessThanOrEqual,
}
SYMBOL = {"is": "=", "gt": ">", "after": ">", "gte": ">=", "lt": "<", "before": "<", "lte": "<="}


def compare(value, symbol: str, x: Any) -> Q:
    """`value symbol x`; a value that knows better (Earliest) compares itself."""
    if hasattr(value, "compare"):
        return value.compare(symbol, x)
    return Q(LOOKUPS[symbol](value, x))


def _plain_test(op: str, value, x: Any) -> Q:
    """Numbers, booleans, calendar dates and instants: compared as they are."""
    if op == "in":
        return Q(In(value, list(x)))
    if op == "inTheRange":
        return compare(value, ">=", x[0]) & compare(value, "<=", x[1])
    return compare(value, SYMBOL[op], x)


def _midnight(day: dt.date, days_later: int = 0) -> dt.datetime | None:
    """00:00 UTC of `day` (+ days); None past the calendar's end."""
    try:
        day = day + dt.timedelta(days=days_later)
    except OverflowError:
        return None
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def _since(value, when: dt.datetime | None) -> Q:
    return compare(value, ">=", when) if when is not None else NOTHING


def _until(value, when: dt.datetime | None) -> Q:
    """value < when; no bound when `when` is past the calendar's end."""
    return compare(value, "<", when) if when is not None else Q()


def _instant_test(op: str, value, x: Any) -> Q:
    """Datetime fields: instants compare as they are; a date x stands for its UTC day."""
    low = x[0] if op == "inTheRange" else x
    if isinstance(low, dt.datetime):
        return _plain_test(op, value, x)
    if op == "inTheRange":
        return _since(value, _midnight(x[0])) & _until(value, _midnight(x[1], 1))
    if op == "is":
        return _since(value, _midnight(x)) & _until(value, _midnight(x, 1))
    if op in ("gt", "after"):
        return _since(value, _midnight(x, 1))
    if op == "gte":
        return _since(value, _midnight(x))
    if op in ("lt", "before"):
        return compare(value, "<", _midnight(x))
    return _until(value, _midnight(x, 1))  # lte


def value_test(op: str, value, x: Any, family: str, now: dt.datetime) -> Q:
    """`value op x` for a present value of this family (text, number, bool, date, datetime)."""
    if op == "inTheLast":
        start = cutoff(now, x)
        return compare(value, ">=", start if family == "datetime" else start.date())
    if family == "text":
        return _text_test(op, value, x)
    if family == "datetime":
        return _instant_test(op, value, x)
    return _plain_test(op, value, x)
