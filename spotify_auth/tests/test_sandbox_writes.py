"""The sandbox's playlist writes: snapshots, added_at, limits, permissions, counting."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

USER = "sandbox-user"


# `sandbox` (the root conftest): 120 liked tracks, 4 playlists of 40 per user, on loopback.


@pytest.fixture
def api(sandbox):
    return sandbox.base_url + "/v1"


@pytest.fixture
def session(sandbox):
    return session_for(sandbox)


def session_for(sandbox, user: str = USER, scope: str | None = None) -> requests.Session:
    session = requests.Session()
    tokens = sandbox.tokens.issue(user) if scope is None else sandbox.tokens.issue(user, scope)
    session.headers["Authorization"] = f"Bearer {tokens['access_token']}"
    return session


def uris(sandbox, count: int, start: int = 0) -> list[str]:
    """Track URIs from the catalog, leaving out relinked ones (they show another URI)."""
    tracks = sandbox.state.catalog.tracks
    plain = [t for t in sandbox.state.catalog.pool if "linked_from" not in tracks[t]]
    return [f"spotify:track:{t}" for t in plain[start : start + count]]


def entries(session: requests.Session, api: str, playlist_id: str) -> list[tuple]:
    """(uri as shown, added_at, added_by) for every entry, reading page by page."""
    found, url = [], f"{api}/playlists/{playlist_id}/items?limit=50"
    while url:
        page = session.get(url).json()
        found += [
            (e["item"] and e["item"]["uri"], e["added_at"], e["added_by"]["id"])
            for e in page["items"]
        ]
        url = page["next"]
    return found


def snapshot(session: requests.Session, api: str, playlist_id: str) -> str:
    return session.get(f"{api}/playlists/{playlist_id}?fields=snapshot_id").json()["snapshot_id"]


def own_playlist(sandbox) -> str:
    return sandbox.state.followed[USER][1]  # a plain one: no local files or removed tracks


def test_adding_appends_with_a_fresh_added_at_and_a_new_snapshot(sandbox, api, session):
    playlist_id = own_playlist(sandbox)
    before = sandbox.state.playlist(playlist_id).snapshot_id
    old = entries(session, api, playlist_id)
    answer = session.post(f"{api}/playlists/{playlist_id}/items", json={"uris": uris(sandbox, 2)})
    assert answer.status_code == 201
    assert answer.json()["snapshot_id"] not in (before, "")
    now = entries(session, api, playlist_id)
    assert now[: len(old)] == old
    assert [(uri, by) for uri, _, by in now[len(old) :]] == [(u, USER) for u in uris(sandbox, 2)]
    added = datetime.strptime(now[-1][1], "%Y-%m-%dT%H:%M:%S%z")
    assert abs(added - datetime.now(UTC)) < timedelta(minutes=1)


def test_adding_at_a_position_inserts_there(sandbox, api, session):
    playlist_id, one = own_playlist(sandbox), uris(sandbox, 1)
    url = f"{api}/playlists/{playlist_id}/items"
    assert session.post(url, json={"uris": one, "position": 0}).status_code == 201
    assert entries(session, api, playlist_id)[0][0] == one[0]
    assert session.post(url, json={"uris": one, "position": 999}).status_code == 400


def test_reads_do_not_change_the_snapshot(sandbox, api, session):
    playlist_id = own_playlist(sandbox)
    first = snapshot(session, api, playlist_id)
    entries(session, api, playlist_id)
    session.get(f"{api}/me/playlists")
    assert snapshot(session, api, playlist_id) == first


def test_reordering_moves_entries_and_keeps_their_added_at(sandbox, api, session):
    playlist_id = own_playlist(sandbox)
    old = entries(session, api, playlist_id)
    body = {"range_start": 0, "range_length": 2, "insert_before": 5}
    answer = session.put(f"{api}/playlists/{playlist_id}/items", json=body)
    assert answer.status_code == 200
    assert entries(session, api, playlist_id) == old[2:5] + old[0:2] + old[5:]


def test_removing_drops_every_occurrence_and_keeps_the_rest(sandbox, api, session):
    playlist_id = own_playlist(sandbox)
    twice = uris(sandbox, 1, start=30)
    for _ in range(2):
        session.post(f"{api}/playlists/{playlist_id}/items", json={"uris": twice, "position": 3})
    kept = [e for e in entries(session, api, playlist_id) if e[0] != twice[0]]
    body = {"items": [{"uri": twice[0]}]}
    answer = session.delete(f"{api}/playlists/{playlist_id}/items", json=body)
    assert answer.status_code == 200
    assert entries(session, api, playlist_id) == kept


def test_replacing_sets_new_entries(sandbox, api, session):
    playlist_id = own_playlist(sandbox)
    answer = session.put(f"{api}/playlists/{playlist_id}/items", json={"uris": uris(sandbox, 3)})
    assert answer.status_code == 200
    assert [e[0] for e in entries(session, api, playlist_id)] == uris(sandbox, 3)
    session.put(f"{api}/playlists/{playlist_id}/items", json={"uris": []})
    assert entries(session, api, playlist_id) == []


@pytest.mark.parametrize(
    ("method", "body"),
    [
        ("post", lambda u: {"uris": u}),
        ("put", lambda u: {"uris": u}),
        ("delete", lambda u: {"items": [{"uri": x} for x in u]}),
    ],
)
def test_a_write_takes_at_most_100_uris(sandbox, api, session, method, body):
    url = f"{api}/playlists/{own_playlist(sandbox)}/items"
    assert session.request(method, url, json=body(uris(sandbox, 101))).status_code == 400
    assert session.request(method, url, json=body(uris(sandbox, 100))).status_code in (200, 201)


def test_malformed_and_unknown_uris_are_refused(sandbox, api, session):
    url = f"{api}/playlists/{own_playlist(sandbox)}/items"
    removed = f"spotify:track:{sandbox.state.catalog.removed[0]}"
    for bad in (
        "spotify:track:short",
        "spotify:album:" + "0" * 22,
        removed,
        "spotify:local:a:b:c:1",
    ):
        assert session.post(url, json={"uris": [bad]}).status_code == 400
    assert session.post(url, json={"uris": []}).status_code == 400


def test_only_owners_and_collaborators_may_write(sandbox, api, session):
    *_, collab, followed = sandbox.state.followed[USER]
    add = {"uris": uris(sandbox, 1)}
    assert session.post(f"{api}/playlists/{followed}/items", json=add).status_code == 403
    assert session.post(f"{api}/playlists/{collab}/items", json=add).status_code == 201
    others = sandbox.state.followed["other-user"][0]
    assert session.post(f"{api}/playlists/{others}/items", json=add).status_code == 403
    assert session.put(f"{api}/playlists/{collab}", json={"name": "Mine"}).status_code == 403


def test_a_write_needs_a_modify_scope(sandbox, api):
    reader = session_for(sandbox, scope="playlist-read-private")
    url = f"{api}/playlists/{own_playlist(sandbox)}/items"
    assert reader.post(url, json={"uris": uris(sandbox, 1)}).status_code == 403


def test_a_snapshot_id_the_playlist_never_had_is_refused(sandbox, api, session):
    playlist_id = own_playlist(sandbox)
    url = f"{api}/playlists/{playlist_id}/items"
    old = snapshot(session, api, playlist_id)
    session.post(url, json={"uris": uris(sandbox, 1)})
    move = {"range_start": 0, "insert_before": 2, "snapshot_id": old}
    assert session.put(url, json=move).status_code == 200  # an earlier one is fine
    assert session.put(url, json={**move, "snapshot_id": "bogus"}).status_code == 400


def test_creating_a_playlist_puts_it_first_in_the_list(sandbox, api, session):
    answer = session.post(f"{api}/me/playlists", json={"name": "Made by TrackFlow"})
    assert answer.status_code == 201
    created = answer.json()
    assert (created["owner"]["id"], created["public"], created["items"]["total"]) == (USER, True, 0)
    first = session.get(f"{api}/me/playlists?limit=1").json()["items"][0]
    assert first["id"] == created["id"]
    assert session.post(f"{api}/me/playlists", json={}).status_code == 400
    both = {"name": "x", "public": True, "collaborative": True}
    assert session.post(f"{api}/me/playlists", json=both).status_code == 400


def test_changing_details_renames_and_changes_the_snapshot(sandbox, api, session):
    playlist_id = own_playlist(sandbox)
    before = snapshot(session, api, playlist_id)
    answer = session.put(
        f"{api}/playlists/{playlist_id}", json={"name": "Renamed", "public": False}
    )
    assert (answer.status_code, answer.content) == (200, b"")
    after = session.get(f"{api}/playlists/{playlist_id}?fields=name,public,snapshot_id").json()
    assert (after["name"], after["public"]) == ("Renamed", False)
    assert after["snapshot_id"] != before


def test_unfollowing_takes_a_playlist_off_the_list(sandbox, api, session):
    playlist_id = own_playlist(sandbox)
    assert session.delete(f"{api}/playlists/{playlist_id}/followers").status_code == 200
    listed = [p["id"] for p in session.get(f"{api}/me/playlists?limit=50").json()["items"]]
    assert playlist_id not in listed


def test_changes_made_from_outside_show_through_the_api(sandbox, api, session):
    playlist_id = own_playlist(sandbox)
    before = snapshot(session, api, playlist_id)
    sandbox.state.add_items(playlist_id, uris(sandbox, 1))
    assert snapshot(session, api, playlist_id) != before
    liked = sandbox.state.liked_ids(USER)
    track_id = next(u.split(":")[2] for u in uris(sandbox, 200) if u.split(":")[2] not in liked)
    sandbox.state.like(USER, track_id)
    assert session.get(f"{api}/me/tracks?limit=1").json()["items"][0]["track"]["id"] == track_id
    sandbox.state.unlike(USER, track_id)
    assert session.get(f"{api}/me/tracks?limit=1").json()["items"][0]["track"]["id"] != track_id
    sandbox.state.delete_playlist(playlist_id)
    assert session.get(f"{api}/playlists/{playlist_id}").status_code == 404


def test_writes_are_counted_apart_from_reads(sandbox, api, session):
    url = f"{api}/playlists/{own_playlist(sandbox)}/items"
    session.get(url)
    session.post(url, json={"uris": uris(sandbox, 1)})
    session.delete(url, json={"items": [{"uri": uris(sandbox, 1)[0]}]})
    assert sandbox.stats.count("GET", "/v1/playlists/{playlist_id}/items") == 1
    assert sandbox.stats.count("POST", "/v1/playlists/{playlist_id}/items") == 1
    assert (sandbox.stats.writes, sandbox.stats.total) == (2, 3)


# The property: whatever sequence of adds, removes, reorders and replaces a client sends,
# the playlist equals a plain list model, and every kept entry keeps its added_at.

operations = st.lists(
    st.one_of(
        st.tuples(st.just("add"), st.lists(st.integers(0, 4), min_size=1, max_size=3),
                  st.one_of(st.none(), st.integers(0, 99))),
        st.tuples(st.just("remove"), st.lists(st.integers(0, 4), min_size=1, max_size=2)),
        st.tuples(st.just("move"), st.integers(0, 99), st.integers(1, 3), st.integers(0, 99)),
        st.tuples(st.just("replace"), st.lists(st.integers(0, 4), max_size=4)),
    ),
    max_size=6,
)  # fmt: skip


def apply_to_model(model: list, operation: tuple, pool: list[str]) -> tuple[str, dict] | None:
    """Change `model` (a list of [uri, added_at or None]) as the sandbox should, and return
    the request to send. Positions are drawn large and wrapped to fit the current length."""
    kind, *args = operation
    if kind == "add":
        picked, position = [pool[i] for i in args[0]], args[1]
        at = len(model) if position is None else position % (len(model) + 1)
        model[at:at] = [[uri, None] for uri in picked]
        return "post", {"uris": picked} | ({} if position is None else {"position": at})
    if kind == "remove":
        gone = {pool[i] for i in args[0]}
        model[:] = [e for e in model if e[0] not in gone]
        return "delete", {"items": [{"uri": uri} for uri in sorted(gone)]}
    if kind == "move":
        if not model:
            return None
        start = args[0] % len(model)
        length, before = min(args[1], len(model) - start), args[2] % (len(model) + 1)
        moved = model[start : start + length]
        rest = model[:start] + model[start + length :]
        at = before if before <= start else max(start, before - length)  # as the docs describe
        model[:] = rest[:at] + moved + rest[at:]
        return "put", {"range_start": start, "range_length": length, "insert_before": before}
    model[:] = [[pool[i], None] for i in args[0]]
    return "put", {"uris": [pool[i] for i in args[0]]}


# Sharing one sandbox across examples is fine: each example writes to a playlist of its own.
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(operations=operations)
def test_any_sequence_of_writes_matches_a_list_model(sandbox, api, operations):
    sandbox.state.clock = itertools.count(1_900_000_000).__next__  # every write a new second
    session, pool = session_for(sandbox), uris(sandbox, 5, start=40)
    playlist = sandbox.state.create_playlist(USER, "model")
    sandbox.state.add_items(playlist.id, uris(sandbox, 6))
    model = [[uri, added_at] for uri, added_at, _ in entries(session, api, playlist.id)]
    for operation in operations:
        request = apply_to_model(model, operation, pool)
        if request is None:
            continue
        answer = session.request(
            request[0], f"{api}/playlists/{playlist.id}/items", json=request[1]
        )
        assert answer.status_code in (200, 201), answer.text
        shown = entries(session, api, playlist.id)
        assert [uri for uri, _, _ in shown] == [uri for uri, _ in model]
        for kept, (_, added_at, _) in zip(model, shown, strict=True):
            assert kept[1] in (None, added_at)
            kept[1] = added_at
