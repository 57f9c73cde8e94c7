"""ID3v2.4 frames, for MP3 and for WAV (mutagen keeps them in the WAV's "id3 " chunk)."""

from mutagen.id3 import APIC, ID3, TALB, TDRC, TIT2, TPE1, TPE2, TPOS, TRCK, TSRC, TXXX, WOAS

from downloads.meta import TrackMeta, parse_date, parse_number, spotify_track_id

_UTF8 = 3  # ID3 text encoding
_COVER_FRONT = 3  # APIC picture type


def write(tags: ID3, meta: TrackMeta) -> None:
    texts = {
        TIT2: [meta.title] if meta.title else [],
        TPE1: meta.artists,
        TALB: [meta.album] if meta.album else [],
        TPE2: meta.album_artists,
        TRCK: _pair(meta.track_number, meta.track_total),
        TPOS: _pair(meta.disc_number, meta.disc_total),
        TDRC: [meta.date] if meta.date else [],
        TSRC: [meta.isrc] if meta.isrc else [],
    }
    for frame, values in texts.items():
        tags.delall(frame.__name__)
        if values:
            tags.add(frame(encoding=_UTF8, text=values))
    tags.delall("TXXX:SPOTIFY_URI")
    tags.delall("WOAS")
    if meta.spotify_uri:
        tags.add(TXXX(encoding=_UTF8, desc="SPOTIFY_URI", text=[meta.spotify_uri]))
        track_id = spotify_track_id(meta.spotify_uri)
        if track_id:  # players show WOAS as a link to the source
            tags.add(WOAS(url=f"https://open.spotify.com/track/{track_id}"))
    tags.delall("APIC")
    if meta.cover:
        tags.add(
            APIC(encoding=_UTF8, mime=meta.cover_mime, type=_COVER_FRONT, desc="", data=meta.cover)
        )


def read(tags: ID3) -> TrackMeta:
    def texts(frame_id: str) -> list[str]:
        frame = tags.get(frame_id)
        return [str(text) for text in frame.text if str(text)] if frame else []

    def first(frame_id: str) -> str | None:
        values = texts(frame_id)
        return values[0] if values else None

    track, track_total = parse_number(first("TRCK"))
    disc, disc_total = parse_number(first("TPOS"))
    pictures = sorted(tags.getall("APIC"), key=lambda apic: apic.type != _COVER_FRONT)
    return TrackMeta(
        title=first("TIT2") or "",
        artists=texts("TPE1"),
        album=first("TALB") or "",
        album_artists=texts("TPE2"),
        track_number=track,
        track_total=track_total,
        disc_number=disc,
        disc_total=disc_total,
        date=parse_date(first("TDRC")),
        isrc=first("TSRC"),
        spotify_uri=first("TXXX:SPOTIFY_URI"),
        cover=pictures[0].data if pictures else None,
        cover_mime=pictures[0].mime if pictures else None,
    )


def _pair(number: int | None, total: int | None) -> list[str]:
    if not number:
        return []
    return [f"{number}/{total}" if total else str(number)]
