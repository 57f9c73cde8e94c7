"""What the API, admin, commands and tasks call: plain functions over rule sets.

selected_track_ids(ruleset)      the tracks a rule selects now, in order
save_rule(owner, ...)            create or change a rule set from a definition or a query
preview(ruleset, ...)            the selection with its count (and explanations)
plan_sync(ruleset)               what a sync would change on Spotify (reads only)
queue_sync(ruleset)              a SyncRun job; queue_restore(run) puts a run's `before` back
sync_due()                       queue every enabled rule whose auto-sync interval is up
"""

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from spotify_auth.models import SpotifyAccount
from trackflow.jobs.models import ACTIVE_STATUSES
from trackflow.jobs.services import enqueue

from .definitions import Written, read_nsp, read_rule, stored_rule
from .dsl import RuleError, RuleValidationError, render_query
from .models import RuleSet, SyncRun
from .preview import Preview, preview, preview_rule
from .selection import selected_track_ids, selection, wanted
from .sync_plan import SyncPlan, describe_plan, plan_sync
from .sync_plan import report as sync_report

RECONNECT = "skipped: reconnect Spotify to resume auto-sync"

__all__ = [
    "AlreadySyncing",
    "Preview",
    "SyncPlan",
    "Written",
    "describe_plan",
    "import_nsp",
    "plan_sync",
    "preview",
    "preview_rule",
    "queue_restore",
    "queue_sync",
    "read_rule",
    "rule_text",
    "save_rule",
    "selected_track_ids",
    "selection",
    "sync_due",
    "sync_now",
    "sync_report",
    "wanted",
]


def rule_text(ruleset: RuleSet) -> str | None:
    """The rule in the text form (as written, else rendered); None when it cannot say it."""
    return ruleset.query or render_query(stored_rule(ruleset.definition))


def save_rule(ruleset: RuleSet, written: Written) -> RuleSet:
    """Store a checked rule on `ruleset` (new or existing); the caller set the other fields."""
    ruleset.definition, ruleset.query = written.definition, written.query
    ruleset.save()
    return ruleset


def import_nsp(
    owner, text: str, name: str | None = None, default_name: str = "Imported smart playlist"
) -> RuleSet:
    """A rule set from a Navidrome `.nsp` file, named `name`, else the file's own `name`,
    else `default_name`. RuleValidationError lists every problem (a taken name too)."""
    nsp_name, written = read_nsp(owner, text)
    chosen = (name or nsp_name or default_name)[:200]
    if RuleSet.objects.filter(owner=owner, name=chosen).exists():
        problem = f"you already have a rule set named “{chosen}”; give another name"
        raise RuleValidationError([RuleError("name", problem)])
    return save_rule(RuleSet(owner=owner, name=chosen), written)


def queue_sync(ruleset: RuleSet) -> tuple[SyncRun, bool]:
    """A sync job for the rule, or the one already queued or running (second is False)."""
    return _queue(ruleset, restore_of=None)


def queue_restore(run: SyncRun) -> tuple[SyncRun, bool]:
    """A job putting the playlist back as `run` found it. Auto-sync would undo it at once,
    so the rule is disabled (its auto-sync stops) until the user turns it back on."""
    RuleSet.objects.filter(pk=run.rule_id).update(enabled=False)
    return _queue(run.rule, restore_of=run)


def _queue(ruleset: RuleSet, restore_of: SyncRun | None) -> tuple[SyncRun, bool]:
    active = SyncRun.objects.filter(rule=ruleset, status__in=ACTIVE_STATUSES).first()
    if active is not None:
        return active, False
    try:
        with transaction.atomic():
            run = SyncRun.objects.create(
                owner_id=ruleset.owner_id, rule=ruleset, restore_of=restore_of
            )
            enqueue(run)
    except IntegrityError:  # another request queued one a moment ago: join it
        return SyncRun.objects.get(rule=ruleset, status__in=ACTIVE_STATUSES), False
    return run, True


def due_rules(now: dt.datetime) -> list[RuleSet]:
    """Enabled rules with auto-sync whose interval has passed since their last run."""
    rules = RuleSet.objects.filter(enabled=True, auto_sync__isnull=False).annotate(
        last_run=Max("sync_runs__created_at")
    )
    return [
        rule
        for rule in rules.select_related("owner")
        if rule.last_run is None or rule.last_run + dt.timedelta(minutes=rule.auto_sync) <= now
    ]


def sync_due(now: dt.datetime | None = None) -> str:
    """Queue the due rules; a rule whose owner must reconnect Spotify is skipped (no job,
    so nothing retries in a loop) and says so on the rule."""
    now = now or timezone.now()
    queued = skipped = 0
    connected = set(
        SpotifyAccount.objects.filter(status=SpotifyAccount.Status.CONNECTED).values_list(
            "user_id", flat=True
        )
    )
    for rule in due_rules(now):
        if rule.owner_id not in connected:
            RuleSet.objects.filter(pk=rule.pk).update(
                last_sync_status=RuleSet.SyncStatus.SKIPPED, last_sync_message=RECONNECT
            )
            skipped += 1
            continue
        queued += queue_sync(rule)[1]
    return f"{queued} rules queued for sync, {skipped} skipped (Spotify needs reconnecting)"


class AlreadySyncing(Exception):
    """A sync of this rule is queued or running already."""


def sync_now(ruleset: RuleSet) -> SyncRun:
    """Sync in this process (commands): the same job and record as a queued sync."""
    try:
        with transaction.atomic():
            run = SyncRun.objects.create(owner_id=ruleset.owner_id, rule=ruleset)
    except IntegrityError:
        raise AlreadySyncing(f"a sync of “{ruleset.name}” is queued or running already") from None
    from . import tasks

    tasks.run_sync(str(run.pk))
    run.refresh_from_db()
    return run
