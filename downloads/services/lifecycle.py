"""Looking up, cancelling, retrying and recovering download jobs (on the shared job base)."""

import contextlib
import time
from datetime import timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from downloads.files import clean_partials
from downloads.models import DownloadJob
from downloads.services.errors import Busy
from downloads.services.placement import library_root, staging_root
from trackflow.jobs import services as jobs
from trackflow.jobs.models import JobStatus


def list_jobs(user, status: str | None = None) -> QuerySet[DownloadJob]:
    """The user's jobs, newest first."""
    queryset = DownloadJob.objects.filter(owner=user).order_by("-created_at")
    return queryset.filter(status=status) if status else queryset


def get_job(user, job_id) -> DownloadJob:
    """One of the user's jobs; DownloadJob.DoesNotExist for anyone else's."""
    return DownloadJob.objects.get(owner=user, pk=job_id)


def next_pending() -> DownloadJob | None:
    """The job a worker should take next: the oldest due pending one (not claimed)."""
    due = DownloadJob.objects.filter(status=JobStatus.PENDING, run_after__lte=timezone.now())
    return due.order_by("run_after", "created_at").first()


def claim_next() -> DownloadJob | None:
    """Claims next_pending() for this worker (exactly one worker wins each job)."""
    return jobs.claim_next(DownloadJob)


def cancel_job(job: DownloadJob) -> bool:
    """Cancels a pending or running job; a running one stops within a second or two."""
    return jobs.cancel(job)


def retry_job(job: DownloadJob) -> bool:
    """A failed or cancelled job queued again with fresh attempts; False for other states.

    Raises Busy when another job is downloading the same track now.
    """
    try:
        return jobs.retry(job)
    except jobs.Conflict:
        raise Busy("another job is downloading this track now") from None


def retry_all_failed(user=None) -> int:
    """Retries every failed job (of `user`, or everyone's); returns how many were queued."""
    failed = DownloadJob.objects.filter(status=JobStatus.FAILED)
    if user is not None:
        failed = failed.filter(owner=user)
    retried = 0
    for job in failed:
        try:
            retried += retry_job(job)
        except Busy:
            continue  # a newer job for the track is under way; this one stays failed
    return retried


def recover(older_than: timedelta | None = None) -> tuple[int, int]:
    """Requeues jobs whose worker died and removes the partial files such workers left.

    A job or file is stale when untouched for `older_than` (JOB_STALE_SECONDS by default):
    live downloads write to both more often than that. Returns (jobs recovered, files removed).
    """
    if older_than is None:
        older_than = timedelta(seconds=settings.JOB_STALE_SECONDS)
    age = max(older_than, timedelta(milliseconds=1))  # the job base reads 0 as "the default"
    recovered = jobs.recover_stale(DownloadJob, older_than=age)
    root = library_root()
    removed = clean_partials(root, older_than=age.total_seconds()) if root.is_dir() else []
    _remove_empty_staging(age.total_seconds())
    return recovered, len(removed)


def _remove_empty_staging(older_than: float) -> None:
    """Staging folders of jobs that will not run again (their files are gone by now)."""
    parent = staging_root()
    if not parent.is_dir():
        return
    cutoff = time.time() - older_than
    for folder in parent.iterdir():
        if folder.is_dir() and folder.stat().st_mtime < cutoff:
            with contextlib.suppress(OSError):  # not empty: a download may still use it
                folder.rmdir()
