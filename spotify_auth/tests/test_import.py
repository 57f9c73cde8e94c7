"""Import end to end against the sandbox over HTTP: what lands in the library, and how."""

from datetime import datetime

import pytest

from library.models import Playlist, SavedTrack, Track
from spotify_auth.models import ImportJob

pytestmark = pytest.mark.django_db
USER = "sandbox-user"
ITEMS = "/v1/playlists/{playlist_id}/items"


def _jobs(source_prefix: str = "") -> dict[str, ImportJob]:
    return {j.source: j for j in ImportJob.objects.filter(source__startswith=source_prefix)}


def test_liked_songs_arrive_newest_first_with_their_dates(account, sandbox, import_now):
    [job] = import_now(account.user, ["liked"])

    liked = sandbox.state.liked[USER]
    saved = list(SavedTrack.objects.filter(user=account.user).select_related("track"))
    assert job.status == "completed", job.error
    assert job.message == "Liked Songs: 120 tracks"
    assert [s.track.spotify_id for s in saved] == [track_id for track_id, _ in liked]
    assert [s.added_at for s in saved] == [datetime.fromisoformat(at) for _, at in liked]
    # one request per page of 50, and one of the first item: did a like land on top meanwhile?
    assert sandbox.stats.count("GET", "/v1/me/tracks") == 3 + 1


def test_every_playlist_arrives_with_order_duplicates_and_local_files(account, sandbox, import_now):
    [job] = import_now(account.user, ["all-playlists"])

    quirky = sandbox.state.playlist(sandbox.state.followed[USER][0])
    playlist = Playlist.objects.get(spotify_id=quirky.id)
    entries = list(playlist.entries.order_by("position").select_related("track"))
    assert job.status == "completed", job.error
    assert Playlist.objects.filter(owner=account.user).count() == 7  # 4 own, empty, collab, top
    # 1 local file, 2 episode (skipped), 3 removed track (skipped), 4 duplicate of 0, 5 relinked
    assert [e.position for e in entries] == [0, 1, *range(4, 40)]
    assert entries[1].track.source == Track.Source.LOCAL
    assert entries[1].track.spotify_id is None
    assert entries[2].track_id == entries[0].track_id  # position 4 repeats position 0
    for entry in entries:
        spotify_entry = quirky.entries[entry.position]
        assert entry.added_at == datetime.fromisoformat(spotify_entry.added_at)
    child = _jobs("playlist:")[f"playlist:{quirky.id}"]
    assert child.status == "completed"
    assert child.message.endswith(
        "38 entries; skipped 1 episode, 1 unavailable track; 1 local file kept as source=local"
    )


def test_a_followed_playlist_spotify_will_not_list_is_kept_by_name(account, sandbox, import_now):
    import_now(account.user, ["all-playlists"])

    top = sandbox.state.playlist(sandbox.state.followed[USER][-1])  # owned by "spotify"
    playlist = Playlist.objects.get(spotify_id=top.id)
    job = _jobs()[f"playlist:{top.id}"]
    assert playlist.name == "Sandbox Top 50 🌍"
    assert playlist.readable is False
    assert "403" in playlist.unreadable_reason
    assert not playlist.entries.exists()
    assert job.status == "completed"
    assert "kept by name only" in job.message and "belongs to Spotify" in job.message


def test_unicode_long_names_and_escaped_descriptions_are_kept(account, sandbox, import_now):
    import_now(account.user, ["all-playlists"])

    long_one = sandbox.state.playlist(sandbox.state.followed[USER][2])
    quirky = sandbox.state.playlist(sandbox.state.followed[USER][0])
    assert len(long_one.name) >= 300
    assert Playlist.objects.get(spotify_id=long_one.id).name == long_one.name
    assert Playlist.objects.get(spotify_id=quirky.id).description == "Songs for the road & more"
    collab = Playlist.objects.get(name="Band Practice 🥁")
    assert collab.collaborative and collab.spotify_owner_id == "sandbox-friend"
    assert collab.entries.count() > 0


def test_one_job_per_changed_playlist_and_none_for_an_empty_one(account, sandbox, import_now):
    [parent] = import_now(account.user, ["all-playlists"])

    children = _jobs("playlist:")
    empty = Playlist.objects.get(name="Empty (for now)")
    assert len(children) == 6  # 4 own, collab, top; the empty one needs no request
    assert f"playlist:{empty.spotify_id}" not in children
    assert empty.imported_at is not None
    assert parent.message == "7 playlists: 7 changed (6 import jobs), 0 unchanged"
    items_requests = sandbox.stats.count("GET", ITEMS)
    assert items_requests == 6  # 40 entries each: one page; the followed one answers 403
    assert sandbox.stats.count("GET", "/v1/me/playlists") == 1


def test_a_single_playlist_can_be_imported_by_id(account, sandbox, import_now):
    playlist_id = sandbox.state.followed[USER][1]

    [job] = import_now(account.user, [f"playlist:{playlist_id}"])

    assert job.status == "completed", job.error
    assert Playlist.objects.get(spotify_id=playlist_id).entries.count() > 30
    assert sandbox.stats.count("GET", "/v1/playlists/{playlist_id}") == 1  # its snapshot
    assert sandbox.stats.count("GET", ITEMS) == 1


def test_a_playlist_gone_from_spotify_is_removed_here_by_id(account, sandbox, import_now):
    playlist_id = sandbox.state.followed[USER][1]
    import_now(account.user, [f"playlist:{playlist_id}"])
    sandbox.state.delete_playlist(playlist_id)

    [job] = import_now(account.user, [f"playlist:{playlist_id}"])

    assert job.status == "completed"
    assert "no longer exists on Spotify" in job.message
    assert not Playlist.objects.filter(spotify_id=playlist_id).exists()
    assert Track.objects.count() > 0
