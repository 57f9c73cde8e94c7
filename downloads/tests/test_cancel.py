"""Cancelling: a running download stops within seconds and leaves nothing on disk."""

import os
import threading
import time
from pathlib import Path

import pytest
from django.db import close_old_connections

from downloads import services
from downloads.models import DownloadJob
from downloads.tasks import run_download
from downloads.tests.factories import make_job, make_track
from trackflow.jobs.models import JobStatus
from trackflow.testing.audio import make_audio
from trackflow.testing.cluster import wait_for
from trackflow.testing.http_server import Reply


@pytest.mark.django_db(transaction=True)
def test_cancelling_a_running_download_stops_it_and_leaves_no_file(owner, media, settings):
    track = make_track()
    drip = Reply(body=make_audio("wav", 5.0), chunk_size=16 * 1024, delay=0.2)  # ~6 s in all
    media.add(f"/audio/{track.spotify_id}", drip)
    job = make_job(owner, track)
    outcome = []

    def worker():
        try:
            outcome.append(run_download(str(job.pk)))
        finally:
            close_old_connections()

    thread = threading.Thread(target=worker)
    thread.start()
    assert wait_for(lambda: DownloadJob.objects.get(pk=job.pk).bytes_done > 0, timeout=10)
    cancelled_at = time.monotonic()
    assert services.cancel_job(job)
    thread.join(timeout=10)

    assert time.monotonic() - cancelled_at < 3
    assert outcome == [f"download {job.pk}: cancelled"]
    job.refresh_from_db()
    track.refresh_from_db()
    assert (job.status, job.file, job.message) == (JobStatus.CANCELLED, "", "cancelled")
    assert not track.audio_file
    files = [name for _, _, names in os.walk(Path(settings.MEDIA_ROOT)) for name in names]
    assert files == []  # neither the partial download nor the staging folder's content


@pytest.mark.django_db
def test_a_pending_job_is_cancelled_before_it_starts(owner, media):
    track = make_track()
    job = make_job(owner, track)

    assert services.cancel_job(job)
    run_download(str(job.pk))

    assert DownloadJob.objects.get(pk=job.pk).status == JobStatus.CANCELLED
    assert media.hits == {}


@pytest.mark.django_db
def test_a_finished_job_cannot_be_cancelled(owner):
    job = make_job(owner, make_track(), status=JobStatus.COMPLETED)

    assert services.cancel_job(job) is False
    assert DownloadJob.objects.get(pk=job.pk).status == JobStatus.COMPLETED
