import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone


class JobStatus(models.TextChoices):
    PENDING = "pending"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"


ACTIVE_STATUSES = (JobStatus.PENDING, JobStatus.RUNNING)
FINISHED_STATUSES = (JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED)


def default_max_attempts() -> int:
    return settings.JOB_MAX_ATTEMPTS


class JobBase(models.Model):
    """A unit of long work: pending -> running -> completed | failed | cancelled.

    A failed attempt goes back to pending with `run_after` pushed out (exponential backoff)
    until `max_attempts` is spent. Concrete jobs set `kind` (shown in /api/jobs/) and
    `task_path` (the django-q2 task that runs one job by id); a subclass that declares its
    own Meta must inherit `JobBase.Meta` to keep the claim index.
    """

    kind: ClassVar[str] = ""
    task_path: ClassVar[str] = ""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="%(app_label)s_%(class)ss"
    )
    status = models.CharField(
        max_length=16, choices=JobStatus.choices, default=JobStatus.PENDING, db_index=False
    )
    progress = models.FloatField(default=0.0)
    message = models.CharField(max_length=500, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    max_attempts = models.PositiveIntegerField(default=default_max_attempts)
    run_after = models.DateTimeField(default=timezone.now, help_text="Not claimed before this.")
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]
        indexes = [
            # the claim: oldest due pending job first; and the stale-running sweep
            models.Index(fields=["status", "run_after"], name="%(app_label)s_%(class)s_claim"),
            # a user's jobs, newest first
            models.Index(fields=["owner", "-created_at"], name="%(app_label)s_%(class)s_owner"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__gte=0) & models.Q(progress__lte=1),
                name="%(app_label)s_%(class)s_progress",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind or type(self).__name__} {self.pk} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES
