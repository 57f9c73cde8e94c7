"""Downloads through a real `qcluster` subprocess with two workers, on whichever database and
broker the suite runs with (SQLite + ORM broker, or PostgreSQL + Redis: the subprocess inherits
DATABASE_URL of the test database and REDIS_URL).

These take several seconds each: a cluster has to start, and a crash has to be staged.
"""

import os
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from django_q.conf import Conf
from django_q.models import Task

from downloads import services
from downloads.models import DownloadJob
from downloads.tests.factories import make_track
from trackflow.jobs.models import FINISHED_STATUSES, JobStatus
from trackflow.testing.audio import make_audio
from trackflow.testing.cluster import start_cluster, stop_cluster, wait_for
from trackflow.testing.http_server import Reply

pytestmark = [pytest.mark.cluster, pytest.mark.django_db(transaction=True)]

SONG = make_audio("mp3", 0.5)


@pytest.fixture
def cluster_env(media, settings):
    """Queued jobs go to the broker (not inline), and a cluster that downloads like we do."""
    Conf.SYNC = False  # the project's autouse fixture puts it back
    return {
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DOWNLOAD_BACKEND": "http",
        "DOWNLOAD_URL_TEMPLATE": settings.DOWNLOAD_URL_TEMPLATE,
        "DOWNLOAD_PATH_TEMPLATE": settings.DOWNLOAD_PATH_TEMPLATE,
    }


def library_files(settings) -> list[str]:
    root = Path(settings.MEDIA_ROOT) / "library"
    return sorted(
        str(Path(folder, name).relative_to(root))
        for folder, _, names in os.walk(root)
        for name in names
    )


def all_finished(count: int):
    return lambda: DownloadJob.objects.filter(status__in=FINISHED_STATUSES).count() == count


def test_two_workers_download_a_batch_each_job_exactly_once(owner, media, settings, cluster_env):
    tracks = [make_track(title=f"Song {n}", track_number=n + 1) for n in range(20)]
    for track in tracks:
        media.add(f"/audio/{track.spotify_id}", SONG)

    jobs = services.queue_downloads(owner, [track.pk for track in tracks])
    cluster = start_cluster(workers=2, **cluster_env)
    try:
        finished = wait_for(all_finished(20), timeout=120)
    finally:
        output = stop_cluster(cluster)

    assert finished, output
    rows = list(DownloadJob.objects.values_list("status", "attempts", "file"))
    assert [(status, attempts) for status, attempts, _ in rows] == [("completed", 1)] * 20
    # every source file was fetched once, and every job ran in exactly one task
    assert media.hits == {f"/audio/{track.spotify_id}": 1 for track in tracks}
    results = Task.objects.filter(func="downloads.tasks.run_download").values_list(
        "result", flat=True
    )
    assert sorted(results) == sorted(
        f"download {job.pk}: saved {job.file}" for job in DownloadJob.objects.all()
    )
    assert {job.pk for job in jobs} == set(DownloadJob.objects.values_list("pk", flat=True))
    assert len(library_files(settings)) == 20 == len({file for _, _, file in rows})
    assert all(not name.endswith(".part") for name in library_files(settings))
    assert "database is locked" not in output


def test_a_download_killed_with_the_cluster_completes_after_recovery(
    owner, media, settings, cluster_env
):
    track = make_track(title="Interrupted")
    audio = make_audio("wav", 3.0)  # about 260 KB
    requests, lock = [], threading.Lock()

    def source(request):
        with lock:
            requests.append(request.path)
            first = len(requests) == 1
        if first:  # the first worker gets a slow drip and is killed halfway
            return Reply(body=audio, content_type="audio/wav", chunk_size=8192, delay=0.15)
        return Reply(body=audio, content_type="audio/wav")

    media.add(f"/audio/{track.spotify_id}", source)
    [job] = services.queue_downloads(owner, [track.pk])

    cluster = start_cluster(workers=2, **cluster_env)
    try:
        started = wait_for(lambda: DownloadJob.objects.get(pk=job.pk).bytes_done > 0, timeout=60)
    finally:
        output = stop_cluster(cluster, kill=True)
    assert started, output
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING  # nobody is left to say otherwise
    assert [name for name in library_files(settings) if name.endswith(".part")]

    recovered, removed = services.recover(older_than=timedelta(0))
    assert (recovered, removed) == (1, 1)
    job.refresh_from_db()
    assert job.status == JobStatus.PENDING

    cluster = start_cluster(workers=2, **cluster_env)
    try:
        finished = wait_for(all_finished(1), timeout=60)
    finally:
        output = stop_cluster(cluster)
    assert finished, output
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.COMPLETED, 2), job.error
    assert len(requests) == 2
    assert library_files(settings) == [job.file.removeprefix("library/")]  # one file, no partial
    assert Path(settings.MEDIA_ROOT, job.file).stat().st_size >= len(audio)
