"""What users see when a download fails: the reason in words, retries with backoff, clean disk."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from downloads.tasks import run_download
from downloads.tests.factories import make_job, make_track
from trackflow.jobs.models import JobStatus
from trackflow.testing.audio import make_audio
from trackflow.testing.http_server import Reply

pytestmark = pytest.mark.django_db


def run(job):
    run_download(str(job.pk))
    job.refresh_from_db()
    return job


def leftovers(settings) -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    return [name for _, _, names in os.walk(root) for name in names]


@pytest.fixture
def track():
    return make_track(title="Around the World")


def test_a_404_fails_at_once_with_the_status_and_url(owner, media, settings, track):
    job = run(make_job(owner, track))

    url = f"{media.base_url}/audio/{track.spotify_id}"
    assert (job.status, job.attempts) == (JobStatus.FAILED, 1)
    assert job.error == f"HTTP 404 from {url}"
    assert job.file == "" and not track.audio_file
    assert leftovers(settings) == []


@pytest.mark.parametrize(
    ("reply", "got"),
    [
        (Reply(body=b"<html>Sorry</html>", content_type="text/html"), "text/html"),
        (Reply(body=b"\x00" * 5000, content_type="application/octet-stream"), "application/"),
    ],
)
def test_something_that_is_not_audio_fails_as_such(owner, media, settings, track, reply, got):
    media.add(f"/audio/{track.spotify_id}", reply)

    job = run(make_job(owner, track))

    assert job.status == JobStatus.FAILED
    assert job.error.startswith(f"not an audio file (got {got}")
    assert leftovers(settings) == []


def test_a_file_over_the_size_limit_fails(owner, media, settings, track):
    settings.DOWNLOAD_MAX_BYTES = 4096
    media.add(f"/audio/{track.spotify_id}", make_audio("wav", 1.0))

    job = run(make_job(owner, track))

    assert (job.status, job.error) == (JobStatus.FAILED, "file larger than the 4 KB limit")
    assert leftovers(settings) == []


def test_a_stalled_source_times_out_and_is_retried_later(owner, media, settings, track):
    settings.DOWNLOAD_READ_TIMEOUT, settings.JOB_RETRY_BASE_SECONDS = 1, 30
    slow = Reply(body=make_audio("wav", 1.0), chunk_size=8192, delay=3)
    url = media.add(f"/audio/{track.spotify_id}", slow)
    before = timezone.now()

    job = run(make_job(owner, track))

    assert (job.status, job.attempts) == (JobStatus.PENDING, 1)
    assert job.error == f"timed out after 1 s reading {url}"
    assert before + timedelta(seconds=29) < job.run_after < timezone.now() + timedelta(seconds=31)
    assert leftovers(settings) == []


def test_failures_back_off_exponentially_then_stay_failed(owner, media, settings, track):
    settings.JOB_RETRY_BASE_SECONDS, settings.JOB_RETRY_MAX_SECONDS = 30, 3600
    media.add(f"/audio/{track.spotify_id}", 503)
    job = make_job(owner, track, max_attempts=4)
    delays = []

    for _ in range(4):
        started = timezone.now()
        job = run(job)
        if job.status == JobStatus.PENDING:
            delays.append(round((job.run_after - started).total_seconds()))
            job.run_after = timezone.now()  # the clock moves on
            job.save(update_fields=["run_after"])

    assert delays == [30, 60, 120]
    assert (job.status, job.attempts) == (JobStatus.FAILED, 4)
    assert job.error == f"HTTP 503 from {media.base_url}/audio/{track.spotify_id}"
    assert media.hits[f"/audio/{track.spotify_id}"] == 4


def test_retry_after_reschedules_without_spending_an_attempt(owner, media, track):
    busy = Reply(status=429, body=b"slow down", content_type="text/plain")
    busy.headers = {"Retry-After": "120"}
    media.add(f"/audio/{track.spotify_id}", busy)

    job = run(make_job(owner, track))

    assert (job.status, job.attempts) == (JobStatus.PENDING, 0)
    assert timedelta(seconds=115) < job.run_after - timezone.now() <= timedelta(seconds=120)
    assert job.message.startswith(f"HTTP 429 from {media.base_url}/audio/{track.spotify_id}")
    assert "trying again at" in job.message


def test_a_track_without_what_the_url_needs_fails_in_words(owner, media, settings):
    settings.DOWNLOAD_URL_TEMPLATE = media.base_url + "/by-isrc/{isrc}"
    track = make_track(isrc="")

    job = run(make_job(owner, track))

    assert job.status == JobStatus.FAILED
    assert job.error == "cannot build the download URL: the track has no isrc"


def test_a_job_that_is_not_pending_is_left_alone(owner, media, track):
    job = make_job(owner, track, status=JobStatus.CANCELLED)

    assert run_download(str(job.pk)).endswith("not pending or not due; nothing to do")
    assert media.hits == {}
