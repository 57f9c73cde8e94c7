"""Bulk upsert of Spotify-shaped track objects into the shared catalog.

A batch costs a constant number of queries however many tracks it holds (up to CHUNK): one
upsert and one id look-up per kind of row. Import, uploads and tests all come through here.
"""

import datetime
import hashlib
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.utils import timezone

from library.models import Album, AlbumArtist, Artist, Track, TrackArtist

# Rows per statement group: keeps every IN (...) and INSERT well inside SQLite's limits.
CHUNK = 500

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
    guessed = {1: "year", 2: "month", 3: "day"}.get(len(parts), "day")
    return date, precision if precision in Album.Precision.values else guessed


def local_key(artist: str, album: str, title: str, duration_ms: int | None) -> str:
    """Identity of an id-less local file: artist, album, title and duration."""
    raw = "\x1f".join([artist.casefold(), album.casefold(), title.casefold(), str(duration_ms)])
    return hashlib.sha256(raw.encode()).hexdigest()


def track_key(item: dict) -> tuple[str, str]:
    """("spotify", id) for catalog tracks, ("local", key) for local files."""
    linked = item.get("linked_from") or {}
    spotify_id = linked.get("id") or item.get("id")
    if spotify_id and not item.get("is_local"):
        return "spotify", spotify_id
    artists = item.get("artists") or []
    return "local", local_key(
        artists[0].get("name", "") if artists else "",
        (item.get("album") or {}).get("name") or "",
        item.get("name") or "",
        item.get("duration_ms"),
    )


def upsert_tracks(items: Sequence[dict]) -> list[int]:
    """Insert or update Spotify track objects; returns track ids in the order given."""
    ids: list[int] = []
    with transaction.atomic():
        for start in range(0, len(items), CHUNK):
            ids.extend(_upsert_chunk(items[start : start + CHUNK]))
    return ids


def _named_rows(model, names: Iterable[str]) -> dict[str, int]:
    """Id-less artists or albums are one row per name: find them, create the missing."""
    names = {name for name in names if name}
    if not names:
        return {}
    found = dict(model.objects.filter(spotify_id=None, name__in=names).values_list("name", "id"))
    missing = names - found.keys()
    if missing:
        model.objects.bulk_create([model(name=name) for name in sorted(missing)])
        found = dict(
            model.objects.filter(spotify_id=None, name__in=names).values_list("name", "id")
        )
    return found


def _upsert_artists(items: Sequence[dict]) -> tuple[dict[str, int], dict[str, int]]:
    by_id: dict[str, str] = {}
    local_names: set[str] = set()
    for item in items:
        for artist in [*item.get("artists", []), *(item.get("album") or {}).get("artists", [])]:
            if artist.get("id"):
                by_id[artist["id"]] = artist.get("name") or ""
            else:
                local_names.add(artist.get("name") or "")
    if by_id:
        Artist.objects.bulk_create(
            [Artist(spotify_id=key, name=name) for key, name in by_id.items()],
            update_conflicts=True,
            unique_fields=["spotify_id"],
            update_fields=["name", "updated_at"],
        )
    ids = dict(Artist.objects.filter(spotify_id__in=by_id).values_list("spotify_id", "id"))
    return ids, _named_rows(Artist, local_names)


def _album_row(album: dict) -> Album:
    date, precision = parse_release_date(
        album.get("release_date"), album.get("release_date_precision")
    )
    images = album.get("images") or []
    return Album(
        spotify_id=album["id"],
        name=album.get("name") or "",
        album_type=album.get("album_type") or "",
        release_date=date,
        release_date_precision=precision,
        release_year=date.year if date else None,
        cover_url=images[0]["url"] if images else "",
        total_tracks=album.get("total_tracks"),
    )


def _upsert_albums(items: Sequence[dict], artist_ids: dict, local_artist_ids: dict):
    albums = {a["id"]: a for item in items if (a := item.get("album")) and a.get("id")}
    if albums:
        Album.objects.bulk_create(
            [_album_row(album) for album in albums.values()],
            update_conflicts=True,
            unique_fields=["spotify_id"],
            update_fields=ALBUM_FIELDS,
        )
    ids = dict(Album.objects.filter(spotify_id__in=albums).values_list("spotify_id", "id"))
    local_ids = _named_rows(
        Album,
        (
            (item.get("album") or {}).get("name")
            for item in items
            if not (item.get("album") or {}).get("id")
        ),
    )
    links = [
        AlbumArtist(album_id=ids[key], artist_id=artist_ids[artist["id"]], position=position)
        for key, album in albums.items()
        for position, artist in enumerate(album.get("artists") or [])
        if artist.get("id") in artist_ids
    ]
    AlbumArtist.objects.bulk_create(links, ignore_conflicts=True)
    return ids, local_ids


def _track_row(item: dict, kind: str, key: str, album_id: int | None) -> Track:
    return Track(
        title=item.get("name") or "",
        album_id=album_id,
        disc_number=item.get("disc_number") or 1,
        track_number=item.get("track_number") or None,
        duration_ms=item.get("duration_ms"),
        explicit=bool(item.get("explicit")),
        popularity=item.get("popularity") if kind == "spotify" else None,
        isrc=((item.get("external_ids") or {}).get("isrc") or "")[:16],
        source=Track.Source.SPOTIFY if kind == "spotify" else Track.Source.LOCAL,
        spotify_id=key if kind == "spotify" else None,
        local_key=key if kind == "local" else None,
    )


def _upsert_chunk(items: Sequence[dict]) -> list[int]:
    now = timezone.now()
    artist_ids, local_artist_ids = _upsert_artists(items)
    album_ids, local_album_ids = _upsert_albums(items, artist_ids, local_artist_ids)

    rows: dict[tuple[str, str], Track] = {}
    keys = []
    for item in items:
        kind, key = track_key(item)
        keys.append((kind, key))
        album = item.get("album") or {}
        album_id = album_ids.get(album.get("id")) or local_album_ids.get(album.get("name"))
        rows[(kind, key)] = _track_row(item, kind, key, album_id)
        rows[(kind, key)].artist_list = item.get("artists") or []
        rows[(kind, key)].updated_at = now
    for kind, unique in (("spotify", "spotify_id"), ("local", "local_key")):
        batch = [row for (k, _), row in rows.items() if k == kind]
        if batch:
            Track.objects.bulk_create(
                batch, update_conflicts=True, unique_fields=[unique], update_fields=TRACK_FIELDS
            )
    spotify_keys = [key for kind, key in rows if kind == "spotify"]
    local_keys = [key for kind, key in rows if kind == "local"]
    track_ids = {
        ("spotify", k): v
        for k, v in Track.objects.filter(spotify_id__in=spotify_keys).values_list(
            "spotify_id", "id"
        )
    }
    if local_keys:
        track_ids.update(
            {
                ("local", k): v
                for k, v in Track.objects.filter(local_key__in=local_keys).values_list(
                    "local_key", "id"
                )
            }
        )

    TrackArtist.objects.filter(track_id__in=track_ids.values()).delete()
    links = []
    for row_key, row in rows.items():
        seen = set()
        for position, artist in enumerate(row.artist_list):
            artist_id = artist_ids.get(artist.get("id")) or local_artist_ids.get(artist.get("name"))
            if artist_id and artist_id not in seen:
                seen.add(artist_id)
                links.append(
                    TrackArtist(track_id=track_ids[row_key], artist_id=artist_id, position=position)
                )
    TrackArtist.objects.bulk_create(links)
    return [track_ids[key] for key in keys]
