"""Vorbis comments, for FLAC, Ogg Vorbis and Ogg Opus."""

import base64
import binascii

import mutagen
from mutagen.flac import FLAC, Picture
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis

from downloads.meta import TrackMeta, parse_date, parse_number

_COVER_FRONT = 3  # FLAC picture type


def write(audio: FLAC | OggVorbis | OggOpus, meta: TrackMeta) -> None:
    fields = {
        "TITLE": [meta.title] if meta.title else [],
        "ARTIST": meta.artists,  # one comment per artist, as the Vorbis convention asks
        "ALBUM": [meta.album] if meta.album else [],
        "ALBUMARTIST": meta.album_artists,
        "TRACKNUMBER": _number(meta.track_number),
        "TRACKTOTAL": _number(meta.track_number and meta.track_total),
        "TOTALTRACKS": [],
        "DISCNUMBER": _number(meta.disc_number),
        "DISCTOTAL": _number(meta.disc_number and meta.disc_total),
        "TOTALDISCS": [],
        "DATE": [meta.date] if meta.date else [],
        "ISRC": [meta.isrc] if meta.isrc else [],
        "SPOTIFY_URI": [meta.spotify_uri] if meta.spotify_uri else [],
        "METADATA_BLOCK_PICTURE": [],
    }
    for key, values in fields.items():
        if key in audio.tags:
            del audio.tags[key]
        if values:
            audio.tags[key] = values
    picture = _picture(meta) if meta.cover else None
    if isinstance(audio, FLAC):
        audio.clear_pictures()
        if picture:
            audio.add_picture(picture)
    elif picture:  # Ogg has no picture block: the FLAC block goes into a comment, in base64
        encoded = base64.b64encode(picture.write()).decode("ascii")
        audio.tags["METADATA_BLOCK_PICTURE"] = [encoded]


def read(audio: FLAC | OggVorbis | OggOpus) -> TrackMeta:
    tags = audio.tags

    def values(key: str) -> list[str]:
        return [value for value in tags.get(key, []) if value]

    def first(*keys: str) -> str | None:
        found = [value for key in keys for value in values(key)]
        return found[0] if found else None

    track, track_total = parse_number(first("TRACKNUMBER"))
    disc, disc_total = parse_number(first("DISCNUMBER"))
    picture = _vorbis_picture(audio)
    return TrackMeta(
        title=first("TITLE") or "",
        artists=values("ARTIST"),
        album=first("ALBUM") or "",
        album_artists=values("ALBUMARTIST"),
        track_number=track,
        track_total=track_total or parse_number(first("TRACKTOTAL", "TOTALTRACKS"))[0],
        disc_number=disc,
        disc_total=disc_total or parse_number(first("DISCTOTAL", "TOTALDISCS"))[0],
        date=parse_date(first("DATE", "YEAR")),
        isrc=first("ISRC"),
        spotify_uri=first("SPOTIFY_URI"),
        cover=picture.data if picture else None,
        cover_mime=picture.mime if picture else None,
    )


def _picture(meta: TrackMeta) -> Picture:
    picture = Picture()
    picture.type = _COVER_FRONT
    picture.mime = meta.cover_mime or "image/jpeg"
    picture.data = meta.cover
    return picture


def _vorbis_picture(audio: FLAC | OggVorbis | OggOpus) -> Picture | None:
    if isinstance(audio, FLAC):
        pictures = list(audio.pictures)
    else:
        pictures = []
        for encoded in audio.tags.get("METADATA_BLOCK_PICTURE", []):
            try:
                pictures.append(Picture(base64.b64decode(encoded)))
            except (binascii.Error, mutagen.MutagenError):
                continue  # one broken picture must not hide the rest of the tags
    pictures.sort(key=lambda picture: picture.type != _COVER_FRONT)
    return pictures[0] if pictures else None


def _number(value: int | None) -> list[str]:
    return [str(value)] if value else []
