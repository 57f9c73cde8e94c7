"""Catalog rows for download tests: a track with ordered artists and an album."""

import datetime
from pathlib import Path

import factory
from django.conf import settings
from django.utils import timezone

from downloads.models import DownloadJob
from library.models import Album, AlbumArtist, Artist, Playlist, PlaylistEntry, Track, TrackArtist
from trackflow.jobs.models import JobStatus


class ArtistFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Artist

    name = factory.Sequence(lambda n: f"Artist {n}")


class AlbumFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Album

    name = factory.Sequence(lambda n: f"Album {n}")
    release_date = datetime.date(2013, 5, 17)
    release_date_precision = Album.Precision.DAY
    release_year = 2013
    total_tracks = 13


class TrackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Track

    title = factory.Sequence(lambda n: f"Song {n}")
    album = factory.SubFactory(AlbumFactory)
    track_number = factory.Sequence(lambda n: n % 20 + 1)
    duration_ms = 30_000
    spotify_id = factory.Sequence(lambda n: f"sp{n:020d}")
    isrc = factory.Sequence(lambda n: f"USRC1{n:07d}")


def make_track(artists: tuple[str, ...] = ("Daft Punk",), **fields) -> Track:
    """A track whose artists (in order) are also its album's artists."""
    track = TrackFactory(**fields)
    for position, name in enumerate(artists):
        artist = ArtistFactory(name=name)
        TrackArtist.objects.create(track=track, artist=artist, position=position)
        if track.album:
            AlbumArtist.objects.create(album=track.album, artist=artist, position=position)
    return track


def make_playlist(owner, tracks, name: str = "Road Trip") -> Playlist:
    playlist = Playlist.objects.create(owner=owner, name=name)
    PlaylistEntry.objects.bulk_create(
        PlaylistEntry(playlist=playlist, track=track, position=index)
        for index, track in enumerate(tracks)
    )
    return playlist


def make_job(owner, track, **fields) -> DownloadJob:
    return DownloadJob.objects.create(owner=owner, track=track, backend="http", **fields)


def make_download(owner, track, name: str = "", data: bytes = b"audio") -> DownloadJob:
    """`track` as a worker leaves it once `owner`'s download finished: the file on disk, the
    track pointing at it, and a completed job that ran (one attempt) naming it."""
    name = name or f"library/{track.title}.mp3"
    path = Path(settings.MEDIA_ROOT, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    Track.objects.filter(pk=track.pk).update(audio_file=name)
    track.audio_file.name = name
    now = timezone.now()
    return make_job(
        owner,
        track,
        status=JobStatus.COMPLETED,
        attempts=1,
        progress=1.0,
        file=name,
        started_at=now,
        finished_at=now,
    )
