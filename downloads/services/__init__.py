"""The download queue's operations: plain functions shared by the API, admin, commands, tasks."""

from downloads.services.errors import Busy, NotFound
from downloads.services.fetch import download
from downloads.services.lifecycle import (
    cancel_job,
    claim_next,
    get_job,
    list_jobs,
    next_pending,
    recover,
    retry_all_failed,
    retry_job,
)
from downloads.services.ownership import refused_replacements
from downloads.services.progress import record_progress
from downloads.services.queue import (
    URL_FOR_STAFF,
    is_id,
    queue_downloads,
    queue_playlist,
    queue_rule,
    queue_tracks,
    requested_track_ids,
    tracks_needing_download,
)

__all__ = [
    "URL_FOR_STAFF",
    "Busy",
    "NotFound",
    "cancel_job",
    "claim_next",
    "download",
    "get_job",
    "is_id",
    "list_jobs",
    "next_pending",
    "queue_downloads",
    "queue_playlist",
    "queue_rule",
    "queue_tracks",
    "record_progress",
    "refused_replacements",
    "requested_track_ids",
    "recover",
    "retry_all_failed",
    "retry_job",
    "tracks_needing_download",
]
