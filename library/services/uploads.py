"""Audio files uploaded by a user become tracks with source=upload.

The upload is copied to a hidden temp file beside the library (hashing it on the way), checked
to be whole audio of an accepted format, read for tags and duration, and only then renamed into
place under MEDIA_ROOT/library/ (DOWNLOAD_PATH_TEMPLATE, as downloads are filed). Every failure
removes the temp file, and a file already renamed is removed again if the database refuses the
track, so nothing half-written stays behind.
"""

import hashlib
import secrets
from pathlib import Path, PurePosixPath

import mutagen
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from downloads.files import TEMP_PREFIX, library_file, place_file, render_path
from downloads.meta import TrackMeta, parse_date
from downloads.tagging import read_meta
from library import audiocheck
from library.models import Album, Track
from library.services import names
from library.services.catalog import parse_release_date
from library.services.errors import Conflict, InvalidAudio, TooLarge
from library.services.tracks import create_track

LIBRARY_DIR = "library"
# mutagen's type name -> the format we file it as (Ogg holds Vorbis or Opus)
_EXTENSIONS = {"OggVorbis": "ogg", "OggOpus": "opus"}


def store_upload(user, upload: UploadedFile) -> Track:
    """A new track for `user` from an uploaded audio file.

    Raises TooLarge over UPLOAD_MAX_BYTES, InvalidAudio for anything but a whole audio file,
    and Conflict (with the track's id) when the same bytes were uploaded before.
    """
    if upload.size is not None and upload.size > settings.UPLOAD_MAX_BYTES:
        raise TooLarge(too_large_message())
    root = Path(settings.MEDIA_ROOT) / LIBRARY_DIR
    root.mkdir(parents=True, exist_ok=True)
    temp = root / f"{TEMP_PREFIX}upload-{secrets.token_hex(8)}.part"
    try:
        digest = _copy(upload, temp)
        existing = Track.objects.filter(audio_sha256=digest).values_list("pk", flat=True).first()
        if existing:
            raise Conflict("this file was uploaded before", existing)
        fmt, length = inspect_audio(temp)
        meta = read_meta(temp)
        return _create(user, temp, root, fmt, meta, length, digest, upload.name or "")
    finally:
        temp.unlink(missing_ok=True)


def too_large_message() -> str:
    return f"the file is larger than the upload limit of {settings.UPLOAD_MAX_BYTES:,} bytes"


def inspect_audio(path: Path) -> tuple[str, float]:
    """(file extension, seconds) of a whole audio file; raises InvalidAudio naming the problem."""
    container, why = audiocheck.problem(path)
    if why:
        raise InvalidAudio(why)
    try:
        audio = mutagen.File(path)
    except (mutagen.MutagenError, OSError, ValueError) as exc:
        raise InvalidAudio(f"the {container} file is damaged: {exc}") from None
    if audio is None or not audio.info.length > 0:
        raise InvalidAudio(f"the {container} file holds no audio")
    kind = type(audio).__name__
    if container == "ogg" and kind not in _EXTENSIONS:
        raise InvalidAudio(f"Ogg {kind.removeprefix('Ogg')} is not accepted: {_accepted()}")
    return _EXTENSIONS.get(kind, container), audio.info.length


def _accepted() -> str:
    return f"upload {audiocheck.ACCEPTED}"


def _copy(upload: UploadedFile, temp: Path) -> str:
    """Writes the upload to `temp` and returns its SHA-256; stops at UPLOAD_MAX_BYTES."""
    digest, written = hashlib.sha256(), 0
    with open(temp, "wb") as handle:
        for chunk in upload.chunks():
            written += len(chunk)
            if written > settings.UPLOAD_MAX_BYTES:
                raise TooLarge(too_large_message())
            digest.update(chunk)
            handle.write(chunk)
    return digest.hexdigest()


def _create(user, temp: Path, root: Path, fmt, meta: TrackMeta, length, digest, filename) -> Track:
    title = meta.title or Path(filename).stem or "Untitled"
    meta.title = title
    destination = library_file(root, render_path(settings.DOWNLOAD_PATH_TEMPLATE, meta, fmt))
    placed = None
    try:
        with transaction.atomic():
            track = create_track(
                user,
                _fields(meta, title, length, digest),
                artists=_artist_ids(meta),
                album=_album_id(meta),
            )
            placed = place_file(temp, destination, replace=False)
            relative = PurePosixPath(LIBRARY_DIR, placed.relative_to(root).as_posix())
            track.audio_file.name = str(relative)
            Track.objects.filter(pk=track.pk).update(audio_file=track.audio_file.name)
        return track
    except BaseException:
        if placed is not None:
            placed.unlink(missing_ok=True)
        raise


def _fields(meta: TrackMeta, title: str, length: float, digest: str) -> dict:
    return {
        "title": title[: names.NAME_MAX],
        "duration_ms": round(length * 1000),
        "disc_number": meta.disc_number or 1,
        "track_number": meta.track_number,
        "isrc": (meta.isrc or "").strip().upper()[:16],
        "source": Track.Source.UPLOAD,
        "audio_sha256": digest,
    }


def _artist_ids(meta: TrackMeta) -> list[int]:
    by_name = names.local_artist_ids(meta.artists)
    return [by_name[name] for name in meta.artists if name in by_name]


def _album_id(meta: TrackMeta) -> int | None:
    """The id-less album the tags name (by album artist, else first artist), dated if new."""
    if not meta.album.strip():
        return None
    artist = (meta.album_artists or meta.artists or [""])[0]
    artist_ids = names.local_artist_ids([artist])
    album_id = names.local_album_ids([(meta.album, artist)], artist_ids)[(meta.album, artist)]
    date, precision = parse_release_date(parse_date(meta.date), None)
    if date:
        Album.objects.filter(pk=album_id, release_date=None).update(
            release_date=date, release_date_precision=precision, release_year=date.year
        )
    return album_id
