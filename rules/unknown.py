"""Writes that go through when some of their URIs are ones Spotify does not know.

Spotify refuses a whole add or replace with 400 "Payload contains a non-existing ID" when
one of its URIs names no track (a hand-typed id, a track Spotify has withdrawn), and does
not say which. Batch look-ups (`GET /tracks?ids=`) are gone (DESIGN §6), and asking about
each track costs a call per track every sync; so nothing is asked beforehand (a sync whose
URIs are all known pays nothing), and a refused batch is split in halves until each
unknown URI stands alone. A half that goes in is written for good; a refused half is split
again; when the first half went in whole, the second is known to hold an unknown URI and
is split without being tried. One unknown URI in 100 costs about 14 calls, once: the sync
records it and later syncs skip it (rules.selection.unknown_to_spotify).
"""

import re
from dataclasses import dataclass, replace

from spotify_auth.client import TrackFlowSpotify
from spotify_auth.errors import SpotifyApiError

from . import target
from .diff import Op

# Spotify's words for a URI it cannot add: "Payload contains a non-existing ID", "Invalid
# base62 id"; the sandbox's "Invalid uri: ..." for one of the wrong shape
_UNKNOWN = re.compile(r"non-existing id|invalid (?:base62 )?id|invalid uri", re.IGNORECASE)


@dataclass(frozen=True)
class Written:
    """What a write did: the snapshot it left (None: nothing was written), the write as it
    went through (its URIs less the unknown ones), and the unknown URIs."""

    snapshot: str | None
    op: Op
    unknown: tuple[str, ...] = ()


def names_unknown_uri(exc: SpotifyApiError) -> bool:
    """Whether Spotify refused the write for a URI it does not know."""
    return exc.http_status == 400 and bool(_UNKNOWN.search(str(exc.msg or "")))


def write_known(client: TrackFlowSpotify, playlist_id: str, op: Op) -> Written:
    """`op`, less the URIs Spotify does not know (adds and replaces; others as they are)."""
    try:
        return Written(target.write(client, playlist_id, op), op)
    except SpotifyApiError as exc:
        if op.kind not in ("add", "replace") or not names_unknown_uri(exc):
            raise
    return _split(client, playlist_id, op)


def _split(client: TrackFlowSpotify, playlist_id: str, op: Op) -> Written:
    """`op` was refused for an unknown URI: write its halves, the first first."""
    if len(op.uris) == 1:
        if op.kind == "replace":  # the rest of the playlist must still go
            return Written(client.replace_items(playlist_id, []), replace(op, uris=()), op.uris)
        return Written(None, replace(op, uris=()), op.uris)
    half = len(op.uris) // 2
    first = write_known(client, playlist_id, replace(op, uris=op.uris[:half]))
    at = None if op.position is None else op.position + len(first.op.uris)
    rest = Op("add", op.uris[half:], position=at)
    # the whole was refused: if the first half went in whole, the rest holds the unknown URI
    second = (
        write_known(client, playlist_id, rest)
        if first.unknown
        else _split(client, playlist_id, rest)
    )
    snapshot = second.snapshot if second.snapshot is not None else first.snapshot
    uris = first.op.uris + second.op.uris
    return Written(snapshot, replace(op, uris=uris), first.unknown + second.unknown)
