"""`dateadded`: when a track first entered its owner's library, defined once.

The sources (`date_sources`) are read two ways with one meaning: `date_added` is the value
per track (the earliest source; for sorting and facts), `Earliest` compares that minimum
through sets of the owner's rows (for conditions: no subquery per track).
"""

import datetime as dt

from django.apps import apps
from django.db.models import DateTimeField, F, Min, OuterRef, Q, QuerySet, Subquery, Value
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


def date_sources(scope: Scope) -> list[tuple[QuerySet, str, str]]:
    """Where a track's `dateadded` comes from: (the owner's rows, their track column, their
    instant). The track's earliest of these is when it first entered the owner's library:
    its like, its entries in the owner's playlists (not the rule's own target), its own
    creation if the owner added it, and the owner's completed downloads of it."""
    owner = scope.owner_id
    entries = PlaylistEntry.objects.filter(playlist__owner_id=owner)
    if scope.exclude_playlist_id is not None:
        entries = entries.exclude(playlist_id=scope.exclude_playlist_id)
    found = [
        (SavedTrack.objects.filter(user_id=owner), "track_id", "added_at"),
        (entries, "track_id", "added_at"),
        (Track.objects.filter(added_by_id=owner), "pk", "created_at"),
    ]
    downloads = _download_model()
    if downloads is not None:
        done = downloads.objects.filter(owner_id=owner, status="completed")
        found.append((done, "track_id", "created_at"))
    return found


def date_added(scope: Scope) -> NullIf:
    """`dateadded` as one value per track (for sorting and facts): the earliest source."""
    values = []
    for rows, track, instant in date_sources(scope):
        mine = rows.filter(**{track: OuterRef("pk")}).order_by().values(track)
        earliest = mine.annotate(first=Min(instant)).values("first")
        values.append(Subquery(earliest, output_field=DateTimeField()))
    never = Value(NEVER, output_field=DateTimeField())
    least = Least(*(Coalesce(v, never, output_field=DateTimeField()) for v in values))
    return NullIf(least, never, output_field=DateTimeField())


class Earliest:
    """`dateadded` for conditions, as sets instead of a value per track: MIN(v) < c when
    some source is before c, MIN(v) >= c when there is one and none is before c, and so
    on. Each set is the owner's rows passing the test, found once per query. Every
    comparison implies the value is present."""

    def __init__(self, scope: Scope):
        self.scope = scope

    def any(self, test: Holds) -> Q:
        """Tracks with at least one source instant passing `test` (one UNION ALL set)."""
        first, *rest = [
            rows.filter(test(F(instant))).order_by().values(track)
            for rows, track, instant in date_sources(self.scope)
        ]
        return Q(pk__in=first.union(*rest, all=True))

    def present(self) -> Q:
        return self.any(lambda v: Q(IsNull(v, False)))

    def compare(self, symbol: str, x) -> Q:
        """MIN(v) symbol x. For >=, > and = the first set is the small one (recent rows):
        the database looks no further for tracks outside it."""
        below = self.any(lambda v: Q(LessThan(v, x)))
        at_most = self.any(lambda v: Q(LessThanOrEqual(v, x)))
        if symbol == "<":
            return below
        if symbol == "<=":
            return at_most
        if symbol == ">=":
            return self.any(lambda v: Q(GreaterThanOrEqual(v, x))) & ~below
        if symbol == ">":
            return self.any(lambda v: Q(GreaterThan(v, x))) & ~at_most
        return self.any(lambda v: Q(Exact(v, x))) & ~below  # "="


def _download_model():
    try:
        return apps.get_model("downloads", "DownloadJob")
    except LookupError:
        return None
