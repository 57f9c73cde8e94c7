"""What django-q2 runs: load by id, call a service, return a one-line summary."""

from trackflow.jobs import services as jobs
from trackflow.jobs.models import JobStatus

from . import services
from .models import RuleSet, SyncRun
from .sync import perform_sync


def run_sync(job_id: str) -> str:
    summary = jobs.run(SyncRun, job_id, perform_sync)
    _note_outcome(job_id)
    return summary


def _note_outcome(job_id: str) -> None:
    """A failed or postponed sync shows on its rule (a completed one noted itself)."""
    run = SyncRun.objects.filter(pk=job_id).values("rule_id", "status", "error", "message").first()
    if run is None or run["status"] == JobStatus.COMPLETED:
        return
    rule = RuleSet.objects.filter(pk=run["rule_id"])
    if run["status"] == JobStatus.FAILED:
        rule.update(
            last_sync_status=RuleSet.SyncStatus.FAILED, last_sync_message=run["error"][:500]
        )
    elif run["status"] == JobStatus.PENDING:  # waiting to retry: not "synced" any more
        rule.update(
            last_sync_status=RuleSet.SyncStatus.RETRYING, last_sync_message=run["message"][:500]
        )
    else:
        rule.update(last_sync_message=run["message"][:500])


def sync_due() -> str:
    return services.sync_due()
