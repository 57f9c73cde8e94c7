"""iTunes-style MP4 atoms, for M4A (AAC or ALAC in MP4)."""

from typing import Any

from mutagen.mp4 import MP4Cover, MP4FreeForm

from downloads.meta import TrackMeta, parse_date

_ITUNES = "----:com.apple.iTunes:"


def write(tags: Any, meta: TrackMeta) -> None:
    cover_format = {"image/jpeg": MP4Cover.FORMAT_JPEG, "image/png": MP4Cover.FORMAT_PNG}
    fields = {
        "\xa9nam": [meta.title] if meta.title else [],
        "\xa9ART": meta.artists,
        "\xa9alb": [meta.album] if meta.album else [],
        "aART": meta.album_artists,
        "trkn": [(meta.track_number, meta.track_total or 0)] if meta.track_number else [],
        "disk": [(meta.disc_number, meta.disc_total or 0)] if meta.disc_number else [],
        "\xa9day": [meta.date] if meta.date else [],
        _ITUNES + "ISRC": _freeform(meta.isrc),
        _ITUNES + "SPOTIFY_URI": _freeform(meta.spotify_uri),
        # MP4 can only say JPEG or PNG; another type of cover is left out rather than mislabeled
        "covr": (
            [MP4Cover(meta.cover, imageformat=cover_format[meta.cover_mime])]
            if meta.cover and meta.cover_mime in cover_format
            else []
        ),
    }
    for key, values in fields.items():
        tags.pop(key, None)
        if values:
            tags[key] = values


def read(tags: Any) -> TrackMeta:
    def values(key: str) -> list[str]:
        return [_text(value) for value in tags.get(key, []) if _text(value)]

    def first(key: str) -> str | None:
        found = values(key)
        return found[0] if found else None

    track, track_total = (tags.get("trkn") or [(None, None)])[0]
    disc, disc_total = (tags.get("disk") or [(None, None)])[0]
    covers = tags.get("covr") or []
    mimes = {MP4Cover.FORMAT_JPEG: "image/jpeg", MP4Cover.FORMAT_PNG: "image/png"}
    return TrackMeta(
        title=first("\xa9nam") or "",
        artists=values("\xa9ART"),
        album=first("\xa9alb") or "",
        album_artists=values("aART"),
        track_number=track or None,
        track_total=track_total or None,
        disc_number=disc or None,
        disc_total=disc_total or None,
        date=parse_date(first("\xa9day")),
        isrc=first(_ITUNES + "ISRC"),
        spotify_uri=first(_ITUNES + "SPOTIFY_URI"),
        cover=bytes(covers[0]) if covers else None,
        cover_mime=mimes.get(covers[0].imageformat, "image/jpeg") if covers else None,
    )


def _freeform(value: str | None) -> list[MP4FreeForm]:
    return [MP4FreeForm(value.encode())] if value else []


def _text(value: str | bytes) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
