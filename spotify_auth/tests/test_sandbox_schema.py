"""Every kind of answer the sandbox gives, held against Spotify's OpenAPI description.

Each answer is validated against the response schema the spec declares for that path,
method and status (OpenAPI 3.0 dialect: `nullable`, formats checked). Where the spec
declares no schema for a status (e.g. 400 on /me/tracks, any 5xx), the spec's shared
error response of that status is used; they all wrap ErrorObject.
"""

from __future__ import annotations

import copy
import os
from pathlib import Path

import pytest
import requests
import yaml
from openapi_schema_validator import OAS30Validator

SPEC = Path(
    os.environ.get(
        "SPOTIFY_OPENAPI",
        Path(__file__).resolve().parents[2].parent / "shared" / "spotify" / "openapi.yml",
    )
)
ERROR_RESPONSES = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    429: "TooManyRequests",
}
TRACK_REF, EPISODE_REF = "#/components/schemas/TrackObject", "#/components/schemas/EpisodeObject"
# Spotify documents local files with null ids, hrefs and album dates, but the schema types
# those properties as non-nullable strings. Local entries are held to a copy of the spec in
# which exactly these properties may also be null; everything else is checked as usual.
LOCAL_FILE_NULLS = {
    "TrackObject": ("id", "href"),
    "AlbumBase": ("album_type", "href", "id", "release_date", "release_date_precision", "uri"),
    "SimplifiedArtistObject": ("href", "id", "uri"),
}


@pytest.fixture(scope="module")
def spec() -> dict:
    # shared/ stands beside the checkout (as in CI); without the spec nothing is checked, and
    # that is a failure, not a skip.
    assert SPEC.exists(), f"Spotify's OpenAPI file is not at {SPEC} (set SPOTIFY_OPENAPI)"
    with SPEC.open() as handle:
        loaded = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    map_discriminators(loaded)
    return loaded


def map_discriminators(node: object) -> None:
    """The spec's track-or-episode `oneOf`s carry `discriminator: {propertyName: type}` without
    a mapping, which in OpenAPI 3.0 means `type: track` names a schema called "track"; there
    is none (it is TrackObject), so validators fail every entry. Add the evident mapping."""
    if isinstance(node, list):
        for child in node:
            map_discriminators(child)
    elif isinstance(node, dict):
        refs = {option.get("$ref") for option in node.get("oneOf", [])}
        if "discriminator" in node and refs == {TRACK_REF, EPISODE_REF}:
            node["discriminator"].setdefault(
                "mapping", {"track": TRACK_REF, "episode": EPISODE_REF}
            )
        for child in node.values():
            map_discriminators(child)


@pytest.fixture(scope="module")
def local_file_spec(spec: dict) -> dict:
    relaxed = {"paths": {}, "components": copy.deepcopy(spec["components"])}
    for schema, names in LOCAL_FILE_NULLS.items():
        for name in names:
            prop = relaxed["components"]["schemas"][schema]["properties"][name]
            prop["nullable"] = True
            if "enum" in prop:
                prop["enum"] = [*prop["enum"], None]
    return relaxed


@pytest.fixture
def client(sandbox):
    """The root conftest's sandbox, its API base URL, and a session for sandbox-user."""
    session = requests.Session()
    session.headers["Authorization"] = (
        "Bearer " + sandbox.tokens.issue("sandbox-user")["access_token"]
    )
    return sandbox, sandbox.base_url + "/v1", session


def validate(spec: dict, ref: str, instance: object) -> None:
    validator = OAS30Validator(
        {"components": spec["components"], "$ref": ref},
        format_checker=OAS30Validator.FORMAT_CHECKER,
    )
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(instance)]
    assert not errors, "\n".join(errors[:10])


def response_ref(spec: dict, path: str, method: str, status: int) -> str | None:
    """The schema pointer the spec declares for this answer; None if it has no body."""
    responses = spec["paths"][path][method]["responses"]
    pointer = "#/components/responses/" + ERROR_RESPONSES.get(status, "BadRequest")
    response = responses.get(str(status), {"$ref": pointer})
    if "$ref" in response:
        pointer = response["$ref"]
        response = spec["components"]["responses"][pointer.rsplit("/", 1)[1]]
    if "content" not in response:
        return None
    return pointer + "/content/application~1json/schema"


def check(spec: dict, answer: requests.Response, path: str, method: str = "get") -> object:
    """Validate an answer that may not contain local files or removed tracks."""
    ref = response_ref(spec, path, method, answer.status_code)
    if ref is None:
        assert answer.content == b""
        return None
    body = answer.json()
    validate(spec, ref, body)
    return body


def check_entries(spec: dict, local_spec: dict, page: dict) -> set[str]:
    """Validate a page of PlaylistTrackObjects entry by entry; returns the kinds it held."""
    kinds = set()
    entry_ref = "#/components/schemas/PlaylistTrackObject"
    for entry in page["items"]:
        if entry["item"] is None:
            # The prose says "a track object may be null", but the schema's oneOf is not
            # nullable: check the rest of a removed track's entry.
            assert entry["track"] is None
            validate(
                spec, entry_ref, {k: v for k, v in entry.items() if k not in ("item", "track")}
            )
            kinds.add("removed")
        elif entry["is_local"]:
            validate(local_spec, entry_ref, entry)
            kinds.add("local")
        else:
            validate(spec, entry_ref, entry)
            kinds.add("relinked" if "linked_from" in entry["item"] else entry["item"]["type"])
    validate(spec, "#/components/schemas/PagingObject", page)
    return kinds


def test_profile_and_users_match_the_spec(spec, client):
    app, api, session = client
    check(spec, session.get(f"{api}/me"), "/me")
    check(spec, session.get(f"{api}/users/sandbox-friend"), "/users/{user_id}")


def test_saved_tracks_and_playlists_pages_match_the_spec(spec, client):
    app, api, session = client
    saved = check(spec, session.get(f"{api}/me/tracks?limit=50"), "/me/tracks")
    playlists = check(spec, session.get(f"{api}/me/playlists?limit=50"), "/me/playlists")
    assert len(saved["items"]) == 50
    assert {p["collaborative"] for p in playlists["items"]} == {True, False}


def test_playlist_items_with_every_quirk_match_the_spec(spec, local_file_spec, client):
    app, api, session = client
    quirky = app.state.followed["sandbox-user"][0]
    answer = session.get(f"{api}/playlists/{quirky}/items?limit=50&additional_types=episode")
    assert answer.status_code == 200
    kinds = check_entries(spec, local_file_spec, answer.json())
    assert kinds == {"track", "episode", "local", "removed", "relinked"}


def test_full_playlists_match_the_spec(spec, local_file_spec, client):
    app, api, session = client
    quirky, *_, followed = app.state.followed["sandbox-user"]
    playlist = session.get(f"{api}/playlists/{quirky}").json()
    for key in ("items", "tracks"):
        check_entries(spec, local_file_spec, playlist[key])
        playlist[key] = {**playlist[key], "items": []}
    validate(spec, response_ref(spec, "/playlists/{playlist_id}", "get", 200), playlist)
    unreadable = check(spec, session.get(f"{api}/playlists/{followed}"), "/playlists/{playlist_id}")
    assert "items" not in unreadable


def test_catalog_lookups_match_the_spec(spec, client):
    app, api, session = client
    catalog = app.state.catalog
    relinked = catalog.pool[3]
    track = check(spec, session.get(f"{api}/tracks/{relinked}"), "/tracks/{id}")
    assert track["linked_from"]["id"] == relinked
    album_id, artist_id = track["album"]["id"], track["artists"][0]["id"]
    check(spec, session.get(f"{api}/albums/{album_id}"), "/albums/{id}")
    check(spec, session.get(f"{api}/artists/{artist_id}"), "/artists/{id}")


def test_writes_match_the_spec(spec, client):
    app, api, session = client
    created = session.post(f"{api}/me/playlists", json={"name": "New", "public": False})
    assert created.status_code == 201
    playlist = check(spec, created, "/me/playlists", "post")
    items, uris = (
        f"{api}/playlists/{playlist['id']}/items",
        [f"spotify:track:{t}" for t in app.state.catalog.pool[:3]],
    )
    answers = [
        ("post", session.post(items, json={"uris": uris})),
        ("put", session.put(items, json={"range_start": 0, "insert_before": 3})),
        ("delete", session.delete(items, json={"items": [{"uri": uris[0]}]})),
    ]
    for method, answer in answers:
        assert check(spec, answer, "/playlists/{playlist_id}/items", method)["snapshot_id"]
    details = session.put(f"{api}/playlists/{playlist['id']}", json={"name": "Renamed"})
    assert check(spec, details, "/playlists/{playlist_id}", "put") is None


def test_every_error_kind_matches_the_spec(spec, client):
    app, api, session = client
    followed = app.state.followed["sandbox-user"][-1]
    app.faults.rate_limit(retry_after=3600, quota=True)
    app.faults.server_error(status=502)
    answers = [
        (429, "/me/tracks", session.get(f"{api}/me/tracks")),
        (502, "/me/tracks", session.get(f"{api}/me/tracks")),
        (401, "/me", requests.get(f"{api}/me")),
        (400, "/me/tracks", session.get(f"{api}/me/tracks?limit=51")),
        (403, "/playlists/{playlist_id}/items", session.get(f"{api}/playlists/{followed}/items")),
        (404, "/tracks/{id}", session.get(f"{api}/tracks/{'0' * 22}")),
    ]
    for status, path, answer in answers:
        assert answer.status_code == status
        assert check(spec, answer, path)["error"]["status"] == status
