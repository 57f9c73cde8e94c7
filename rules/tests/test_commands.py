"""rules_preview, rules_sync and rules_import_nsp: output, and one readable line on failure."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from rules.models import RuleSet, SyncRun
from spotify_auth.models import SpotifyAccount

from . import builders as b
from .conftest import playlist_items, uris_of

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_rules_preview_prints_the_count_and_the_first_tracks(owner):
    for title in ("Alpha", "Beta", "Gamma"):
        b.track(owner, title, artists=["Ann"])
    ruleset = RuleSet.objects.create(
        owner=owner, name="Greek", definition={"all": [], "sort": "-title"}
    )

    by_id = run("rules_preview", str(ruleset.pk), "--limit", "2")
    by_name = run("rules_preview", "Greek", "--explain", "--limit", "1")

    assert by_id.splitlines() == [
        "“Greek” selects 3 track(s)",
        "   1. Gamma — Ann",
        "   2. Beta — Ann",
        "      … and 1 more",
    ]
    assert "        matched: all of" in by_name


def test_rules_preview_names_what_is_wrong(owner, stranger):
    for user in (owner, stranger):
        RuleSet.objects.create(owner=user, name="Same", definition={"all": []})

    with pytest.raises(CommandError, match="no rule set 'Nope'"):
        run("rules_preview", "Nope")
    with pytest.raises(CommandError, match="several rule sets are named 'Same'.*add --user"):
        run("rules_preview", "Same")
    assert "selects 0 track(s)" in run("rules_preview", "Same", "--user", "owner")


def test_rules_sync_syncs_now_and_a_dry_run_writes_nothing(
    sandbox, connected, catalog_tracks, rule
):
    tracks = catalog_tracks(3)
    ruleset = rule(name="Three")

    planned = run("rules_sync", "Three", "--dry-run")
    assert sandbox.stats.writes == 0
    assert planned.strip() == (
        "“Three”: would make 2 write call(s) to a new playlist: "
        "3 to add, 0 to remove, 0 to move, 0 unchanged"
    )

    synced = run("rules_sync", str(ruleset.pk))
    assert "3 added" in synced and "created the playlist" in synced
    assert "; 2 write calls" in synced  # creating the playlist, as the dry run counted
    ruleset.refresh_from_db()
    assert [e.uri for e in playlist_items(sandbox, ruleset.spotify_playlist_id)] == uris_of(tracks)
    assert "0 write calls" in run("rules_sync", "--all")


def test_rules_sync_fails_with_the_reason_and_a_non_zero_status(sandbox, connected, rule):
    rule(name="Mine")
    SpotifyAccount.objects.update(
        status=SpotifyAccount.Status.NEEDS_RECONNECT,
        expires_at=timezone.now() - dt.timedelta(hours=1),
    )
    err = StringIO()

    with pytest.raises(CommandError, match="1 of 1 rule set"):
        call_command("rules_sync", "Mine", stdout=StringIO(), stderr=err)
    assert "reconnect Spotify" in err.getvalue()
    with pytest.raises(CommandError, match="name the rule sets to sync"):
        run("rules_sync")


NSP = """
// Navidrome smart playlist
{
  "name": "90s Favourites",
  "comment": "ignored",
  "all": [
    {"inTheRange": {"year": [1990, 1999]}},  /* Navidrome's own names */
    {"is": {"loved": true}}
  ],
  "sort": "year", "order": "desc", "limit": 50
}
"""


def test_rules_import_nsp_makes_a_rule_set(owner, tmp_path):
    path = tmp_path / "favourites.nsp"
    path.write_text(NSP)

    out = run("rules_import_nsp", str(path), "--user", "owner")

    ruleset = RuleSet.objects.get(owner=owner)
    assert ruleset.name == "90s Favourites"
    assert ruleset.definition == {
        "all": [{"inTheRange": {"year": [1990, 1999]}}, {"is": {"liked": True}}],
        "sort": "-year",
        "limit": 50,
    }
    assert out.splitlines() == [
        f"imported “90s Favourites” as rule set {ruleset.pk}",
        "  year:1990..1999 liked:true sort:-year limit:50",
    ]


def test_rules_import_nsp_names_the_fields_it_cannot_use(owner, tmp_path):
    path = tmp_path / "plays.nsp"
    path.write_text('{"all": [{"gt": {"playcount": 10}}, {"inTheLast": {"lastplayed": 30}}]}')

    with pytest.raises(CommandError, match=r"playcount \(all\[0\]\.gt\.playcount\), lastplayed"):
        run("rules_import_nsp", str(path), "--user", "owner")
    assert not RuleSet.objects.exists()
    with pytest.raises(CommandError, match="no user 'nobody'"):
        run("rules_import_nsp", str(path), "--user", "nobody")


def test_rules_sync_runs_a_pending_retry_now_instead_of_refusing(
    sandbox, connected, catalog_tracks, rule
):
    catalog_tracks(2)
    rule(name="Private Playlist")
    sandbox.faults.server_error(count=20, status=503)  # Spotify is down

    with pytest.raises(CommandError, match="1 of 1 rule set"):
        run("rules_sync", "Private Playlist")
    waiting = SyncRun.objects.get()
    assert waiting.status == "pending" and waiting.run_after > timezone.now()
    sandbox.faults.clear()  # and back

    out = run("rules_sync", "Private Playlist")

    assert "“Private Playlist”: 2 added" in out
    waiting.refresh_from_db()
    assert (waiting.status, waiting.attempts) == ("completed", 2)
    assert SyncRun.objects.count() == 1


def test_rules_sync_runs_a_job_queued_with_no_cluster_to_run_it(
    sandbox, connected, catalog_tracks, rule
):
    catalog_tracks(2)
    ruleset = rule(name="Queued")
    queued = run("rules_sync", str(ruleset.pk), "--queue")
    job = SyncRun.objects.get()
    assert queued.strip() == f"“Queued”: queued sync {job.pk}"

    out = run("rules_sync", str(ruleset.pk))

    assert "2 added" in out
    job.refresh_from_db()
    assert job.status == "completed" and SyncRun.objects.count() == 1


def test_rules_sync_refuses_only_while_a_worker_runs_the_sync(
    sandbox, connected, catalog_tracks, rule
):
    catalog_tracks(2)
    ruleset = rule(name="Busy")
    job = SyncRun.objects.create(
        owner=ruleset.owner,
        rule=ruleset,
        status="running",
        attempts=1,
        heartbeat_at=timezone.now(),
        message="writing to Spotify: 1 of 3",
    )
    err = StringIO()

    with pytest.raises(CommandError, match="1 of 1 rule set"):
        call_command("rules_sync", "Busy", stdout=StringIO(), stderr=err)
    assert err.getvalue().strip() == (
        "“Busy”: a sync of “Busy” is running now (writing to Spotify: 1 of 3); "
        "try again when it has finished"
    )

    # its worker died an hour ago: put back and run here
    SyncRun.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - dt.timedelta(hours=1))
    assert "2 added" in run("rules_sync", "Busy")
    job.refresh_from_db()
    assert job.status == "completed" and SyncRun.objects.count() == 1


def test_rules_sync_all_names_an_unknown_user_and_says_when_nothing_is_to_sync(owner, rule):
    with pytest.raises(CommandError, match="no user 'nobody': check the name"):
        run("rules_sync", "--all", "--user", "nobody")
    with pytest.raises(CommandError, match="no user 'nobody': check the name"):
        run("rules_sync", "--due", "--user", "nobody")

    assert run("rules_sync", "--all").splitlines() == ["nothing to sync: no rule set is enabled"]
    rule(name="By hand")  # no auto_sync: never due
    assert run("rules_sync", "--due", "--user", "owner").splitlines() == [
        "nothing to sync: no enabled rule set of owner is due for its auto-sync"
    ]


def test_rules_sync_due_skips_owners_who_must_reconnect_as_auto_sync_does(connected, rule):
    ruleset = rule(name="Hourly", auto_sync=60)
    SpotifyAccount.objects.update(status=SpotifyAccount.Status.NEEDS_RECONNECT)

    out = run("rules_sync", "--due")

    assert out.splitlines() == ["“Hourly”: skipped: reconnect Spotify to resume auto-sync"]
    assert not SyncRun.objects.exists()
    ruleset.refresh_from_db()
    assert ruleset.last_sync_status == "skipped"


def test_rules_sync_refuses_a_dry_run_that_queues(connected, rule):
    rule(name="Mine")

    with pytest.raises(CommandError, match="use --dry-run or --queue, not both"):
        run("rules_sync", "Mine", "--dry-run", "--queue")
    assert not SyncRun.objects.exists()


@pytest.mark.parametrize("limit", ["-5", "0"])
def test_rules_preview_refuses_a_limit_below_one(owner, limit):
    RuleSet.objects.create(owner=owner, name="Any", definition={"all": []})

    with pytest.raises(CommandError, match=f"--limit must be 1 or more, not {limit}"):
        run("rules_preview", "Any", "--limit", limit)


def test_rules_import_nsp_strips_names_and_refuses_blank_ones(owner, tmp_path):
    path = tmp_path / "Road trip.nsp"
    path.write_text('{"name": "   ", "all": [{"is": {"loved": true}}]}')

    with pytest.raises(CommandError, match="name: a rule set needs a name that is not blank"):
        run("rules_import_nsp", str(path), "--user", "owner", "--name", "   ")
    assert not RuleSet.objects.exists()

    run("rules_import_nsp", str(path), "--user", "owner")  # a blank name in the file: none
    run("rules_import_nsp", str(path), "--user", "owner", "--name", "  Padded  ")

    assert sorted(RuleSet.objects.values_list("name", flat=True)) == ["Padded", "Road trip"]
