"""Queue import jobs, and the work a worker does for one."""

import time
from collections.abc import Callable

from trackflow.jobs import services
from trackflow.jobs.models import JobStatus
from trackflow.jobs.services import enqueue

from ..auth import require_connected
from ..client import for_user
from ..models import ImportJob
from . import writes
from .liked import import_liked
from .playlists import import_playlist, import_playlist_list
from .sources import ALL_PLAYLISTS, LIKED


def queue(user, sources: list[str], force: bool = False) -> list[ImportJob]:
    """One job per source (canonical, see parse_source); an active one is reused."""
    require_connected(user)
    jobs = []
    for source in dict.fromkeys(sources):
        job, created = writes.create_job(user.pk, source, force)
        if created:
            enqueue(job)
        jobs.append(job)
    return jobs


def run_now(user, sources: list[str], force: bool = False) -> list[ImportJob]:
    """The same jobs, run in this process (claimed and recorded as a worker would), the
    playlist jobs that `all-playlists` spawns included; returns them all, finished.

    A job already pending runs now too, even one waiting out the backoff of a failed
    attempt: the person at the command asked for it now."""
    require_connected(user)
    pending = []
    for source in dict.fromkeys(sources):
        job, created = writes.create_job(user.pk, source, force)
        if not created:
            writes.due_now(job, force)
        pending.append(job)
    finished = []
    while pending:
        job, spawned = pending.pop(0), []
        services.run(ImportJob, job.pk, lambda j, spawned=spawned: work(j, spawn=spawned.extend))
        job.refresh_from_db()
        if job.status == JobStatus.RUNNING:  # a worker claimed it first: see it through
            job = _wait_while_running(job)
            if job.status == JobStatus.PENDING:  # its worker died and the sweep put it back
                pending.insert(0, job)
                continue
        finished.append(job)
        pending.extend(spawned)
    return finished


def _wait_while_running(job: ImportJob, poll: float = 0.5) -> ImportJob:
    """Until the worker running `job` ends it, or is found dead (no heartbeat for
    JOB_STALE_SECONDS): then the job is put back, as the cluster's sweep would, to run here."""
    while job.status == JobStatus.RUNNING:
        time.sleep(poll)
        services.recover_stale(ImportJob)
        job.refresh_from_db()
    return job


def enqueue_all(jobs: list[ImportJob]) -> None:
    for job in jobs:
        enqueue(job)


def work(job: ImportJob, spawn: Callable[[list[ImportJob]], None] = enqueue_all) -> str:
    """Run one import job (for trackflow.jobs.services.run); returns its summary."""
    client = for_user(job.owner_id)
    if job.source == LIKED:
        return import_liked(job, client)
    if job.source == ALL_PLAYLISTS:
        return import_playlist_list(job, client, spawn)
    return import_playlist(job, client)
