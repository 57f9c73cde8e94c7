"""Bulk upsert of Spotify-shaped track objects into the shared catalog.

A batch costs a constant number of statements however many tracks it holds (up to
chunk_size(), 500 on any current SQLite or PostgreSQL): per kind of row, one upsert and one id
look-up. Import, uploads and tests all come through here.
"""

import datetime
import hashlib
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from library.models import Album, AlbumArtist, Artist, Track, TrackArtist
from library.services.bulk import insert_rows, param_limit, real_sqlite_limit
from library.services.names import NAME_MAX, local_album_ids, local_artist_ids

MAX_CHUNK = 500
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


def chunk_size() -> int:
    """Tracks per group of statements: 500, fewer only on an SQLite built with a low limit."""
    return max(1, min(MAX_CHUNK, param_limit() // PARAMS_PER_TRACK))


def parse_release_date(
    value: str | None, precision: str | None
) -> tuple[datetime.date | None, str]:
    """Spotify gives "1999", "1999-05" or "1999-05-17"; pad to a date and keep the precision."""
    if not value:
        return None, ""
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


def track_key(item: dict) -> tuple[str, str]:
    """("spotify", id) for catalog tracks, ("local", key) for local files.

    A relinked track is kept under the id the user saved (`linked_from.id`), so re-imports
    and playlist syncs keep pointing at the same row.
    """
    linked = item.get("linked_from") or {}
    spotify_id = linked.get("id") or item.get("id")
    if spotify_id and not item.get("is_local"):
        return "spotify", spotify_id
    return "local", local_key(
        _first_artist_name(item),
        (item.get("album") or {}).get("name") or "",
        item.get("name") or "",
        item.get("duration_ms"),
    )


def upsert_tracks(items: Sequence[dict]) -> list[int]:
    """Insert or update Spotify track objects; returns track ids in the order given."""
    ids: list[int] = []
    with transaction.atomic(), real_sqlite_limit():
        size = chunk_size()
        for start in range(0, len(items), size):
            ids.extend(_upsert_chunk(items[start : start + size]))
    return ids


def _first_artist_name(item: dict) -> str:
    artists = item.get("artists") or []
    return (artists[0].get("name") or "") if artists else ""


def _upsert_artists(items: Sequence[dict]) -> tuple[dict[str, int], dict[str, int]]:
    """({spotify id: id}, {name: id} for id-less artists) of every artist the items name."""
    by_id: dict[str, str] = {}
    local_names: list[str] = []
    for item in items:
        for artist in [*item.get("artists", []), *(item.get("album") or {}).get("artists", [])]:
            if artist.get("id"):
                by_id[artist["id"]] = (artist.get("name") or "")[:NAME_MAX]
            elif artist.get("name"):
                local_names.append(artist["name"])
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
    images = album.get("images") or []
    return {
        "spotify_id": album["id"],
        "name": (album.get("name") or "")[:NAME_MAX],
        "album_type": (album.get("album_type") or "")[:32],
        "release_date": date,
        "release_date_precision": precision,
        "release_year": date.year if date else None,
        "cover_url": (images[0].get("url") or "") if images else "",
        "total_tracks": album.get("total_tracks"),
        "created_at": now,
        "updated_at": now,
    }


def _upsert_albums(items: Sequence[dict], artist_ids: dict, local_artists: dict):
    """({spotify id: id}, {(name, artist name): id} for id-less albums)."""
    albums = {a["id"]: a for item in items if (a := item.get("album")) and a.get("id")}
    now = timezone.now()
    rows = [_album_row(album, now) for album in albums.values()]
    ids = insert_rows(Album, rows, update_on="spotify_id", update=ALBUM_FIELDS)
    links = [
        {"album": ids[key], "artist": artist_ids[artist["id"]], "position": position}
        for key, album in albums.items()
        for position, artist in enumerate(album.get("artists") or [])
        if artist.get("id") in artist_ids
    ]
    insert_rows(AlbumArtist, links, ignore_conflicts=True)  # an existing link stays
    local_pairs = [_local_album(item) for item in items if not (item.get("album") or {}).get("id")]
    return ids, local_album_ids(local_pairs, local_artists)


def _local_album(item: dict) -> tuple[str, str]:
    """An id-less album's (name, album artist): its own first artist, else the track's."""
    album = item.get("album") or {}
    artists = album.get("artists") or []
    artist = (artists[0].get("name") or "") if artists else _first_artist_name(item)
    return album.get("name") or "", artist


def _track_row(item: dict, kind: str, key: str, album_id: int | None, now) -> dict:
    """The columns an import writes; the rest (files, status, lyrics) keep their values."""
    return {
        "title": (item.get("name") or "")[:NAME_MAX],
        "album": album_id,
        "disc_number": item.get("disc_number") or 1,
        "track_number": item.get("track_number") or None,
        "duration_ms": item.get("duration_ms"),
        "explicit": bool(item.get("explicit")),
        "popularity": item.get("popularity") if kind == "spotify" else None,
        "isrc": ((item.get("external_ids") or {}).get("isrc") or "")[:16],
        "source": Track.Source.SPOTIFY if kind == "spotify" else Track.Source.LOCAL,
        "spotify_id": key if kind == "spotify" else None,
        "local_key": key if kind == "local" else None,
        "status": Track.Status.NEW,
        "created_at": now,
        "updated_at": now,
        # empty, not NULL, as the model's defaults for a new row
        **dict.fromkeys(("audio_file", "vocals_file", "instrumental_file", "lyrics"), ""),
    }


def _upsert_chunk(items: Sequence[dict]) -> list[int]:
    now = timezone.now()
    artist_ids, local_artists = _upsert_artists(items)
    album_ids, local_albums = _upsert_albums(items, artist_ids, local_artists)

    rows: dict[tuple[str, str], dict] = {}
    artist_lists: dict[tuple[str, str], list[dict]] = {}
    keys = [track_key(item) for item in items]
    for item, (kind, key) in zip(items, keys, strict=True):
        album = item.get("album") or {}
        if album.get("id"):
            album_id = album_ids.get(album["id"])
        else:
            album_id = local_albums.get(_local_album(item))
        rows[(kind, key)] = _track_row(item, kind, key, album_id, now)
        artist_lists[(kind, key)] = item.get("artists") or []

    track_ids: dict[tuple[str, str], int] = {}
    for kind, unique in (("spotify", "spotify_id"), ("local", "local_key")):
        batch = [row for (k, _), row in rows.items() if k == kind]
        if not batch:
            continue
        found = insert_rows(Track, batch, update_on=unique, update=TRACK_FIELDS)
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
            if artist.get("id"):
                artist_id = artist_ids.get(artist["id"])
            else:
                artist_id = local_artists.get(artist.get("name") or "")
            if artist_id and artist_id not in seen:
                links.append(
                    {"track": track_ids[row_key], "artist": artist_id, "position": len(seen)}
                )
                seen.add(artist_id)
    insert_rows(TrackArtist, links)
