"""The import's database writes, each a constant number of queries however large the page.

A liked page: the catalog upsert (library.services.catalog), the SavedTrack upsert
(library.services.saved), one delete of what was un-liked inside the page's window, one
cursor update. A playlist page: the catalog upsert, one cursor update (the entries read so
far, see staging.py); once all are read, one select of the playlist's slots, at most one
delete, one update and one insert of entries. Unchanged rows are left alone (no write at
all), so a re-import with nothing new leaves every table as it was.
"""

import html
from collections import Counter
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from library.models import Playlist, PlaylistEntry, SavedTrack
from library.services.bulk import insert_rows
from library.services.catalog import flag, text, url
from trackflow.jobs.models import ACTIVE_STATUSES, JobStatus

from ..models import ImportJob
from .staging import Rows

PLAYLIST_FIELDS = [
    "name",
    "description",
    "spotify_owner_id",
    "spotify_owner_name",
    "public",
    "collaborative",
    "image_url",
]


def save_cursor(job: ImportJob, cursor: dict, counts: Counter) -> None:
    """Where a retried attempt resumes; saved in the same transaction as the page."""
    job.cursor, job.counts = cursor, dict(counts)
    ImportJob.objects.filter(pk=job.pk).update(cursor=job.cursor, counts=job.counts)


# Liked Songs


def drop_unliked(
    user_id: int, after: datetime | None, up_to: datetime | None, keep: set[int]
) -> int:
    """Un-like what Spotify no longer lists with added_at in (after, up_to]; None is open."""
    gone = SavedTrack.objects.filter(user_id=user_id)
    if after is not None:
        gone = gone.filter(added_at__gt=after)
    if up_to is not None:
        gone = gone.filter(added_at__lte=up_to)
    return gone.exclude(track_id__in=keep).delete()[0]


# Playlists


def playlist_fields(data: dict) -> dict:
    """Playlist columns from a Spotify playlist object (simplified or full), each made to
    fit its column (see library.services.catalog)."""
    owner = data.get("owner") if isinstance(data.get("owner"), dict) else {}
    images = data.get("images") if isinstance(data.get("images"), list) else []
    image = images[0].get("url") if images and isinstance(images[0], dict) else ""
    return {
        "name": text(data.get("name"), 500),
        # Spotify sends descriptions HTML-escaped ("Rock &amp; Roll")
        "description": html.unescape(text(data.get("description"))),
        "spotify_owner_id": text(owner.get("id"), 200),
        "spotify_owner_name": text(owner.get("display_name"), 500),
        "public": flag(data.get("public")),
        "collaborative": flag(data.get("collaborative")),
        "image_url": url(image),
    }


def upsert_playlists(user_id: int, found: dict[str, dict]) -> dict[str, Playlist]:
    """Create or update the user's playlists (spotify id -> fields); snapshot_id untouched."""
    existing = {
        p.spotify_id: p for p in Playlist.objects.filter(owner_id=user_id, spotify_id__in=found)
    }
    now, new, changed = timezone.now(), [], []
    for spotify_id, fields in found.items():
        playlist = existing.get(spotify_id)
        if playlist is None:
            new.append(Playlist(owner_id=user_id, spotify_id=spotify_id, **fields))
        elif any(getattr(playlist, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(playlist, name, value)
            playlist.updated_at = now
            changed.append(playlist)
    if changed:
        Playlist.objects.bulk_update(changed, [*PLAYLIST_FIELDS, "updated_at"])
    if new:
        Playlist.objects.bulk_create(new)
    return {**existing, **{p.spotify_id: p for p in new}}


def remove_playlists_gone(user_id: int, listed: set[str], listed_since: datetime) -> int:
    """Delete the Spotify playlists Spotify no longer lists (their tracks stay in the catalog):
    imported ones and never imported ones alike, such as the copy of a rule's target that a
    sync wrote (rules.mirror). One made here after the listing began (a sync making a new
    target meanwhile) cannot have been listed, so it stays."""
    gone = Playlist.objects.filter(
        owner_id=user_id, spotify_id__isnull=False, created_at__lt=listed_since
    ).exclude(spotify_id__in=listed)
    return gone.delete()[1].get(Playlist._meta.label, 0)


def finish_playlist(playlist_id: int, snapshot_id: str, rows: Rows) -> None:
    """Swap in the entries an import read, all at once, and record the snapshot they match:
    inside one transaction, so a reader sees the old playlist or the new one."""
    with transaction.atomic(savepoint=False):  # the caller's transaction, if it has one
        replace_entries(playlist_id, rows)
        Playlist.objects.filter(pk=playlist_id).update(
            snapshot_id=snapshot_id,
            readable=True,
            unreadable_reason="",
            imported_at=timezone.now(),
            updated_at=timezone.now(),
        )


def replace_entries(playlist_id: int, rows: Rows) -> None:
    """Make the playlist hold exactly `rows` (position -> track id, added_at).

    Positions are Spotify's; a slot Spotify fills with an episode or a removed track holds
    nothing here. Slots already right are not touched (they keep their ids); a slot that
    changed is updated in place; slots past the end go.
    """
    existing = {
        position: (pk, track_id, added_at)
        for position, pk, track_id, added_at in PlaylistEntry.objects.filter(
            playlist_id=playlist_id
        ).values_list("position", "id", "track_id", "added_at")
    }
    create, update, delete = [], [], []
    for position in sorted(existing.keys() | rows.keys()):
        new, old = rows.get(position), existing.get(position)
        if new is None:
            delete.append(old[0])
        elif old is None:
            create.append(
                {"playlist": playlist_id, "position": position, "track": new[0], "added_at": new[1]}
            )
        elif old[1:] != new:
            update.append(PlaylistEntry(pk=old[0], track_id=new[0], added_at=new[1]))
    if delete:
        PlaylistEntry.objects.filter(pk__in=delete).delete()
    if update:
        PlaylistEntry.objects.bulk_update(update, ["track", "added_at"])
    if create:  # plain rows: bulk_create's per-field preparation costs more than the INSERT
        insert_rows(PlaylistEntry, create)


def mark_unreadable(playlist_id: int, snapshot_id: str, reason: str) -> None:
    """Kept by name; its entries (if it was readable once) stay as they were."""
    Playlist.objects.filter(pk=playlist_id).update(
        snapshot_id=snapshot_id,
        readable=False,
        unreadable_reason=reason[:300],
        imported_at=timezone.now(),
        updated_at=timezone.now(),
    )


def remove_playlist(user_id: int, spotify_id: str) -> int:
    return Playlist.objects.filter(owner_id=user_id, spotify_id=spotify_id).delete()[0]


def create_job(
    owner_id: int, source: str, force: bool = False, cursor: dict | None = None
) -> tuple[ImportJob, bool]:
    """A new pending job, or the one already pending or running for this source."""
    try:
        with transaction.atomic():
            job = ImportJob.objects.create(
                owner_id=owner_id, source=source, force=force, cursor=cursor or {}
            )
            return job, True
    except IntegrityError:
        active = ImportJob.objects.filter(
            owner_id=owner_id, source=source, status__in=ACTIVE_STATUSES
        ).first()
        if active is None:
            raise
        return active, False


def due_now(job: ImportJob, force: bool = False) -> bool:
    """Let a pending job be claimed at once (and re-read everything, with `force`)."""
    fields: dict = {"run_after": timezone.now()}
    if force:
        fields["force"] = True
    return ImportJob.objects.filter(pk=job.pk, status=JobStatus.PENDING).update(**fields) == 1
