"""Items Spotify garbled: each value stored in its column's type or not at all, the unusable
items skipped and counted, and the shared catalogue still readable afterwards."""

import pytest
from django.db import connection

from library.models import Playlist, SavedTrack, Track
from spotify_auth.importer.writes import playlist_fields, upsert_playlists

pytestmark = pytest.mark.django_db
USER = "sandbox-user"


def _garble_first_page(page: dict) -> dict:
    """Item 0: a wrong-typed duration and an unreadable date; item 1: a track that is no
    track (no title, an id Spotify never gives). Every time the first page is asked for."""
    items = page["items"] if page["offset"] == 0 else []
    if items:
        items[0] = {**items[0], "added_at": "yesterday"}
        items[0]["track"] = {**items[0]["track"], "duration_ms": "long"}
    if len(items) > 1:
        items[1] = {"added_at": items[1]["added_at"], "track": {"id": "abc"}}
    return page


def test_a_malformed_liked_item_is_skipped_and_counted_and_the_track_list_still_answers(
    account, sandbox, import_now, owner_api
):
    liked = sandbox.state.liked_ids(USER)
    sandbox.faults.tamper(_garble_first_page, count=100, path_prefix="/v1/me/tracks")

    [job] = import_now(account.user, ["liked"])

    assert job.status == "completed", job.error
    assert job.message == "Liked Songs: 119 tracks; 1 item Spotify sent was malformed and skipped"
    assert not Track.objects.filter(spotify_id="abc").exists()
    assert Track.objects.get(spotify_id=liked[0]).duration_ms is None
    assert SavedTrack.objects.filter(user=account.user, track__spotify_id=liked[0]).exists()
    if connection.vendor == "sqlite":  # PostgreSQL refuses text in an integer column itself
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM library_track WHERE typeof(duration_ms) = 'text'")
            assert cursor.fetchone() == (0,)
    answer = owner_api.get("/api/tracks/")
    assert answer.status_code == 200
    assert answer.json()["count"] == 119


def test_a_malformed_playlist_entry_leaves_its_slot_empty_and_is_counted(
    account, sandbox, import_now
):
    playlist = sandbox.state.playlist(sandbox.state.followed[USER][1])

    def garble(page: dict) -> dict:
        page["items"][7] = {**page["items"][7], "item": {"id": "abc", "name": "No Such"}}
        page["items"][8] = "not an entry"
        return page

    sandbox.faults.tamper(garble, path_prefix=f"/v1/playlists/{playlist.id}/items")

    [job] = import_now(account.user, [f"playlist:{playlist.id}"])

    assert job.status == "completed", job.error
    assert job.message.endswith("; 2 items Spotify sent were malformed and skipped")
    stored = Playlist.objects.get(spotify_id=playlist.id).entries
    assert not stored.filter(position__in=[7, 8]).exists()
    assert stored.filter(position=9).exists()


def test_playlist_details_spotify_garbled_are_stored_empty(owner):
    data = {"name": 7, "description": None, "public": "yes", "owner": "me", "images": [None]}

    upsert_playlists(owner.pk, {"pl" + "0" * 20: playlist_fields(data)})

    stored = Playlist.objects.get(owner=owner)
    assert (stored.name, stored.description, stored.public) == ("", "", False)
    assert (stored.spotify_owner_id, stored.image_url) == ("", "")
