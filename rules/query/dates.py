"""`dateadded`: when a track first entered its owner's library, defined once.

library.LibraryTrack holds it per (owner, track), kept by triggers from every source (a
like, an entry in one of the owner's playlists, an upload, a completed download). The rule's
own target playlist never counts: `added_at` unless that playlist gave it, then the earliest
instant outside it. Read two ways with one meaning: `date_added` is the value on the
track's joined row (for sorting and facts; the index on (owner, added_at) can be walked in
order), `Earliest` the set of tracks whose value passes a test (for conditions).
"""

from django.db.models import Case, DateTimeField, F, Q, QuerySet, When

from library.services.scope import memberships

from .scope import MEMBER, Scope, tracks_among


def added_value(scope: Scope, prefix: str = ""):
    """`dateadded` over LibraryTrack columns (under `prefix`, a join's alias and '__')."""
    added = F(f"{prefix}added_at")
    if scope.exclude_playlist_id is None:
        return added
    return Case(
        When(
            **{f"{prefix}first_playlist_id": scope.exclude_playlist_id},
            then=F(f"{prefix}added_at_otherwise"),
        ),
        default=added,
        output_field=DateTimeField(),
    )


def date_added(scope: Scope):
    """`dateadded` as one value per track, on its joined library row (sources.joins)."""
    return added_value(scope, f"{MEMBER}__")


class Earliest:
    """`dateadded` for conditions: the owner's library rows whose value passes a test, as
    one set of tracks found once per query, or `per_track` as EXISTS for each track. Every
    comparison implies the value is present."""

    def __init__(self, scope: Scope, per_track: bool = False):
        self.scope = scope
        self.per_track = per_track

    def _rows(self) -> QuerySet:
        rows = memberships(self.scope.owner_id, exclude_playlist_id=self.scope.exclude_playlist_id)
        return rows.annotate(tf_value=added_value(self.scope)).order_by()

    def present(self) -> Q:
        return tracks_among(self._rows().filter(tf_value__isnull=False), self.per_track)

    def compare(self, symbol: str, x) -> Q:
        lookup = {"<": "lt", "<=": "lte", ">=": "gte", ">": "gt", "=": "exact"}[symbol]
        return tracks_among(self._rows().filter(**{f"tf_value__{lookup}": x}), self.per_track)
