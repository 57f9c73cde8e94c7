"""Downloads: 200 jobs through a real 2-worker `qcluster` on SQLite, from a loopback server.

Builds a temporary SQLite database and MEDIA_ROOT, serves a small MP3 per track on a loopback
port, starts `manage.py qcluster` (ORM broker) and, once a warm-up job has gone through,
queues the batch and prints:

- jobs per second, from queueing to the last job finished;
- the claim overhead per job: the conditional UPDATE that takes a job, timed on its own over
  the same number of pending jobs (median and p95);
- duplicate runs (a source fetched twice, a job attempted twice, or run by two tasks): must be 0;
- lost jobs (not completed): must be 0;
- "database is locked" errors in the cluster's output, job errors and task results: must be 0.

Target (DESIGN §7): 200 jobs through 2 workers on SQLite, none twice, none lost, no locks.
Run: .venv/bin/python bench/downloads.py [--jobs N] [--workers N]
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(data_dir: Path) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "trackflow.settings"
    os.environ["TRACKFLOW_DATA_DIR"] = str(data_dir)
    os.environ["DATABASE_URL"] = f"sqlite:///{data_dir / 'bench.sqlite3'}"
    os.environ["MEDIA_ROOT"] = str(data_dir / "media")
    os.environ.pop("REDIS_URL", None)  # the target is SQLite with the ORM broker
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def make_tracks(count: int, prefix: str) -> list[int]:
    from library.models import Album, Artist, Track, TrackArtist

    album = Album.objects.create(name=f"{prefix} Album", total_tracks=count)
    artist = Artist.objects.create(name=f"{prefix} Artist")
    Track.objects.bulk_create(
        Track(title=f"{prefix} {n}", album=album, track_number=n % 100, spotify_id=f"{prefix}{n}")
        for n in range(count)
    )
    ids = list(Track.objects.filter(album=album).values_list("pk", flat=True))
    TrackArtist.objects.bulk_create(TrackArtist(track_id=pk, artist=artist) for pk in ids)
    return ids


def claim_overhead(user, count: int) -> list[float]:
    """Seconds per claim UPDATE (with its commit), over `count` pending jobs."""
    from downloads.models import DownloadJob
    from trackflow.jobs.services import claim

    jobs = DownloadJob.objects.bulk_create(
        DownloadJob(owner=user, track_id=pk, backend="http") for pk in make_tracks(count, "claim")
    )
    timings = []
    for job in jobs:
        started = time.perf_counter()
        won = claim(DownloadJob, job.pk)
        timings.append(time.perf_counter() - started)
        assert won
    DownloadJob.objects.filter(pk__in=[job.pk for job in jobs]).delete()
    return timings


def wait_until_finished(job_ids: list, timeout: float) -> bool:
    from downloads.models import DownloadJob
    from trackflow.jobs.models import FINISHED_STATUSES
    from trackflow.testing.cluster import wait_for

    finished = DownloadJob.objects.filter(pk__in=job_ids, status__in=FINISHED_STATUSES)
    return wait_for(lambda: finished.count() == len(job_ids), timeout=timeout, interval=0.05)


def run(jobs: int, workers: int) -> int:
    from django.contrib.auth import get_user_model
    from django_q.models import Task

    from downloads.models import DownloadJob
    from downloads.services import queue_downloads
    from downloads.tests.media_server import MediaServer
    from trackflow.testing.audio import make_audio
    from trackflow.testing.cluster import start_cluster, stop_cluster

    user = get_user_model().objects.create_user("bench")
    song = make_audio("mp3", 1.0)
    media = MediaServer()
    ids = make_tracks(jobs, "batch")
    [warm_up] = make_tracks(1, "warm")
    for spotify_id in ("warm0", *(f"batch{n}" for n in range(jobs))):
        media.add(f"/audio/{spotify_id}", song)

    claims = claim_overhead(user, jobs)

    env = {
        "DOWNLOAD_BACKEND": "http",
        "DOWNLOAD_URL_TEMPLATE": media.base_url + "/audio/{spotify_id}",
        "LOG_LEVEL": "INFO",
    }
    cluster = start_cluster(workers=workers, **env)
    try:
        warm = queue_downloads(user, [warm_up])
        ready = wait_until_finished([job.pk for job in warm], timeout=120)
        started = time.perf_counter()
        batch = queue_downloads(user, ids)
        done = wait_until_finished([job.pk for job in batch], timeout=600)
        elapsed = time.perf_counter() - started
    finally:
        output = stop_cluster(cluster)
        media.stop()

    rows = DownloadJob.objects.filter(pk__in=[job.pk for job in batch])
    results = list(
        Task.objects.filter(func="downloads.tasks.run_download").values_list("result", flat=True)
    )
    runs_per_job = {str(job.pk): 0 for job in batch}
    for result in results:
        job_id = str(result).split(" ", 2)[1].rstrip(":") if result else ""
        if job_id in runs_per_job and ": saved " in str(result):
            runs_per_job[job_id] += 1
    duplicates = (
        sum(hits - 1 for hits in media.hits.values() if hits > 1)
        + rows.filter(attempts__gt=1).count()
        + sum(runs - 1 for runs in runs_per_job.values() if runs > 1)
    )
    lost = rows.exclude(status="completed").count()
    locked = (
        output.count("database is locked")
        + rows.filter(error__icontains="database is locked").count()
        + sum("database is locked" in str(result) for result in results)
    )
    p95 = statistics.quantiles(claims, n=20)[-1]
    print(f"downloads: {jobs} jobs, {workers} workers, SQLite + ORM broker")
    print(f"  warm-up job done:       {'yes' if ready else 'NO'}; batch finished: {done}")
    print(f"  throughput:             {jobs / elapsed:.1f} jobs/s ({elapsed:.1f} s)")
    print(
        f"  claim overhead per job: median {statistics.median(claims) * 1000:.2f} ms, "
        f"p95 {p95 * 1000:.2f} ms"
    )
    print(f"  successful task runs:   {sum(runs_per_job.values())} for {jobs} jobs")
    print(f"  duplicate runs:         {duplicates} (must be 0)")
    print(f"  lost jobs:              {lost} (must be 0)")
    print(f'  "database is locked":   {locked} (must be 0)')
    return 0 if done and ready and duplicates == lost == locked == 0 else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="trackflow-bench-downloads-") as tmp:
        setup_django(Path(tmp))
        return run(args.jobs, args.workers)


if __name__ == "__main__":
    sys.exit(main())
