"""A rule's groups and conditions -> one Django `Q` over `library.Track`.

Follows the contract in `rules.dsl` exactly. A positive condition never yields NULL: on a
single-valued field it is `value IS NOT NULL [AND value <> ''] AND test`, on a
multi-valued field (and enrichments) it is EXISTS over the related rows. A negative
operator is NOT of its positive partner, so a missing value matches it; `isMissing` is
NOT `isPresent`. Values are typed by the parser and always bound as parameters.
"""

import datetime as dt
import functools
import operator
from collections.abc import Iterable
from typing import Any

from django.db.models import Exists, F, Q, Value
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

from rules.dsl import Condition, Node, PlaylistRef
from rules.dsl.facts import is_number
from rules.dsl.fields import Field, FieldType, lookup_field
from rules.dsl.operators import NEGATIVE_OF
from rules.dsl.semantics import cutoff, fold

from .expressions import Fold, GenreAny, GenreElement, JsonValue, Matches
from .sources import COLUMNS, RELATED, Scope, enrichments, playlist_entries

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
ORDERED = {
    "gt": GreaterThan,
    "after": GreaterThan,
    "gte": GreaterThanOrEqual,
    "lt": LessThan,
    "before": LessThan,
    "lte": LessThanOrEqual,
}


def present(value, family: str) -> Q:
    """The value is there: not NULL, and for text not empty."""
    found = Q(IsNull(value, False))
    return found & ~Q(Exact(value, "")) if family == "text" else found


def _text_test(op: str, value, x: Any) -> Q:
    if op == "is":
        return Q(Exact(Fold(value), fold(x)))
    if op == "in":
        return Q(In(Fold(value), sorted({fold(item) for item in x})))
    if op == "matches":
        return Q(Matches(value, x))
    return Q(TEXT_LOOKUPS[op](Fold(value), fold(x)))


def _plain_test(op: str, value, x: Any) -> Q:
    """Numbers, booleans and calendar dates: compared as they are."""
    if op == "is":
        return Q(Exact(value, x))
    if op == "in":
        return Q(In(value, list(x)))
    if op == "inTheRange":
        return Q(GreaterThanOrEqual(value, x[0])) & Q(LessThanOrEqual(value, x[1]))
    return Q(ORDERED[op](value, x))


def _midnight(day: dt.date, days_later: int = 0) -> dt.datetime | None:
    """00:00 UTC of `day` (+ days); None past the calendar's end."""
    try:
        day = day + dt.timedelta(days=days_later)
    except OverflowError:
        return None
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def _since(value, when: dt.datetime | None) -> Q:
    return Q(GreaterThanOrEqual(value, when)) if when is not None else NOTHING


def _until(value, when: dt.datetime | None) -> Q:
    """value < when; no bound when `when` is past the calendar's end."""
    return Q(LessThan(value, when)) if when is not None else Q()


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
        return Q(LessThan(value, _midnight(x)))
    return _until(value, _midnight(x, 1))  # lte


def value_test(op: str, value, x: Any, family: str, now: dt.datetime) -> Q:
    """`value op x` for a present value of this family (text, number, bool, date, datetime)."""
    if op == "inTheLast":
        start = cutoff(now, x)
        return Q(GreaterThanOrEqual(value, start if family == "datetime" else start.date()))
    if family == "text":
        return _text_test(op, value, x)
    if family == "datetime":
        return _instant_test(op, value, x)
    return _plain_test(op, value, x)


def _json_kind(x: Any) -> str:
    if isinstance(x, bool):
        return "bool"
    return "number" if is_number(x) else "string"


def _json_test(op: str, x: Any, key: str, now: dt.datetime) -> Q:
    """An enrichment value: x's JSON type decides what it compares with."""
    if op == "in":
        return _any(_json_test("is", item, key, now) for item in x)
    if op == "isPresent":
        return _any(present(JsonValue(F("data"), key, k), _family(k)) for k in KIND_FAMILY)
    sample = x[0] if op == "inTheRange" else x
    kind = _json_kind(sample)
    value = JsonValue(F("data"), key, kind)
    return present(value, _family(kind)) & value_test(op, value, x, _family(kind), now)


KIND_FAMILY = {"number": "number", "string": "text", "bool": "bool"}


def _family(kind: str) -> str:
    return KIND_FAMILY[kind]


def _any(parts: Iterable[Q]) -> Q:
    return functools.reduce(operator.or_, parts, NOTHING)


def _playlist_rows(scope: Scope, ref: PlaylistRef):
    entries = playlist_entries(scope)
    if ref.id is not None:
        return entries.filter(playlist_id=ref.id)
    return entries.filter(Exact(Fold(F("playlist__name")), fold(ref.name or "")))


def positive(op: str, field: Field, x: Any, scope: Scope, now: dt.datetime) -> Q:
    """The positive condition `op` (or `isPresent`) on `field`; never NULL."""
    if field.type is FieldType.PLAYLIST:
        return Q(Exists(_playlist_rows(scope, x)))
    if field.type is FieldType.DYNAMIC:
        provider, _, key = field.name.partition(".")
        return Q(Exists(enrichments(provider).filter(_json_test(op, x, key, now))))
    testing = op != "isPresent"
    if field.name == "genre":
        check = value_test(op, GenreElement(), x, "text", now) if testing else None
        return Q(Exists(enrichments().filter(GenreAny(F("data"), check))))
    family = FAMILY[field.type]

    def holds(value) -> Q:
        found = present(value, family)
        return found & value_test(op, value, x, family, now) if testing else found

    if field.name in RELATED:
        related = RELATED[field.name]
        return Q(Exists(related.rows(scope).filter(holds(F(related.value)))))
    return holds(COLUMNS[field.name](scope))


def condition_q(cond: Condition, scope: Scope, now: dt.datetime) -> Q:
    field = lookup_field(cond.field)
    if field is None:
        raise ValueError(f"unknown field {cond.field!r}; parse rules with parse_rule")
    if cond.op in ("isPresent", "isMissing"):
        found = positive("isPresent", field, True, scope, now)
        return found if cond.op == "isPresent" else ~found
    partner = NEGATIVE_OF.get(cond.op)
    if partner is not None:
        return ~positive(partner, field, cond.value, scope, now)
    return positive(cond.op, field, cond.value, scope, now)


def node_q(node: Node, scope: Scope, now: dt.datetime) -> Q:
    """A group or condition as a Q; an empty `all` is Q() (every track)."""
    if isinstance(node, Condition):
        return condition_q(node, scope, now)
    parts = [node_q(child, scope, now) for child in node.children]
    if node.kind == "any":
        return _any(parts)
    return functools.reduce(operator.and_, parts, Q())
