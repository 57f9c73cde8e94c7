"""Spotify JSON for the parts of the sandbox that change: users, playlists, entries.

Callers hold `state.lock` while rendering a playlist, so a page never mixes two versions.
"""

from __future__ import annotations

from .data import BASE, OPEN, Catalog, make_id
from .library import Entry, Playlist
from .state import SandboxState
from .web import paging

EMBEDDED_PAGE = 50  # items embedded in a full playlist; its `next` must obey the /items limit


def user_ref(user_id: str) -> dict:
    """PlaylistUserObject."""
    return {
        "external_urls": {"spotify": f"{OPEN}/user/{user_id}"},
        "href": f"{BASE}/v1/users/{user_id}",
        "id": user_id,
        "type": "user",
        "uri": f"spotify:user:{user_id}",
    }


def owner(state: SandboxState, user_id: str) -> dict:
    """PlaylistOwnerObject."""
    return {**user_ref(user_id), "display_name": state.users[user_id]}


def public_user(state: SandboxState, user_id: str) -> dict:
    return {**owner(state, user_id), "followers": {"href": None, "total": 0}, "images": []}


def private_user(state: SandboxState, user_id: str) -> dict:
    return {
        **public_user(state, user_id),
        "account_id": make_id(0, "account", user_id)[:10],
        "country": "SE",
        "email": f"{user_id}@sandbox.invalid",
        "explicit_content": {"filter_enabled": False, "filter_locked": False},
        "product": "premium",
    }


def entry(catalog: Catalog, item: Entry) -> dict:
    """PlaylistTrackObject: the item under `item` and, deprecated, `track`; null if removed."""
    target = catalog.item(item.uri)
    return {
        "added_at": item.added_at,
        "added_by": user_ref(item.added_by),
        "is_local": item.uri.startswith("spotify:local:"),
        "item": target,
        "track": target,
    }


def entries_page(
    state: SandboxState, playlist: Playlist, offset: int, limit: int, query: dict | None = None
) -> dict:
    chunk = playlist.entries[offset : offset + limit]
    items = [entry(state.catalog, e) for e in chunk]
    path = f"/v1/playlists/{playlist.id}/items"
    return paging(path, items, len(playlist.entries), offset, limit, query)


def _playlist_common(state: SandboxState, playlist: Playlist) -> dict:
    image = {"url": f"{BASE}/images/{playlist.id}.png", "height": None, "width": None}
    return {
        "collaborative": playlist.collaborative,
        "description": playlist.description,
        "external_urls": {"spotify": f"{OPEN}/playlist/{playlist.id}"},
        "href": f"{BASE}/v1/playlists/{playlist.id}",
        "id": playlist.id,
        "images": [image] if playlist.entries else [],
        "name": playlist.name,
        "owner": owner(state, playlist.owner),
        "public": playlist.public,
        "snapshot_id": playlist.snapshot_id,
        "type": "playlist",
        "uri": f"spotify:playlist:{playlist.id}",
    }


def simplified_playlist(state: SandboxState, playlist: Playlist) -> dict:
    href, total = f"{BASE}/v1/playlists/{playlist.id}", len(playlist.entries)
    return {
        **_playlist_common(state, playlist),
        "items": {"href": f"{href}/items", "total": total},
        "tracks": {"href": f"{href}/tracks", "total": total},
    }


def full_playlist(state: SandboxState, playlist: Playlist, reader: str) -> dict:
    """PlaylistObject. Its items are left out for a reader who may not read them."""
    data = {
        **_playlist_common(state, playlist),
        "followers": {"href": None, "total": playlist.followers},
    }
    if playlist.readable_by(reader):
        data["items"] = entries_page(state, playlist, 0, EMBEDDED_PAGE)
        data["tracks"] = {**data["items"], **_old_links(data["items"])}
    return data


def _old_links(page: dict) -> dict:
    """The deprecated `tracks` copy links to the deprecated path, as Spotify's does."""
    return {
        key: page[key].replace("/items?", "/tracks?")
        for key in ("href", "next", "previous")
        if page[key]
    }
