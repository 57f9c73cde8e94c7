"""What a sync would do now, read from Spotify without writing anything (the diff)."""

from dataclasses import dataclass

from library.models import Track
from library.services.bulk import batches, param_limit
from spotify_auth.client import for_user

from . import diff, target
from .models import RuleSet
from .preview import shown
from .selection import Wanted, unknown_to_spotify, wanted


@dataclass(frozen=True)
class SyncPlan:
    playlist_id: str | None  # None: the first sync creates it (or re-creates a deleted one)
    gone: bool
    wanted: Wanted
    plan: diff.Plan
    outside_edits: bool  # the playlist changed on Spotify since our last write
    rename_to: str = ""  # the name the sync gives the playlist, when it renames it
    describe: bool = False  # the sync rewrites the description (it names the rule's old name)

    @property
    def writes(self) -> int:
        """Write calls the sync would make: creating the playlist is one too, and so is
        changing its name and description (one call for both), so a dry run and the diff
        count what the sync will."""
        details = bool(self.rename_to or self.describe)
        return self.plan.writes + int(self.playlist_id is None) + int(details)


def plan_sync(ruleset: RuleSet) -> SyncPlan:
    client = for_user(ruleset.owner_id)
    goal = wanted(ruleset, unknown_to_spotify(ruleset))
    found = target.locate(ruleset, client)
    if found.playlist_id is None:
        return SyncPlan(None, found.gone, goal, diff.plan([], goal.uris), False)
    current = target.remembered(ruleset, found.snapshot_id)
    outside = current is None and bool(ruleset.spotify_snapshot_id)
    if current is None:
        current = target.read_items(client, found.playlist_id)
        outside = outside and current != target.remembered(ruleset, ruleset.spotify_snapshot_id)
    stale = target.stale_details(found, ruleset)
    plan = diff.plan(current, goal.uris)
    return SyncPlan(
        found.playlist_id, False, goal, plan, outside, stale.get("name", ""), "description" in stale
    )


def describe_plan(found: SyncPlan) -> str:
    """One line: what a sync would do now."""
    plan, where = found.plan, ("the playlist" if found.playlist_id else "a new playlist")
    if found.rename_to:
        where += f" (renaming it “{found.rename_to}”)"
    elif found.describe:
        where += " (updating its description)"
    counts = f"{len(plan.added)} to add, {len(plan.removed)} to remove"
    counts += f", {len(plan.moved)} to move, {len(plan.unchanged)} unchanged"
    wanted = found.wanted
    skipped = f"; {wanted.skipped} without a Spotify id" if wanted.skipped else ""
    if wanted.unknown_count:
        skipped += f"; {wanted.unknown_count} unknown to Spotify"
    return f"would make {found.writes} write call(s) to {where}: {counts}{skipped}"


def report(found: SyncPlan) -> dict:
    """The plan as the API shows it: every entry with its position and, if known, its track."""
    plan = found.plan
    tracks = _tracks([uri for uri in (*plan.current, *plan.target) if uri])

    def entry(uri: str | None, position: int, **extra) -> dict:
        return {"uri": uri, "position": position, **extra, "track": tracks.get(uri)}

    return {
        "playlist_id": found.playlist_id,
        "exists": found.playlist_id is not None,
        "outside_edits": found.outside_edits,
        "add": [entry(uri, at) for at, uri in plan.added_at()],
        "remove": [entry(uri, at) for at, uri in plan.removed_at()],
        "move": [entry(uri, to, from_position=at) for at, to, uri in plan.moved_at()],
        "unchanged": [entry(uri, at) for at, uri in plan.unchanged_at()],
        "skipped": found.wanted.skipped + found.wanted.unknown_count,
        "unknown": list(found.wanted.unknown),
        "writes": found.writes,
    }


def _tracks(uris: list[str]) -> dict[str, dict]:
    """{uri: {id, title, artists}} for the URIs the catalog knows: two queries a statement's
    worth of ids, shaped as a preview row is."""
    ids = sorted({uri.rsplit(":", 1)[-1] for uri in uris if uri.startswith("spotify:track:")})
    found: dict[str, dict] = {}
    for batch in batches(ids, param_limit() - 10):
        for track in shown(Track.objects.filter(spotify_id__in=batch)).values():
            found[f"spotify:track:{track.spotify_id}"] = {
                "id": track.pk,
                "title": track.title,
                "artists": track.artist_names,
            }
    return found
