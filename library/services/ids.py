"""Spotify and YouTube ids from what people paste (bare ids, URIs, links), and the source a
track made by hand gets from them. The API and the admin both read ids through here."""

import re

from library.models import Track

SPOTIFY_ID = re.compile(
    r"(?:spotify:track:|https?://open\.spotify\.com/(?:intl-[a-z-]+/)?track/)?"
    r"([0-9A-Za-z]{22})(?:[?#].*)?"
)
YOUTUBE_ID = re.compile(
    r"(?:https?://(?:www\.|m\.|music\.)?youtube\.com/(?:watch\?(?:[^#]*&)?v=|shorts/)"
    r"|https?://youtu\.be/)?([A-Za-z0-9_-]{11})(?:[?&#].*)?"
)
NOT_SPOTIFY = "not a Spotify track id, URI or link"
NOT_YOUTUBE = "not a YouTube video id or link"


def spotify_track_id(value: str) -> str | None:
    """The bare id of an id, a `spotify:track:` URI or an open.spotify.com link; else None."""
    return _extract(SPOTIFY_ID, value)


def youtube_video_id(value: str) -> str | None:
    """The bare id of an id or a youtube.com / youtu.be link; else None."""
    return _extract(YOUTUBE_ID, value)


def default_source(spotify_id: str | None, youtube_id: str | None) -> str:
    """A track made by hand without a source: its id's service, else a local file."""
    if spotify_id:
        return Track.Source.SPOTIFY
    if youtube_id:
        return Track.Source.YOUTUBE
    return Track.Source.LOCAL


def _extract(pattern: re.Pattern, value: str) -> str | None:
    match = pattern.fullmatch(value.strip())
    return match.group(1) if match else None
