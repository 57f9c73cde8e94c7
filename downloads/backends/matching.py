"""Picking the search result that is the track, in the manner of spotDL.

A search for "Artist - Title" returns the studio recording, its official video, a live cut, a
cover by someone else and a one-hour loop. Each candidate is scored on title similarity,
artist, and duration; versions the track is not (live, remix, karaoke...) are penalized, and
an ISRC match wins outright. Below the threshold nothing is chosen: no file beats a wrong one.

A candidate is a plain dict, as yt-dlp describes a video: title, uploader, channel, artist,
creator, duration (seconds), url or webpage_url, and isrc when the source exposes it.
"""

import re
import unicodedata
from collections.abc import Iterable
from difflib import SequenceMatcher
from typing import Any

from downloads.backends.base import FetchRequest

DEFAULT_THRESHOLD = 0.7
DEFAULT_MAX_DURATION_DELTA = 15.0  # seconds; beyond this it is another cut of the song
_WEIGHTS = {"title": 0.55, "artist": 0.25, "duration": 0.20}
_VARIANT_PENALTY = 0.3

# bracketed decorations of video titles that say nothing about which recording it is
_NOISE = re.compile(
    r"[(\[{][^)\]}]*\b(official|video|audio|lyrics?|visuali[sz]er|hd|hq|4k|mv|explicit|clean)"
    r"\b[^)\]}]*[)\]}]"
)
_FEATURING = re.compile(r"[(\[]\s*(feat|ft|featuring)\b[^)\]]*[)\]]|\s(feat|ft|featuring)\b.*$")
_VARIANTS = (
    "live",
    "cover",
    "remix",
    "karaoke",
    "instrumental",
    "acoustic",
    "sped up",
    "slowed",
    "nightcore",
    "8d",
    "reverb",
    "demo",
    "extended",
    "1 hour",
)
_CHANNEL_NOISE = re.compile(r"\b(vevo|official|topic|music|records)\b")


def normalize(text: str) -> str:
    """Lowercase words without accents, decorations, featured artists or punctuation."""
    text = unicodedata.normalize("NFKD", text or "").casefold()
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = _FEATURING.sub(" ", _NOISE.sub(" ", text))
    text = re.sub(r"[^\w\s]|_", " ", text.replace("&", " and "))
    return " ".join(text.split())


def score(request: FetchRequest, candidate: dict[str, Any], **limits: float) -> float | None:
    """How well `candidate` matches, from 0 to 1 (2 for an ISRC match); None if ruled out."""
    max_delta = limits.get("max_duration_delta", DEFAULT_MAX_DURATION_DELTA)
    isrc = (candidate.get("isrc") or "").upper()
    if request.isrc and isrc == request.isrc.upper():
        return 2.0
    duration = _duration_score(request, candidate, max_delta)
    artist = _artist_score(request, candidate)
    if duration is None or artist == 0.0:
        return None
    title = _title_score(request, candidate)
    if title < 0.6:
        return None
    total = (
        _WEIGHTS["title"] * title
        + _WEIGHTS["artist"] * artist
        + _WEIGHTS["duration"] * (0.5 if duration < 0 else duration)
    )
    if _is_other_version(request.title, candidate.get("title") or ""):
        total -= _VARIANT_PENALTY
    return round(total, 4)


def rank(
    request: FetchRequest, candidates: Iterable[dict[str, Any]], **limits: float
) -> list[tuple[float, dict[str, Any]]]:
    """The candidates that are not ruled out, best first (search order breaks ties)."""
    scored = [(score(request, candidate, **limits), candidate) for candidate in candidates]
    kept = [(value, candidate) for value, candidate in scored if value is not None]
    return sorted(kept, key=lambda pair: -pair[0])


def best_match(
    request: FetchRequest,
    candidates: Iterable[dict[str, Any]],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    **limits: float,
) -> dict[str, Any] | None:
    """The best candidate scoring at least `threshold`, or None."""
    ranked = rank(request, candidates, **limits)
    if ranked and ranked[0][0] >= threshold:
        return ranked[0][1]
    return None


def _duration_score(
    request: FetchRequest, candidate: dict[str, Any], max_delta: float
) -> float | None:
    """1 for the same length, falling to 0 at max_delta; None beyond; -1 when unknown."""
    seconds = candidate.get("duration")
    if not request.duration_ms or not seconds:
        return -1.0
    delta = abs(float(seconds) - request.duration_ms / 1000)
    return None if delta > max_delta else 1 - delta / max_delta


def _artist_score(request: FetchRequest, candidate: dict[str, Any]) -> float:
    """1 when the uploader or artist field names an artist, 0.8 when only the title does."""
    wanted = [normalize(artist) for artist in request.artists if normalize(artist)]
    if not wanted:
        return 0.5  # nothing to compare: neither a match nor a mismatch
    fields = ("artist", "creator", "uploader", "channel")
    names = [_channel(str(candidate.get(key) or "")) for key in fields]
    if any(_contains(name, artist) for name in names if name for artist in wanted):
        return 1.0
    title = normalize(candidate.get("title") or "")
    return 0.8 if any(_contains(title, artist) for artist in wanted) else 0.0


def _title_score(request: FetchRequest, candidate: dict[str, Any]) -> float:
    wanted = normalize(request.title)
    got = normalize(candidate.get("title") or "")
    for artist in request.artists:  # "Artist - Title" videos: compare the title part only
        name = normalize(artist)
        if name and got != name:
            got = " ".join(re.sub(rf"(^|\s){re.escape(name)}(\s|$)", " ", got).split())
    if not wanted or not got:
        return 0.0
    if _contains(got, wanted):
        return max(0.9, SequenceMatcher(None, wanted, got).ratio())
    if _contains(wanted, got):
        return max(0.8, SequenceMatcher(None, wanted, got).ratio())
    return SequenceMatcher(None, wanted, got).ratio()


def _is_other_version(wanted: str, got: str) -> bool:
    # plain words, decorations kept: "(Live at Wembley)" must still say "live"
    wanted_words, got_words = f" {_words(wanted)} ", f" {_words(got)} "
    return any(
        f" {variant} " in got_words and f" {variant} " not in wanted_words for variant in _VARIANTS
    )


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]|_", " ", text.casefold()).split())


def _channel(name: str) -> str:
    """ "Daft Punk - Topic", "DaftPunkVEVO" -> "daft punk", "daftpunk"."""
    name = re.sub(r"(?i)vevo$", "", name.strip())
    return " ".join(_CHANNEL_NOISE.sub(" ", normalize(name)).split())


def _contains(text: str, words: str) -> bool:
    """`words` appear in `text` as whole words, or equal it once spaces are ignored."""
    if f" {words} " in f" {text} ":
        return True
    return bool(words) and words.replace(" ", "") == text.replace(" ", "")
