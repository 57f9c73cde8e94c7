"""From a Track row to what a backend fetches (FetchRequest) and what the file says (TrackMeta)."""

import logging

import requests
from django.db.models import Prefetch

from downloads.backends import FetchRequest
from downloads.meta import TrackMeta
from library.models import AlbumArtist, Track, TrackArtist

log = logging.getLogger(__name__)

COVER_MAX_BYTES = 10 * 1024 * 1024
COVER_TIMEOUT = (5, 10)  # connect, read: a cover is a nicety, never worth a long wait
_IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF8")
_DATE_LENGTH = {"year": 4, "month": 7, "day": 10}


def load_track(track_id: int) -> Track:
    """The track with its album and both artist lists, in three queries."""
    return (
        Track.objects.select_related("album")
        .prefetch_related(
            Prefetch("track_artists", TrackArtist.objects.select_related("artist")),
            Prefetch("album__album_artists", AlbumArtist.objects.select_related("artist")),
        )
        .get(pk=track_id)
    )


def artist_names(track: Track) -> list[str]:
    return [link.artist.name for link in track.track_artists.all()]


def fetch_request(track: Track, url: str = "") -> FetchRequest:
    return FetchRequest(
        title=track.title,
        artists=tuple(artist_names(track)),
        album=track.album.name if track.album else "",
        duration_ms=track.duration_ms,
        spotify_id=track.spotify_id,
        isrc=track.isrc or None,
        youtube_id=track.youtube_id,
        url=url or None,
    )


def track_meta(track: Track, *, with_cover: bool = True) -> TrackMeta:
    """The tags to write; the cover is fetched from the album's image URL when it has one."""
    album = track.album
    cover = None
    if with_cover and album and album.cover_url:
        cover = fetch_cover(album.cover_url)
    return TrackMeta(
        title=track.title,
        artists=artist_names(track),
        album=album.name if album else "",
        album_artists=[link.artist.name for link in album.album_artists.all()] if album else [],
        track_number=track.track_number,
        track_total=album.total_tracks if album else None,
        disc_number=track.disc_number,
        date=release_date(album),
        isrc=track.isrc or None,
        spotify_uri=f"spotify:track:{track.spotify_id}" if track.spotify_id else None,
        cover=cover,
    )


def release_date(album) -> str | None:
    """ "2013", "2013-05" or "2013-05-17", as precise as the source knew it."""
    if album is None:
        return None
    if album.release_date:
        length = _DATE_LENGTH.get(album.release_date_precision, 10)
        return album.release_date.isoformat()[:length]
    return str(album.release_year) if album.release_year else None


def fetch_cover(url: str) -> bytes | None:
    """The image at `url`, or None: a missing cover never fails a download."""
    try:
        with requests.get(url, timeout=COVER_TIMEOUT, stream=True) as response:
            response.raise_for_status()
            data = response.raw.read(COVER_MAX_BYTES + 1, decode_content=True)
    except (requests.RequestException, OSError) as error:
        log.info("no cover from %s: %s", url, error)
        return None
    if len(data) > COVER_MAX_BYTES or not _is_image(data):
        log.info("no cover from %s: not an image under %d bytes", url, COVER_MAX_BYTES)
        return None
    return data


def _is_image(data: bytes) -> bool:
    return data.startswith(_IMAGE_MAGIC) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")
