"""Rules compiled to one Django queryset over `library.Track` (see rules.dsl for the contract).

    tracks = compile_rule(rule, owner, exclude_playlist_id=target_id, now=now, seed=seed)
    page = limited(tracks, rule)[0:50]

Only whitelisted fields reach SQL (rules.dsl.fields); every value is a bound parameter.
"""

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from library.models import Track
from library.services.scope import library_filter
from rules.dsl import Rule

from .conditions import Context, node_q
from .ordering import dateadded_first, order_by
from .scope import MEMBER, Scope
from .sources import joins


def compile_rule(
    rule: Rule,
    owner,
    *,
    exclude_playlist_id: int | None = None,
    now: dt.datetime | None = None,
    seed: int = 0,
    walking: bool = False,
) -> QuerySet[Track]:
    """The tracks of `owner`'s library the rule selects, in the rule's order, not yet limited
    (add annotations and prefetches first, then slice with `limited`).

    `walking` asks every set per track (see `Context`), for a read that walks an index in
    the rule's order and stops early (`ordering.year_walk`); to read every track, sets
    found once are faster."""
    owner_id = getattr(owner, "pk", owner)
    scope = Scope(owner_id, exclude_playlist_id)
    condition = node_q(rule.root, Context(scope, now or timezone.now(), walking=walking))
    ordering = order_by(rule.sort, scope, seed)
    tracks = Track.objects.annotate(**joins(scope)).filter(condition)
    if dateadded_first(rule.sort):
        # the track's joined LibraryTrack row, required: an INNER JOIN the database can
        # walk in `dateadded` order from its (owner, added_at) index
        return tracks.filter(**{f"{MEMBER}__isnull": False}).order_by(*ordering)
    # EXISTS per track, after the rule's own conditions: they usually cut more (as a
    # join, the database would read the whole library first)
    library = library_filter(owner_id, exclude_playlist_id=exclude_playlist_id)
    return tracks.filter(library).order_by(*ordering)


def limited(tracks: QuerySet[Track], rule: Rule) -> QuerySet[Track]:
    return tracks[: rule.limit] if rule.limit is not None else tracks


__all__ = ["Scope", "compile_rule", "limited"]
