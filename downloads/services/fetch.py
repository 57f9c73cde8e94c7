"""One attempt at a download: fetch into the job's staging folder, tag, place, record.

This is the `work` that trackflow.jobs.services.run() calls with a claimed job. It speaks the
job base's exceptions: PermanentFailure (another attempt cannot help), RetryLater (the source
said when), JobCancelled; anything else is retried with backoff.
"""

import logging
import shutil
from datetime import timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from mutagen import MutagenError

from downloads.backends import (
    Backend,
    DownloadCancelled,
    DownloadError,
    FetchRequest,
    FetchResult,
    get_backend,
)
from downloads.files import place_file
from downloads.meta import TrackMeta
from downloads.models import DownloadJob
from downloads.services.metadata import fetch_request, load_track, track_meta
from downloads.services.placement import (
    LIBRARY_FOLDER,
    backend_options,
    destination,
    media_name,
    media_path,
    staging_dir,
)
from downloads.services.progress import Reporter
from downloads.tagging import write_tags
from library.models import Track
from trackflow.jobs.models import JobStatus
from trackflow.jobs.services import JobCancelled, PermanentFailure, RetryLater

log = logging.getLogger(__name__)
MAX_RETRY_AFTER = timedelta(days=1)  # a source's "come back in a year" is taken as a day


def download(job: DownloadJob) -> str:
    """Fetches, tags and files the job's track; returns a one-line summary."""
    track = load_track(job.track_id)
    backend = build_backend(job.backend)
    request = fetch_request(track, job.url)
    meta = track_meta(track)
    staging = staging_dir(job)
    shutil.rmtree(staging, ignore_errors=True)  # what an attempt that died left behind
    try:
        result = fetch(backend, request, staging, Reporter(job))
        final = file_away(result, meta, track)
        name = record(job, track, result, final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    matched = f" (matched '{result.title}')" if result.title else ""
    return f"saved {name}{matched}"


def build_backend(name: str) -> Backend:
    try:
        return get_backend(name, **backend_options(name))
    except ValueError as error:  # a bad DOWNLOAD_URL_TEMPLATE, an unknown backend
        raise PermanentFailure(str(error)) from error


def fetch(
    backend: Backend, request: FetchRequest, staging: Path, reporter: Reporter
) -> FetchResult:
    try:
        return backend.fetch(request, staging, reporter.progress, reporter.should_cancel)
    except DownloadCancelled:
        raise JobCancelled from None
    except DownloadError as error:
        raise job_error(error) from error


def job_error(error: DownloadError) -> Exception:
    """A backend's error as the job base understands it."""
    if not error.retryable:
        return PermanentFailure(error.message)
    if error.retry_after is not None:
        wait = min(timedelta(seconds=max(error.retry_after, 1)), MAX_RETRY_AFTER)
        when = timezone.now() + wait
        return RetryLater(when, f"{error.message}; trying again at {when:%H:%M:%S}")
    return error  # retried with backoff


def file_away(result: FetchResult, meta: TrackMeta, track: Track) -> Path:
    """Tags the fetched file and renames it into place; returns where it landed."""
    try:
        write_tags(result.path, meta)
    except (ValueError, MutagenError) as error:
        raise PermanentFailure(f"could not tag the file: {error}") from error
    try:
        dest = destination(meta, result.ext)
    except ValueError as error:
        raise PermanentFailure(f"DOWNLOAD_PATH_TEMPLATE: {error}") from error
    # the track's own file is replaced; a path taken by another file gets "Title (2).ext"
    replace = media_path(track.audio_file.name) == dest
    return place_file(result.path, dest, replace=replace)


def record(job: DownloadJob, track: Track, result: FetchResult, final: Path) -> str:
    """Points the job and the track at the new file, unless the job was cancelled meanwhile."""
    name, previous, now = media_name(final), track.audio_file.name, timezone.now()
    with transaction.atomic():
        running = DownloadJob.objects.filter(pk=job.pk, status=JobStatus.RUNNING)
        if not running.update(
            file=name,
            source_url=result.source_url[:2000],
            bytes_done=result.size,
            bytes_total=result.size,
            updated_at=now,
        ):
            if name != previous:
                final.unlink(missing_ok=True)
            raise JobCancelled
        Track.objects.filter(pk=track.pk).update(audio_file=name, updated_at=now)
    job.file = name
    if previous and previous != name:
        remove_old_download(previous)
    return name


def remove_old_download(name: str) -> None:
    """The track's earlier download, now replaced by a file elsewhere (the template changed)."""
    if not name.startswith(f"{LIBRARY_FOLDER}/") or Track.objects.filter(audio_file=name).exists():
        return  # an upload, or a file another track uses
    path = media_path(name)
    try:
        path.unlink(missing_ok=True)
    except OSError as error:
        log.warning("could not remove the replaced file %s: %s", path, error)
