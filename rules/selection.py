"""What a rule set selects right now: tracks in order, and the Spotify URIs to sync."""

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import QuerySet

from library.models import Playlist, Track

from .definitions import stored_rule
from .models import RuleSet, SyncRun
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
    unknown: tuple[str, ...] = ()  # left out: an earlier sync found Spotify does not know them
    unknown_count: int = 0  # the entries they would have filled


def wanted(ruleset: RuleSet, unknown: Collection[str] = ()) -> Wanted:
    """The rule's URIs, less those in `unknown` (see `unknown_to_spotify`)."""
    ids = list(selection(ruleset).values_list("spotify_id", flat=True))
    uris = [f"spotify:track:{spotify_id}" for spotify_id in ids if spotify_id]
    return fitted(uris, len(ids) - len(uris), unknown)


def fitted(uris: list[str], skipped: int, unknown: Collection[str] = ()) -> Wanted:
    """`uris` less the `unknown` ones, cut to what a playlist holds."""
    unknown = set(unknown)
    known = [uri for uri in uris if uri not in unknown]
    left_out = tuple(dict.fromkeys(uri for uri in uris if uri in unknown))
    capped = max(len(known) - MAX_PLAYLIST, 0)
    return Wanted(known[:MAX_PLAYLIST], skipped, capped, left_out, len(uris) - len(known))


def unknown_to_spotify(ruleset: RuleSet, but: SyncRun | None = None) -> set[str]:
    """The URIs the rule's latest sync that read the playlist (other than `but`) found or
    knew Spotify does not know: later syncs skip them without asking again, so a sync with
    nothing else to change still makes no writes."""
    runs = SyncRun.objects.filter(rule=ruleset, before_uris__isnull=False)
    if but is not None:
        runs = runs.exclude(pk=but.pk)
    latest = runs.order_by("-created_at").values_list("unknown_uris", flat=True).first()
    return set(latest or ())
