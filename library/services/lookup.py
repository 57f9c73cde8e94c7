"""Finding catalog tracks by the ids other systems use: Spotify, YouTube, ISRC."""

from collections.abc import Iterable

from library.models import Track
from library.services.bulk import values_by


def track_by_spotify_id(spotify_id: str) -> Track | None:
    """The track saved under this Spotify id (for a relinked track, the id the user saved)."""
    return Track.objects.filter(spotify_id=spotify_id).first() if spotify_id else None


def track_by_youtube_id(youtube_id: str) -> Track | None:
    return Track.objects.filter(youtube_id=youtube_id).first() if youtube_id else None


def tracks_by_isrc(isrc: str) -> list[Track]:
    """Every track with this ISRC (one recording can be on several albums); ignores case."""
    isrc = isrc.strip().upper()
    return list(Track.objects.filter(isrc=isrc).order_by("id")) if isrc else []


def track_ids_by_spotify_id(spotify_ids: Iterable[str]) -> dict[str, int]:
    """{spotify id: track id} for the ids that are in the catalog; one query per 30,000."""
    return values_by(Track, "spotify_id", sorted(set(spotify_ids)))
