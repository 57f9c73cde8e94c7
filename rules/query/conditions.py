"""A rule's groups and conditions -> one Django `Q` over `library.Track`.

Follows the contract in `rules.dsl` exactly. A positive condition never yields NULL: on a
single-valued field it is `value IS NOT NULL [AND value <> ''] AND test`; on a
multi-valued field (and enrichments, dateadded) it is membership in a set of tracks;
enrichments are read from their typed rows (rules.EnrichmentValue), never parsed here. A
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

from django.db.models import F, Q, QuerySet
from django.db.models.lookups import Exact

from rules.dsl import Condition, Node, PlaylistRef
from rules.dsl.facts import is_number
from rules.dsl.fields import Field, FieldType, lookup_field
from rules.dsl.operators import NEGATIVE_OF
from rules.dsl.semantics import fold
from rules.models import EnrichmentValue

from .comparisons import FAMILY, present, value_test
from .dates import Earliest
from .expressions import Fold, StoredText
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

STORED = StoredText(F("text"), F("folded"))
Kind = EnrichmentValue.Kind


@dataclasses.dataclass(frozen=True)
class Context:
    scope: Scope
    now: dt.datetime
    narrowed: bool = False  # a cheaper, selective sibling runs first: few tracks get here
    # The database reads tracks in the rule's order from an index and stops at the limit:
    # every set is then asked per track, or SQLite would start from a set instead.
    walking: bool = False

    def per_track(self, costly: bool = False) -> bool:
        """Whether a set is asked per track: when walking, or for a costly set (stored
        enrichment values) once a sibling has narrowed the tracks."""
        return self.walking or (costly and self.narrowed)


def _as_number(x: Any) -> Any:
    """A rule's boolean as the 1 or 0 its stored row holds."""
    return [int(item) for item in x] if isinstance(x, list | tuple) else int(x)


def _json_test(op: str, x: Any, now: dt.datetime) -> Q:
    """A Q over a key's stored values (EnrichmentValue): x's JSON type decides which of
    them it compares with (a number with numbers, "120" with strings, true with booleans).
    Every stored value is present, so `isPresent` is any of them but a genre (an item of
    a `genres` list, which is no value of PROVIDER.genres)."""
    if op == "in" and len(same := _by_json_type(x)) > 1:
        return _any(_json_test("in", items, now) for items in same)
    if op == "isPresent":
        return Q(kind__in=[Kind.NUMBER, Kind.BOOL, Kind.STRING])
    sample = x[0] if op in ("in", "inTheRange") else x
    if isinstance(sample, bool):
        return Q(kind=Kind.BOOL) & value_test(op, F("number"), _as_number(x), "number", now)
    if is_number(sample):
        return Q(kind=Kind.NUMBER) & value_test(op, F("number"), x, "number", now)
    return Q(kind=Kind.STRING) & value_test(op, STORED, x, "text", now)


def _by_json_type(x: tuple) -> list[tuple]:
    """An `in` list's items by JSON type (numbers, strings, booleans): one IN list each,
    not an OR per item, which SQLite parses one level deeper per item (it refuses past
    1,000 levels: an `in` of 500 numbers)."""
    same: dict[str, list] = {}
    for item in x:
        kind = "bool" if isinstance(item, bool) else "number" if is_number(item) else "text"
        same.setdefault(kind, []).append(item)
    return [tuple(items) for items in same.values()]


def _any(parts: Iterable[Q]) -> Q:
    return functools.reduce(operator.or_, parts)


def _in_playlist(scope: Scope, ref: PlaylistRef, per_track: bool) -> Q:
    if ref.id is not None:
        picked = Q(playlist_id=ref.id)
    else:
        picked = Q(Exact(Fold(F("playlist__name")), fold(ref.name or "")))
    return in_playlists(scope, picked, per_track)


def positive(op: str, field: Field, x: Any, ctx: Context) -> Q:
    """The positive condition `op` (or `isPresent`) on `field`; never NULL."""
    scope, now, testing = ctx.scope, ctx.now, op != "isPresent"
    if field.type is FieldType.PLAYLIST:
        return _in_playlist(scope, x, ctx.per_track())
    if field.type is FieldType.DYNAMIC:
        return with_enrichment(field.name, _json_test(op, x, now), ctx.per_track(costly=True))
    if field.name == "genre":
        check = value_test(op, STORED, x, "text", now) if testing else Q()
        return with_genre(check, ctx.per_track(costly=True))
    family = FAMILY[field.type]

    def holds(value) -> Q:
        found = present(value, family)
        return found & value_test(op, value, x, family, now) if testing else found

    if field.name in RELATED:
        related = RELATED[field.name]
        if ctx.per_track():
            return related.having_per_track(scope, holds)
        return related.having(scope, holds)
    if field.name in ALBUM_COLUMNS:
        return on_album(ALBUM_COLUMNS[field.name], holds, ctx.per_track())
    if field.name == "dateadded":  # its comparisons imply presence
        earliest = Earliest(scope, ctx.per_track())
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
        return _any(_merge_sets([node_q(child, ctx) for child in children]))
    parts = []
    for child in children:
        narrowed = ctx.narrowed or narrows(children, child)
        parts.append(node_q(child, dataclasses.replace(ctx, narrowed=narrowed)))
    return functools.reduce(operator.and_, parts, Q())


def _track_set(q: Q) -> QuerySet | None:
    """The subquery of a Q that is exactly `pk IN (subquery)`, else None."""
    if q.negated or len(q.children) != 1 or not isinstance(q.children[0], tuple):
        return None
    lookup, value = q.children[0]
    return value if lookup == "pk__in" and isinstance(value, QuerySet) else None


def _merge_sets(parts: list[Q]) -> list[Q]:
    """Alternatives that are sets of tracks as one `pk IN (a UNION ALL b ...)`: the
    database then looks each track up in one set instead of in each (and SQLite does not
    fetch every track of every set first)."""
    sets = [found.order_by() for found in map(_track_set, parts) if found is not None]
    if len(sets) < 2:
        return parts
    rest = [part for part in parts if _track_set(part) is None]
    return [Q(pk__in=sets[0].union(*sets[1:], all=True)), *rest]
