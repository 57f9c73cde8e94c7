"""The sandbox's Web API reads: pagination, errors, data quirks, determinism, media files."""

from __future__ import annotations

import io
import re
import time
import wave

import pytest
import requests

from spotify_auth.sandbox import create_app, running
from spotify_auth.sandbox.data import is_base62_id

USER = "sandbox-user"


# `sandbox` (the root conftest): 120 liked tracks, 4 playlists of 40 per user, on loopback.


@pytest.fixture
def base_url(sandbox):
    return sandbox.base_url


@pytest.fixture
def api(sandbox):
    return sandbox.base_url + "/v1"


def session_for(sandbox, user: str = USER, scope: str | None = None) -> requests.Session:
    session = requests.Session()
    tokens = sandbox.tokens.issue(user) if scope is None else sandbox.tokens.issue(user, scope)
    session.headers["Authorization"] = f"Bearer {tokens['access_token']}"
    return session


def walk(session: requests.Session, url: str) -> tuple[list[dict], int]:
    """All items behind a paged URL, following `next`; and how many pages that took."""
    items, pages = [], 0
    while url:
        answer = session.get(url)
        assert answer.status_code == 200, answer.text
        page = answer.json()
        items += page["items"]
        url, pages = page["next"], pages + 1
    return items, pages


def test_saved_tracks_page_through_next_links_newest_first(sandbox, api):
    items, pages = walk(session_for(sandbox), f"{api}/me/tracks?limit=50")
    assert pages == 3  # 120 tracks: 50 + 50 + 20
    assert [i["track"]["linked_from"]["id"] if "linked_from" in i["track"] else i["track"]["id"]
            for i in items] == sandbox.state.liked_ids(USER)  # fmt: skip
    added = [i["added_at"] for i in items]
    assert added == sorted(added, reverse=True)


def test_a_page_reports_limit_offset_total_and_absolute_links(sandbox, api):
    page = session_for(sandbox).get(f"{api}/me/tracks?offset=50&limit=20&market=SE").json()
    assert (page["offset"], page["limit"], page["total"], len(page["items"])) == (50, 20, 120, 20)
    assert page["href"] == f"{api}/me/tracks?offset=50&limit=20&market=SE"
    assert page["next"] == f"{api}/me/tracks?offset=70&limit=20&market=SE"
    assert page["previous"] == f"{api}/me/tracks?offset=30&limit=20&market=SE"


def test_the_default_page_has_twenty_items_and_no_previous(sandbox, api):
    page = session_for(sandbox).get(f"{api}/me/tracks").json()
    assert (len(page["items"]), page["previous"]) == (20, None)


def test_past_the_end_is_an_empty_last_page(sandbox, api):
    page = session_for(sandbox).get(f"{api}/me/tracks?offset=500&limit=50").json()
    assert (page["items"], page["next"], page["total"]) == ([], None, 120)


@pytest.mark.parametrize(
    ("query", "message"),
    [("limit=51", "Invalid limit"), ("limit=0", "Invalid limit"), ("limit=x", "Invalid limit"),
     ("offset=-1", "Invalid offset")],
)  # fmt: skip
@pytest.mark.parametrize("path", ["/me/tracks", "/me/playlists", "/playlists/{own}/items"])
def test_bad_page_arguments_answer_400(sandbox, api, path, query, message):
    path = path.format(own=sandbox.state.followed[USER][0])
    answer = session_for(sandbox).get(f"{api}{path}?{query}")
    assert answer.status_code == 400
    assert answer.json() == {"error": {"status": 400, "message": message}}


def test_playlists_list_own_empty_collaborative_and_followed(sandbox, api):
    items, _ = walk(session_for(sandbox), f"{api}/me/playlists?limit=2")
    assert len(items) == 4 + 3
    *own, empty, collab, followed = items
    assert {p["owner"]["id"] for p in [*own, empty]} == {USER}
    assert empty["items"]["total"] == 0
    assert (collab["collaborative"], collab["public"], collab["owner"]["id"]) == (
        True, False, "sandbox-friend")  # fmt: skip
    assert followed["owner"]["id"] == "spotify"
    assert own[0]["items"] == {"href": f"{api}/playlists/{own[0]['id']}/items", "total": 40}
    assert own[0]["tracks"]["href"].endswith("/tracks")  # deprecated, and closed (see below)


def test_items_of_a_followed_playlist_are_forbidden_but_a_collaborative_one_is_readable(
    sandbox, api
):
    *_, collab, followed = sandbox.state.followed[USER]
    session = session_for(sandbox)
    assert session.get(f"{api}/playlists/{collab}/items").status_code == 200
    answer = session.get(f"{api}/playlists/{followed}/items")
    assert answer.status_code == 403
    assert answer.json()["error"]["status"] == 403
    assert "items" not in session.get(f"{api}/playlists/{followed}").json()


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "DELETE"])
def test_the_old_tracks_path_is_forbidden(sandbox, api, method):
    own = sandbox.state.followed[USER][0]
    answer = session_for(sandbox).request(method, f"{api}/playlists/{own}/tracks", json={})
    assert answer.status_code == 403


def test_a_full_playlist_embeds_the_first_page_with_followable_links(sandbox, api):
    own = sandbox.state.followed[USER][0]
    session = session_for(sandbox)
    playlist = session.get(f"{api}/playlists/{own}").json()
    page = playlist["items"]
    assert (len(page["items"]), page["total"]) == (40, 40)
    assert playlist["tracks"]["href"] == page["href"].replace("/items?", "/tracks?")
    second = sandbox.state.followed[USER][1]
    assert session.get(f"{api}/playlists/{second}?fields=snapshot_id,name").json() == {
        "name": sandbox.state.playlist(second).name,
        "snapshot_id": sandbox.state.playlist(second).snapshot_id,
    }


def test_fields_filter_playlist_items(sandbox, api):
    own = sandbox.state.followed[USER][0]
    url = f"{api}/playlists/{own}/items?limit=3&fields=total,items(added_at,item(id,!x))"
    page = session_for(sandbox).get(url).json()
    assert set(page) == {"total", "items"}
    assert all(set(entry) == {"added_at", "item"} for entry in page["items"])
    assert all(set(entry["item"]) <= {"id"} for entry in page["items"])
    bad = session_for(sandbox).get(f"{api}/playlists/{own}/items?fields=items(")
    assert bad.status_code == 400


def test_the_quirky_playlist_holds_every_kind_of_entry(sandbox, api):
    own = sandbox.state.followed[USER][0]
    items, _ = walk(session_for(sandbox), f"{api}/playlists/{own}/items?limit=50")
    local = next(e for e in items if e["is_local"])
    assert local["item"]["id"] is None
    assert re.fullmatch(r"spotify:local:[^:]*:[^:]*:[^:]+:\d+", local["item"]["uri"])
    assert any(e["item"] and e["item"]["type"] == "episode" for e in items)
    assert any(e["item"] is None and e["track"] is None for e in items)
    relinked = next(e["item"] for e in items if e["item"] and "linked_from" in e["item"])
    assert relinked["linked_from"]["id"] != relinked["id"]
    uris = [e["item"]["uri"] for e in items if e["item"] and not e["is_local"]]
    assert len(uris) > len(set(uris))  # a duplicate


def test_the_catalog_has_the_names_and_shapes_real_libraries_have(sandbox):
    catalog = sandbox.state.catalog
    tracks = list(catalog.tracks.values())
    artists = {a["name"] for t in tracks for a in t["artists"]}
    assert {"Sigur Rós", "坂本龍一", "🦊 Fox Emoji Club 🎸", "AC/DC"} <= artists
    assert max(len(t["name"]) for t in tracks) == 300
    assert max(len(t["artists"]) for t in tracks) == 5
    assert {t["album"]["release_date_precision"] for t in tracks} == {"year", "month", "day"}
    assert all(re.fullmatch(r"[A-Z]{2}[A-Z0-9]{3}\d{7}", t["external_ids"]["isrc"]) for t in tracks)
    assert all(is_base62_id(t["id"]) for t in tracks)


def test_the_same_seed_gives_the_same_library_and_another_seed_does_not():
    first, again, other = create_app(seed=5), create_app(seed=5), create_app(seed=6)
    assert first.state.liked == again.state.liked
    assert first.state.catalog.tracks == again.state.catalog.tracks
    assert [p.snapshot_id for p in first.state.playlists.values()] == [
        p.snapshot_id for p in again.state.playlists.values()
    ]
    assert first.state.liked != other.state.liked


def test_a_benchmark_sized_library_builds_in_well_under_a_few_seconds():
    started = time.perf_counter()
    big = create_app(liked=10_000, playlists=50, playlist_size=200)
    assert time.perf_counter() - started < 3  # about 0.5 s on a 2-core machine
    assert len(big.state.liked[USER]) == 10_000 and len(big.state.followed[USER]) == 53


def test_each_user_has_a_library_of_their_own(sandbox, api):
    other = session_for(sandbox, "other-user")
    assert other.get(f"{api}/me").json()["id"] == "other-user"
    theirs = other.get(f"{api}/me/tracks?limit=50").json()["items"]
    mine = session_for(sandbox).get(f"{api}/me/tracks?limit=50").json()["items"]
    assert theirs != mine
    assert sandbox.state.followed["other-user"][0] not in sandbox.state.followed[USER]


def test_single_lookups_answer_404_for_unknown_and_400_for_malformed_ids(sandbox, api):
    session, track_id = session_for(sandbox), sandbox.state.catalog.pool[0]
    assert session.get(f"{api}/tracks/{track_id}").json()["id"] == track_id
    assert session.get(f"{api}/tracks/{sandbox.state.catalog.removed[0]}").status_code == 404
    assert session.get(f"{api}/tracks/nope").json()["error"]["message"] == "Invalid base62 id"
    assert session.get(f"{api}/playlists/{'x' * 22}").status_code == 404
    assert session.get(f"{api}/no/such/path").status_code == 404
    assert session.patch(f"{api}/me").status_code == 405


def test_missing_or_unknown_tokens_answer_401(api):
    assert requests.get(f"{api}/me").json() == {
        "error": {"status": 401, "message": "No token provided"}
    }
    answer = requests.get(f"{api}/me", headers={"Authorization": "Bearer nope"})
    assert answer.json()["error"] == {"status": 401, "message": "Invalid access token"}


def test_a_token_without_the_library_scope_may_not_read_liked_songs(sandbox, api):
    answer = session_for(sandbox, scope="playlist-read-private").get(f"{api}/me/tracks")
    assert answer.status_code == 403


def test_audio_is_a_short_real_wav_per_track(sandbox, base_url):
    track_id, other_id = sandbox.state.catalog.pool[:2]
    answer = requests.get(f"{base_url}/audio/{track_id}.wav")
    assert answer.headers["Content-Type"] == "audio/wav"
    assert int(answer.headers["Content-Length"]) == len(answer.content)
    with wave.open(io.BytesIO(answer.content)) as audio:
        assert 0.1 < audio.getnframes() / audio.getframerate() < 1
    assert requests.get(f"{base_url}/audio/{track_id}.wav").content == answer.content
    assert requests.get(f"{base_url}/audio/{other_id}.wav").content != answer.content
    assert requests.head(f"{base_url}/audio/{track_id}.wav").content == b""
    assert requests.get(f"{base_url}/audio/{'0' * 22}.wav").status_code == 404


def test_album_images_are_served_by_the_sandbox(sandbox, api):
    track = session_for(sandbox).get(f"{api}/tracks/{sandbox.state.catalog.pool[0]}").json()
    image = requests.get(track["album"]["images"][0]["url"])
    assert image.content.startswith(b"\x89PNG\r\n\x1a\n")


def mount(sandbox, prefix: str):
    """A WSGI sandbox serving `sandbox` under `prefix`, as a host sandbox would mount it."""

    def outer(environ, start_response):
        path = environ.get("PATH_INFO", "")
        if not path.startswith(prefix + "/"):
            start_response("404 Not Found", [("Content-Length", "0")])
            return [b""]
        inner = {**environ, "SCRIPT_NAME": prefix, "PATH_INFO": path[len(prefix) :]}
        return sandbox(inner, start_response)

    return outer


def test_links_follow_the_mount_point(sandbox):
    with running(mount(sandbox, "/sandbox")) as base_url:
        api = f"{base_url}/sandbox/v1"
        items, pages = walk(session_for(sandbox), f"{api}/me/tracks?limit=50")
        page = session_for(sandbox).get(f"{api}/me/tracks?limit=50").json()
    assert (len(items), pages) == (120, 3)
    assert page["next"].startswith(f"{api}/me/tracks?")
    assert page["items"][0]["track"]["href"].startswith(f"{api}/tracks/")
