"""The rule's playlist on Spotify: find it, make it, read its items, write to it.

A playlist counts as gone when Spotify answers 404 or it is no longer among the user's
playlists (deleting a playlist on Spotify only unfollows it); a sync then makes a new one.
Items are read only when the playlist changed since our last write: with the same
`snapshot_id` it holds exactly what that write left, which the last SyncRun recorded.
"""

import html
from dataclasses import dataclass

from library.models import Playlist
from spotify_auth.client import TrackFlowSpotify
from spotify_auth.errors import SpotifyApiError

from .diff import Op
from .models import RuleSet, SyncRun

ITEM_FIELDS = "items(is_local,item(uri,linked_from(uri))),total,limit,offset,next"
META_FIELDS = "id,name,description,snapshot_id"
REMOVABLE = ("spotify:track:", "spotify:episode:")
DESCRIPTION = "Made by TrackFlow from the rule “{name}”. Edits here are undone at its next sync."


@dataclass
class Target:
    """The playlist as found (`playlist_id` None: there is none to write to)."""

    playlist_id: str | None
    snapshot_id: str = ""
    name: str = ""
    gone: bool = False  # there was one, but it was deleted on Spotify
    description: str | None = None  # None: Spotify did not say (it may send null)


def locate(ruleset: RuleSet, client: TrackFlowSpotify) -> Target:
    playlist_id = ruleset.spotify_playlist_id
    if not playlist_id:
        return Target(None)
    try:
        meta = client.playlist_meta(playlist_id, fields=META_FIELDS)
    except SpotifyApiError as exc:
        if exc.http_status == 404:
            return Target(None, gone=True)
        raise
    if not followed(client, playlist_id):
        return Target(None, gone=True)
    # Spotify sends descriptions HTML-escaped ("Rock &amp; Roll"), or null
    about = meta.get("description")
    about = html.unescape(about) if isinstance(about, str) else None
    return Target(playlist_id, meta["snapshot_id"], meta["name"], description=about)


def followed(client: TrackFlowSpotify, playlist_id: str) -> bool:
    """Whether the playlist is still in the user's list (new ones come first: one page)."""
    for page in client.pages("me/playlists"):
        if any(p and p.get("id") == playlist_id for p in page["items"]):
            return True
    return False


def description(ruleset: RuleSet) -> str:
    """The playlist's description: which rule makes it (by the rule's current name)."""
    name = ruleset.name if len(ruleset.name) <= 200 else ruleset.name[:199] + "…"
    return DESCRIPTION.format(name=name)


def create(ruleset: RuleSet, client: TrackFlowSpotify) -> Target:
    made = client.create_playlist(ruleset.playlist_name, description(ruleset))
    return Target(made["id"], made.get("snapshot_id", ""), made["name"])


def stale_details(target: Target, ruleset: RuleSet) -> dict[str, str]:
    """The name and description the playlist should have, where it has others (a renamed
    rule or target, or edits on Spotify): what one change of details sets. When Spotify
    sends no description, the one the last sync wrote (the library's copy) stands for it."""
    shown = target.description
    if shown is None and ruleset.target_playlist_id is not None:
        copy = Playlist.objects.filter(pk=ruleset.target_playlist_id)
        shown = copy.values_list("description", flat=True).first()
    now = {"name": target.name, "description": shown}
    wanted = {"name": ruleset.playlist_name, "description": description(ruleset)}
    return {key: value for key, value in wanted.items() if now[key] not in (None, value)}


def update_details(target: Target, ruleset: RuleSet, client: TrackFlowSpotify) -> None:
    """Give the playlist its name and description, in one write when either is stale."""
    changes = stale_details(target, ruleset)
    if changes:
        client.playlist_change_details(target.playlist_id, **changes)
        for key, value in changes.items():
            setattr(target, key, value)


def remembered(ruleset: RuleSet, snapshot_id: str) -> list[str | None] | None:
    """The items our last write left, if the playlist is still at that snapshot."""
    if not snapshot_id or snapshot_id != ruleset.spotify_snapshot_id:
        return None
    runs = SyncRun.objects.filter(
        rule=ruleset, snapshot_after=snapshot_id, after_uris__isnull=False
    ).order_by("-updated_at")
    return runs.values_list("after_uris", flat=True).first()


def read_items(client: TrackFlowSpotify, playlist_id: str) -> list[str | None]:
    """The URIs in order; None for an entry no URI can remove (a local file, a gone track)."""
    return [_uri(entry) for entry in client.iter_playlist_items(playlist_id, fields=ITEM_FIELDS)]


def _uri(entry: dict) -> str | None:
    """The URI the entry was added as: a relinked track answers with the track it now
    plays and names the stored one in `linked_from`, which is what a remove must send."""
    item = entry.get("item")
    item = (item.get("linked_from") or item) if isinstance(item, dict) else {}
    uri = item.get("uri")
    if entry.get("is_local") or not isinstance(uri, str) or not uri.startswith(REMOVABLE):
        return None
    return uri


def write(client: TrackFlowSpotify, playlist_id: str, op: Op) -> str:
    """One planned write; returns the playlist's new snapshot_id."""
    if op.kind == "remove":
        return client.remove_items(playlist_id, op.uris)
    if op.kind == "add":
        return client.add_items(playlist_id, op.uris, op.position)
    if op.kind == "replace":
        return client.replace_items(playlist_id, op.uris)
    return client.reorder_items(playlist_id, op.range_start, op.insert_before, op.range_length)
