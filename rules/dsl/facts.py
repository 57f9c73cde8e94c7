"""What the evaluator knows about one track: plain values, no ORM objects."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypedDict

from .fields import Field, FieldType


class TrackFacts(TypedDict, total=False):
    """One track as the owner sees it. An absent key means the value is missing.

    Lists keep their order (`artists[0]` is the primary artist). `enrichments` maps
    lowercase provider -> lowercase key -> a JSON scalar. `playlists` are the owner's
    playlists holding the track (the rule's own target playlist already left out).
    """

    id: int
    title: str | None
    artists: list[str]
    albumartists: list[str]
    album: str | None
    genres: list[str]
    year: int | None
    releasedate: dt.date | None
    duration: float | None
    explicit: bool | None
    popularity: int | None
    isrc: str | None
    source: str | None
    liked: bool
    likedat: dt.datetime | None
    dateadded: dt.datetime | None
    hasaudio: bool
    status: str | None
    tags: list[str]
    playlists: list[tuple[int, str]]
    enrichments: dict[str, dict[str, Any]]


# field name -> TrackFacts key, where they differ
FACT_KEYS = {
    "artist": "artists",
    "albumartist": "albumartists",
    "genre": "genres",
    "tag": "tags",
    "playlist": "playlists",
}


def is_number(value: Any) -> bool:
    """A JSON number: int or float, never bool (which Python counts as an int)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def is_present(value: Any) -> bool:
    """None, "" and (for enrichments) anything but a string, number or bool are missing."""
    if isinstance(value, str):
        return value != ""
    return value is not None and not isinstance(value, list | dict)


def values_of(field: Field, facts: TrackFacts) -> list[Any]:
    """The present values of a field: [] when missing, one item for single-valued fields."""
    if field.type is FieldType.DYNAMIC:
        provider, _, key = field.name.partition(".")
        raw: Any = facts.get("enrichments", {}).get(provider, {}).get(key)
    else:
        raw = facts.get(FACT_KEYS.get(field.name, field.name))
    items = list(raw or ()) if field.multi else [raw]
    if field.type is FieldType.PLAYLIST:
        return items
    return [v for v in items if is_present(v)]
