"""A DownloadJob run for real: loopback source, real files under MEDIA_ROOT, tags read back."""

import os
from pathlib import Path

import pytest

from downloads.tagging import read_meta
from downloads.tasks import run_download
from downloads.tests.factories import AlbumFactory, make_job, make_track
from spotify_auth.sandbox.media import png_bytes
from trackflow.jobs.models import JobStatus
from trackflow.testing.audio import FORMATS, make_audio

pytestmark = pytest.mark.django_db

COVER = png_bytes("cover")
CONTENT_TYPES = {
    "mp3": "audio/mpeg",
    "flac": "audio/flac",
    "ogg": "audio/ogg",
    "m4a": "audio/mp4",
    "wav": "audio/wav",
}


def get_lucky(media, **fields):
    album = AlbumFactory(
        name="Random Access Memories", cover_url=media.add("/cover.png", COVER, "image/png")
    )
    return make_track(
        ("Daft Punk", "Pharrell Williams"), title="Get Lucky", album=album, track_number=8, **fields
    )


def files_under(root: Path) -> list[str]:
    """Every file below root, hidden ones included, as relative paths."""
    return sorted(
        str(Path(folder, name).relative_to(root))
        for folder, _, names in os.walk(root)
        for name in names
    )


def test_a_job_downloads_tags_and_files_the_track(owner, media, settings):
    track = get_lucky(media)
    audio = make_audio("mp3", 1.0)
    media.add(f"/audio/{track.spotify_id}", audio)
    job = make_job(owner, track)

    summary = run_download(str(job.pk))

    job.refresh_from_db()
    track.refresh_from_db()
    assert job.status == JobStatus.COMPLETED, job.error
    assert job.file == "library/Daft Punk/Random Access Memories/08 - Get Lucky.mp3"
    assert summary == f"download {job.pk}: saved {job.file}"
    assert track.audio_file.name == job.file
    assert (job.progress, job.attempts, job.error) == (1.0, 1, "")
    assert job.bytes_done == job.bytes_total == len(audio)
    assert job.source_url == f"{media.base_url}/audio/{track.spotify_id}"
    assert files_under(settings.MEDIA_ROOT) == [job.file]  # no temp file, no staging folder
    assert media.hits == {f"/audio/{track.spotify_id}": 1, "/cover.png": 1}


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_is_tagged_with_the_tracks_metadata_and_cover(owner, media, settings, fmt):
    track = get_lucky(media, isrc="USQX91300108", disc_number=2)
    media.add(f"/audio/{track.spotify_id}", make_audio(fmt, 1.0), CONTENT_TYPES[fmt])
    job = make_job(owner, track)

    run_download(str(job.pk))

    job.refresh_from_db()
    assert job.status == JobStatus.COMPLETED, job.error
    assert job.file.endswith(f"08 - Get Lucky.{fmt}")
    meta = read_meta(Path(settings.MEDIA_ROOT, job.file))
    assert meta.title == "Get Lucky"
    assert meta.artists == ["Daft Punk", "Pharrell Williams"]
    assert meta.album == "Random Access Memories"
    assert meta.album_artists == ["Daft Punk", "Pharrell Williams"]
    assert (meta.track_number, meta.track_total) == (8, 13)
    assert meta.disc_number == 2
    assert meta.date == "2013-05-17"
    assert meta.isrc == "USQX91300108"
    assert meta.spotify_uri == f"spotify:track:{track.spotify_id}"
    assert (meta.cover, meta.cover_mime) == (COVER, "image/png")


def test_a_missing_cover_does_not_fail_the_download(owner, media, settings):
    album = AlbumFactory(cover_url=f"{media.base_url}/no-such-cover.jpg")
    track = make_track(album=album)
    media.add(f"/audio/{track.spotify_id}", make_audio("flac", 1.0), "audio/flac")
    job = make_job(owner, track)

    run_download(str(job.pk))

    job.refresh_from_db()
    assert job.status == JobStatus.COMPLETED, job.error
    assert read_meta(Path(settings.MEDIA_ROOT, job.file)).cover is None


def test_the_path_follows_download_path_template(owner, media, settings):
    settings.DOWNLOAD_PATH_TEMPLATE = "{album_artist}/{year} - {album}/{disc_number}-{title}"
    track = get_lucky(media)
    media.add(f"/audio/{track.spotify_id}", make_audio("ogg", 1.0), "audio/ogg")
    job = make_job(owner, track)

    run_download(str(job.pk))

    job.refresh_from_db()
    assert job.file == "library/Daft Punk/2013 - Random Access Memories/1-Get Lucky.ogg"


def test_a_forced_download_replaces_the_tracks_own_file(owner, media, settings):
    track = get_lucky(media)
    first, second = make_audio("mp3", 1.0), make_audio("mp3", 1.0, freq=880)
    media.add(f"/audio/{track.spotify_id}", first)
    run_download(str(make_job(owner, track).pk))
    media.add(f"/audio/{track.spotify_id}", second)
    job = make_job(owner, track)

    run_download(str(job.pk))

    job.refresh_from_db()
    assert job.file == "library/Daft Punk/Random Access Memories/08 - Get Lucky.mp3"
    assert files_under(settings.MEDIA_ROOT) == [job.file]
    data = Path(settings.MEDIA_ROOT, job.file).read_bytes()
    assert data.endswith(second)  # the new audio after the new tags
    assert read_meta(Path(settings.MEDIA_ROOT, job.file)).title == "Get Lucky"


def test_two_tracks_with_the_same_path_get_two_files(owner, media, settings):
    album = AlbumFactory(name="Hits")
    one = make_track(("Same",), title="Song", album=album, track_number=1)
    two = make_track(("Same",), title="Song", album=album, track_number=1)
    for track in (one, two):
        media.add(f"/audio/{track.spotify_id}", make_audio("mp3", 1.0))
        run_download(str(make_job(owner, track).pk))

    one.refresh_from_db()
    two.refresh_from_db()
    assert one.audio_file.name == "library/Same/Hits/01 - Song.mp3"
    assert two.audio_file.name == "library/Same/Hits/01 - Song (2).mp3"
    assert len(files_under(settings.MEDIA_ROOT)) == 2


def test_the_sandboxs_audio_downloads_through_the_http_backend(owner, sandbox, settings):
    spotify_id = sandbox.state.catalog.pool[0]
    album_id = sandbox.state.catalog.tracks[spotify_id]["album"]["id"]
    album = AlbumFactory(cover_url=f"{sandbox.base_url}/images/{album_id}.png")
    track = make_track(title="Sandbox Song", album=album, spotify_id=spotify_id)
    settings.DOWNLOAD_BACKEND = "http"
    job = make_job(owner, track)

    run_download(str(job.pk))

    job.refresh_from_db()
    assert job.status == JobStatus.COMPLETED, job.error
    assert job.source_url == f"{sandbox.base_url}/audio/{spotify_id}.wav"
    assert job.file.endswith("Sandbox Song.wav")
    meta = read_meta(Path(settings.MEDIA_ROOT, job.file))
    assert meta.title == "Sandbox Song"
    assert meta.cover == png_bytes(album_id)


def test_a_forced_download_keeps_a_files_collision_suffix(owner, media, settings):
    album = AlbumFactory(name="Hits")
    one = make_track(("Same",), title="Song", album=album, track_number=1)
    two = make_track(("Same",), title="Song", album=album, track_number=1)
    for track in (one, two):
        media.add(f"/audio/{track.spotify_id}", make_audio("mp3", 1.0))
        run_download(str(make_job(owner, track).pk))
    first = Path(settings.MEDIA_ROOT, "library/Same/Hits/01 - Song.mp3").read_bytes()
    media.add(f"/audio/{two.spotify_id}", make_audio("mp3", 1.0, freq=880))

    for _ in range(2):  # once walked "(2)" -> "(3)" -> "(2)", deleting the previous file
        job = make_job(owner, two)
        run_download(str(job.pk))
        job.refresh_from_db()
        assert job.file == "library/Same/Hits/01 - Song (2).mp3", job.error

    two.refresh_from_db()
    assert two.audio_file.name == "library/Same/Hits/01 - Song (2).mp3"
    assert files_under(settings.MEDIA_ROOT) == [
        "library/Same/Hits/01 - Song (2).mp3",
        "library/Same/Hits/01 - Song.mp3",
    ]
    assert Path(settings.MEDIA_ROOT, "library/Same/Hits/01 - Song.mp3").read_bytes() == first
    assert (
        Path(settings.MEDIA_ROOT, job.file).read_bytes().endswith(make_audio("mp3", 1.0, freq=880))
    )
