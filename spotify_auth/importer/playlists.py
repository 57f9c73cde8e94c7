"""Playlists: the user's list (`all-playlists`) and one playlist's entries (`playlist:<id>`).

The list keeps each playlist's details, removes what Spotify no longer lists, and spawns a
`playlist:<id>` job only where the snapshot_id moved: an unchanged playlist costs nothing.
Entries are read 50 at a time and written eight pages at a time, in place at Spotify's
positions, so order, duplicates and added_at survive, and a retried job resumes at its offset.
"""

from collections import Counter
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from library.models import Playlist
from trackflow.jobs.services import PermanentFailure

from ..client import ITEM_FIELDS
from ..errors import SpotifyApiError
from ..models import ImportJob
from . import writes
from .batching import BATCH_PAGES, batched, catalog_ids
from .items import entry_target, keepable, parse_time, skipped_note
from .progress import report
from .sources import PLAYLIST_PREFIX, playlist_id

UNREADABLE = (
    "Spotify refuses to list its items (403): apps may only read playlists you own or "
    "collaborate on, and this one belongs to {owner}"
)


def import_playlist_list(job: ImportJob, client, spawn: Callable[[list[ImportJob]], None]) -> str:
    listed: dict[str, dict] = {}
    stored: dict[str, Playlist] = {}
    started = timezone.now()
    for page in client.pages("me/playlists"):
        found = {p["id"]: p for p in page["items"] if p and p.get("id")}
        with transaction.atomic():
            fields = {key: writes.playlist_fields(data) for key, data in found.items()}
            stored.update(writes.upsert_playlists(job.owner_id, fields))
        listed.update(found)
        report(job, len(listed), page["total"], f"listing playlists: {len(listed)}")
    removed = writes.remove_playlists_gone(job.owner_id, set(listed), started)
    due = [key for key, data in listed.items() if job.force or _stale(stored[key], data)]
    children = []
    for key in due:
        cursor = {"snapshot_id": listed[key]["snapshot_id"], "total": _total(listed[key])}
        if cursor["total"] == 0:  # nothing to read: no request, no job
            writes.finish_playlist(stored[key].pk, 0, cursor["snapshot_id"])
            continue
        child, created = writes.create_job(job.owner_id, PLAYLIST_PREFIX + key, job.force, cursor)
        if created:
            children.append(child)
    spawn(children)
    note = f", {removed} removed (gone from Spotify)" if removed else ""
    return (
        f"{len(listed)} playlists: {len(due)} changed ({len(children)} import jobs), "
        f"{len(listed) - len(due)} unchanged{note}"
    )


def import_playlist(job: ImportJob, client) -> str:
    spotify_id = playlist_id(job.source)
    cursor, counts = dict(job.cursor), Counter(job.counts)
    playlist = Playlist.objects.filter(owner_id=job.owner_id, spotify_id=spotify_id).first()
    if playlist is None or "snapshot_id" not in cursor or cursor.get("offset"):
        # Asked for directly, or resuming: what is the playlist now?
        try:
            meta = client.playlist_meta(spotify_id)
        except SpotifyApiError as exc:
            if exc.http_status != 404:
                raise
            if not writes.remove_playlist(job.owner_id, spotify_id):  # never here either
                raise PermanentFailure(f"no playlist {spotify_id} on Spotify") from None
            return f"playlist {spotify_id} no longer exists on Spotify; removed here"
        fields = {spotify_id: writes.playlist_fields(meta)}
        playlist = writes.upsert_playlists(job.owner_id, fields)[spotify_id]
        if meta["snapshot_id"] != cursor.get("snapshot_id"):  # changed since: start over
            cursor, counts = {"snapshot_id": meta["snapshot_id"], "total": _total(meta)}, Counter()
        if not (job.force or cursor.get("offset") or _stale(playlist, meta)):
            return f"“{playlist.name}” unchanged since the last import"
    return _read_entries(job, client, playlist, cursor, counts)


def _read_entries(job: ImportJob, client, playlist: Playlist, cursor: dict, counts: Counter):
    path = f"playlists/{playlist.spotify_id}/items"
    try:
        pages = client.pages(
            path, cursor.get("offset", 0), fields=ITEM_FIELDS, prefetch=BATCH_PAGES
        )
        for batch in batched(pages, lambda page: _arrived(job, playlist, page)):
            with transaction.atomic():
                _save_entries(playlist.pk, batch, counts, job.force)
                cursor.update(offset=batch[-1]["offset"] + batch[-1]["limit"])
                cursor.update(total=batch[-1]["total"])
                writes.save_cursor(job, cursor, counts)
    except SpotifyApiError as exc:
        if exc.http_status != 403:
            raise
        reason = UNREADABLE.format(owner=playlist.spotify_owner_name or playlist.spotify_owner_id)
        writes.mark_unreadable(playlist.pk, cursor["snapshot_id"], reason)
        return f"“{playlist.name}” kept by name only: {reason}"
    writes.finish_playlist(playlist.pk, cursor["total"], cursor["snapshot_id"])
    return f"“{playlist.name}”: {counts['entries']} entries{skipped_note(counts)}"


def _arrived(job: ImportJob, playlist: Playlist, page: dict) -> None:
    done = min(page["offset"] + len(page["items"]), page["total"])
    report(job, done, page["total"], f"“{playlist.name}”: {done} of {page['total']}")


def _save_entries(playlist_pk: int, batch: list[dict], counts: Counter, force: bool) -> None:
    """Write the slots the batch's pages cover, at Spotify's positions."""
    kept = [
        (page["offset"] + i, entry)
        for page in batch
        for i, entry in enumerate(page["items"])
        if keepable(entry_target(entry), counts)
    ]
    track_ids = catalog_ids([entry_target(entry) for _, entry in kept], force)
    rows = {
        position: (track_id, parse_time(entry.get("added_at")))
        for (position, entry), track_id in zip(kept, track_ids, strict=True)
    }
    start, end = batch[0]["offset"], _end(batch[-1])
    writes.write_entries(playlist_pk, start, end - start, rows)
    counts["entries"] += len(rows)


def _end(page: dict) -> int:
    """Where the page's slots end: its limit (a short page leaves no stale slot behind)."""
    return page["offset"] + max(
        min(page["limit"], page["total"] - page["offset"]), len(page["items"])
    )


def _stale(playlist: Playlist, data: dict) -> bool:
    return playlist.imported_at is None or playlist.snapshot_id != data.get("snapshot_id")


def _total(data: dict) -> int | None:
    return (data.get("items") or data.get("tracks") or {}).get("total")
