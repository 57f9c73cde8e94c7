"""Bulk upsert of Spotify-shaped track objects into the shared catalog.

A batch costs a constant number of statements however many tracks it holds (up to
chunk_size(), 500 on any current SQLite or PostgreSQL): per kind of row, one upsert and one id
look-up. Import, uploads and tests all come through here.

insert_rows writes values as given, without the model fields' checks, and SQLite keeps
whatever it is handed ("long" in an integer column breaks every later read of the row). So
every value is made to fit its column here: whole numbers in range, booleans, parsed dates,
strings cut to size, Spotify ids of 22 base62 characters, anything else empty or NULL. An
item without a usable identity (a catalog track without a Spotify id, or without a title) is
not stored at all: upsert_tracks answers None for it, and the import counts it.
"""

import datetime
import hashlib
import re
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from library.models import Album, AlbumArtist, Artist, Track, TrackArtist
from library.services.bulk import insert_rows, param_limit, real_sqlite_limit
from library.services.names import NAME_MAX, local_album_ids, local_artist_ids

MAX_CHUNK = 500
SPOTIFY_ID = re.compile(r"[0-9A-Za-z]{22}")
SMALL_MAX = 32_767  # PositiveSmallIntegerField, on every database Django supports
INT_MAX = 2_147_483_647  # PositiveIntegerField
URL_MAX = 1000  # the URLFields' max_length
# Parameters one track may need across the chunk's statements (its row, artists, album).
PARAMS_PER_TRACK = 64

TRACK_FIELDS = [
    "title",
    "album",
    "disc_number",
    "track_number",
    "duration_ms",
    "explicit",
    "popularity",
    "isrc",
    "source",
    "updated_at",
]
# A Spotify track someone made by hand (staff, or a member before members were refused
# Spotify ids) becomes the catalog's when an import brings it: no single user edits or
# deletes a track other libraries hold. A local file made by hand stays its maker's.
SPOTIFY_TRACK_FIELDS = [*TRACK_FIELDS, "added_by"]
ALBUM_FIELDS = [
    "name",
    "album_type",
    "release_date",
    "release_date_precision",
    "release_year",
    "cover_url",
    "total_tracks",
    "updated_at",
]


def spotify_id(value: object) -> str | None:
    """`value` if it is a Spotify id (22 base62 characters), else None."""
    return value if isinstance(value, str) and SPOTIFY_ID.fullmatch(value) else None


def text(value: object, max_length: int | None = None) -> str:
    """A string column's value: a string (without NULs, which PostgreSQL refuses) cut to
    `max_length`; anything else is empty."""
    if not isinstance(value, str):
        return ""
    return value.replace("\x00", "")[:max_length]


def whole(value: object, high: int, low: int = 0) -> int | None:
    """An integer column's value: a whole number (not a bool) in [low, high], else None."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return value if type(value) is int and low <= value <= high else None


def flag(value: object) -> bool:
    """A boolean column's value: only JSON's true is true ("false" is a string, not true)."""
    return value is True


def url(value: object) -> str:
    """A URL that fits its column whole, else empty: a cut URL points nowhere."""
    value = text(value)
    return value if len(value) <= URL_MAX else ""


def _dict(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def _dicts(value: object) -> list[dict]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def chunk_size() -> int:
    """Tracks per group of statements: 500, fewer only on an SQLite built with a low limit."""
    return max(1, min(MAX_CHUNK, param_limit() // PARAMS_PER_TRACK))


def parse_release_date(
    value: str | None, precision: str | None
) -> tuple[datetime.date | None, str]:
    """Spotify gives "1999", "1999-05" or "1999-05-17"; pad to a date and keep the precision."""
    if not value or not isinstance(value, str):
        return None, ""
    precision = precision if isinstance(precision, str) else ""
    parts = value.split("-")
    try:
        year = int(parts[0])
        month = int(parts[1]) if len(parts) > 1 else 1
        day = int(parts[2]) if len(parts) > 2 else 1
        date = datetime.date(year, month, day)
    except (ValueError, IndexError):
        return None, ""
    # The value's own length wins over a precision that claims more than it gives.
    precisions = {"year": 1, "month": 2, "day": 3}
    if precisions.get(precision or "", 4) > len(parts):
        precision = {1: "year", 2: "month"}.get(len(parts), "day")
    return date, precision


def local_key(artist: str, album: str, title: str, duration_ms: int | None) -> str:
    """Identity of an id-less local file: artist, album, title and duration."""
    raw = "\x1f".join([artist.casefold(), album.casefold(), title.casefold(), str(duration_ms)])
    return hashlib.sha256(raw.encode()).hexdigest()


def track_key(item: object) -> tuple[str, str] | None:
    """("spotify", id) for catalog tracks, ("local", key) for local files; None for an item
    no track can be made of: not an object, no title, or a catalog track without a Spotify id.

    A relinked track is kept under the id the user saved (`linked_from.id`), so re-imports
    and playlist syncs keep pointing at the same row.
    """
    if not isinstance(item, dict) or not text(item.get("name")).strip():
        return None
    if item.get("is_local") is True:
        return "local", local_key(
            _first_artist_name(item),
            text(_album(item).get("name")),
            text(item.get("name")),
            whole(item.get("duration_ms"), INT_MAX),
        )
    found = spotify_id(_dict(item.get("linked_from")).get("id")) or spotify_id(item.get("id"))
    return ("spotify", found) if found else None


def upsert_tracks(items: Sequence[dict]) -> list[int | None]:
    """Insert or update Spotify track objects; returns track ids in the order given, None
    for an item no track can be made of (see track_key), which is left out."""
    keys = [track_key(item) for item in items]
    usable = [(item, key) for item, key in zip(items, keys, strict=True) if key]
    ids: list[int] = []
    with transaction.atomic(), real_sqlite_limit():
        size = chunk_size()
        for start in range(0, len(usable), size):
            ids.extend(_upsert_chunk(usable[start : start + size]))
    found = iter(ids)
    return [next(found) if key else None for key in keys]


def _first_artist_name(item: dict) -> str:
    artists = _dicts(item.get("artists"))
    return text(artists[0].get("name")) if artists else ""


def _upsert_artists(items: Sequence[dict]) -> tuple[dict[str, int], dict[str, int]]:
    """({spotify id: id}, {name: id} for id-less artists) of every artist the items name.
    An artist whose id is not a Spotify id is known by its name, as an id-less one."""
    by_id: dict[str, str] = {}
    local_names: list[str] = []
    for item in items:
        album_artists = _dicts(_album(item).get("artists"))
        for artist in [*_dicts(item.get("artists")), *album_artists]:
            key, name = spotify_id(artist.get("id")), text(artist.get("name"))
            if key:
                by_id[key] = name[:NAME_MAX]
            elif name:
                local_names.append(name)
    now = timezone.now()
    found = insert_rows(
        Artist,
        [
            {"spotify_id": key, "name": name, "image_url": "", "created_at": now, "updated_at": now}
            for key, name in by_id.items()
        ],
        update_on="spotify_id",
        update=["name", "updated_at"],
    )
    return found, local_artist_ids(local_names)


def _album_row(album: dict, now) -> dict:
    date, precision = parse_release_date(
        album.get("release_date"), album.get("release_date_precision")
    )
    images = _dicts(album.get("images"))
    return {
        "spotify_id": album["id"],
        "name": text(album.get("name"), NAME_MAX),
        "album_type": text(album.get("album_type"), 32),
        "release_date": date,
        "release_date_precision": precision,
        "release_year": date.year if date else None,
        "cover_url": url(images[0].get("url")) if images else "",
        "total_tracks": whole(album.get("total_tracks"), SMALL_MAX),
        "created_at": now,
        "updated_at": now,
    }


def _upsert_albums(items: Sequence[dict], artist_ids: dict, local_artists: dict):
    """({spotify id: id}, {(name, artist name): id} for id-less albums). An album whose id
    is not a Spotify id is known by name and artist, as an id-less one."""
    albums = {key: a for a in map(_album, items) if (key := spotify_id(a.get("id")))}
    now = timezone.now()
    rows = [_album_row(album, now) for album in albums.values()]
    ids = insert_rows(Album, rows, update_on="spotify_id", update=ALBUM_FIELDS)
    links = [
        {"album": ids[key], "artist": artist_ids[artist_key], "position": position}
        for key, album in albums.items()
        for position, artist in enumerate(_dicts(album.get("artists")))
        if (artist_key := spotify_id(artist.get("id"))) in artist_ids
    ]
    insert_rows(AlbumArtist, links, ignore_conflicts=True)  # an existing link stays
    local_pairs = [_local_album(item) for item in items if not _album_id(item)]
    return ids, local_album_ids(local_pairs, local_artists)


def _album(item: dict) -> dict:
    return _dict(item.get("album"))


def _album_id(item: dict) -> str | None:
    return spotify_id(_album(item).get("id"))


def _local_album(item: dict) -> tuple[str, str]:
    """An id-less album's (name, album artist): its own first artist, else the track's."""
    album = _album(item)
    artists = _dicts(album.get("artists"))
    artist = text(artists[0].get("name")) if artists else _first_artist_name(item)
    return text(album.get("name")), artist


def _track_row(item: dict, kind: str, key: str, album_id: int | None, now) -> dict:
    """The columns an import writes; the rest (files, status, lyrics) keep their values."""
    return {
        "title": text(item.get("name"), NAME_MAX),
        "album": album_id,
        "disc_number": whole(item.get("disc_number"), SMALL_MAX) or 1,
        "track_number": whole(item.get("track_number"), SMALL_MAX) or None,
        "duration_ms": whole(item.get("duration_ms"), INT_MAX),
        "explicit": flag(item.get("explicit")),
        "popularity": whole(item.get("popularity"), 100) if kind == "spotify" else None,
        "isrc": text(_dict(item.get("external_ids")).get("isrc"), 16),
        "source": Track.Source.SPOTIFY if kind == "spotify" else Track.Source.LOCAL,
        "spotify_id": key if kind == "spotify" else None,
        "local_key": key if kind == "local" else None,
        "status": Track.Status.NEW,
        "added_by": None,
        "created_at": now,
        "updated_at": now,
        # empty, not NULL, as the model's defaults for a new row
        **dict.fromkeys(("audio_file", "vocals_file", "instrumental_file", "lyrics"), ""),
    }


def _upsert_chunk(usable: Sequence[tuple[dict, tuple[str, str]]]) -> list[int]:
    """(item, its track_key) pairs, all usable; returns their track ids in order."""
    now = timezone.now()
    items = [item for item, _ in usable]
    artist_ids, local_artists = _upsert_artists(items)
    album_ids, local_albums = _upsert_albums(items, artist_ids, local_artists)

    rows: dict[tuple[str, str], dict] = {}
    artist_lists: dict[tuple[str, str], list[dict]] = {}
    keys = [key for _, key in usable]
    for item, (kind, key) in usable:
        album_key = _album_id(item)
        album_id = album_ids.get(album_key) if album_key else local_albums.get(_local_album(item))
        rows[(kind, key)] = _track_row(item, kind, key, album_id, now)
        artist_lists[(kind, key)] = _dicts(item.get("artists"))

    track_ids: dict[tuple[str, str], int] = {}
    for kind, unique, update in (
        ("spotify", "spotify_id", SPOTIFY_TRACK_FIELDS),
        ("local", "local_key", TRACK_FIELDS),
    ):
        batch = [row for (k, _), row in rows.items() if k == kind]
        if not batch:
            continue
        found = insert_rows(Track, batch, update_on=unique, update=update)
        track_ids.update({(kind, key): pk for key, pk in found.items()})

    _link_artists(track_ids, artist_lists, artist_ids, local_artists)
    return [track_ids[key] for key in keys]


def _link_artists(track_ids: dict, artist_lists: dict, artist_ids: dict, local_artists: dict):
    """Replace each track's artist links with the source's list, in its order."""
    TrackArtist.objects.filter(track_id__in=list(track_ids.values())).delete()
    links = []
    for row_key, artists in artist_lists.items():
        seen = set()
        for artist in artists:
            key = spotify_id(artist.get("id"))
            name = text(artist.get("name"))
            artist_id = artist_ids.get(key) if key else local_artists.get(name)
            if artist_id and artist_id not in seen:
                links.append(
                    {"track": track_ids[row_key], "artist": artist_id, "position": len(seen)}
                )
                seen.add(artist_id)
    insert_rows(TrackArtist, links)
