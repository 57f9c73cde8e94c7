"""A sync stopped by Spotify (429, 403) or a lost connection: recorded, resumable, converges."""

import datetime as dt

import pytest
from django.utils import timezone

from rules import tasks
from rules.models import RuleSet, SyncRun
from spotify_auth.models import SpotifyAccount

from .conftest import on_write, playlist_items, uris_of

pytestmark = pytest.mark.django_db


def _resume(run: SyncRun) -> SyncRun:
    """What the worker does when the rescheduled run comes due."""
    SyncRun.objects.filter(pk=run.pk).update(run_after=timezone.now())
    tasks.run_sync(str(run.pk))
    run.refresh_from_db()
    return run


def test_a_long_rate_limit_mid_sync_reschedules_and_the_rerun_converges(
    sandbox, connected, catalog_tracks, rule, sync
):
    tracks = catalog_tracks(250)
    ruleset = rule()
    on_write(sandbox, 1, lambda: sandbox.faults.rate_limit(retry_after=3600))

    run = sync(ruleset)

    assert run.status == "pending" and "rate limit" in run.message
    assert run.run_after > timezone.now() + dt.timedelta(minutes=50)
    # the playlist was made and the first 100 went in; the run says exactly that
    assert run.created_playlist and run.after_uris == uris_of(tracks[:100])
    assert run.writes == 3  # create, one add, the add that was refused
    noted = RuleSet.objects.get(pk=ruleset.pk)
    assert noted.last_sync_message.startswith("Spotify rate limit")
    assert noted.last_sync_status == "retrying"  # was "" (or "synced" from an earlier sync)

    run = _resume(run)

    assert run.status == "completed", run.error
    ruleset.refresh_from_db()
    assert ruleset.last_sync_status == "synced"
    assert [e.uri for e in playlist_items(sandbox, ruleset.spotify_playlist_id)] == uris_of(tracks)
    assert run.before_uris == [] and run.added == 250
    assert not run.overwrote_outside_edits


def test_a_403_mid_sync_is_retried_from_where_the_playlist_stands(
    sandbox, connected, catalog_tracks, rule, sync
):
    tracks = catalog_tracks(12)
    ruleset = rule({"all": [], "sort": "title"})
    sync(ruleset)
    ruleset.refresh_from_db()
    first = playlist_items(sandbox, ruleset.spotify_playlist_id)
    ruleset.definition = {"all": [{"lt": {"popularity": 6}}], "sort": "-title"}
    ruleset.save()
    on_write(sandbox, 1, lambda: sandbox.faults.fail(403, count=5))

    run = sync(ruleset)

    assert run.status == "pending" and run.attempts == 1 and "403" in run.error
    assert run.after_uris != run.before_uris  # the remove went through before the refusal
    sandbox.faults.clear()
    run = _resume(run)

    assert run.status == "completed", run.error
    wanted = uris_of(reversed(tracks[:6]))
    entries = playlist_items(sandbox, ruleset.spotify_playlist_id)
    assert [e.uri for e in entries] == wanted
    kept = {e.uri: e.added_at for e in first}
    assert all(e.added_at == kept[e.uri] for e in entries)  # moved, never re-added
    assert run.before_uris == [e.uri for e in first]


def test_a_user_who_must_reconnect_fails_at_once_with_the_reason(
    sandbox, connected, catalog_tracks, rule, sync
):
    catalog_tracks(2)
    SpotifyAccount.objects.update(
        status=SpotifyAccount.Status.NEEDS_RECONNECT,
        status_reason="access revoked",
        expires_at=timezone.now() - dt.timedelta(hours=1),  # so the client must refresh
    )

    run = sync(rule())

    assert run.status == "failed" and "reconnect Spotify" in run.error
    assert run.attempts == 1
    ruleset = RuleSet.objects.get(pk=run.rule_id)
    assert ruleset.last_sync_status == "failed" and "reconnect Spotify" in ruleset.last_sync_message
