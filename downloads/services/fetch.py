"""One attempt at a download: fetch into the job's staging folder, check, tag, place, record.

This is the `work` that trackflow.jobs.services.run() calls with a claimed job. It speaks the
job base's exceptions: PermanentFailure (another attempt cannot help), RetryLater (the source
said when), ExpectedFailure (the source erred: retried with backoff, logged in one line),
JobCancelled; anything else is a bug, retried with backoff and logged with its traceback.
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
from downloads.services.ownership import refused_replacements, repoint_downloads
from downloads.services.placement import (
    LIBRARY_FOLDER,
    backend_options,
    destination,
    media_name,
    media_path,
    same_slot,
    staging_dir,
)
from downloads.services.progress import Reporter
from downloads.tagging import write_tags
from library import audiocheck
from library.models import Track
from trackflow.jobs.models import JobStatus
from trackflow.jobs.services import (
    ExpectedFailure,
    JobCancelled,
    PermanentFailure,
    RetryLater,
    local_time,
)

log = logging.getLogger(__name__)
MAX_RETRY_AFTER = timedelta(days=1)  # a source's "come back in a year" is taken as a day


def download(job: DownloadJob) -> str:
    """Fetches, tags and files the job's track; returns a one-line summary."""
    track = load_track(job.track_id)
    check_replaceable(job, track)
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


def check_replaceable(job: DownloadJob, track: Track) -> None:
    """Refuses a job that would overwrite an upload or another member's download.

    The queue never makes such jobs; this catches the ones it made before the file changed
    hands (a failed job retried later) or before uploads were left out.
    """
    if track.source == Track.Source.UPLOAD:
        raise PermanentFailure("the track was uploaded: its audio is the upload, not a download")
    refused = refused_replacements(job.owner, [track.pk])
    if refused:
        raise PermanentFailure(refused[track.pk])


def build_backend(name: str) -> Backend:
    try:
        return get_backend(name, **backend_options(name))
    except ValueError as error:  # a bad DOWNLOAD_URL_TEMPLATE, an unknown backend
        raise PermanentFailure(str(error)) from error


def fetch(
    backend: Backend, request: FetchRequest, staging: Path, reporter: Reporter
) -> FetchResult:
    try:
        result = backend.fetch(request, staging, reporter.progress, reporter.should_cancel)
        check_whole(result)
    except DownloadCancelled:
        raise JobCancelled from None
    except DownloadError as error:
        raise job_error(error) from error
    return result


def check_whole(result: FetchResult) -> None:
    """Refuses a file the source cut short or mangled, before it can replace a good one.

    A server that closes the connection early without a Content-Length looks like a finished
    download, and mutagen reads a truncated file's headers happily; library.audiocheck walks
    the container to its end. Every format the backends return (MP3, FLAC, Ogg Vorbis and
    Opus, M4A, WAV) is one it knows; a file whose container it cannot place is let through,
    since sniff_audio has already found audio that mutagen can tag.
    """
    container, why = audiocheck.problem(result.path)
    if container is not None and why:
        raise DownloadError(f"the source sent a damaged file: {why}", retryable=True)


def job_error(error: DownloadError) -> Exception:
    """A backend's error as the job base understands it.

    A retryable one is an ExpectedFailure: retried with backoff and logged as one warning line,
    since a source that is down or cuts a file short is no bug of ours.
    """
    if not error.retryable:
        return PermanentFailure(error.message)
    if error.retry_after is not None:
        wait = min(timedelta(seconds=max(error.retry_after, 1)), MAX_RETRY_AFTER)
        when = timezone.now() + wait
        return RetryLater(when, f"{error.message}; retrying at {local_time(when)}")
    return ExpectedFailure(error.message)


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
    current = media_path(track.audio_file.name)
    if current is not None and same_slot(current, dest):
        return place_file(result.path, current, replace=True)
    return place_file(result.path, dest, replace=False)


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
        remove_old_download(previous)  # first: the jobs that fetched it still name it
        repoint_downloads(track.pk, previous, name)
    return name


def remove_old_download(name: str) -> None:
    """The track's earlier download, now replaced by a file elsewhere (the template changed).

    Only a file a completed download produced and no track uses: never an upload (uploads are
    filed under library/ too), a file put there by hand, or one another track still plays.
    """
    if not name.startswith(f"{LIBRARY_FOLDER}/"):
        return
    produced = DownloadJob.objects.filter(status=JobStatus.COMPLETED, file=name).exists()
    if not produced or Track.objects.filter(audio_file=name).exists():
        return
    path = media_path(name)
    try:
        path.unlink(missing_ok=True)
    except OSError as error:
        log.warning("could not remove the replaced file %s: %s", path, error)
