"""Run one SyncRun: put the rule's tracks (or, for a restore, an earlier run's `before`)
into its Spotify playlist with the fewest writes (rules.diff).

Every write is recorded as it lands (the list after it, its snapshot_id, the calls so
far), so an attempt stopped by a 429 or a 403 leaves a true record, and the next attempt
re-reads the playlist, plans again from where it stands, and converges.
"""

from django.utils import timezone

from spotify_auth.client import TrackFlowSpotify, for_user
from spotify_auth.errors import SpotifyApiError
from trackflow.jobs.services import PermanentFailure, heartbeat

from . import diff, target, unknown
from .mirror import forget, mirror
from .models import RuleSet, SyncRun
from .selection import MAX_PLAYLIST, Wanted, fitted, unknown_to_spotify, wanted


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
    except SpotifyApiError as exc:
        if exc.http_status == 400:  # refused as asked: asking again cannot help
            raise PermanentFailure(str(exc)) from None
        raise
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
    state, snapshot = _write(run, rule, client, calls, planned, snapshot)
    return _finish(run, rule, goal, state, snapshot, found.gone)


def _write(
    run: SyncRun,
    rule: RuleSet,
    client: TrackFlowSpotify,
    calls: Calls,
    planned: diff.Plan,
    snapshot: str,
) -> tuple[list, str]:
    """Make the planned writes. When Spotify refuses URIs it does not know, the rest went in
    (rules.unknown); the run notes them and plans again, from where the playlist now
    stands, without them. Returns the playlist's items and snapshot_id at the end."""
    state, goal, ops, done = list(planned.current), list(planned.target), list(planned.ops), 0
    while ops:
        op, total = ops.pop(0), done + len(ops) + 1
        heartbeat(run, 0.1 + 0.85 * done / total, f"writing to Spotify: {done + 1} of {total}")
        written = unknown.write_known(client, run.playlist_id, op)
        state, snapshot = diff.apply(state, written.op), written.snapshot or snapshot
        if written.unknown:
            run.unknown_uris = list(dict.fromkeys([*run.unknown_uris, *written.unknown]))
            refused = set(written.unknown)
            goal = [uri for uri in goal if uri not in refused]
            ops = list(diff.plan(state, goal).ops)
        _record(run, rule, calls, state, snapshot)
        done += 1
    return state, snapshot


def _goal(run: SyncRun) -> Wanted:
    """What the playlist should hold, less the URIs this run or the last one found Spotify
    does not know (the run starts its own list with those it leaves out)."""
    known_unknown = unknown_to_spotify(run.rule, but=run) | set(run.unknown_uris)
    if run.restore_of_id is None:
        goal = wanted(run.rule, known_unknown)
    elif run.restore_of.unrestorable_reason:
        raise PermanentFailure(run.restore_of.unrestorable_reason)
    else:
        before = run.restore_of.before_uris
        uris = [uri for uri in before if uri]
        goal = fitted(uris, len(before) - len(uris), known_unknown)
    run.unknown_uris = list(goal.unknown)
    return goal


def _current(run: SyncRun, rule: RuleSet, client: TrackFlowSpotify):
    """(the playlist, its items now, whether someone else changed them since our write)."""
    found = target.locate(rule, client)
    if found.playlist_id is None:
        if found.gone:  # its copy holds the rule's old output: not a source from now on
            forget(rule)
        gone, found = found.gone, target.create(rule, client)
        found.gone, run.created_playlist = gone, True
        RuleSet.objects.filter(pk=rule.pk).update(
            spotify_playlist_id=found.playlist_id, spotify_snapshot_id=found.snapshot_id
        )
        rule.spotify_playlist_id, rule.spotify_snapshot_id = found.playlist_id, found.snapshot_id
        return found, [], False
    target.update_details(found, rule, client)
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
    fields += ["snapshot_before", "created_playlist", "overwrote_outside_edits", "unknown_uris"]
    fields += ["updated_at"]
    run.save(update_fields=fields)
    RuleSet.objects.filter(pk=rule.pk).update(spotify_snapshot_id=snapshot)
    rule.spotify_snapshot_id = snapshot


def _finish(
    run: SyncRun, rule: RuleSet, goal: Wanted, state: list, snapshot: str, recreated: bool
) -> str:
    effect = diff.plan(run.before_uris, state)
    found = set(run.unknown_uris) - set(goal.unknown)  # by this run's writes
    unknown_count = goal.unknown_count + sum(uri in found for uri in goal.uris)
    counts = {
        "added": len(effect.added),
        "removed": len(effect.removed),
        "moved": len(effect.moved),
        "unchanged": len(effect.unchanged),
        "skipped": goal.skipped + unknown_count,
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
    if goal.skipped:
        parts.append(f"{goal.skipped} skipped (no Spotify id)")
    if run.skipped > goal.skipped:
        parts.append(f"{run.skipped - goal.skipped} skipped (unknown to Spotify)")
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
