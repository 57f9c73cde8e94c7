"""Auto-sync: one schedule, due rules queued, owners who must reconnect skipped once each time."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_q.models import Schedule

from rules import services
from rules.apps import _install_schedules
from rules.models import RuleSet, SyncRun
from spotify_auth.models import SpotifyAccount

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2025, 3, 1, 12, tzinfo=dt.UTC)


def test_the_schedule_is_created_once_however_often_migrate_runs(settings):
    settings.RULES_AUTO_SYNC_CHECK_MINUTES = 7
    _install_schedules()
    _install_schedules()
    schedules = Schedule.objects.filter(name="rules: auto-sync")
    assert [(s.func, s.minutes) for s in schedules] == [("rules.tasks.sync_due", 7)]


def test_a_starting_cluster_applies_a_changed_interval_without_a_migrate(settings, monkeypatch):
    # `qcluster` (what `serve` runs) is TrackFlow's, which installs the schedules first
    from django.core.management import get_commands
    from django_q.management.commands import qcluster as django_q_cluster

    settings.RULES_AUTO_SYNC_CHECK_MINUTES = 5
    _install_schedules()
    settings.RULES_AUTO_SYNC_CHECK_MINUTES = 1
    started = []
    monkeypatch.setattr(  # the cluster itself is not started here: test_cluster does that
        django_q_cluster.Command, "handle", lambda self, *a, **o: started.append(True)
    )

    call_command("qcluster")

    assert get_commands()["qcluster"] == "trackflow" and started == [True]
    assert Schedule.objects.get(name="rules: auto-sync").minutes == 1


def test_only_enabled_rules_whose_interval_is_up_are_queued(
    connected, rule, django_capture_on_commit_callbacks
):
    rule(name="never synced", auto_sync=30)
    recent = rule(name="synced 10 min ago", auto_sync=30)
    stale = rule(name="synced an hour ago", auto_sync=30)
    rule(name="off", auto_sync=30, enabled=False)
    rule(name="by hand only")
    for ruleset, minutes in ((recent, 10), (stale, 60)):
        SyncRun.objects.create(
            owner=ruleset.owner,
            rule=ruleset,
            status="completed",
            created_at=NOW - dt.timedelta(minutes=minutes),
        )

    with django_capture_on_commit_callbacks(execute=False):
        summary = services.sync_due(NOW)

    queued = SyncRun.objects.filter(status="pending").values_list("rule__name", flat=True)
    assert sorted(queued) == ["never synced", "synced an hour ago"]
    assert summary.startswith("2 rules queued")


def test_a_rule_whose_owner_must_reconnect_is_skipped_with_a_message(connected, rule):
    ruleset = rule(auto_sync=5)
    SpotifyAccount.objects.update(status=SpotifyAccount.Status.NEEDS_RECONNECT)

    for _ in range(3):
        summary = services.sync_due(timezone.now())

    assert SyncRun.objects.count() == 0
    assert "1 skipped" in summary
    ruleset = RuleSet.objects.get(pk=ruleset.pk)
    assert ruleset.last_sync_status == "skipped"
    assert "reconnect Spotify" in ruleset.last_sync_message


def test_a_rule_with_a_sync_under_way_is_not_queued_twice(connected, rule):
    ruleset = rule(auto_sync=5)
    running = SyncRun.objects.create(owner=ruleset.owner, rule=ruleset, status="running")

    services.sync_due(timezone.now() + dt.timedelta(hours=1))

    assert list(SyncRun.objects.all()) == [running]
