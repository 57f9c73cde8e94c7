"""What the API, admin, commands and tasks call: plain functions over rule sets.

selected_track_ids(ruleset)      the tracks a rule selects now, in order
save_rule(owner, ...)            create or change a rule set from a definition or a query
preview(ruleset, ...)            the selection with its count (and explanations)
plan_sync(ruleset)               what a sync would change on Spotify (reads only)
queue_sync(ruleset)              a SyncRun job; queue_restore(run) puts a run's `before` back
sync_now(ruleset)                the rule's pending sync (or a new one), run in this process
sync_due()                       queue every enabled rule whose auto-sync interval is up
"""

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from spotify_auth.models import SpotifyAccount
from trackflow.jobs import services as jobs
from trackflow.jobs.models import ACTIVE_STATUSES, JobStatus
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
    "due_rules",
    "import_nsp",
    "note_skipped",
    "plan_sync",
    "preview",
    "preview_rule",
    "queue_restore",
    "queue_sync",
    "read_rule",
    "rule_set_name",
    "rule_text",
    "save_rule",
    "selected_track_ids",
    "selection",
    "split_connected",
    "sync_due",
    "sync_now",
    "sync_report",
    "wanted",
]


def rule_text(ruleset: RuleSet) -> str | None:
    """The rule in the text form (as written, else rendered); None when it cannot say it."""
    return ruleset.query or render_query(stored_rule(ruleset.definition))


def rule_set_name(name: str) -> str:
    """The name without surrounding spaces; a blank one would name a Spotify playlist "   ",
    so it is refused (RuleValidationError at `name`)."""
    stripped = name.strip()
    if not stripped:
        raise RuleValidationError([RuleError("name", "a rule set needs a name that is not blank")])
    return stripped[:200].rstrip()


def save_rule(ruleset: RuleSet, written: Written) -> RuleSet:
    """Store a checked rule on `ruleset` (new or existing); the caller set the other fields."""
    ruleset.definition, ruleset.query = written.definition, written.query
    ruleset.save()
    return ruleset


def import_nsp(
    owner, text: str, name: str | None = None, default_name: str = "Imported smart playlist"
) -> RuleSet:
    """A rule set from a Navidrome `.nsp` file, named `name`, else the file's own `name`
    (unless blank), else `default_name`. RuleValidationError lists every problem (a blank
    `name` or a taken one too)."""
    nsp_name, written = read_nsp(owner, text)
    if name is None:
        name = (nsp_name or "").strip() or default_name
    chosen = rule_set_name(name)
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
    run, created = _active_or_new(ruleset, restore_of)
    if created:
        enqueue(run)
    return run, created


def _active_or_new(ruleset: RuleSet, restore_of: SyncRun | None = None) -> tuple[SyncRun, bool]:
    """The rule's pending or running job, else a new pending one (second is True), not
    yet handed to the workers."""
    active = SyncRun.objects.filter(rule=ruleset, status__in=ACTIVE_STATUSES).first()
    if active is not None:
        return active, False
    try:
        with transaction.atomic():
            run = SyncRun.objects.create(
                owner_id=ruleset.owner_id, rule=ruleset, restore_of=restore_of
            )
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


def split_connected(rules: list[RuleSet]) -> tuple[list[RuleSet], list[RuleSet]]:
    """(the rules whose owner's Spotify is connected, the rest): auto-sync skips the rest
    rather than queue jobs that could only fail."""
    connected = set(
        SpotifyAccount.objects.filter(status=SpotifyAccount.Status.CONNECTED).values_list(
            "user_id", flat=True
        )
    )
    ready = [rule for rule in rules if rule.owner_id in connected]
    return ready, [rule for rule in rules if rule.owner_id not in connected]


def note_skipped(rules: list[RuleSet]) -> None:
    """Say on each rule that auto-sync passed it by until its owner reconnects Spotify."""
    RuleSet.objects.filter(pk__in=[rule.pk for rule in rules]).update(
        last_sync_status=RuleSet.SyncStatus.SKIPPED, last_sync_message=RECONNECT
    )


def sync_due(now: dt.datetime | None = None) -> str:
    """Queue the due rules; a rule whose owner must reconnect Spotify is skipped (no job,
    so nothing retries in a loop) and says so on the rule."""
    ready, skipped = split_connected(due_rules(now or timezone.now()))
    note_skipped(skipped)
    queued = sum(queue_sync(rule)[1] for rule in ready)
    return f"{queued} rules queued for sync, {len(skipped)} skipped (Spotify needs reconnecting)"


class AlreadySyncing(Exception):
    """A worker is running a sync of this rule now."""


def sync_now(ruleset: RuleSet) -> SyncRun:
    """Sync in this process (commands), claimed and recorded as a worker would. A job the
    rule has pending (a failed attempt awaiting its retry, one queued with no cluster to
    run it) is run now rather than refused; AlreadySyncing only while one really runs."""
    run = _active_or_new(ruleset)[0]
    if run.status == JobStatus.RUNNING:  # a dead worker's job is put back, as the sweep would
        jobs.recover_stale(SyncRun)
        run = _active_or_new(ruleset)[0]
    if run.status == JobStatus.RUNNING:
        raise AlreadySyncing(_running(ruleset, run))
    # asked for now: a retry's wait is over
    SyncRun.objects.filter(pk=run.pk, status=JobStatus.PENDING).update(run_after=timezone.now())
    from . import tasks

    tasks.run_sync(str(run.pk))
    run.refresh_from_db()
    if run.status == JobStatus.RUNNING:  # a worker claimed it first
        raise AlreadySyncing(_running(ruleset, run))
    return run


def _running(ruleset: RuleSet, run: SyncRun) -> str:
    doing = f" ({run.message})" if run.message else ""
    return f"a sync of “{ruleset.name}” is running now{doing}; try again when it has finished"
