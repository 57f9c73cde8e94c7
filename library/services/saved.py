"""A user's Liked Songs: save, unsave, or make them exactly an imported list."""

import datetime
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.utils import timezone

from library.models import SavedTrack
from library.services.bulk import batches, insert_rows, param_limit, real_sqlite_limit


def save_tracks(user, items: Sequence[tuple[int, datetime.datetime | None]]) -> int:
    """Save (track id, added_at) pairs for `user`; returns how many pairs were given.

    An explicit added_at (Spotify's) is written even over an existing save; None means "now"
    for a new save and leaves an existing save's date alone.
    """
    now = timezone.now()
    dated = {track_id: added_at for track_id, added_at in items if added_at is not None}
    undated = {track_id for track_id, added_at in items if added_at is None} - dated.keys()
    # Plain rows, not bulk_create: 10,000 saves cost 1.2 s of Python through model instances.
    with transaction.atomic(), real_sqlite_limit():
        insert_rows(
            SavedTrack,
            [{"user": user.pk, "track": t, "added_at": at} for t, at in dated.items()],
            update_on=("user", "track"),
            update=["added_at"],
        )
        insert_rows(
            SavedTrack,
            [{"user": user.pk, "track": t, "added_at": now} for t in sorted(undated)],
            ignore_conflicts=True,
        )
    return len(dated) + len(undated)


def unsave_tracks(user, track_ids: Iterable[int]) -> int:
    """Remove tracks from the user's Liked Songs; returns how many were saved."""
    removed = 0
    with transaction.atomic():
        for batch in batches(track_ids, param_limit() - 10):
            removed += SavedTrack.objects.filter(user=user, track_id__in=batch).delete()[0]
    return removed


def replace_saved_tracks(user, items: Sequence[tuple[int, datetime.datetime | None]]) -> int:
    """Make `items` the user's whole Liked Songs (an import of Spotify's list); returns the
    number of saves removed because they are no longer liked."""
    keep = {track_id for track_id, _ in items}
    with transaction.atomic():
        current = SavedTrack.objects.filter(user=user).values_list("track_id", flat=True)
        gone = set(current) - keep
        save_tracks(user, items)
        return unsave_tracks(user, sorted(gone))
