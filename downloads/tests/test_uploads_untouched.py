"""An uploaded track's audio is the upload: no download may overwrite or delete it."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from downloads import services
from downloads.models import DownloadJob
from downloads.services.fetch import remove_old_download
from downloads.tasks import run_download
from downloads.tests.factories import make_download, make_job, make_track
from library.services.uploads import store_upload
from trackflow.jobs.models import JobStatus
from trackflow.testing.audio import make_audio

pytestmark = pytest.mark.django_db

DEMO = make_audio("mp3", 1.0, title="Demo", artist="Me")


@pytest.fixture
def uploaded(owner):
    """A track `owner` uploaded, filed under MEDIA_ROOT/library/ as downloads are."""
    return store_upload(owner, SimpleUploadedFile("demo.mp3", DEMO))


def upload_bytes(settings, track) -> bytes:
    return Path(settings.MEDIA_ROOT, track.audio_file.name).read_bytes()


@pytest.mark.parametrize("force", [False, True])
def test_the_api_skips_an_uploaded_track_with_or_without_force(
    owner_api, uploaded, media, settings, force
):
    response = owner_api.post(
        "/api/downloads/", {"track_ids": [uploaded.pk], "force": force}, format="json"
    )

    assert (response.status_code, response.json()) == (200, {"jobs": [], "skipped": [uploaded.pk]})
    assert not DownloadJob.objects.exists()
    assert upload_bytes(settings, uploaded) == DEMO


def test_the_queue_leaves_uploads_out_even_beside_a_finished_download(owner, member, uploaded):
    make_download(member, uploaded, name=uploaded.audio_file.name, data=DEMO)  # a stray row
    other = make_track()

    jobs = services.queue_downloads(owner, [uploaded.pk, other.pk], force=True)

    assert [job.track_id for job in jobs] == [other.pk]
    assert services.queue_downloads(owner, [uploaded.pk]) == []  # no "already downloaded" copy


def test_the_command_counts_an_upload_as_skipped(owner, uploaded):
    out = io.StringIO()

    call_command("download", "--user", "owner", "--track", str(uploaded.pk), "--force", stdout=out)

    assert out.getvalue() == (
        "queued 0 download(s); 1 already queued, downloaded or uploaded "
        "(--force to download finished ones again)\n"
    )


def test_a_job_for_an_uploaded_track_fails_without_touching_the_upload(
    owner, staff, uploaded, media, settings
):
    # made before uploads were left out of the queue: the worker refuses it too
    other = media.add("/other.mp3", make_audio("mp3", 1.0, freq=880))
    job = make_job(staff, uploaded, url=other)

    run_download(str(job.pk))

    job.refresh_from_db()
    assert (job.status, job.error) == (
        JobStatus.FAILED,
        "the track was uploaded: its audio is the upload, not a download",
    )
    assert upload_bytes(settings, uploaded) == DEMO
    assert media.hits == {}


def test_only_a_finished_downloads_file_that_no_track_uses_is_removed(owner, settings):
    library = Path(settings.MEDIA_ROOT, "library")
    library.mkdir(parents=True)
    by_hand, fetched = library / "by hand.mp3", library / "fetched.mp3"
    by_hand.write_bytes(DEMO)  # no job produced it: an upload's, say, or a file put there
    fetched.write_bytes(DEMO)
    make_job(owner, make_track(), status=JobStatus.COMPLETED, file="library/fetched.mp3")

    remove_old_download("library/by hand.mp3")
    remove_old_download("library/fetched.mp3")

    assert by_hand.exists() and not fetched.exists()
