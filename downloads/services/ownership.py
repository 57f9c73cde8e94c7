"""Whose a track's downloaded file is: who may replace it, and what follows a replaced file.

A track's file is shared by every member whose library holds the track. Replacing it (with
force, or from a URL) is for staff, or for the member whose download fetched the file now in
place; anyone else would swap the audio under the others' feet.
"""

from django.db.models import QuerySet
from django.utils import timezone

from downloads.models import DownloadJob
from downloads.services.placement import on_disk
from library.models import Track
from trackflow.jobs.models import JobStatus


def fetches() -> QuerySet[DownloadJob]:
    """Completed jobs that fetched their file. A shared copy ("already downloaded") never ran,
    so its attempts stay 0: it names a file without having made it."""
    return DownloadJob.objects.filter(status=JobStatus.COMPLETED, attempts__gt=0).exclude(file="")


def refused_replacements(user, track_ids: list[int]) -> dict[int, str]:
    """Of `track_ids`, the tracks whose file on disk `user` may not replace, with why.

    Staff may replace any file; others only one their own latest fetch of it made. Uploads are
    left to the queue, which never downloads them. Two queries; none for staff.
    """
    if user.is_staff or not track_ids:
        return {}
    tracks = Track.objects.filter(pk__in=track_ids).exclude(source=Track.Source.UPLOAD)
    current = dict(tracks.exclude(audio_file="").values_list("pk", "audio_file"))
    present = {pk: name for pk, name in current.items() if on_disk(name)}
    fetcher: dict[int, int] = {}
    made = fetches().filter(track_id__in=present).order_by("finished_at", "created_at")
    for track_id, name, owner_id in made.values_list("track_id", "file", "owner_id"):
        if name == present[track_id]:
            fetcher[track_id] = owner_id  # the latest fetch of the file in place wins
    return {
        pk: refusal(pk, fetcher.get(pk))
        for pk in dict.fromkeys(track_ids)
        if pk in present and fetcher.get(pk) != user.pk
    }


def refusal(track_id: int, fetcher_id: int | None) -> str:
    """Why a member may not replace the track's file, in the words the API and commands use."""
    if fetcher_id is None:  # placed by hand, or its job is gone
        return f"track {track_id}'s audio was not downloaded by you; only an admin can replace it"
    return (
        f"track {track_id}'s audio was fetched by another member; "
        "only they or an admin can replace it"
    )


def repoint_downloads(track_id: int, previous: str, name: str) -> int:
    """The track's completed jobs that named its replaced file now name the new one, so that
    no member's "already downloaded" job points at a deleted file; returns how many."""
    jobs = DownloadJob.objects.filter(track_id=track_id, status=JobStatus.COMPLETED, file=previous)
    return jobs.update(file=name, updated_at=timezone.now())
