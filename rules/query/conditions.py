"""A rule's groups and conditions -> one Django `Q` over `library.Track`.

Follows the contract in `rules.dsl` exactly. A positive condition never yields NULL: on a
single-valued field it is `value IS NOT NULL [AND value <> ''] AND test`; on a
multi-valued field (and enrichments, dateadded) it is membership in a set of tracks. A
negative operator is NOT of its positive partner, so a missing value matches it;
`isMissing` is NOT `isPresent`. Values are typed by the parser and always bound.

How each part runs is planned here too (rules.query.planning): children go cheapest
first, and an enrichment test that follows a narrowing sibling is checked per surviving
track instead of over every enrichment row.
"""

import dataclasses
import datetime as dt
import functools
import operator
from collections.abc import Iterable
from typing import Any

from django.db.models import F, Q
from django.db.models.lookups import Exact

from rules.dsl import Condition, Node, PlaylistRef
from rules.dsl.facts import is_number
from rules.dsl.fields import Field, FieldType, lookup_field
from rules.dsl.operators import NEGATIVE_OF
from rules.dsl.semantics import fold

from .comparisons import FAMILY, present, value_test
from .dates import Earliest
from .expressions import Fold
from .jsonsql import GenreElement, JsonValue
from .planning import cost, narrows
from .scope import Scope
from .sources import (
    ALBUM_COLUMNS,
    COLUMNS,
    RELATED,
    in_playlists,
    on_album,
    with_enrichment,
    with_genre,
)

KIND_FAMILY = {"number": "number", "string": "text", "bool": "bool"}


@dataclasses.dataclass(frozen=True)
class Context:
    scope: Scope
    now: dt.datetime
    narrowed: bool = False  # a cheaper, selective sibling runs first: few tracks get here


def _json_kind(x: Any) -> str:
    if isinstance(x, bool):
        return "bool"
    return "number" if is_number(x) else "string"


def _json_test(op: str, x: Any, key: str, now: dt.datetime) -> Q:
    """An enrichment row's `key`: x's JSON type decides what it compares with."""
    if op == "in":
        return _any(_json_test("is", item, key, now) for item in x)
    if op == "isPresent":
        kinds = [(JsonValue(F("data"), key, k), family) for k, family in KIND_FAMILY.items()]
        return _any(present(value, family) for value, family in kinds)
    kind = _json_kind(x[0] if op == "inTheRange" else x)
    value, family = JsonValue(F("data"), key, kind), KIND_FAMILY[kind]
    test = value_test(op, value, x, family, now)
    # A set keeps only rows where the test is TRUE, so NULL needs no guard; an empty text
    # fails every test but a regex (and each JSON call parses the data again: call few).
    return present(value, family) & test if op == "matches" else test


def _any(parts: Iterable[Q]) -> Q:
    return functools.reduce(operator.or_, parts)


def _in_playlist(scope: Scope, ref: PlaylistRef) -> Q:
    if ref.id is not None:
        return in_playlists(scope, Q(playlist_id=ref.id))
    return in_playlists(scope, Q(Exact(Fold(F("playlist__name")), fold(ref.name or ""))))


def _needles(op: str, x: Any) -> tuple[str, ...]:
    """Folded texts one of which every matching text contains (a cheap first look at
    stored JSON); () when the op promises none or a value is not text."""
    items = (x,) if op in ("is", "contains", "startsWith", "endsWith") else ()
    items = tuple(x) if op == "in" else items
    return tuple(fold(i) for i in items) if all(isinstance(i, str) for i in items) else ()


def positive(op: str, field: Field, x: Any, ctx: Context) -> Q:
    """The positive condition `op` (or `isPresent`) on `field`; never NULL."""
    scope, now, testing = ctx.scope, ctx.now, op != "isPresent"
    if field.type is FieldType.PLAYLIST:
        return _in_playlist(scope, x)
    if field.type is FieldType.DYNAMIC:
        test = _json_test(op, x, field.name.partition(".")[2], now)
        return with_enrichment(field.name, test, _needles(op, x), ctx.narrowed)
    if field.name == "genre":
        check = value_test(op, GenreElement(), x, "text", now) if testing else None
        return with_genre(check, _needles(op, x) if testing else (), ctx.narrowed)
    family = FAMILY[field.type]

    def holds(value) -> Q:
        found = present(value, family)
        return found & value_test(op, value, x, family, now) if testing else found

    if field.name in RELATED:
        return RELATED[field.name].having(scope, holds)
    if field.name in ALBUM_COLUMNS:
        return on_album(ALBUM_COLUMNS[field.name], holds)
    if field.name == "dateadded":  # its comparisons imply presence
        earliest = Earliest(scope)
        return value_test(op, earliest, x, family, now) if testing else earliest.present()
    return holds(COLUMNS[field.name](scope))


def condition_q(cond: Condition, ctx: Context) -> Q:
    field = lookup_field(cond.field)
    if field is None:
        raise ValueError(f"unknown field {cond.field!r}; parse rules with parse_rule")
    if cond.op in ("isPresent", "isMissing"):
        found = positive("isPresent", field, True, ctx)
        return found if cond.op == "isPresent" else ~found
    partner = NEGATIVE_OF.get(cond.op)
    if partner is not None:
        return ~positive(partner, field, cond.value, ctx)
    return positive(cond.op, field, cond.value, ctx)


def node_q(node: Node, ctx: Context) -> Q:
    """A group or condition as a Q; an empty `all` is Q() (every track).

    Children go cheapest first: AND and OR are commutative here (no part is ever NULL),
    and the database stops at the first part that decides a row.
    """
    if isinstance(node, Condition):
        return condition_q(node, ctx)
    children = sorted(node.children, key=cost)
    if node.kind == "any":
        return _any(node_q(child, ctx) for child in children)
    parts = []
    for child in children:
        narrowed = ctx.narrowed or narrows(children, child)
        parts.append(node_q(child, dataclasses.replace(ctx, narrowed=narrowed)))
    return functools.reduce(operator.and_, parts, Q())
