"""A playlist's entries change all at once: an import that stops partway leaves the old
playlist whole (readers never see a mix), and its retry finishes the new one."""

import pytest
from django.utils import timezone

from library.models import Playlist, PlaylistEntry, Track
from spotify_auth import tasks
from spotify_auth.models import ImportJob

from .conftest import after_requests, connect_account

pytestmark = pytest.mark.django_db
USER = "sandbox-user"
ITEMS = "/v1/playlists/{playlist_id}/items"


@pytest.fixture
def big(make_sandbox, owner, import_now):
    """A sandbox whose first playlist holds 300 entries (6 pages), imported once, then
    reordered on Spotify: entries 150-299 moved to the front."""
    sandbox = make_sandbox(liked=0, playlists=1, playlist_size=300)
    connect_account(sandbox, owner)
    playlist = sandbox.state.playlist(sandbox.state.followed[USER][0])
    [job] = import_now(owner, [f"playlist:{playlist.id}"])
    assert job.status == "completed", job.error
    sandbox.state.reorder_items(playlist.id, range_start=150, insert_before=0, range_length=150)
    sandbox.stats.reset()
    return sandbox, playlist


def _run_again(job: ImportJob) -> ImportJob:
    ImportJob.objects.filter(pk=job.pk).update(run_after=timezone.now())
    tasks.run_import(str(job.pk))
    job.refresh_from_db()
    return job


def _rows(spotify_id: str) -> list[tuple]:
    entries = PlaylistEntry.objects.filter(playlist__spotify_id=spotify_id).order_by("position")
    return list(entries.values_list("id", "position", "track_id", "added_at"))


def _matches_spotify(sandbox, playlist) -> None:
    """The stored entries are Spotify's, position by position (episodes and removed tracks
    leave their slot empty)."""
    stored = PlaylistEntry.objects.filter(playlist__spotify_id=playlist.id).select_related("track")
    by_position = {e.position: e.track for e in stored}
    expected = {
        position: entry.uri
        for position, entry in enumerate(playlist.entries)
        if "episode" not in entry.uri and sandbox.state.catalog.item(entry.uri) is not None
    }
    assert by_position.keys() == expected.keys()
    for position, uri in expected.items():
        track = by_position[position]
        assert uri == (f"spotify:track:{track.spotify_id}" if track.spotify_id else uri)
        assert track.spotify_id or uri.startswith("spotify:local:")


def _answers(sandbox) -> list[int]:
    return [status for _, path, status in sandbox.stats.log if path == ITEMS]


def test_an_import_that_fails_partway_leaves_the_old_playlist_whole(big, import_now, owner):
    sandbox, playlist = big
    before = _rows(playlist.id)
    stored = Playlist.objects.get(spotify_id=playlist.id)
    prefix = f"/v1/playlists/{playlist.id}/items"
    after_requests(sandbox, ITEMS, 2, lambda: sandbox.faults.server_error(4, 503, prefix))

    [job] = import_now(owner, [f"playlist:{playlist.id}"])

    assert job.status == "pending", job.error  # the attempt failed; a retry comes
    assert _rows(playlist.id) == before  # not one entry moved, ids and added_at included
    same = Playlist.objects.get(pk=stored.pk)
    assert (same.imported_at, same.snapshot_id, same.readable) == (
        stored.imported_at,
        stored.snapshot_id,
        True,
    )
    assert job.cursor["offset"] == 100  # the two pages read wait in the cursor

    job = _run_again(job)

    assert job.status == "completed", job.error
    _matches_spotify(sandbox, playlist)
    assert "staged" not in job.cursor
    assert _answers(sandbox).count(200) == 6  # one request per page: none read twice
    assert Playlist.objects.get(pk=stored.pk).imported_at > stored.imported_at


def test_a_long_rate_limit_partway_shows_the_old_playlist_until_the_new_one_is_read(
    big, import_now, owner
):
    sandbox, playlist = big
    before = _rows(playlist.id)
    prefix = f"/v1/playlists/{playlist.id}/items"
    after_requests(
        sandbox, ITEMS, 2, lambda: sandbox.faults.rate_limit(retry_after=30, path_prefix=prefix)
    )

    [job] = import_now(owner, [f"playlist:{playlist.id}"])

    assert (job.status, job.attempts) == ("pending", 0)  # rescheduled, not failed
    assert job.message.startswith("Spotify rate limit: waiting until")
    assert _rows(playlist.id) == before  # while it waits, readers see the old playlist

    job = _run_again(job)

    assert job.status == "completed", job.error
    _matches_spotify(sandbox, playlist)
    assert _answers(sandbox) == [200, 200, 429, 200, 200, 200, 200]  # resumed at its offset


def test_entries_that_stayed_put_keep_their_rows(big, import_now, owner):
    sandbox, playlist = big
    sandbox.state.reorder_items(playlist.id, range_start=0, insert_before=300, range_length=150)
    before = {row[1]: row for row in _rows(playlist.id)}  # back as imported: one move undone
    moved = playlist.entries.pop(299)
    playlist.entries.insert(298, moved)  # swap the last two
    sandbox.state.update_details(playlist.id)  # a new snapshot

    [job] = import_now(owner, [f"playlist:{playlist.id}"])

    assert job.status == "completed", job.error
    after = {row[1]: row for row in _rows(playlist.id)}
    unchanged = [p for p in before if p < 298]
    assert [after[p] for p in unchanged] == [before[p] for p in unchanged]
    assert after[298][0] == before[298][0]  # the slot's row, now with the other track
    assert (after[298][2], after[299][2]) == (before[299][2], before[298][2])


def test_a_track_read_before_a_pause_and_deleted_meanwhile_makes_the_read_start_over(
    big, import_now, owner
):
    sandbox, playlist = big
    prefix = f"/v1/playlists/{playlist.id}/items"
    after_requests(sandbox, ITEMS, 2, lambda: sandbox.faults.server_error(4, 503, prefix))
    [job] = import_now(owner, [f"playlist:{playlist.id}"])
    staged_track = job.cursor["staged"][0][1]
    Track.objects.filter(pk=staged_track).delete()  # staff deleted it while the job waited

    job = _run_again(job)

    assert job.status == "pending"
    assert job.error.startswith("tracks read before a pause were deleted meanwhile")
    assert "offset" not in job.cursor and "staged" not in job.cursor
    job = _run_again(job)
    assert job.status == "completed", job.error
    _matches_spotify(sandbox, playlist)
