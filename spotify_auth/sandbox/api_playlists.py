"""Web API handlers for playlists and their items, on the current /items paths.

Only the owner or a collaborator may read or change a playlist's items (403 otherwise);
writes take at most 100 URIs and answer the new snapshot_id.
"""

from __future__ import annotations

import re

from .api_library import page_args
from .fields import apply_fields, parse_fields
from .library import Playlist
from .render import entries_page, full_playlist, simplified_playlist
from .web import ApiError, Request, Response, empty_response, json_response, paging

MAX_URIS = 100
MODIFY_SCOPES = ("playlist-modify-public", "playlist-modify-private")
_URI = re.compile(r"spotify:(track|episode):[0-9A-Za-z]{22}")


def my_playlists(app, req: Request) -> Response:
    offset, limit = page_args(req, max_offset=100_000)
    state = app.state
    with state.lock:
        ids = state.followed[req.user]
        items = [
            simplified_playlist(state, state.playlists[p]) for p in ids[offset : offset + limit]
        ]
        total = len(ids)
    return json_response(req, paging("/v1/me/playlists", items, total, offset, limit, req.query))


def create_playlist(app, req: Request) -> Response:
    """POST /me/playlists: 201 and the new, empty playlist."""
    req.require_scope(*MODIFY_SCOPES)
    body = req.json()
    name, description = body.get("name"), body.get("description") or ""
    public, collaborative = body.get("public", True), body.get("collaborative", False)
    if not isinstance(name, str) or not name:
        raise ApiError(400, "Missing required field: name")
    if not isinstance(description, str) or not _bools(public, collaborative):
        raise ApiError(400, "Invalid request body")
    if collaborative and public:
        raise ApiError(400, "Collaborative playlists can only be private.")
    with app.state.lock:
        playlist = app.state.create_playlist(req.user, name, public, collaborative, description)
        data = full_playlist(app.state, playlist, req.user)
    return json_response(req, data, 201)


def get_playlist(app, req: Request, playlist_id: str) -> Response:
    fields = _fields(req)
    with app.state.lock:
        data = full_playlist(app.state, _find(app, playlist_id), req.user)
    return json_response(req, apply_fields(data, fields))


def change_details(app, req: Request, playlist_id: str) -> Response:
    """PUT /playlists/{id}: name, description, public, collaborative; owner only."""
    req.require_scope(*MODIFY_SCOPES)
    body = req.json()
    keys = ("name", "description", "public", "collaborative")
    changes = {k: body[k] for k in keys if body.get(k) is not None}  # null: leave as it is
    texts_ok = all(isinstance(changes.get(k, ""), str) for k in ("name", "description"))
    if not texts_ok or not _bools(changes.get("public", True), changes.get("collaborative", False)):
        raise ApiError(400, "Invalid request body")
    with app.state.lock:
        if _find(app, playlist_id).owner != req.user:
            raise ApiError(403, "You cannot change details of a playlist you don't own.")
        app.state.update_details(playlist_id, **changes)
    return empty_response()


def get_items(app, req: Request, playlist_id: str) -> Response:
    offset, limit = page_args(req)
    fields = _fields(req)
    with app.state.lock:
        playlist = _find(app, playlist_id)
        if not playlist.readable_by(req.user):
            raise ApiError(403, "Forbidden")
        data = entries_page(app.state, playlist, offset, limit, req.query)
    return json_response(req, apply_fields(data, fields))


def add_items(app, req: Request, playlist_id: str) -> Response:
    """POST /playlists/{id}/items {"uris": [...], "position"?}: 201 {snapshot_id}.

    A bare JSON array of URIs is accepted too: Spotify does, and spotipy sends one.
    """
    req.require_scope(*MODIFY_SCOPES)
    body = req.json(allow_list=True)
    body = {"uris": body} if isinstance(body, list) else body
    uris, position = _uris(app, req, body), body.get("position", req.query.get("position"))
    if not uris:
        raise ApiError(400, "No uris provided")
    if position is not None:
        position = _int({"position": position}, "position")
    with app.state.lock:
        _writable(app, req, playlist_id)
        snapshot = app.state.add_items(playlist_id, uris, req.user, position)
    return json_response(req, {"snapshot_id": snapshot}, 201)


def update_items(app, req: Request, playlist_id: str) -> Response:
    """PUT /playlists/{id}/items: replace with `uris`, or reorder with range_start & co."""
    body = _write_body(req)
    with app.state.lock:
        playlist = _writable(app, req, playlist_id)
        if "uris" in req.query or "uris" in body:
            snapshot = app.state.replace_items(playlist_id, _uris(app, req, body), req.user)
        else:
            _check_snapshot(playlist, body)
            start, before = _int(body, "range_start"), _int(body, "insert_before")
            length = _int(body, "range_length", default=1)
            snapshot = app.state.reorder_items(playlist_id, start, before, length)
    return json_response(req, {"snapshot_id": snapshot})


def remove_items(app, req: Request, playlist_id: str) -> Response:
    """DELETE /playlists/{id}/items {"items": [{"uri"}]}: every occurrence goes."""
    body = _write_body(req)
    items = body.get("items")
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise ApiError(400, "Missing required field: items")
    if len(items) > MAX_URIS:
        raise ApiError(400, f"Too many items: at most {MAX_URIS} per request")
    uris = [i.get("uri") for i in items]
    if not all(isinstance(uri, str) for uri in uris):
        raise ApiError(400, "Invalid request body")
    with app.state.lock:
        _check_snapshot(_writable(app, req, playlist_id), body)
        snapshot = app.state.remove_items(playlist_id, uris)
    return json_response(req, {"snapshot_id": snapshot})


def unfollow(app, req: Request, playlist_id: str) -> Response:
    """DELETE /playlists/{id}/followers: how a playlist is deleted (for its owner too)."""
    req.require_scope(*MODIFY_SCOPES)
    with app.state.lock:
        _find(app, playlist_id)
        app.state.unfollow(req.user, playlist_id)
    return empty_response()


def old_tracks_path(app, req: Request, playlist_id: str) -> Response:
    """/playlists/{id}/tracks is closed to development-mode apps."""
    raise ApiError(403, "Forbidden")


def _find(app, playlist_id: str) -> Playlist:
    try:
        return app.state.playlist(playlist_id)
    except KeyError:
        raise ApiError(404, "Resource not found") from None


def _writable(app, req: Request, playlist_id: str) -> Playlist:
    playlist = _find(app, playlist_id)
    if not playlist.readable_by(req.user):
        raise ApiError(403, "You cannot modify a playlist you don't own or collaborate on.")
    return playlist


def _write_body(req: Request) -> dict:
    req.require_scope(*MODIFY_SCOPES)
    return req.json()


def _uris(app, req: Request, body: dict) -> list[str]:
    """The URIs to write (the query's `uris` wins over the body's), checked like Spotify."""
    if "uris" in req.query:
        uris = [uri.strip() for uri in req.query["uris"].split(",") if uri.strip()]
    else:
        uris = body.get("uris")
    if not isinstance(uris, list) or not all(isinstance(uri, str) for uri in uris):
        raise ApiError(400, "Invalid request body")
    if len(uris) > MAX_URIS:
        raise ApiError(400, f"Too many uris: at most {MAX_URIS} per request")
    for uri in uris:
        if not _URI.fullmatch(uri):
            raise ApiError(400, f"Invalid uri: {uri}")
        if app.state.catalog.item(uri) is None:
            raise ApiError(400, "Payload contains a non-existing ID")
    return uris


def _int(body: dict, key: str, default: int | None = None) -> int:
    value = body.get(key, default)
    if type(value) is not int:  # bool is an int subclass; Spotify refuses true here
        raise ApiError(400, f"Missing or invalid field: {key}")
    return value


def _bools(*values: object) -> bool:
    return all(isinstance(v, bool) for v in values)


def _check_snapshot(playlist: Playlist, body: dict) -> None:
    snapshot = body.get("snapshot_id")
    if snapshot is not None and not playlist.had_snapshot(snapshot):
        raise ApiError(400, "Invalid snapshot id")


def _fields(req: Request):
    try:
        return parse_fields(req.query["fields"]) if req.query.get("fields") else None
    except ValueError:
        raise ApiError(400, "Invalid fields") from None
