"""What can be imported: `liked`, `all-playlists`, `playlist:<spotify id>`."""

import re

LIKED = "liked"
ALL_PLAYLISTS = "all-playlists"
PLAYLIST_PREFIX = "playlist:"
_ID = re.compile(r"[0-9A-Za-z]{22}")
# playlist:<id>, playlist:spotify:playlist:<id>, playlist:https://open.spotify.com/playlist/<id>
_FORMS = re.compile(r"(?:spotify:playlist:|https?://open\.spotify\.com/playlist/)?([^?/#]+)")


def parse_source(text: str) -> str:
    """The canonical source; ValueError with a message for people otherwise."""
    text = text.strip()
    if text in (LIKED, ALL_PLAYLISTS):
        return text
    if text.startswith(PLAYLIST_PREFIX):
        found = _FORMS.fullmatch(text[len(PLAYLIST_PREFIX) :].split("?")[0].rstrip("/"))
        if found and _ID.fullmatch(found.group(1)):
            return PLAYLIST_PREFIX + found.group(1)
        raise ValueError(f"{text!r} does not name a Spotify playlist (22 letters and digits)")
    raise ValueError(f"unknown source {text!r}: use liked, all-playlists or playlist:<id>")


def playlist_id(source: str) -> str | None:
    return source[len(PLAYLIST_PREFIX) :] if source.startswith(PLAYLIST_PREFIX) else None
