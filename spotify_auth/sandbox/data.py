"""A deterministic fake Spotify catalog: artists, albums, tracks, episodes, local files.

Objects are built once, as JSON-able dicts in Spotify's current shapes, so that serving a
page is a slice and a json.dumps. Their URLs are written against BASE, which web.py swaps
for the request's own base URL when it sends an answer.
"""

from __future__ import annotations

import hashlib
import random
import zlib
from dataclasses import dataclass, field
from urllib.parse import quote_plus

from .names import (
    ADJECTIVES,
    FIRST_NAMES,
    LAST_NAMES,
    MARKETS,
    NOUNS,
    SPECIAL_ARTISTS,
    SPECIAL_TITLES,
    SUFFIXES,
    long_name,
)

BASE = "https://sandbox.invalid"
OPEN = "https://open.spotify.com"
_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_SIMPLE_ARTIST_KEYS = ("external_urls", "href", "id", "name", "type", "uri")
_NOT_IN_SIMPLE_TRACK = ("album", "external_ids", "popularity")
LOCAL_FILES = (
    ("Sigur Rós", "Demo Tapes", "Untitled #1", 412),
    ("Unknown Artist", "", "voice memo 2019-03-04", 64),
    ("坂本龍一", "Live: Tokyo 1984", "Tong Poo", 301),
    ("The Bootlegs", "Basement", "Song: Take 3 (no vocals)", 187),
)


def make_id(seed: int, kind: str, n: int | str) -> str:
    """A 22-character base62 id that depends on (seed, kind, n) only, not on build order."""
    digest = hashlib.blake2b(f"{seed}:{kind}:{n}".encode(), digest_size=17).digest()
    number = int.from_bytes(digest, "big")
    chars = []
    for _ in range(22):
        number, rest = divmod(number, 62)
        chars.append(_BASE62[rest])
    return "".join(chars)


def is_base62_id(value: str) -> bool:
    return len(value) == 22 and all(c in _BASE62 for c in value)


def ref(kind: str, object_id: str) -> dict:
    """The external_urls/href/id/type/uri block every catalog object starts with."""
    return {
        "external_urls": {"spotify": f"{OPEN}/{kind}/{object_id}"},
        "href": f"{BASE}/v1/{kind}s/{object_id}",
        "id": object_id,
        "type": kind,
        "uri": f"spotify:{kind}:{object_id}",
    }


@dataclass
class Catalog:
    """Everything a library can point at; never changes after build_catalog."""

    tracks: dict[str, dict] = field(default_factory=dict)  # relinked originals included
    albums: dict[str, dict] = field(default_factory=dict)  # SimplifiedAlbumObject
    album_tracks: dict[str, list[str]] = field(default_factory=dict)
    artists: dict[str, dict] = field(default_factory=dict)  # ArtistObject
    episodes: dict[str, dict] = field(default_factory=dict)
    local: dict[str, dict] = field(default_factory=dict)  # by spotify:local: URI
    pool: list[str] = field(default_factory=list)  # the track ids libraries draw from
    removed: list[str] = field(default_factory=list)  # ids of tracks that are gone

    def item(self, uri: str) -> dict | None:
        """The track, episode or local file a playlist entry's URI names; None if gone."""
        _, kind, key = uri.split(":", 2)
        if kind == "track":
            return self.tracks.get(key)
        if kind == "episode":
            return self.episodes.get(key)
        return self.local.get(uri)

    def simplified_track(self, track_id: str) -> dict:
        track = self.tracks[track_id]
        return {k: v for k, v in track.items() if k not in _NOT_IN_SIMPLE_TRACK}


def build_catalog(seed: int, size: int) -> Catalog:
    """At least `size` playable tracks, plus the quirks real catalogs have."""
    rng = random.Random(f"catalog:{seed}")
    catalog = Catalog()
    artists = [_artist(seed, i, name, rng) for i, name in enumerate(_artist_names(rng, size))]
    catalog.artists = {a["id"]: a for a in artists}
    various = _artist(seed, "various", "Various Artists", rng)
    catalog.artists[various["id"]] = various
    album_n = 0
    while len(catalog.pool) < size:
        _add_album(catalog, seed, rng, album_n, artists, various)
        album_n += 1
    catalog.episodes = _episodes(seed, rng)
    catalog.local = {track["uri"]: track for track in map(_local_track, LOCAL_FILES)}
    catalog.removed = [make_id(seed, "removed", i) for i in range(8)]
    return catalog


def _artist_names(rng: random.Random, size: int) -> list[str]:
    names = list(SPECIAL_ARTISTS)
    while len(names) < max(len(SPECIAL_ARTISTS) + 4, size // 8):
        if rng.random() < 0.5:
            names.append(f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}")
        else:
            names.append(f"The {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}")
    return names


def _artist(seed: int, n: int | str, name: str, rng: random.Random) -> dict:
    return {
        **ref("artist", make_id(seed, "artist", n)),
        "followers": {"href": None, "total": rng.randint(0, 2_000_000)},
        "genres": [],
        "images": [],
        "name": name,
        "popularity": rng.randint(0, 100),
    }


def _simple_artist(artist: dict) -> dict:
    return {k: artist[k] for k in _SIMPLE_ARTIST_KEYS}


def _release_date(rng: random.Random, album_n: int) -> tuple[str, str]:
    """All three precisions appear: the first albums are year, month, day, then mostly day."""
    precision = ("year", "month", "day")[album_n] if album_n < 3 else None
    precision = precision or rng.choices(("day", "month", "year"), (8, 1, 1))[0]
    year, month, day = rng.randint(1960, 2024), rng.randint(1, 12), rng.randint(1, 28)
    date = {
        "year": f"{year}",
        "month": f"{year}-{month:02d}",
        "day": f"{year}-{month:02d}-{day:02d}",
    }
    return date[precision], precision


def _add_album(catalog: Catalog, seed: int, rng: random.Random, n: int, artists, various) -> None:
    compilation = n > 3 and rng.random() < 0.05
    if compilation:
        main = various
    elif n < len(SPECIAL_ARTISTS):
        main = artists[n]  # every special name fronts an album
    else:
        main = rng.choice(artists)
    n_tracks = rng.choice((1, 2, 4, 8, 10, 12, 14))
    release_date, precision = _release_date(rng, n)
    album_id = make_id(seed, "album", n)
    album = {
        **ref("album", album_id),
        "album_type": "compilation" if compilation else ("single" if n_tracks < 4 else "album"),
        "artists": [_simple_artist(main)],
        "available_markets": MARKETS,
        "images": [{"url": f"{BASE}/images/{album_id}.png", "height": 64, "width": 64}],
        "name": long_name("Album") if n == 1 else _title(rng),
        "release_date": release_date,
        "release_date_precision": precision,
        "total_tracks": n_tracks,
    }
    catalog.albums[album_id] = album
    catalog.album_tracks[album_id] = []
    for number in range(1, n_tracks + 1):
        lead = rng.choice(artists) if compilation else main
        credits = _credits(rng, artists, lead, len(catalog.pool))
        track = _track(seed, rng, len(catalog.pool), album, number, credits)
        catalog.tracks[track["id"]] = track
        catalog.album_tracks[album_id].append(track["id"])
        catalog.pool.append(_maybe_relink(catalog, seed, rng, track))


def _credits(rng: random.Random, artists: list[dict], lead: dict, n: int) -> list[dict]:
    """The lead artist and usually nobody else; sometimes up to four more (track 2: four)."""
    count = 4 if n == 2 else rng.choices((0, 1, 2, 3, 4), (75, 15, 5, 3, 2))[0]
    featured = [a for a in rng.sample(artists, count + 1) if a is not lead]
    return [lead, *featured[:count]]


def _title(rng: random.Random) -> str:
    return f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}{rng.choice(SUFFIXES)}"


def _track(seed, rng, n: int, album: dict, number: int, artists: list[dict]) -> dict:
    track_id = make_id(seed, "track", n)
    if n < len(SPECIAL_TITLES):
        name = SPECIAL_TITLES[n]
    else:
        name = long_name("Track") if n == len(SPECIAL_TITLES) else _title(rng)
    year = int(album["release_date"][:4])
    registrant = "".join(rng.choices("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", k=3))
    isrc = f"{rng.choice(MARKETS)}{registrant}{year % 100:02d}{n % 10**5:05d}"
    return {
        **ref("track", track_id),
        "album": album,
        "artists": [_simple_artist(a) for a in artists],
        "available_markets": MARKETS,
        "disc_number": 1,
        "duration_ms": rng.randint(90_000, 420_000),
        "explicit": rng.random() < 0.15,
        "external_ids": {"isrc": isrc},
        "is_local": False,
        "is_playable": True,
        "name": name,
        "popularity": rng.randint(0, 100),
        "preview_url": None,
        "track_number": number,
    }


def _maybe_relink(catalog: Catalog, seed: int, rng: random.Random, track: dict) -> str:
    """Some tracks are known by an older id that Spotify relinks to this one (linked_from).

    Returns the id libraries refer to: the old id for relinked tracks.
    """
    if len(catalog.pool) != 3 and rng.random() >= 0.02:
        return track["id"]
    old_id = make_id(seed, "linked-from", track["id"])
    catalog.tracks[old_id] = {**track, "linked_from": ref("track", old_id)}
    return old_id


def _episodes(seed: int, rng: random.Random) -> dict[str, dict]:
    episodes = {}
    for show_n, (show_name, publisher) in enumerate(
        (("The Sandbox Podcast", "TrackFlow Radio"), ("Ráðstefna 🎙️", "Útvarp Sandkassi"))
    ):
        show = _show(seed, show_n, show_name, publisher)
        for n in range(6):
            episode = _episode(seed, rng, f"{show_n}:{n}", show, f"{show_name} #{n + 1}")
            episodes[episode["id"]] = episode
    return episodes


def _show(seed: int, n: int, name: str, publisher: str) -> dict:
    return {
        **ref("show", make_id(seed, "show", n)),
        "available_markets": MARKETS,
        "copyrights": [],
        "description": f"About {name}.",
        "html_description": f"<p>About {name}.</p>",
        "explicit": False,
        "images": [],
        "is_externally_hosted": False,
        "languages": ["en"],
        "media_type": "audio",
        "name": name,
        "publisher": publisher,
        "total_episodes": 6,
    }


def _episode(seed: int, rng: random.Random, n: str, show: dict, name: str) -> dict:
    return {
        **ref("episode", make_id(seed, "episode", n)),
        "audio_preview_url": None,
        "description": f"{name}: an episode.",
        "html_description": f"<p>{name}: an episode.</p>",
        "duration_ms": rng.randint(600_000, 5_400_000),
        "explicit": False,
        "images": [],
        "is_externally_hosted": False,
        "is_playable": True,
        "language": "en",
        "languages": ["en"],
        "name": name,
        "release_date": f"2023-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "release_date_precision": "day",
        "show": show,
    }


def _local_track(spec: tuple[str, str, str, int]) -> dict:
    """A local file as Spotify shows it: no ids, no hrefs, a spotify:local: URI."""
    artist, album, title, seconds = spec
    parts = ":".join(quote_plus(p) for p in (artist, album, title))
    nothing = {"external_urls": {}, "href": None, "id": None, "uri": None}
    return {
        "album": {
            **nothing,
            "album_type": None,
            "artists": [],
            "available_markets": [],
            "images": [],
            "name": album,
            "release_date": None,
            "release_date_precision": None,
            "total_tracks": 0,
            "type": "album",
        },
        "artists": [{**nothing, "name": artist, "type": "artist"}],
        "available_markets": [],
        "disc_number": 0,
        "duration_ms": seconds * 1000,
        "explicit": False,
        "external_ids": {},
        "external_urls": {},
        "href": None,
        "id": None,
        "is_local": True,
        "name": title,
        "popularity": 0,
        "preview_url": None,
        "track_number": 0,
        "type": "track",
        "uri": f"spotify:local:{parts}:{seconds}",
    }


def album_object(catalog: Catalog, album_id: str) -> dict:
    """The full AlbumObject; the deprecated extras are derived from the id."""
    album = catalog.albums[album_id]
    items = [catalog.simplified_track(t) for t in catalog.album_tracks[album_id]]
    checksum = zlib.crc32(album_id.encode())
    return {
        **album,
        "copyrights": [{"text": f"℗ {album['release_date'][:4]} Sandbox", "type": "P"}],
        "external_ids": {"upc": f"{checksum % 10**12:012d}"},
        "genres": [],
        "label": f"{NOUNS[checksum % len(NOUNS)]} Records",
        "popularity": checksum % 101,
        "tracks": {
            "href": f"{BASE}/v1/albums/{album_id}/tracks?offset=0&limit=50",
            "items": items,
            "limit": 50,
            "next": None,
            "offset": 0,
            "previous": None,
            "total": len(items),
        },
    }
