"""Playlists: the user's list (`all-playlists`) and one playlist's entries (`playlist:<id>`).

The list keeps each playlist's details, removes what Spotify no longer lists, and spawns a
`playlist:<id>` job only where the snapshot_id moved: an unchanged playlist costs nothing.
Entries are read 50 at a time, their tracks stored eight pages at a time, and the entries
swapped in once every page is read (one transaction): a reader sees the old playlist or the
new one, never a mix, and a failed import leaves the old one whole. Pages read before a
failure or a long rate limit wait in the job's cursor, so a retried job resumes at its offset.
Slots keep Spotify's positions, so order, duplicates and added_at survive.
"""

from collections import Counter
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from library.models import Playlist
from library.services import catalog
from trackflow.jobs.services import PermanentFailure

from ..client import ITEM_FIELDS
from ..errors import SpotifyApiError
from ..models import ImportJob
from ..prefetch import has_more
from . import staging, writes
from .batching import BATCH_PAGES, batched, track_ids
from .items import added_at, entry_target, keepable, skipped_note
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
        found = {key: p for p in page["items"] if (key := _listed_id(p))}
        with transaction.atomic():
            fields = {key: writes.playlist_fields(data) for key, data in found.items()}
            stored.update(writes.upsert_playlists(job.owner_id, fields))
        listed.update(found)
        report(job, len(listed), page["total"], f"listing playlists: {len(listed)}")
    removed = writes.remove_playlists_gone(job.owner_id, set(listed), started)
    due = [key for key, data in listed.items() if job.force or _stale(stored[key], data)]
    children = []
    for key in due:
        cursor = {"snapshot_id": _snapshot(listed[key]), "total": _total(listed[key])}
        if cursor["total"] == 0:  # nothing to read: no request, no job
            writes.finish_playlist(stored[key].pk, cursor["snapshot_id"], {})
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
    """Read every page, then swap the entries in at once (writes.finish_playlist). Pages read
    before a failure or a long rate limit wait in the job's cursor (staging.py), never in the
    playlist: until the swap, readers see the playlist as it was."""
    path = f"playlists/{playlist.spotify_id}/items"
    rows = staging.unstage(cursor)
    earlier = bool(rows)  # rows a previous attempt read: their tracks may have gone since
    try:
        pages = client.pages(
            path, cursor.get("offset", 0), fields=ITEM_FIELDS, prefetch=BATCH_PAGES
        )
        for batch in batched(pages, lambda page: _arrived(job, playlist, page)):
            with transaction.atomic():
                rows.update(_entries(batch, counts, job.force))
                cursor.update(offset=batch[-1]["offset"] + batch[-1]["limit"])
                cursor.update(total=batch[-1]["total"])
                if _more(batch[-1]):  # the swap waits for the rest: keep these for a retry
                    writes.save_cursor(job, staging.stage(cursor, rows), counts)
                    earlier = True
    except SpotifyApiError as exc:
        if exc.http_status != 403:
            raise
        reason = UNREADABLE.format(owner=playlist.spotify_owner_name or playlist.spotify_owner_id)
        with transaction.atomic():
            writes.mark_unreadable(playlist.pk, cursor["snapshot_id"], reason)
            writes.save_cursor(job, cursor, counts)
        return f"“{playlist.name}” kept by name only: {reason}"
    with transaction.atomic():
        whole_read = not earlier or staging.tracks_exist(rows)
        if whole_read:
            writes.finish_playlist(playlist.pk, cursor["snapshot_id"], rows)
            writes.save_cursor(job, cursor, counts)
    if not whole_read:
        writes.save_cursor(job, staging.restart(cursor), Counter())
        raise staging.StagedTracksGone
    return f"“{playlist.name}”: {counts['entries']} entries{skipped_note(counts)}"


def _arrived(job: ImportJob, playlist: Playlist, page: dict) -> None:
    done = min(page["offset"] + len(page["items"]), page["total"])
    report(job, done, page["total"], f"“{playlist.name}”: {done} of {page['total']}")


def _entries(batch: list[dict], counts: Counter, force: bool) -> staging.Rows:
    """The batch's tracks in the catalog, and its slots: position -> (track id, added_at).
    A slot holding an episode, a removed track or a malformed item stays empty."""
    kept = [
        (page["offset"] + i, entry)
        for page in batch
        for i, entry in enumerate(page["items"])
        if keepable(entry_target(entry), counts)
    ]
    ids = track_ids([entry_target(entry) for _, entry in kept], counts, force)
    rows = {
        position: (track_id, added_at(entry))
        for (position, entry), track_id in zip(kept, ids, strict=True)
        if track_id
    }
    counts["entries"] += len(rows)
    return rows


def _more(page: dict) -> bool:
    return has_more(page, page["offset"] + page["limit"])


def _stale(playlist: Playlist, data: dict) -> bool:
    """Read again: never read, moved on, or with no snapshot to tell (a malformed listing)."""
    snapshot = _snapshot(data)
    return playlist.imported_at is None or not snapshot or playlist.snapshot_id != snapshot


def _listed_id(data: object) -> str | None:
    return catalog.spotify_id(data.get("id")) if isinstance(data, dict) else None


def _snapshot(data: dict) -> str:
    return catalog.text(data.get("snapshot_id"), 200)


def _total(data: dict) -> int | None:
    listing = data.get("items") or data.get("tracks")
    return (
        catalog.whole(listing.get("total"), catalog.INT_MAX) if isinstance(listing, dict) else None
    )
