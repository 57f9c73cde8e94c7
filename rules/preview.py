"""Previews: the tracks a rule selects now, shaped for a page, and why each one is in."""

import datetime as dt
import random
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from functools import cached_property

from django.db.models import Count, QuerySet, Window
from django.utils import timezone

from library.models import Track, TrackArtist
from rules.dsl import Rule, explain
from trackflow.budget import OverBudget, step_budget

from .definitions import stored_rule
from .facts import load_facts
from .models import RuleSet
from .query import Scope, compile_rule
from .query.ordering import walks_an_index, year_walk
from .selection import own_playlist_id

# The work a preview's walk of the year index may do before the rule is read the other way
# (SQLite steps, trackflow.budget). On 100,000 tracks, a walk that stops at a limit of 100
# within one year took about 110,000 steps (18 ms); one through the whole library, because
# the rest of the rule kept no track, 4.7 million (270 ms, against 12 ms the other way).
WALK_STEPS = 250_000


@dataclass(frozen=True)
class Preview:
    """The rule's tracks and what paging and explaining them needs. `ordered` is their
    query, ordered, not limited (`page` applies the limit)."""

    rule: Rule
    owner_id: int
    exclude_playlist_id: int | None
    seed: int
    now: dt.datetime

    @cached_property
    def ordered(self) -> QuerySet[Track]:
        return self._compiled(walking=False)

    def _compiled(self, walking: bool) -> QuerySet[Track]:
        return compile_rule(
            self.rule,
            self.owner_id,
            exclude_playlist_id=self.exclude_playlist_id,
            now=self.now,
            seed=self.seed,
            walking=walking,
        )

    @property
    def walks(self) -> bool:
        return walks_an_index(self.rule.sort, Scope(self.owner_id, self.exclude_playlist_id))

    def walk(self) -> QuerySet | None:
        """A limited rule's ids up to its limit, read in its order from an index that
        gives that order (their number is the count): `walks`, or a year walk (the albums'
        year index, each track asked the rest of the rule: `ordering.year_walk`). None
        when no index gives the order, or the rule has no limit (its count reads every
        track; sets found once do that faster)."""
        if year_walk(self.rule):
            walking = self._compiled(walking=True)
        elif self.walks and self.rule.limit is not None:
            walking = self.ordered
        else:
            return None
        return walking.values_list("pk", flat=True)[: self.rule.limit]

    def id_queries(self, offset: int, end: int) -> tuple[QuerySet, QuerySet | None]:
        """The queries of a page's ids when there is no `walk`: (ids, None) with the count
        alongside each id as a window function (the rule evaluated once), or (ids, count)
        when the ids can be read from an index in order, stopping at the page's end (an
        unlimited rule: a limited one read that way is a `walk`)."""
        if not self.walks:
            counted = self.ordered.annotate(tf_total=Window(Count("pk")))
            return counted.values_list("pk", "tf_total")[offset:end], None
        return self.ordered.values_list("pk", flat=True)[offset:end], self.ordered.order_by()

    def page(
        self, offset: int, size: int, shape: Callable[[QuerySet], QuerySet] | None = None
    ) -> tuple[int, list[Track]]:
        """(how many the rule selects, its tracks from `offset` on, shaped by `shape`, or
        as `shown`).

        The sort carries ids only (`walk`, else `id_queries`); the page's tracks are
        fetched after. A year walk that would read too much of the library (the rest of
        the rule keeps few tracks) is abandoned for `id_queries`."""
        end = offset + size if self.rule.limit is None else min(offset + size, self.rule.limit)
        total, ids = self._walked(offset, end) or self._read(offset, end)
        tracks = Track.objects.filter(pk__in=ids)
        found = shown(tracks) if shape is None else shape(tracks).in_bulk()
        count = total if self.rule.limit is None else min(total, self.rule.limit)
        return count, [found[pk] for pk in ids]

    def _walked(self, offset: int, end: int) -> tuple[int, list[int]] | None:
        walk = self.walk()
        if walk is None:
            return None
        # a year walk is our plan, bounded; `walks` is a read SQLite chose for itself
        bounded = step_budget(WALK_STEPS) if year_walk(self.rule) else nullcontext()
        try:
            with bounded:
                ids = list(walk)
        except OverBudget:
            return None
        return len(ids), ids[offset:end]

    def _read(self, offset: int, end: int) -> tuple[int, list[int]]:
        ids_query, counting = self.id_queries(offset, end)
        rows = list(ids_query) if offset < end else []
        if counting is not None:
            return counting.count(), rows
        total = rows[0][1] if rows else self.ordered.count()
        return total, [pk for pk, _ in rows]

    def explain(self, page: list[Track]) -> dict[int, list[str]]:
        """Each page track's explanation: one line per group and condition."""
        ids = [track.pk for track in page]
        facts = load_facts(
            Track.objects.filter(pk__in=ids), self.owner_id, self.exclude_playlist_id
        )
        return {f["id"]: explain(self.rule, f, self.now) for f in facts}


def shown(tracks: QuerySet[Track]) -> dict[int, Track]:
    """What a preview row (or a diff entry) shows, by id: title, album, Spotify id and
    `artist_names` in credit order; two queries. Names as plain strings rather than
    TrackArtist and Artist objects, and no columns the page doesn't show: half the time of
    building a page."""
    found = tracks.select_related("album").only("title", "spotify_id", "album__name").in_bulk()
    names: dict[int, list[str]] = {pk: [] for pk in found}
    credits = TrackArtist.objects.filter(track_id__in=list(found)).order_by("position", "pk")
    for track_id, name in credits.values_list("track_id", "artist__name"):
        names[track_id].append(name)
    for pk, track in found.items():
        track.artist_names = names[pk]
    return found


def preview(ruleset: RuleSet, seed: int | None = None) -> Preview:
    """A saved rule's selection (its own seed for `sort: random`, as a sync would use)."""
    return preview_rule(
        ruleset.owner_id,
        stored_rule(ruleset.definition),
        exclude_playlist_id=own_playlist_id(ruleset),
        seed=ruleset.random_seed if seed is None else seed,
    )


def preview_rule(
    owner, rule: Rule, *, exclude_playlist_id: int | None = None, seed: int | None = None
) -> Preview:
    """Any rule over `owner`'s library; a new seed for `random` unless one is given."""
    owner_id = getattr(owner, "pk", owner)
    seed = seed if seed is not None else random.randrange(1, 2**31)
    return Preview(rule, owner_id, exclude_playlist_id, seed, timezone.now())


def note_count(ruleset: RuleSet, count: int) -> None:
    RuleSet.objects.filter(pk=ruleset.pk).update(
        last_preview_count=count, last_previewed_at=timezone.now()
    )
