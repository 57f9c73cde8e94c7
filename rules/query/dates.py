"""`dateadded`: when a track first entered its owner's library, defined once.

The sources (`date_sources`) are read two ways with one meaning: `date_added` is the value
per track (the earliest source; for sorting and facts), `Earliest` compares that minimum
through sets of the owner's rows (for conditions: no subquery per track).
"""

import datetime as dt
from dataclasses import dataclass

from django.apps import apps
from django.db.models import (
    Case,
    DateTimeField,
    F,
    Func,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least, NullIf
from django.db.models.lookups import (
    Exact,
    GreaterThan,
    GreaterThanOrEqual,
    IsNull,
    LessThan,
    LessThanOrEqual,
)

from library.models import PlaylistEntry, SavedTrack, Track

from .scope import Holds, Scope

# Later than any real instant: stands in for "no value" inside LEAST, which SQLite (as MIN)
# would otherwise turn NULL as soon as one source is NULL.
NEVER = dt.datetime(9999, 12, 31, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Source:
    """One place a track's `dateadded` comes from: the owner's rows of `model` (`mine`),
    their track column and their instant."""

    model: type[Model]
    mine: Q
    track: str
    instant: str

    @property
    def rows(self) -> QuerySet:
        return self.model.objects.filter(self.mine)


def date_sources(scope: Scope) -> list[Source]:
    """Where a track's `dateadded` comes from. The track's earliest of these is when it
    first entered the owner's library: its like, its entries in the owner's playlists (not
    the rule's own target), its own creation if the owner added it, and the owner's
    completed downloads of it."""
    owner = scope.owner_id
    entries = Q(playlist__owner_id=owner)
    if scope.exclude_playlist_id is not None:
        entries &= ~Q(playlist_id=scope.exclude_playlist_id)
    found = [
        Source(SavedTrack, Q(user_id=owner), "track_id", "added_at"),
        Source(PlaylistEntry, entries, "track_id", "added_at"),
        Source(Track, Q(added_by_id=owner), "pk", "created_at"),
    ]
    downloads = _download_model()
    if downloads is not None:
        done = Q(owner_id=owner, status="completed")
        found.append(Source(downloads, done, "track_id", "created_at"))
    return found


def date_added(scope: Scope) -> NullIf:
    """`dateadded` as one value per track (for sorting and facts): the earliest source."""
    values = []
    for source in date_sources(scope):
        if source.model is Track:  # the track's own row: read, not looked up
            values.append(Case(When(source.mine, then=F(source.instant))))
            continue
        mine = source.rows.filter(**{source.track: OuterRef("pk")}).order_by()
        # MIN over the track's rows, without the GROUP BY (and its sorter) Min() would add
        first = Func(F(source.instant), function="MIN", output_field=DateTimeField())
        values.append(Subquery(mine.values_list(first)[:1], output_field=DateTimeField()))
    never = Value(NEVER, output_field=DateTimeField())
    least = Least(*(Coalesce(v, never, output_field=DateTimeField()) for v in values))
    return NullIf(least, never, output_field=DateTimeField())


class Earliest:
    """`dateadded` for conditions, as sets instead of a value per track: MIN(v) < c when
    some source is before c, MIN(v) >= c when there is one and none is before c, and so
    on. Each set is the owner's rows passing the test, found once per query. Every
    comparison implies the value is present."""

    def __init__(self, scope: Scope):
        self.sources = date_sources(scope)

    def any(self, test: Holds) -> Q:
        """Tracks with at least one source instant passing `test` (one UNION ALL set)."""
        first, *rest = [
            source.rows.filter(test(F(source.instant))).order_by().values(source.track)
            for source in self.sources
        ]
        return Q(pk__in=first.union(*rest, all=True))

    def present(self) -> Q:
        return self.any(lambda v: Q(IsNull(v, False)))

    def compare(self, symbol: str, x) -> Q:
        """MIN(v) symbol x. For >=, > and = the first set is the small one (recent rows):
        the database looks no further for tracks outside it."""
        if symbol == "<":
            return self.any(lambda v: Q(LessThan(v, x)))
        if symbol == "<=":
            return self.any(lambda v: Q(LessThanOrEqual(v, x)))
        if symbol == ">=":
            at_least = self.any(lambda v: Q(GreaterThanOrEqual(v, x)))
            return at_least & ~self.compare("<", x)
        if symbol == ">":
            return self.any(lambda v: Q(GreaterThan(v, x))) & ~self.compare("<=", x)
        return self.any(lambda v: Q(Exact(v, x))) & ~self.compare("<", x)  # "="


def _download_model():
    try:
        return apps.get_model("downloads", "DownloadJob")
    except LookupError:
        return None
