"""factory_boy factories for the library, and a builder of Spotify-shaped track objects.

Other apps' tests may use these too: `TrackFactory(artists=["A", "B"])` links new artists in
that order; `spotify_track(7)` is what the Web API would send for a track.
"""

import datetime

import factory
from django.utils import timezone

from library.models import (
    Album,
    Artist,
    Playlist,
    PlaylistEntry,
    SavedTrack,
    Track,
    TrackArtist,
    TrackEnrichment,
    TrackTag,
)


def spotify_id(kind: str, n: int) -> str:
    """A 22-character base62 id, unique per kind and number."""
    return f"{kind[:2]}{n:020d}"


class ArtistFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Artist

    name = factory.Sequence(lambda n: f"Artist {n}")
    spotify_id = factory.Sequence(lambda n: spotify_id("ar", n))


class AlbumFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Album

    name = factory.Sequence(lambda n: f"Album {n}")
    spotify_id = factory.Sequence(lambda n: spotify_id("al", n))
    release_date = datetime.date(2001, 5, 1)
    release_date_precision = Album.Precision.DAY
    release_year = 2001


class TrackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Track
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Track {n}")
    album = factory.SubFactory(AlbumFactory)
    spotify_id = factory.Sequence(lambda n: spotify_id("tr", n))
    source = Track.Source.SPOTIFY
    duration_ms = 200_000
    isrc = factory.Sequence(lambda n: f"USRC1{n:07d}")

    @factory.post_generation
    def artists(self, create, names, **kwargs):
        """`artists=["A", "B"]` or `artists=[artist, ...]`: linked in that order."""
        for position, artist in enumerate(names or []):
            if isinstance(artist, str):
                artist = ArtistFactory(name=artist)
            TrackArtist.objects.create(track=self, artist=artist, position=position)


class PlaylistFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Playlist

    name = factory.Sequence(lambda n: f"Playlist {n}")
    spotify_id = factory.Sequence(lambda n: spotify_id("pl", n))


class PlaylistEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlaylistEntry

    playlist = factory.SubFactory(PlaylistFactory)
    track = factory.SubFactory(TrackFactory)
    position = factory.Sequence(lambda n: n)
    added_at = factory.LazyFunction(timezone.now)


class SavedTrackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SavedTrack

    track = factory.SubFactory(TrackFactory)
    added_at = factory.LazyFunction(timezone.now)


class TrackTagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrackTag

    track = factory.SubFactory(TrackFactory)
    name = "favourite"


class EnrichmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrackEnrichment

    track = factory.SubFactory(TrackFactory)
    provider = "musicbrainz"
    data = factory.LazyFunction(lambda: {"genres": ["house"]})
    fetched_at = factory.LazyFunction(timezone.now)


def spotify_track(n: int, *, artists: int = 1, album: int | None = None, **overrides) -> dict:
    """A Spotify TrackObject (the fields TrackFlow reads), numbered `n`."""
    album_n = n if album is None else album
    item = {
        "id": spotify_id("tr", n),
        "name": f"Song {n}",
        "artists": [
            {"id": spotify_id("ar", n * 10 + i), "name": f"Singer {n}.{i}"} for i in range(artists)
        ],
        "album": {
            "id": spotify_id("al", album_n),
            "name": f"Record {album_n}",
            "album_type": "album",
            "release_date": "1999-05-17",
            "release_date_precision": "day",
            "images": [{"url": f"https://img.example/{album_n}.jpg"}],
            "total_tracks": 12,
            "artists": [{"id": spotify_id("ar", album_n * 10), "name": f"Singer {album_n}.0"}],
        },
        "disc_number": 1,
        "track_number": n % 12 + 1,
        "duration_ms": 180_000 + n,
        "explicit": n % 2 == 0,
        "popularity": n % 101,
        "external_ids": {"isrc": f"GBAYE{n:07d}"},
        "is_local": False,
    }
    return {**item, **overrides}


def local_track(title: str, artist: str, album: str, seconds: int) -> dict:
    """A Spotify local file: no ids anywhere."""
    return {
        "id": None,
        "name": title,
        "artists": [{"id": None, "name": artist}],
        "album": {"id": None, "name": album, "artists": []},
        "duration_ms": seconds * 1000,
        "disc_number": 0,
        "track_number": 0,
        "explicit": False,
        "popularity": 0,
        "external_ids": {},
        "is_local": True,
    }
