"""Re-imports: unchanged sources cost one request and write nothing; changes are mirrored."""

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from library.models import Playlist, SavedTrack, Track
from spotify_auth.importer.writes import remove_playlists_gone

from .conftest import after_requests

pytestmark = pytest.mark.django_db
USER = "sandbox-user"
ITEMS = "/v1/playlists/{playlist_id}/items"
# The catalog upsert (library.services.catalog) rewrites a track's artist links on every
# call, so their ids move when a track is read again; their content does not.
# rewritten rows: their contents stay, their ids change (LibraryTrack rows are recomputed
# whenever an entry of theirs is written again)
REREAD = {"updated_at", "imported_at", "library_trackartist.id", "library_librarytrack.id"}


def dump(ignore: set[str] = frozenset()) -> dict[str, list[tuple]]:
    """Every row of every library table, ordered: what "the database" holds."""
    tables = {}
    for model in apps.get_app_config("library").get_models():
        table = model._meta.db_table
        columns = [
            f.column
            for f in model._meta.concrete_fields
            if f.column not in ignore and f"{table}.{f.column}" not in ignore
        ]
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {', '.join(columns)} FROM {table} ORDER BY " + ", ".join(columns)
            )
            tables[table] = cursor.fetchall()
    return tables


def test_importing_twice_leaves_the_database_exactly_as_one_run_did(account, sandbox, import_now):
    import_now(account.user)
    first = dump()
    sandbox.stats.reset()

    liked, playlists = import_now(account.user)

    assert dump() == first
    assert liked.message == "Liked Songs unchanged since the last import (120 tracks)"
    assert playlists.message == "7 playlists: 0 changed (0 import jobs), 7 unchanged"
    # one page of Liked Songs to see nothing moved, one page of playlists, no items at all
    assert sandbox.stats.as_dict()["counts"] == {"GET /v1/me/tracks": 1, "GET /v1/me/playlists": 1}


def test_a_forced_reimport_rereads_everything_and_changes_nothing_but_timestamps(
    account, sandbox, import_now
):
    import_now(account.user)
    first = dump(ignore=REREAD)
    sandbox.stats.reset()

    import_now(account.user, force=True)

    assert dump(ignore=REREAD) == first
    assert sandbox.stats.count("GET", "/v1/me/tracks") == 3 + 1  # pages, then the first item
    assert sandbox.stats.count("GET", ITEMS) == 6


def test_only_the_playlist_whose_snapshot_moved_is_read_again(account, sandbox, import_now):
    import_now(account.user, ["all-playlists"])
    changed = sandbox.state.followed[USER][1]
    new_uri = f"spotify:track:{sandbox.state.catalog.pool[-1]}"
    sandbox.state.add_items(changed, [new_uri], position=0)
    sandbox.stats.reset()

    [parent] = import_now(account.user, ["all-playlists"])

    assert sandbox.stats.count("GET", ITEMS) == 1
    assert parent.message == "7 playlists: 1 changed (1 import jobs), 6 unchanged"
    entries = Playlist.objects.get(spotify_id=changed).entries.order_by("position")
    assert entries.first().track.spotify_id == new_uri.rsplit(":", 1)[1]
    assert entries.count() == len(
        [e for e in sandbox.state.playlist(changed).entries if "episode" not in e.uri]
    ) - _removed(sandbox, changed)


def _removed(sandbox, playlist_id: str) -> int:
    return sum(
        1
        for e in sandbox.state.playlist(playlist_id).entries
        if e.uri.startswith("spotify:track:") and sandbox.state.catalog.item(e.uri) is None
    )


def test_a_track_unliked_on_spotify_is_unliked_here(account, sandbox, import_now):
    import_now(account.user, ["liked"])
    liked = sandbox.state.liked_ids(USER)
    for gone in (liked[0], liked[57], liked[-1]):  # first page, a middle page, the last
        sandbox.state.unlike(USER, gone)
    fresh = sandbox.state.catalog.pool[-2]
    sandbox.state.like(USER, fresh)

    [job] = import_now(account.user, ["liked"])

    saved = SavedTrack.objects.filter(user=account.user).order_by("-added_at")
    assert [s.track.spotify_id for s in saved] == sandbox.state.liked_ids(USER)
    assert job.message == "Liked Songs: 118 tracks, 3 un-liked on Spotify removed"
    assert Track.objects.filter(spotify_id=liked[57]).exists()  # still in the catalog


def test_a_like_removed_here_comes_back_at_the_next_import(account, sandbox, import_now, owner_api):
    import_now(account.user, ["liked"])
    track = Track.objects.get(spotify_id=sandbox.state.liked_ids(USER)[60])
    assert owner_api.delete(f"/api/tracks/{track.pk}/").status_code == 204  # un-liked here
    sandbox.stats.reset()

    [job] = import_now(account.user, ["liked"])

    assert job.message == "Liked Songs: 120 tracks"  # not "unchanged": the library moved
    saved = SavedTrack.objects.filter(user=account.user).order_by("-added_at")
    assert [s.track.spotify_id for s in saved] == sandbox.state.liked_ids(USER)


def test_a_like_and_an_unlike_while_the_import_reads_are_both_seen(account, sandbox, import_now):
    liked = sandbox.state.liked_ids(USER)
    fresh = sandbox.state.catalog.pool[-2]

    def meanwhile() -> None:  # the total stays 120: only the first item tells
        sandbox.state.like(USER, fresh)
        sandbox.state.unlike(USER, liked[100])

    after_requests(sandbox, "/v1/me/tracks", 1, meanwhile)

    [job] = import_now(account.user, ["liked"])

    saved = SavedTrack.objects.filter(user=account.user).order_by("-added_at")
    assert job.status == "completed", job.error
    assert [s.track.spotify_id for s in saved] == sandbox.state.liked_ids(USER)
    assert saved[0].track.spotify_id == fresh
    # 3 pages, the first item (it moved: read again), 3 pages, the first item (as it was)
    assert sandbox.stats.count("GET", "/v1/me/tracks") == 8


def test_a_playlist_deleted_on_spotify_is_removed_here_and_its_tracks_stay(
    account, sandbox, import_now
):
    import_now(account.user, ["all-playlists"])
    gone = sandbox.state.followed[USER][3]
    track_ids = list(Playlist.objects.get(spotify_id=gone).entries.values_list("track", flat=True))
    sandbox.state.unfollow(USER, gone)  # what "delete" is on Spotify

    [parent] = import_now(account.user, ["all-playlists"])

    assert not Playlist.objects.filter(spotify_id=gone).exists()
    assert Track.objects.filter(pk__in=track_ids).count() == len(set(track_ids))
    assert parent.message.endswith("1 removed (gone from Spotify)")


def test_a_spotify_playlist_never_imported_is_removed_once_spotify_no_longer_lists_it(
    account, sandbox, import_now
):
    # what a rule's sync leaves: its target's copy, written here, never read by an import
    made = sandbox.state.create_playlist(USER, "Rule output", False, False, "")
    copy = Playlist.objects.create(owner=account.user, name="Rule output", spotify_id=made.id)
    sandbox.state.unfollow(USER, made.id)  # deleted on Spotify

    [parent] = import_now(account.user, ["all-playlists"])

    assert copy.imported_at is None
    assert not Playlist.objects.filter(pk=copy.pk).exists()
    assert parent.message.endswith("1 removed (gone from Spotify)")


def test_a_copy_made_while_the_list_is_read_is_not_removed(account):
    # a sync making its new target while the import lists playlists: not listed, not gone
    listing_began = timezone.now()
    meanwhile = Playlist.objects.create(owner=account.user, name="New", spotify_id="n" * 22)

    assert remove_playlists_gone(account.user.pk, set(), listing_began) == 0
    assert Playlist.objects.filter(pk=meanwhile.pk).exists()


def test_a_playlist_made_here_is_never_removed_by_an_import(account, sandbox, import_now):
    mine = Playlist.objects.create(owner=account.user, name="Made in TrackFlow")

    import_now(account.user, ["all-playlists"])

    assert Playlist.objects.filter(pk=mine.pk).exists()
