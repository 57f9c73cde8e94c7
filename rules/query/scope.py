"""Whose library a rule reads: shared by every part of the compiler."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q, QuerySet


@dataclass(frozen=True)
class Scope:
    """Whose library a rule reads, and which playlist (its own target) it never sees."""

    owner_id: int
    exclude_playlist_id: int | None = None


SAVED = "tf_saved"  # the alias of the owner's like of the track, joined
MEMBER = "tf_member"  # the alias of the track's LibraryTrack row (the target left out), joined
Holds = Callable[[F], Q]  # a test on one value, as a Q


def tracks_among(rows: QuerySet, per_track: bool) -> Q:
    """Tracks with one of these rows (a `track` foreign key): as a set found once (one pass
    over the rows), or `per_track` as EXISTS for each track (when few tracks will ask, or
    tracks are read in order and must not be found from the set)."""
    if per_track:
        return Q(Exists(rows.filter(track=OuterRef("pk"))))
    return Q(pk__in=rows.values("track_id"))
