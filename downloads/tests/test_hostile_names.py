"""Titles from strangers cannot steer a file out of MEDIA_ROOT/library or break a filesystem."""

from pathlib import Path

import pytest

from downloads.tasks import run_download
from downloads.tests.factories import AlbumFactory, make_job, make_track
from trackflow.jobs.models import JobStatus
from trackflow.testing.audio import make_audio

pytestmark = pytest.mark.django_db

LONG = "Ä" * 300  # 600 bytes of UTF-8


@pytest.mark.parametrize(
    ("title", "artist", "album", "expected"),
    [
        ("../../etc/passwd", "..", "/", "03 - _.._etc_passwd.mp3"),
        ("CON", "NUL", "aux", "CON"),
        (LONG, "A/B", "C\\D", "Ä"),
        ("🎵 Ünïcödé ✨", "Sigur Rós", "Ágætis byrjun", "🎵 Ünïcödé ✨"),
        ("", "", "", "Untitled"),
    ],
)
def test_hostile_names_land_safely_inside_the_library(
    owner, media, settings, title, artist, album, expected
):
    track = make_track((artist,), title=title, album=AlbumFactory(name=album), track_number=3)
    media.add(f"/audio/{track.spotify_id}", make_audio("mp3", 0.5))
    job = make_job(owner, track)

    run_download(str(job.pk))

    job.refresh_from_db()
    assert job.status == JobStatus.COMPLETED, job.error
    root = (Path(settings.MEDIA_ROOT) / "library").resolve()
    path = Path(settings.MEDIA_ROOT, job.file)
    assert path.is_file() and path.resolve().is_relative_to(root)
    parts = Path(job.file).parts
    assert parts[0] == "library" and len(parts) == 4  # library/artist/album/file
    for part in parts[1:]:
        assert part not in ("", ".", "..") and not part.startswith(".")
        assert not set(part) & set('/\\<>:"|?*') and len(part.encode()) <= 200
        assert part.split(".")[0].upper() not in ("CON", "NUL", "AUX")
    assert expected in parts[3]
