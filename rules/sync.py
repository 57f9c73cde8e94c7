"""Run one SyncRun: put the rule's tracks (or, for a restore, an earlier run's `before`)
into its Spotify playlist with the fewest writes (rules.diff).

Every write is recorded as it lands (the list after it, its snapshot_id, the calls so
far), so an attempt stopped by a 429 or a 403 leaves a true record, and the next attempt
re-reads the playlist, plans again from where it stands, and converges.
"""

from django.utils import timezone

from spotify_auth.client import TrackFlowSpotify, for_user
from trackflow.jobs.services import PermanentFailure, heartbeat

from . import diff, target
from .mirror import mirror
from .models import RuleSet, SyncRun
from .selection import MAX_PLAYLIST, Wanted, wanted


class Calls:
    """The run's Spotify calls: this attempt's, on top of earlier attempts'."""

    def __init__(self, run: SyncRun, client: TrackFlowSpotify):
        self.run, self.client, self.earlier = run, client, (run.reads, run.writes)

    def note(self) -> None:
        self.run.reads = self.earlier[0] + self.client.request_count - self.client.write_count
        self.run.writes = self.earlier[1] + self.client.write_count


def perform_sync(run: SyncRun) -> str:
    client = for_user(run.owner_id)
    calls = Calls(run, client)
    try:
        return _sync(run, run.rule, client, calls)
    finally:  # a refused call was made too: the record says so
        calls.note()
        SyncRun.objects.filter(pk=run.pk).update(reads=run.reads, writes=run.writes)


def _sync(run: SyncRun, rule: RuleSet, client: TrackFlowSpotify, calls: Calls) -> str:
    heartbeat(run, 0.02, "selecting tracks" if run.restore_of_id is None else "restoring")
    goal = _goal(run)
    heartbeat(run, 0.1, "reading the playlist on Spotify")
    found, current, outside = _current(run, rule, client)
    if run.before_uris is None:
        run.before_uris, run.snapshot_before = current, found.snapshot_id
    run.playlist_id = found.playlist_id
    planned = diff.plan(current, goal.uris)
    if outside and planned.ops:
        run.overwrote_outside_edits = True
    state, snapshot = list(current), found.snapshot_id
    _record(run, rule, calls, state, snapshot)
    total = len(planned.ops)
    for done, op in enumerate(planned.ops):
        heartbeat(run, 0.1 + 0.85 * done / total, f"writing to Spotify: {done + 1} of {total}")
        snapshot = target.write(client, found.playlist_id, op)
        state = diff.apply(state, op)
        _record(run, rule, calls, state, snapshot)
    return _finish(run, rule, goal, state, snapshot, found.gone)


def _goal(run: SyncRun) -> Wanted:
    if run.restore_of_id is None:
        return wanted(run.rule)
    before = run.restore_of.before_uris
    if before is None:
        raise PermanentFailure("that sync never read the playlist, so there is nothing to restore")
    uris = [uri for uri in before if uri]
    return Wanted(uris[:MAX_PLAYLIST], len(before) - len(uris), max(len(uris) - MAX_PLAYLIST, 0))


def _current(run: SyncRun, rule: RuleSet, client: TrackFlowSpotify):
    """(the playlist, its items now, whether someone else changed them since our write)."""
    found = target.locate(rule, client)
    if found.playlist_id is None:
        gone, found = found.gone, target.create(rule, client)
        found.gone, run.created_playlist = gone, True
        RuleSet.objects.filter(pk=rule.pk).update(
            spotify_playlist_id=found.playlist_id, spotify_snapshot_id=found.snapshot_id
        )
        rule.spotify_playlist_id, rule.spotify_snapshot_id = found.playlist_id, found.snapshot_id
        return found, [], False
    target.rename(found, rule, client)
    known = target.remembered(rule, found.snapshot_id)
    if known is not None:
        return found, known, False
    current = target.read_items(client, found.playlist_id)
    last = target.remembered(rule, rule.spotify_snapshot_id)
    return found, current, bool(rule.spotify_snapshot_id) and current != last


def _record(run: SyncRun, rule: RuleSet, calls: Calls, state: list, snapshot: str) -> None:
    """Write down how far the run got: it is what a retry (and a restore) relies on."""
    run.after_uris, run.snapshot_after = state, snapshot
    calls.note()
    fields = ["after_uris", "snapshot_after", "reads", "writes", "playlist_id", "before_uris"]
    fields += ["snapshot_before", "created_playlist", "overwrote_outside_edits", "updated_at"]
    run.save(update_fields=fields)
    RuleSet.objects.filter(pk=rule.pk).update(spotify_snapshot_id=snapshot)
    rule.spotify_snapshot_id = snapshot


def _finish(
    run: SyncRun, rule: RuleSet, goal: Wanted, state: list, snapshot: str, recreated: bool
) -> str:
    effect = diff.plan(run.before_uris, state)
    counts = {
        "added": len(effect.added),
        "removed": len(effect.removed),
        "moved": len(effect.moved),
        "unchanged": len(effect.unchanged),
        "skipped": goal.skipped,
    }
    for name, value in counts.items():
        setattr(run, name, value)
    run.save(update_fields=[*counts, "updated_at"])
    mirror(rule, run.playlist_id, snapshot, state)
    summary = _summary(run, goal, recreated)
    RuleSet.objects.filter(pk=rule.pk).update(
        last_synced_at=timezone.now(),
        last_sync_status=RuleSet.SyncStatus.SYNCED,
        last_sync_message=summary[:500],
    )
    return summary


def _summary(run: SyncRun, goal: Wanted, recreated: bool) -> str:
    parts = [f"{run.added} added", f"{run.removed} removed", f"{run.moved} moved"]
    parts.append(f"{run.unchanged} unchanged")
    if run.skipped:
        parts.append(f"{run.skipped} skipped (no Spotify id)")
    if goal.capped:
        parts.append(f"{goal.capped} left out (a playlist holds {MAX_PLAYLIST})")
    notes = [f"{run.writes} write calls"]
    if run.overwrote_outside_edits:
        notes.append("overwrote changes made on Spotify")
    if recreated:
        notes.append("made a new playlist: the old one was deleted on Spotify")
    elif run.created_playlist:
        notes.append("created the playlist")
    return ", ".join(parts) + "; " + ", ".join(notes)
