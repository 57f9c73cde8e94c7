"""Web API handlers for the user, Liked Songs and single catalog lookups."""

from __future__ import annotations

from .data import album_object, is_base62_id
from .render import private_user, public_user
from .web import ApiError, Request, Response, json_response, paging

MAX_PAGE = 50


def page_args(req: Request, max_offset: int = 1_000_000) -> tuple[int, int]:
    """(offset, limit) from the query: limit 1-50, default 20; 400 otherwise."""
    return req.int_arg("offset", 0, 0, max_offset), req.int_arg("limit", 20, 1, MAX_PAGE)


def me(app, req: Request) -> Response:
    return json_response(req, private_user(app.state, req.user))


def user(app, req: Request, user_id: str) -> Response:
    if user_id not in app.state.users:
        raise ApiError(404, "Resource not found")
    return json_response(req, public_user(app.state, user_id))


def saved_tracks(app, req: Request) -> Response:
    """GET /me/tracks: newest first, each {added_at, track}."""
    req.require_scope("user-library-read")
    offset, limit = page_args(req)
    state = app.state
    with state.lock:
        liked = state.liked[req.user]
        chunk, total = liked[offset : offset + limit], len(liked)
    items = [{"added_at": added_at, "track": state.catalog.tracks[t]} for t, added_at in chunk]
    return json_response(req, paging("/v1/me/tracks", items, total, offset, limit, req.query))


def track(app, req: Request, track_id: str) -> Response:
    """A relinked id answers with the track it now points to, and `linked_from`."""
    return json_response(req, _lookup(app.state.catalog.tracks, track_id))


def album(app, req: Request, album_id: str) -> Response:
    _lookup(app.state.catalog.albums, album_id)
    return json_response(req, album_object(app.state.catalog, album_id))


def artist(app, req: Request, artist_id: str) -> Response:
    return json_response(req, _lookup(app.state.catalog.artists, artist_id))


def _lookup(objects: dict[str, dict], object_id: str) -> dict:
    if not is_base62_id(object_id):
        raise ApiError(400, "Invalid base62 id")
    if object_id not in objects:
        raise ApiError(404, "Resource not found")
    return objects[object_id]
