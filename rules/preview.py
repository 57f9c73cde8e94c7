"""Previews: the tracks a rule selects now, shaped for a page, and why each one is in."""

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet, Window
from django.utils import timezone

from library.models import Track, TrackArtist
from rules.dsl import Rule, explain

from .definitions import stored_rule
from .facts import load_facts
from .models import RuleSet
from .query import Scope, compile_rule
from .query.ordering import walks_an_index
from .selection import own_playlist_id


@dataclass(frozen=True)
class Preview:
    """The rule's tracks (ordered, not limited: `page` applies the limit) and what paging
    and explaining them needs."""

    ordered: QuerySet[Track]
    rule: Rule
    owner_id: int
    exclude_playlist_id: int | None
    seed: int
    now: dt.datetime

    @property
    def walks(self) -> bool:
        return walks_an_index(self.rule.sort, Scope(self.owner_id, self.exclude_playlist_id))

    def id_queries(self, offset: int, end: int) -> tuple[QuerySet, QuerySet | None]:
        """The queries of a page's ids: (ids, None) with the count alongside each id as a
        window function (the rule evaluated once), or (ids, count) when the ids can be
        read from an index in order, stopping at the page's end (`walks`); the count of a
        limited rule then stops at its limit."""
        if not self.walks:
            counted = self.ordered.annotate(tf_total=Window(Count("pk")))
            return counted.values_list("pk", "tf_total")[offset:end], None
        ids = self.ordered.values_list("pk", flat=True)[offset:end]
        return ids, self.ordered.order_by()[: self.rule.limit]

    def page(
        self, offset: int, size: int, shape: Callable[[QuerySet], QuerySet] | None = None
    ) -> tuple[int, list[Track]]:
        """(how many the rule selects, its tracks from `offset` on, shaped by `shape`).

        The sort carries ids only (`id_queries`); the page's tracks are fetched after."""
        end = offset + size if self.rule.limit is None else min(offset + size, self.rule.limit)
        ids_query, counting = self.id_queries(offset, end)
        rows = list(ids_query) if offset < end else []
        if counting is not None:
            ids, total = rows, counting.count()
        else:
            ids = [pk for pk, _ in rows]
            total = rows[0][1] if rows else self.ordered.count()
        found = (shape or shaped)(Track.objects.filter(pk__in=ids)).in_bulk()
        count = total if self.rule.limit is None else min(total, self.rule.limit)
        return count, [found[pk] for pk in ids]

    def explain(self, page: list[Track]) -> dict[int, list[str]]:
        """Each page track's explanation: one line per group and condition."""
        ids = [track.pk for track in page]
        facts = load_facts(
            Track.objects.filter(pk__in=ids), self.owner_id, self.exclude_playlist_id
        )
        return {f["id"]: explain(self.rule, f, self.now) for f in facts}


def shaped(tracks: QuerySet[Track]) -> QuerySet[Track]:
    """What a preview row (or a diff entry) shows: title, album, Spotify id and
    `artist_links`, the artists in credit order; two queries a page. A plain list rather
    than a related manager per track, and no columns the page doesn't show, halve the time
    of building the page."""
    artists = (
        TrackArtist.objects.select_related("artist")
        .only("track_id", "position", "artist__name")
        .order_by("position", "pk")
    )
    return (
        tracks.select_related("album")
        .only("title", "spotify_id", "album__name")
        .prefetch_related(Prefetch("track_artists", queryset=artists, to_attr="artist_links"))
    )


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
    now = timezone.now()
    tracks = compile_rule(
        rule, owner_id, exclude_playlist_id=exclude_playlist_id, now=now, seed=seed
    )
    return Preview(tracks, rule, owner_id, exclude_playlist_id, seed, now)


def note_count(ruleset: RuleSet, count: int) -> None:
    RuleSet.objects.filter(pk=ruleset.pk).update(
        last_preview_count=count, last_previewed_at=timezone.now()
    )
