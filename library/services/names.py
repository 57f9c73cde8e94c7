"""Artists and albums without a Spotify id: local files, uploads, tracks made by hand.

They are known by what their tags say. An artist is one row per case-folded name; an album one
row per (name, album artist), so two "Greatest Hits" by different artists stay two albums.
Each kind costs two statements however many names: an INSERT that skips existing keys and a
SELECT of the ids.
"""

import hashlib
from collections.abc import Iterable

from library.models import Album, AlbumArtist, Artist
from library.services.bulk import values_by

NAME_MAX = 500  # Artist.name, Album.name and Track.title


def _key(*parts: str) -> str:
    raw = "\x1f".join(part.strip().casefold() for part in parts)
    return hashlib.sha256(raw.encode()).hexdigest()


def artist_key(name: str) -> str:
    return _key("artist", name)


def album_key(name: str, artist_name: str) -> str:
    return _key("album", name, artist_name)


def local_artist_ids(names: Iterable[str]) -> dict[str, int]:
    """{name: artist id} for id-less artists, creating the missing ones."""
    by_key = {artist_key(name): name[:NAME_MAX] for name in names if name and name.strip()}
    if not by_key:
        return {}
    Artist.objects.bulk_create(
        [Artist(local_key=key, name=name) for key, name in by_key.items()], ignore_conflicts=True
    )
    ids = values_by(Artist, "local_key", list(by_key))
    return {name: ids[artist_key(name)] for name in names if name and name.strip()}


def local_album_ids(
    pairs: Iterable[tuple[str, str]], artist_ids: dict[str, int]
) -> dict[tuple[str, str], int]:
    """{(album name, album artist name): album id} for id-less albums, creating the missing.

    `artist_ids` maps artist names to ids (from local_artist_ids) for the album's artist link.
    """
    pairs = [(name, artist) for name, artist in pairs if name and name.strip()]
    by_key = {album_key(name, artist): (name, artist) for name, artist in pairs}
    if not by_key:
        return {}
    Album.objects.bulk_create(
        [Album(local_key=key, name=name[:NAME_MAX]) for key, (name, _) in by_key.items()],
        ignore_conflicts=True,
    )
    ids = values_by(Album, "local_key", list(by_key))
    links = [
        AlbumArtist(album_id=ids[key], artist_id=artist_ids[artist])
        for key, (_, artist) in by_key.items()
        if artist in artist_ids
    ]
    AlbumArtist.objects.bulk_create(links, ignore_conflicts=True)
    return {pair: ids[key] for key, pair in by_key.items()}
