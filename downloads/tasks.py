"""What django-q2 runs for downloads: load by id, call a service, return a one-line summary."""

from downloads import services
from downloads.models import DownloadJob
from trackflow.jobs.services import run


def run_download(job_id: str) -> str:
    """Claims the job (one worker only) and downloads its track."""
    return run(DownloadJob, job_id, services.download)


def recover() -> str:
    """On a schedule: requeue jobs of dead workers, remove the partial files they left."""
    jobs, files = services.recover()
    return f"recovered {jobs} stale downloads, removed {files} partial files"
