"""Reading and writing tags in the formats TrackFlow stores, with mutagen.

One normalized shape (TrackMeta) in and out, whatever the container: ID3v2.4 for MP3 and WAV,
Vorbis comments for FLAC and Ogg, iTunes atoms for M4A. Writing sets the fields TrackFlow
knows and removes them when empty, and leaves every other tag (ReplayGain, lyrics, ...) alone.
"""

import dataclasses
import io
from pathlib import Path
from typing import IO, Any

import mutagen
from mutagen.flac import FLAC
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis
from mutagen.wave import WAVE

from downloads.meta import TrackMeta
from downloads.tagging import id3, mp4, vorbis

# mutagen class -> the format name used for extensions and FetchResult.format
FORMATS: dict[type, str] = {
    MP3: "mp3",
    FLAC: "flac",
    OggVorbis: "ogg",
    OggOpus: "opus",
    MP4: "m4a",
    WAVE: "wav",
}
_CODECS = {"mp3": id3, "wav": id3, "m4a": mp4, "flac": vorbis, "ogg": vorbis, "opus": vorbis}

__all__ = ["FORMATS", "TrackMeta", "read_meta", "read_tags", "sniff_audio", "write_tags"]


def sniff_audio(source: str | Path | bytes) -> str | None:
    """The audio format of a file or bytes ("mp3", "flac", "ogg", "opus", "m4a", "wav").

    None for anything else, such as the HTML error page a server sends with status 200.
    The file's name is hidden from mutagen on purpose: it guesses from extensions, and a
    download's name says what was asked for, not what arrived.
    """
    if isinstance(source, bytes):
        return _sniff(io.BytesIO(source))
    with open(source, "rb") as handle:
        return _sniff(_Nameless(handle))


def write_tags(path: str | Path, meta: TrackMeta) -> str:
    """Writes `meta` into the file's tags in place and returns the file's format."""
    audio, fmt = _open(path)
    if audio.tags is None:
        audio.add_tags()
    if fmt in ("flac", "ogg", "opus"):
        vorbis.write(audio, meta)  # FLAC keeps pictures outside the comments
    else:
        _CODECS[fmt].write(audio.tags, meta)
    if fmt in ("mp3", "wav"):
        audio.save(v2_version=4)
    else:
        audio.save()
    return fmt


def read_tags(path: str | Path) -> dict[str, Any]:
    """The file's tags as a dict of TrackMeta's fields (missing ones None or empty)."""
    return dataclasses.asdict(read_meta(path))


def read_meta(path: str | Path) -> TrackMeta:
    """The file's tags as a TrackMeta; tolerant of what other taggers write."""
    audio, fmt = _open(path)
    if audio.tags is None:
        return TrackMeta()
    meta = vorbis.read(audio) if fmt in ("flac", "ogg", "opus") else _CODECS[fmt].read(audio.tags)
    return _without_nul(meta)


def _without_nul(meta: TrackMeta) -> TrackMeta:
    """Tags without NUL characters, which some taggers leave as padding and PostgreSQL
    cannot store (an upload of such a file was a 500 there)."""

    def clean(text: str | None) -> str | None:
        return text.replace("\x00", "") if text else text

    def names(values: list[str]) -> list[str]:
        return [name for name in map(clean, values) if name]

    return dataclasses.replace(
        meta,
        title=clean(meta.title),
        album=clean(meta.album),
        artists=names(meta.artists),
        album_artists=names(meta.album_artists),
        isrc=clean(meta.isrc),
        spotify_uri=clean(meta.spotify_uri),
    )


def _open(path: str | Path) -> tuple[mutagen.FileType, str]:
    try:
        audio = mutagen.File(path)
    except mutagen.MutagenError:
        audio = None
    if type(audio) not in FORMATS:
        raise ValueError(f"{Path(path).name} is not an audio file TrackFlow can tag")
    return audio, FORMATS[type(audio)]


def _sniff(handle: IO[bytes]) -> str | None:
    try:
        audio = mutagen.File(handle)
    except (mutagen.MutagenError, OSError, ValueError):
        return None
    if type(audio) not in FORMATS or not audio.info.length > 0:
        return None
    return FORMATS[type(audio)]


class _Nameless:
    """Read, seek and tell of a file object, without the `name` mutagen would guess from."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.read, self.seek, self.tell = handle.read, handle.seek, handle.tell
