"""Claim, report, finish, retry and recover jobs of any concrete JobBase model."""

import contextlib
import functools
import logging
from collections.abc import Callable
from contextvars import ContextVar
from datetime import datetime, timedelta
from typing import TypeVar

from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import CharField, F, Value
from django.utils import timezone
from django_q.conf import Conf
from django_q.models import Schedule
from django_q.signals import post_execute_in_worker, pre_execute
from django_q.tasks import async_task, schedule

from .models import ACTIVE_STATUSES, JobBase, JobStatus

logger = logging.getLogger(__name__)

J = TypeVar("J", bound=JobBase)

# True while a django-q2 worker runs a task. There the log is where an operator learns why a
# job failed; a command running a job in the foreground prints the outcome itself.
_in_worker: ContextVar[bool] = ContextVar("trackflow_jobs_in_worker", default=False)


def _worker_starts(**kwargs) -> None:
    _in_worker.set(True)


def _worker_ends(**kwargs) -> None:
    _in_worker.set(False)


# Connected on import: every task module imports this one before django-q2 runs its task.
pre_execute.connect(_worker_starts, dispatch_uid="trackflow.jobs.worker_starts")
post_execute_in_worker.connect(_worker_ends, dispatch_uid="trackflow.jobs.worker_ends")


class JobCancelled(Exception):
    """Raised inside a running job when the user cancelled it."""


class PermanentFailure(Exception):
    """A failure that another attempt cannot mend (bad input, revoked access)."""


class ExpectedFailure(Exception):
    """A failure the code foresaw, not a bug (a remote service erred or was out of reach):
    retried like any other, but logged as one line, without a traceback."""


class Conflict(Exception):
    """The job's own constraints refuse the change (another active job for the same item)."""


class RetryLater(Exception):
    """Not a failure: run again at `when` (a rate limit), without spending an attempt."""

    def __init__(self, when: datetime, message: str):
        super().__init__(message)
        self.when = when


JOB_FIELDS = (
    "id",
    "status",
    "progress",
    "message",
    "error",
    "attempts",
    "max_attempts",
    "run_after",
    "created_at",
    "started_at",
    "finished_at",
    "updated_at",
)


def job_models() -> list[type[JobBase]]:
    return [m for m in apps.get_models() if issubclass(m, JobBase)]


JOB_ORDERINGS = ("-created_at", "created_at", "-updated_at", "updated_at")


def job_rows(
    owner=None,
    *,
    kind: str | None = None,
    status: str | None = None,
    ordering: str = "-created_at",
):
    """Jobs of every kind as one queryset of dicts (a UNION), newest first by default.

    `owner=None` means everyone's. Each row has JOB_FIELDS and `kind`; `ordering` is one of
    JOB_ORDERINGS.
    """
    parts = []
    for model in job_models():
        if kind and model.kind != kind:
            continue
        queryset = model.objects.all() if owner is None else model.objects.filter(owner=owner)
        if status:
            queryset = queryset.filter(status=status)
        parts.append(
            queryset.order_by()
            .values(*JOB_FIELDS)
            .annotate(kind=Value(model.kind, output_field=CharField()))
        )
    if not parts:
        return []
    if len(parts) == 1:
        return parts[0].order_by(ordering)
    return parts[0].union(*parts[1:], all=True).order_by(ordering)


def backoff_delay(attempts: int) -> timedelta:
    """Exponential: base, 2*base, 4*base ... capped; `attempts` counts the failed ones."""
    exponent = max(attempts - 1, 0)
    seconds = min(settings.JOB_RETRY_BASE_SECONDS * 2**exponent, settings.JOB_RETRY_MAX_SECONDS)
    return timedelta(seconds=seconds)


def enqueue(job: JobBase) -> None:
    """Wake a worker for this job once the current transaction commits."""
    model, pk, when = type(job), str(job.pk), job.run_after

    def send() -> None:
        if Conf.SYNC:  # the task runs right here (tests): not inside a transaction of ours
            _send(model, pk, when)
            return
        # Outside a transaction django-q2's ORM broker closes and reopens the database
        # connection for every task: 3,000 queued downloads took 20 s on SQLite, 2 s inside.
        with transaction.atomic():
            _send(model, pk, when)

    transaction.on_commit(send)


def _send(model: type[JobBase], pk: str, when: datetime) -> None:
    if when > timezone.now() + timedelta(seconds=1):
        schedule(
            model.task_path,
            pk,
            name=f"{model.kind}:{pk}:{when.timestamp():.0f}",
            schedule_type=Schedule.ONCE,
            next_run=when,
            repeats=1,
        )
    else:
        async_task(model.task_path, pk, task_name=f"{model.kind}:{pk}", group=model.kind)


def claim(model: type[J], pk) -> bool:
    """Take a pending, due job for this worker; exactly one caller can win."""
    now = timezone.now()
    updated = model.objects.filter(pk=pk, status=JobStatus.PENDING, run_after__lte=now).update(
        status=JobStatus.RUNNING,
        attempts=F("attempts") + 1,
        started_at=now,
        heartbeat_at=now,
        finished_at=None,
        updated_at=now,
    )
    return updated == 1


def claim_next(model: type[J], **filters) -> J | None:
    """Claim the oldest due pending job, skipping rows other workers hold on PostgreSQL."""
    due = model.objects.filter(
        status=JobStatus.PENDING, run_after__lte=timezone.now(), **filters
    ).order_by("run_after", "created_at")
    if connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            pk = due.select_for_update(skip_locked=True).values_list("pk", flat=True).first()
            if pk is not None and claim(model, pk):
                return model.objects.get(pk=pk)
        return None
    for _ in range(10):  # SQLite: lose a race, try the next one
        pk = due.values_list("pk", flat=True).first()
        if pk is None:
            return None
        if claim(model, pk):
            return model.objects.get(pk=pk)
    return None


def heartbeat(
    job: JobBase, progress: float | None = None, message: str | None = None, **extra
) -> None:
    """Record that the worker lives (and its progress); raise JobCancelled if cancelled.

    `extra` are more fields of the concrete job to write in the same UPDATE (bytes done).
    """
    now = timezone.now()
    fields: dict = {"heartbeat_at": now, "updated_at": now, **extra}
    if progress is not None:
        fields["progress"] = min(max(progress, 0.0), 1.0)
    if message is not None:
        fields["message"] = message[:500]
    if _update_running(job, fields) != 1:
        raise JobCancelled
    for name, value in fields.items():
        setattr(job, name, value)


def _update_running(job: JobBase, fields: dict) -> int:
    """UPDATE the job's `fields` (plain values) if it is still running; rows changed (0, 1).

    The statement is built once per job model and set of fields: an import heartbeats on
    every page, and composing the same UPDATE through the ORM each time cost more than
    running it.
    """
    model = type(job)
    sql = _update_sql(model, tuple(fields))
    params = [
        model._meta.get_field(name).get_db_prep_save(v, connection) for name, v in fields.items()
    ]
    params += [model._meta.pk.get_db_prep_value(job.pk, connection), JobStatus.RUNNING.value]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


@functools.cache
def _update_sql(model: type[JobBase], names: tuple[str, ...]) -> str:
    quote = connection.ops.quote_name
    meta = model._meta
    changes = ", ".join(f"{quote(meta.get_field(name).column)} = %s" for name in names)
    where = f"{quote(meta.pk.column)} = %s AND {quote(meta.get_field('status').column)} = %s"
    return f"UPDATE {quote(meta.db_table)} SET {changes} WHERE {where}"


def _finish(job: JobBase, **fields) -> bool:
    fields.setdefault("updated_at", timezone.now())
    done = type(job).objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(**fields) == 1
    if done:
        for name, value in fields.items():
            setattr(job, name, value)
    return done


def complete(job: JobBase, message: str = "") -> bool:
    now = timezone.now()
    return _finish(
        job,
        status=JobStatus.COMPLETED,
        progress=1.0,
        message=message[:500],
        error="",
        finished_at=now,
        updated_at=now,
    )


def local_time(when: datetime) -> str:
    """`when` as retry messages name it: local time, with the date unless today (an hour's
    backoff, or a source's Retry-After of a day, can land tomorrow)."""
    local = timezone.localtime(when)
    if local.date() == timezone.localdate():
        return f"{local:%H:%M:%S}"
    return f"{local:%Y-%m-%d %H:%M:%S}"


def fail(job: JobBase, error: str, *, retry: bool = True) -> str:
    """Record a failed attempt: back to pending after a backoff, or failed for good."""
    now = timezone.now()
    job.refresh_from_db(fields=["attempts", "max_attempts"])
    if retry and job.attempts < job.max_attempts:
        when = now + backoff_delay(job.attempts)
        at = local_time(when)
        note = f"attempt {job.attempts} of {job.max_attempts} failed; retrying at {at}"
        if _finish(job, status=JobStatus.PENDING, run_after=when, error=error, message=note):
            enqueue(job)
            return JobStatus.PENDING
    elif _finish(job, status=JobStatus.FAILED, error=error, finished_at=now, message="failed"):
        return JobStatus.FAILED
    job.refresh_from_db(fields=["status"])
    return job.status


def reschedule(job: JobBase, when: datetime, message: str) -> bool:
    """Put a running job back for later without spending an attempt (e.g. a rate limit)."""
    if _finish(
        job,
        status=JobStatus.PENDING,
        run_after=when,
        message=message[:500],
        attempts=F("attempts") - 1,
    ):
        job.refresh_from_db(fields=["attempts"])
        enqueue(job)
        return True
    return False


def cancel(job: JobBase) -> bool:
    """Cancel one job; False when it was not pending or running."""
    if cancel_all(type(job).objects.filter(pk=job.pk)) == 1:
        job.refresh_from_db()
        return True
    return False


def cancel_all(queryset) -> int:
    """Cancel the pending or running jobs of `queryset` in one UPDATE; returns how many. A
    running job stops at its next heartbeat. (A job at a time cost two queries and a commit
    each: 10 s for 3,000 pending downloads in the admin.)"""
    now = timezone.now()
    active = queryset.model.objects.filter(pk__in=queryset.values("pk"), status__in=ACTIVE_STATUSES)
    return active.update(
        status=JobStatus.CANCELLED, finished_at=now, updated_at=now, message="cancelled"
    )


def retry(job: JobBase) -> bool:
    """Give a failed or cancelled job a fresh set of attempts.

    False when it is not failed or cancelled; Conflict when the model's own constraint (one
    active download per track, say) refuses a second active job.
    """
    now = timezone.now()
    queryset = type(job).objects.filter(
        pk=job.pk, status__in=(JobStatus.FAILED, JobStatus.CANCELLED)
    )
    fields = {
        "status": JobStatus.PENDING,
        "attempts": 0,
        "run_after": now,
        "error": "",
        "finished_at": None,
        "progress": 0.0,
        "message": "queued again",
        "updated_at": now,
    }
    try:
        with transaction.atomic():
            if queryset.update(**fields) != 1:
                return False
    except IntegrityError:
        raise Conflict("another job for the same item is already queued or running") from None
    job.refresh_from_db()
    enqueue(job)
    return True


def retry_failed(model: type[J], **filters) -> int:
    """Retry every failed job; one whose item has a newer active job stays failed."""
    retried = 0
    for job in model.objects.filter(status=JobStatus.FAILED, **filters):
        with contextlib.suppress(Conflict):
            retried += retry(job)
    return retried


def recover_stale(model: type[J], older_than: timedelta | None = None) -> int:
    """Put back jobs left running by a dead worker; fail those out of attempts."""
    now = timezone.now()
    cutoff = now - (older_than or timedelta(seconds=settings.JOB_STALE_SECONDS))
    stale = model.objects.filter(status=JobStatus.RUNNING, heartbeat_at__lt=cutoff)
    recovered = 0
    for job in stale:
        if job.attempts < job.max_attempts:
            fields = {
                "status": JobStatus.PENDING,
                "run_after": now,
                "message": "the worker stopped; queued again",
            }
        else:
            fields = {
                "status": JobStatus.FAILED,
                "finished_at": now,
                "error": "the worker stopped responding",
                "message": "failed",
            }
        if stale.filter(pk=job.pk).update(updated_at=now, **fields) == 1:
            recovered += 1
            if fields["status"] == JobStatus.PENDING:
                job.run_after = now
                enqueue(job)
    return recovered


def requeue_lost(model: type[J], older_than: timedelta | None = None) -> int:
    """Wake pending jobs that have been due for long: their queue message was lost."""
    now = timezone.now()
    cutoff = now - (older_than or timedelta(seconds=settings.JOB_STALE_SECONDS))
    lost = list(model.objects.filter(status=JobStatus.PENDING, run_after__lt=cutoff))
    for job in lost:
        if model.objects.filter(pk=job.pk, status=JobStatus.PENDING).update(run_after=now):
            job.run_after = now
            enqueue(job)
    return len(lost)


def run(model: type[J], pk, work: Callable[[J], str]) -> str:
    """What a task does: claim the job, run `work`, record the outcome; returns a summary."""
    if not claim(model, pk):
        return f"{model.kind} {pk}: not pending or not due; nothing to do"
    job = model.objects.get(pk=pk)
    try:
        summary = work(job)
    except JobCancelled:
        return f"{model.kind} {pk}: cancelled"
    except RetryLater as exc:
        reschedule(job, exc.when, str(exc))
        return f"{model.kind} {pk}: {exc}"
    except PermanentFailure as exc:
        fail(job, str(exc), retry=False)
        return _logged_in_worker(f"{model.kind} {pk}: failed: {exc}")
    except ExpectedFailure as exc:
        status = fail(job, describe(exc))
        return _logged_in_worker(f"{model.kind} {pk}: {status}: {describe(exc)}")
    except Exception as exc:
        logger.exception("%s %s failed", model.kind, pk)
        status = fail(job, describe(exc))
        return f"{model.kind} {pk}: {status}: {describe(exc)}"
    complete(job, summary)
    return f"{model.kind} {pk}: {summary}"


def _logged_in_worker(outcome: str) -> str:
    """The outcome of a failed job, logged as a warning when a worker ran it."""
    if _in_worker.get():
        logger.warning("%s", outcome)
    return outcome


def describe(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:1000]
