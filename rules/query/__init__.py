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
from rules.dsl import Group, Node, Rule
from rules.dsl.operators import NEGATIVE_OF

from .conditions import Context, node_q
from .ordering import order_by
from .scope import Scope
from .sources import joins


def compile_rule(
    rule: Rule,
    owner,
    *,
    exclude_playlist_id: int | None = None,
    now: dt.datetime | None = None,
    seed: int = 0,
) -> QuerySet[Track]:
    """The tracks of `owner`'s library the rule selects, in the rule's order, not yet limited
    (add annotations and prefetches first, then slice with `limited`)."""
    owner_id = getattr(owner, "pk", owner)
    scope = Scope(owner_id, exclude_playlist_id)
    condition = node_q(rule.root, Context(scope, now or timezone.now()))
    ordering = order_by(rule.sort, scope, seed)
    tracks = Track.objects.annotate(**joins(scope)).filter(condition)
    if not implies_library(rule.root):
        # after the rule's own conditions: they usually cut more, and more cheaply
        tracks = tracks.filter(library_filter(owner, exclude_playlist_id=exclude_playlist_id))
    return tracks.order_by(*ordering)


def implies_library(node: Node) -> bool:
    """Whether only tracks of the owner's library can pass `node`, which makes the library
    filter redundant (and the query cheaper): a like, an entry in one of the owner's
    playlists (the target left out, as the library filter leaves it out), a `dateadded`."""
    if isinstance(node, Group):
        found = [implies_library(child) for child in node.children]
        return any(found) if node.kind == "all" else bool(found) and all(found)
    if node.op in NEGATIVE_OF or node.op == "isMissing":
        return False
    if node.field == "liked":
        return node.op == "is" and node.value is True
    return node.field in ("likedat", "dateadded", "playlist")


def limited(tracks: QuerySet[Track], rule: Rule) -> QuerySet[Track]:
    return tracks[: rule.limit] if rule.limit is not None else tracks


__all__ = ["Scope", "compile_rule", "implies_library", "limited"]
