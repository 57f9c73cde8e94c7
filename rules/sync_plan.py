"""What a sync would do now, read from Spotify without writing anything (the diff)."""

from dataclasses import dataclass

from spotify_auth.client import for_user

from . import diff, target
from .models import RuleSet
from .selection import Wanted, wanted


@dataclass(frozen=True)
class SyncPlan:
    playlist_id: str | None  # None: the first sync creates it (or re-creates a deleted one)
    gone: bool
    wanted: Wanted
    plan: diff.Plan
    outside_edits: bool  # the playlist changed on Spotify since our last write


def plan_sync(ruleset: RuleSet) -> SyncPlan:
    client = for_user(ruleset.owner_id)
    goal = wanted(ruleset)
    found = target.locate(ruleset, client)
    if found.playlist_id is None:
        return SyncPlan(None, found.gone, goal, diff.plan([], goal.uris), False)
    current = target.remembered(ruleset, found.snapshot_id)
    outside = current is None and bool(ruleset.spotify_snapshot_id)
    if current is None:
        current = target.read_items(client, found.playlist_id)
        outside = outside and current != target.remembered(ruleset, ruleset.spotify_snapshot_id)
    return SyncPlan(found.playlist_id, False, goal, diff.plan(current, goal.uris), outside)
