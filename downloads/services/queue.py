"""Creating download jobs for tracks, a playlist or a rule's result, without duplicates."""

from collections.abc import Iterable

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from downloads.models import DownloadJob
from downloads.services.errors import NotFound
from downloads.services.ownership import refused_replacements
from downloads.services.placement import on_disk
from library.models import Playlist, PlaylistEntry, Track
from library.services.bulk import real_sqlite_limit
from trackflow.api.filters import MAX_ID
from trackflow.jobs.models import ACTIVE_STATUSES, JobStatus
from trackflow.jobs.services import enqueue

CHUNK = 500  # tracks per round of look-ups: a constant number of queries for each 500
URL_FOR_STAFF = "only an admin can give a download URL"


def queue_downloads(user, track_ids: Iterable[int], *, force: bool = False) -> list[DownloadJob]:
    """New pending jobs (enqueued on commit) for the tracks that need one, in the given order.

    Skipped: ids not in the catalog; uploaded tracks (their audio is the upload: a download
    would overwrite or delete it), even with `force`; tracks with a pending or running job
    (whoever asked: two jobs would write one file), even with `force`. A track whose finished
    download is still on disk is not fetched again unless `force`: if another user fetched it,
    this user gets a completed job for that file, so it enters their library too. With
    `force`, a file another member fetched is skipped too (see refused_replacements). The
    backend is DOWNLOAD_BACKEND.
    """
    return queue_tracks(user, track_ids, force=force)


def queue_tracks(
    user,
    track_ids: Iterable[int],
    *,
    force: bool = False,
    backend: str | None = None,
    url: str = "",
) -> list[DownloadJob]:
    """queue_downloads with a chosen backend and, for one track, the URL to fetch it from.

    A URL is for staff only: the server fetches it, so anyone else could make it probe
    internal addresses and read the answers in the job's error.
    """
    wanted = list(dict.fromkeys(int(track_id) for track_id in track_ids))
    if url and len(wanted) != 1:
        raise ValueError("a download URL is for exactly one track")
    if url and not user.is_staff:
        raise ValueError(URL_FOR_STAFF)
    jobs: list[DownloadJob] = []
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        jobs += _queue_chunk(user, chunk, force, backend or settings.DOWNLOAD_BACKEND, url)
    return jobs


def queue_playlist(user, playlist_id: int, *, force: bool = False) -> list[DownloadJob]:
    """Jobs for a playlist of the user's, in playlist order."""
    return queue_downloads(user, playlist_track_ids(user, playlist_id), force=force)


def queue_rule(user, rule_id: int, *, force: bool = False) -> list[DownloadJob]:
    """Jobs for the tracks a rule set of the user's selects now."""
    return queue_downloads(user, rule_track_ids(user, rule_id), force=force)


def requested_track_ids(
    user,
    *,
    track_ids: Iterable[int] | None = None,
    playlist_id: int | None = None,
    rule_id: int | None = None,
) -> list[int]:
    """The tracks one request names, by ids, a playlist or a rule; NotFound for others'."""
    if playlist_id is not None:
        return playlist_track_ids(user, playlist_id)
    if rule_id is not None:
        return rule_track_ids(user, rule_id)
    return list(dict.fromkeys(track_ids or ()))


def playlist_track_ids(user, playlist_id: int) -> list[int]:
    # an id no database can store is no playlist either (and would not bind in a query)
    if not is_id(playlist_id) or not Playlist.objects.filter(pk=playlist_id, owner=user).exists():
        raise NotFound(f"no playlist {playlist_id} of yours")
    entries = PlaylistEntry.objects.filter(playlist_id=playlist_id).order_by("position")
    return list(dict.fromkeys(entries.values_list("track_id", flat=True)))


def rule_track_ids(user, rule_id: int) -> list[int]:
    from rules import services as rule_services  # on use: downloads must not need rules to load

    rule_sets = apps.get_model("rules", "RuleSet").objects
    rule_set = rule_sets.filter(pk=rule_id, owner=user).first() if is_id(rule_id) else None
    if rule_set is None:
        raise NotFound(f"no rule set {rule_id} of yours")
    return list(rule_services.selected_track_ids(rule_set))


def is_id(value: int) -> bool:
    """Whether `value` can be a primary key at all (1 to MAX_ID)."""
    return 1 <= value <= MAX_ID


def tracks_needing_download(track_ids: list[int], *, force: bool = False) -> list[int]:
    """Which of `track_ids` (in the catalog) get a job now; three queries."""
    needed, _ = _sort_out(track_ids, force=force)
    return needed


def _sort_out(track_ids: list[int], *, force: bool) -> tuple[list[int], dict[int, DownloadJob]]:
    """Tracks to fetch, and tracks whose finished download (anyone's) is still on disk.

    Uploads are neither: their audio is the upload, which a download would overwrite.
    """
    tracks = Track.objects.filter(pk__in=track_ids).exclude(source=Track.Source.UPLOAD)
    known = set(tracks.values_list("pk", flat=True))
    jobs = DownloadJob.objects.filter(track_id__in=track_ids)
    busy = set(jobs.filter(status__in=ACTIVE_STATUSES).values_list("track_id", flat=True))
    done: dict[int, DownloadJob] = {}
    if not force:
        finished = jobs.filter(status=JobStatus.COMPLETED).exclude(file="").order_by("created_at")
        done = {
            job.track_id: job for job in finished if job.track_id in known and on_disk(job.file)
        }
    needed = [pk for pk in track_ids if pk in known and pk not in busy and pk not in done]
    return needed, done


def _already_downloaded(user, done: dict[int, DownloadJob]) -> list[DownloadJob]:
    """A completed job of the user's own for files someone else fetched: no second download,
    and the track counts as downloaded by this user too (it enters their library)."""
    theirs = [job for job in done.values() if job.owner_id != user.pk]
    mine = set(
        DownloadJob.objects.filter(
            owner=user, status=JobStatus.COMPLETED, track_id__in=[job.track_id for job in theirs]
        ).values_list("track_id", flat=True)
    )
    now = timezone.now()
    return [
        DownloadJob(
            owner=user,
            track_id=job.track_id,
            backend=job.backend,
            status=JobStatus.COMPLETED,
            progress=1.0,
            file=job.file,
            bytes_done=job.bytes_done,
            bytes_total=job.bytes_total,
            source_url=job.source_url,
            message="already downloaded",
            started_at=now,
            finished_at=now,
        )
        for job in theirs
        if job.track_id not in mine
    ]


def _queue_chunk(
    user, track_ids: list[int], force: bool, backend: str, url: str
) -> list[DownloadJob]:
    needed, done = _sort_out(track_ids, force=force)
    if force or url:  # these replace the file on disk: only where the user may
        refused = refused_replacements(user, needed)
        needed = [pk for pk in needed if pk not in refused]
    new = [DownloadJob(owner=user, track_id=pk, backend=backend, url=url) for pk in needed]
    shared = _already_downloaded(user, done)
    if not new and not shared:
        return []
    with transaction.atomic(), real_sqlite_limit():
        DownloadJob.objects.bulk_create(shared)
        # a request racing this one may have queued some of them first: its jobs stand
        DownloadJob.objects.bulk_create(new, ignore_conflicts=True)
        created = {job.pk: job for job in DownloadJob.objects.filter(pk__in=[j.pk for j in new])}
        jobs = [created[job.pk] for job in new if job.pk in created]
        for job in jobs:
            enqueue(job)
    return shared + jobs
