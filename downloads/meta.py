"""The metadata a downloaded file carries, in one plain shape shared by tagging and paths.

Kept apart from the models so that the tagger, the path renderer and their tests run without
Django; the job layer builds a TrackMeta from a Track.
"""

import re
from dataclasses import dataclass, field

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


@dataclass
class TrackMeta:
    """What gets written into a file's tags (and what comes back out of them).

    `date` is "YYYY", "YYYY-MM" or "YYYY-MM-DD", as Spotify's release_date_precision allows.
    Totals are optional: a tag says "3/12" only when the album's track count is known.
    """

    title: str = ""
    artists: list[str] = field(default_factory=list)
    album: str = ""
    album_artists: list[str] = field(default_factory=list)
    track_number: int | None = None
    track_total: int | None = None
    disc_number: int | None = None
    disc_total: int | None = None
    date: str | None = None
    isrc: str | None = None
    spotify_uri: str | None = None
    cover: bytes | None = None
    cover_mime: str | None = None

    def __post_init__(self) -> None:
        if self.date is not None and parse_date(self.date) != self.date:
            raise ValueError(f"date must be YYYY, YYYY-MM or YYYY-MM-DD, got {self.date!r}")
        if self.cover is not None and not self.cover_mime:
            self.cover_mime = guess_image_mime(self.cover)


def parse_date(text: str | None) -> str | None:
    """The leading YYYY[-MM[-DD]] of a tag's date ("2019-03-01T00:00:00Z" -> "2019-03-01")."""
    match = _DATE.match((text or "").strip())
    if not match:
        return None
    year, month, day = match.groups()
    if month and not 1 <= int(month) <= 12:
        return year
    if day and not 1 <= int(day) <= 31:
        return f"{year}-{month}"
    return match.group(0)


def parse_number(text: str | int | None) -> tuple[int | None, int | None]:
    """A tag's "3", "03" or "3/12" as (3, None) or (3, 12); vinyl sides like "A1" give None."""
    if text is None:
        return None, None
    if isinstance(text, int):
        return (text or None), None
    number, _, total = str(text).strip().partition("/")
    return _positive(number), _positive(total)


def _positive(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isdigit() and int(text) > 0 else None


def guess_image_mime(data: bytes) -> str:
    """The cover's type from its first bytes; players need it and sources rarely say."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"GIF8"):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return "image/jpeg"


def spotify_track_id(uri: str | None) -> str | None:
    """The id in "spotify:track:<id>" (or an open.spotify.com link), else None."""
    match = re.search(r"(?:spotify:track:|open\.spotify\.com/track/)([A-Za-z0-9]+)", uri or "")
    return match.group(1) if match else None
