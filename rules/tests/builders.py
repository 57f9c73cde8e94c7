"""Hand-built libraries for rules tests: one call per track, with everything a rule reads."""

import datetime as dt
import itertools
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction
from django.utils import timezone

from library.models import (
    Album,
    AlbumArtist,
    Artist,
    Playlist,
    PlaylistEntry,
    SavedTrack,
    Track,
    TrackArtist,
    TrackEnrichment,
    TrackTag,
)

_ids = itertools.count(1)
EPOCH = dt.datetime(2024, 6, 1, 12, 0, tzinfo=dt.UTC)


def spotify_id() -> str:
    """A fresh 22-character id (the sandbox refuses anything else in a URI)."""
    return f"{next(_ids):022d}"


def artist(name: str) -> Artist:
    found = Artist.objects.filter(name=name).first()
    return found or Artist.objects.create(name=name)


def album(name: str, artists=(), year=None, release_date=None) -> Album:
    made = Album.objects.create(name=name, release_year=year, release_date=release_date)
    for position, who in enumerate(artists):
        AlbumArtist.objects.create(album=made, artist=artist(who), position=position)
    return made


def playlist(owner, name: str, spotify_id_: str | None = None) -> Playlist:
    return Playlist.objects.create(owner=owner, name=name, spotify_id=spotify_id_)


def add_to(playlist_: Playlist, *tracks: Track, added_at: dt.datetime | None = None) -> None:
    start = playlist_.entries.count()
    for offset, one in enumerate(tracks):
        PlaylistEntry.objects.create(
            playlist=playlist_, track=one, position=start + offset, added_at=added_at
        )


def track(
    owner,
    title: str,
    *,
    artists=(),
    album_=None,
    saved_at: dt.datetime | None = EPOCH,
    tags=(),
    genres=None,
    enrichments=None,
    source: str = "spotify",
    **fields,
) -> Track:
    """A track in `owner`'s library (liked at `saved_at`; None: not liked, added by owner)."""
    if source == "spotify":
        fields.setdefault("spotify_id", spotify_id())
    if saved_at is None:
        fields.setdefault("added_by", owner)
    made = Track.objects.create(title=title, album=album_, source=source, **fields)
    for position, who in enumerate(artists):
        TrackArtist.objects.create(track=made, artist=artist(who), position=position)
    if saved_at is not None:
        SavedTrack.objects.create(user=owner, track=made, added_at=saved_at)
    for name in tags:
        TrackTag.objects.create(owner=owner, track=made, name=name)
    data = dict(enrichments or {})
    if genres is not None:
        data.setdefault("musicbrainz", {})["genres"] = list(genres)
    for provider, values in data.items():
        TrackEnrichment.objects.create(
            track=made, provider=provider, data=values, fetched_at=timezone.now()
        )
    return made


@contextmanager
def rolled_back() -> Iterator[None]:
    """A transaction undone at the end: one Hypothesis example's rows, gone for the next."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)
