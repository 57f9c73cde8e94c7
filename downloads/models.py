from django.db import models
from django.db.models import Q

from trackflow.jobs.models import ACTIVE_STATUSES, JobBase


class DownloadJob(JobBase):
    """Fetches, tags and files the audio of one track for the user who asked (`owner`).

    pending -> running -> completed | failed | cancelled; failed or cancelled -> pending on retry.
    `url` overrides the backend's lookup; `source_url` is where the audio came from; `file` is
    the finished file's path relative to MEDIA_ROOT, set only once it is tagged and in place.
    """

    kind = "download"
    task_path = "downloads.tasks.run_download"

    class Backend(models.TextChoices):
        HTTP = "http"
        YTDLP = "ytdlp"

    track = models.ForeignKey(
        "library.Track", on_delete=models.CASCADE, related_name="download_jobs"
    )
    backend = models.CharField(max_length=16, choices=Backend.choices)
    url = models.URLField(max_length=2000, blank=True, help_text="Download from here instead.")
    source_url = models.URLField(max_length=2000, blank=True)
    bytes_done = models.PositiveBigIntegerField(default=0)
    bytes_total = models.PositiveBigIntegerField(null=True, blank=True)
    file = models.CharField(max_length=1000, blank=True, help_text="Relative to MEDIA_ROOT.")

    class Meta(JobBase.Meta):
        indexes = [
            *JobBase.Meta.indexes,
            # "is this track queued or downloaded already?" on every create
            models.Index(fields=["track", "status"], name="downloadjob_track_status"),
        ]
        constraints = [
            *JobBase.Meta.constraints,
            # one download of a track at a time: two would write the same file
            models.UniqueConstraint(
                fields=["track"],
                condition=Q(status__in=ACTIVE_STATUSES),
                name="downloadjob_one_active_per_track",
            ),
        ]
