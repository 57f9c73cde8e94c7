"""Which tracks are a user's library: saved, in their playlists, uploaded, or downloaded.

The sources are summed up, per user and track, in `LibraryTrack` rows that database
triggers keep (library migration 0008): the library is one indexed look-up per track.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from library.models import LibraryTrack, Track


def membership_q(user, *, exclude_playlist_id: int | None = None, prefix: str = "") -> Q:
    """`user`'s LibraryTrack rows (fields under `prefix`, a relation path and '__');
    `exclude_playlist_id` leaves out the tracks that are in the library only through that
    playlist (a rule's own target)."""
    mine = Q(**{f"{prefix}owner": user})
    if exclude_playlist_id is not None:
        mine &= ~Q(**{f"{prefix}sole_playlist_id": exclude_playlist_id})
    return mine


def memberships(user, *, exclude_playlist_id: int | None = None) -> QuerySet[LibraryTrack]:
    return LibraryTrack.objects.filter(membership_q(user, exclude_playlist_id=exclude_playlist_id))


def library_filter(user, *, exclude_playlist_id: int | None = None) -> Q:
    """A Q over Track; `exclude_playlist_id` leaves one playlist out (a rule's own target).

    EXISTS per row, not IN (...): a filtered list probes only the rows that matched."""
    rows = memberships(user, exclude_playlist_id=exclude_playlist_id)
    return Q(Exists(rows.filter(track=OuterRef("pk"))))


def library_tracks(user, *, exclude_playlist_id: int | None = None) -> QuerySet[Track]:
    return Track.objects.filter(library_filter(user, exclude_playlist_id=exclude_playlist_id))
