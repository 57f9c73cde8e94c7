"""TrackFlowSpotify against the sandbox: base URL, request shapes, batch limits, counters."""

import json

import pytest

from spotify_auth.client import MAX_URIS, for_user
from spotify_auth.errors import ReconnectRequired

pytestmark = pytest.mark.django_db


def _record_requests(spotify) -> list:
    seen = []
    spotify._session.hooks["response"].append(lambda r, *a, **k: seen.append(r.request))
    return seen


def test_it_talks_to_the_configured_api_url(spotify, sandbox):
    me = spotify.current_user()

    assert me["id"] == "sandbox-user"
    assert spotify.prefix == f"{sandbox.base_url}/v1/"
    assert sandbox.stats.count("GET", "/v1/me") == 1
    assert spotify.request_count == 1


def test_a_user_without_an_account_is_told_to_connect_first(owner):
    with pytest.raises(ReconnectRequired, match="connect Spotify first"):
        for_user(owner)


def test_add_sends_uris_and_position_in_an_object(spotify, sandbox):
    playlist_id = sandbox.state.followed["sandbox-user"][0]
    uris = [f"spotify:track:{t}" for t in sandbox.state.catalog.pool[:3]]
    seen = _record_requests(spotify)

    snapshot = spotify.add_items(playlist_id, uris, position=1)

    assert json.loads(seen[0].body) == {"uris": uris, "position": 1}
    assert seen[0].path_url.endswith(f"/v1/playlists/{playlist_id}/items")
    entries = sandbox.state.playlist(playlist_id).entries
    assert [e.uri for e in entries[1:4]] == uris
    assert snapshot == sandbox.state.playlist(playlist_id).snapshot_id


def test_spotipys_own_add_takes_the_same_path_and_shape(spotify, sandbox):
    playlist_id = sandbox.state.followed["sandbox-user"][0]
    uri = f"spotify:track:{sandbox.state.catalog.pool[0]}"
    seen = _record_requests(spotify)

    spotify.playlist_add_items(playlist_id, [uri])

    assert json.loads(seen[0].body) == {"uris": [uri]}


def test_remove_sends_items_with_uris_and_the_snapshot(spotify, sandbox):
    playlist = sandbox.state.playlist(sandbox.state.followed["sandbox-user"][1])
    uri = playlist.entries[0].uri
    seen = _record_requests(spotify)

    spotify.remove_items(playlist.id, [uri], snapshot_id=playlist.snapshot_id)

    assert seen[0].method == "DELETE"
    assert json.loads(seen[0].body)["items"] == [{"uri": uri}]
    assert uri not in [e.uri for e in playlist.entries]


def test_replace_and_reorder_use_put_on_items(spotify, sandbox):
    playlist = sandbox.state.playlist(sandbox.state.followed["sandbox-user"][1])
    uris = [f"spotify:track:{t}" for t in sandbox.state.catalog.pool[:3]]

    spotify.replace_items(playlist.id, uris)
    spotify.reorder_items(playlist.id, range_start=0, insert_before=3)

    assert [e.uri for e in playlist.entries] == [uris[1], uris[2], uris[0]]
    assert spotify.write_count == 2


def test_create_playlist_posts_to_me_playlists(spotify, sandbox):
    created = spotify.create_playlist("Rules: Fresh", "made by TrackFlow", public=False)

    assert created["name"] == "Rules: Fresh"
    assert created["public"] is False
    assert sandbox.stats.count("POST", "/v1/me/playlists") == 1


@pytest.mark.parametrize("method", ["add_items", "remove_items", "replace_items"])
def test_more_than_100_uris_in_one_write_is_refused_before_any_request(spotify, sandbox, method):
    uris = ["spotify:track:" + "a" * 22] * (MAX_URIS + 1)

    with pytest.raises(ValueError, match="at most 100"):
        getattr(spotify, method)("x" * 22, uris)
    assert sandbox.stats.total == 0


def test_iterators_read_50_a_page(spotify, sandbox):
    liked = list(spotify.iter_saved_tracks())
    playlist_id = sandbox.state.followed["sandbox-user"][0]
    entries = list(spotify.iter_playlist_items(playlist_id))

    assert len(liked) == 120
    assert sandbox.stats.count("GET", "/v1/me/tracks") == 3  # 50 + 50 + 20
    assert len(entries) == 40
    assert sandbox.stats.count("GET", "/v1/playlists/{playlist_id}/items") == 1
    assert set(entries[0]) == {"added_at", "is_local", "item"}  # the trimmed `fields`


def test_playlist_meta_carries_the_snapshot(spotify, sandbox):
    playlist = sandbox.state.playlist(sandbox.state.followed["sandbox-user"][0])

    meta = spotify.playlist_meta(playlist.id)

    assert meta["snapshot_id"] == playlist.snapshot_id
    assert meta["items"] == {"total": len(playlist.entries)}
