"""What users see when a download fails: the reason in words, retries with backoff, clean disk,
and what the worker's log says."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from django_q.tasks import async_task

from downloads import services
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
    assert "retrying at" in job.message


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


def cut_short(data: bytes) -> Reply:
    """Half the file, then the connection closes: with no Content-Length, that looks whole."""
    return Reply(body=data[: len(data) // 2], content_type="audio/mpeg", send_length=False)


@pytest.mark.parametrize(
    ("fmt", "why"),
    [
        ("mp3", "the MP3 file is truncated: it ends in the middle of an audio frame"),
        ("flac", "the FLAC file is truncated: it does not end with its last audio frame"),
        ("wav", "the WAV file is truncated: its 'data' chunk is cut short"),
    ],
)
def test_a_file_cut_short_is_retried_not_saved(owner, media, settings, track, fmt, why):
    media.add(f"/audio/{track.spotify_id}", cut_short(make_audio(fmt, 1.0)))

    job = run(make_job(owner, track))

    assert (job.status, job.attempts) == (JobStatus.PENDING, 1)
    assert job.error == f"the source sent a damaged file: {why}"
    track.refresh_from_db()
    assert job.file == "" and not track.audio_file
    assert leftovers(settings) == []  # the staging file is gone too


def test_a_forced_download_from_a_source_that_cuts_short_keeps_the_good_file(
    owner, media, settings, track
):
    media.add(f"/audio/{track.spotify_id}", make_audio("mp3", 1.0))
    good = run(make_job(owner, track))
    before = Path(settings.MEDIA_ROOT, good.file).read_bytes()
    media.add(f"/audio/{track.spotify_id}", cut_short(make_audio("mp3", 1.0, freq=880)))

    forced = run(make_job(owner, track))

    assert forced.status == JobStatus.PENDING
    assert forced.error.startswith("the source sent a damaged file: the MP3 file is truncated")
    track.refresh_from_db()
    assert track.audio_file.name == good.file
    assert Path(settings.MEDIA_ROOT, good.file).read_bytes() == before
    assert leftovers(settings) == [Path(good.file).name]


def test_the_ytdlp_backend_is_checked_for_a_cut_short_file_too(staff, media, settings, track):
    url = media.add("/cut.mp3", cut_short(make_audio("mp3", 5.0)))
    [job] = services.queue_tracks(staff, [track.pk], backend="ytdlp", url=url)

    job = run(job)

    assert (job.status, job.backend) == (JobStatus.PENDING, "ytdlp")
    assert job.error.startswith("the source sent a damaged file: the MP3 file is truncated")
    assert leftovers(settings) == []


def job_logs(caplog) -> list[tuple[str, str, bool]]:
    """What the job base logged: (level, message, with a traceback?)."""
    return [
        (record.levelname, record.getMessage(), record.exc_info is not None)
        for record in caplog.records
        if record.name == "trackflow.jobs.services"
    ]


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        (Reply(status=503, body=b"busy", content_type="text/plain"), "HTTP 503 from {url}"),
        (
            # a Content-Length the body never reaches: the connection closes first
            Reply(body=b"ID3" + b"\0" * 500, headers={"Content-Length": "9000"}, send_length=False),
            "the connection broke while reading {url}",
        ),
    ],
)
def test_a_worker_logs_a_retryable_failure_as_one_warning_line(
    owner, media, track, caplog, reply, error
):
    url = media.add(f"/audio/{track.spotify_id}", reply)
    job = make_job(owner, track)

    async_task("downloads.tasks.run_download", str(job.pk))  # as a worker runs it (sync mode)

    job.refresh_from_db()
    message = error.format(url=url)
    assert (job.status, job.attempts, job.error) == (JobStatus.PENDING, 1, message)
    assert job_logs(caplog) == [("WARNING", f"download {job.pk}: pending: {message}", False)]
    assert not [record for record in caplog.records if record.exc_info]


def retry_after(media, track, seconds: int) -> Reply:
    busy = Reply(status=429, body=b"slow down", content_type="text/plain")
    busy.headers = {"Retry-After": str(seconds)}
    return media.add(f"/audio/{track.spotify_id}", busy)


def test_retry_after_names_the_local_time_like_the_backoff_does(owner, media, settings, track):
    settings.TIME_ZONE = "Asia/Tokyo"
    retry_after(media, track, 120)

    job = run(make_job(owner, track))

    local = timezone.localtime(job.run_after)
    assert local.utcoffset() == timedelta(hours=9)
    when = (
        f"{local:%H:%M:%S}"
        if local.date() == timezone.localdate()
        else f"{local:%Y-%m-%d %H:%M:%S}"
    )
    assert job.message.endswith(f"; retrying at {when}")


def test_retry_after_a_day_or_more_names_the_date(owner, media, settings, track):
    settings.TIME_ZONE = "Asia/Tokyo"
    retry_after(media, track, 3 * 24 * 3600)  # capped at a day

    job = run(make_job(owner, track))

    local = timezone.localtime(job.run_after)
    assert timedelta(hours=23) < job.run_after - timezone.now() <= timedelta(days=1)
    assert job.message.endswith(f"; retrying at {local:%Y-%m-%d %H:%M:%S}")
