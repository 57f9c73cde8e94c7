"""A playlist's entries, replaced wholesale: what an import or a rule sync writes."""

import datetime
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from library.models import Playlist, PlaylistEntry
from library.services.bulk import real_sqlite_limit


def replace_playlist_entries(
    playlist: Playlist, entries: Sequence[tuple[int, datetime.datetime | None]]
) -> int:
    """Make `entries` (track id, added_at) the playlist's whole content, in that order.

    Duplicates are kept (Spotify allows them). One transaction: a reader sees the old list or
    the new one. Costs a DELETE and one INSERT per statement-sized batch. Returns the count.
    """
    rows = [
        PlaylistEntry(playlist=playlist, track_id=track_id, position=position, added_at=added_at)
        for position, (track_id, added_at) in enumerate(entries)
    ]
    with transaction.atomic(), real_sqlite_limit():
        PlaylistEntry.objects.filter(playlist=playlist).delete()
        PlaylistEntry.objects.bulk_create(rows)
        Playlist.objects.filter(pk=playlist.pk).update(updated_at=timezone.now())
    return len(rows)
