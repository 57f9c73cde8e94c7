"""What a rule set selects right now: tracks in order, and the Spotify URIs to sync."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from library.models import Playlist, Track

from .definitions import stored_rule
from .models import RuleSet
from .query import compile_rule, limited

MAX_PLAYLIST = 10_000  # the most items a Spotify playlist holds


def own_playlist_id(ruleset: RuleSet) -> int | None:
    """The library's copy of the rule's target playlist: the one playlist it never reads."""
    if ruleset.target_playlist_id is not None or not ruleset.spotify_playlist_id:
        return ruleset.target_playlist_id
    found = Playlist.objects.filter(
        owner_id=ruleset.owner_id, spotify_id=ruleset.spotify_playlist_id
    ).first()
    if found is not None:
        RuleSet.objects.filter(pk=ruleset.pk).update(target_playlist=found)
        ruleset.target_playlist = found
    return ruleset.target_playlist_id


def selection(
    ruleset: RuleSet, *, seed: int | None = None, now: dt.datetime | None = None
) -> QuerySet[Track]:
    """The rule's tracks in order, limit applied (seed: the order of `sort: random`)."""
    rule = stored_rule(ruleset.definition)
    tracks = compile_rule(
        rule,
        ruleset.owner_id,
        exclude_playlist_id=own_playlist_id(ruleset),
        now=now,
        seed=ruleset.random_seed if seed is None else seed,
    )
    return limited(tracks, rule)


def selected_track_ids(ruleset: RuleSet) -> list[int]:
    """The ids of the tracks the rule selects now, in its order (e.g. to download them)."""
    return list(selection(ruleset).values_list("pk", flat=True))


@dataclass(frozen=True)
class Wanted:
    """What the target playlist should hold: URIs in order, and what could not go in."""

    uris: list[str]
    skipped: int  # selected, but without a Spotify id (local files, uploads, YouTube)
    capped: int  # beyond what a Spotify playlist holds


def wanted(ruleset: RuleSet) -> Wanted:
    ids = list(selection(ruleset).values_list("spotify_id", flat=True))
    uris = [f"spotify:track:{spotify_id}" for spotify_id in ids if spotify_id]
    capped = max(len(uris) - MAX_PLAYLIST, 0)
    return Wanted(uris[:MAX_PLAYLIST], len(ids) - len(uris), capped)
