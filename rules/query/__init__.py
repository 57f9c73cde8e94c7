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
from rules.dsl import Condition, Rule
from rules.dsl.ast import walk

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
    library = library_filter(owner, exclude_playlist_id=exclude_playlist_id)
    condition = node_q(rule.root, Context(scope, now or timezone.now()))
    # the rule's own conditions first: they usually cut more, and more cheaply, than scope
    ordering = order_by(rule.sort, scope, seed)
    tracks = Track.objects.annotate(**joins(scope, providers(rule)))
    return tracks.filter(condition).filter(library).order_by(*ordering)


def providers(rule: Rule) -> set[str]:
    """The enrichment providers a rule reads (`PROVIDER.KEY` in conditions or sort)."""
    names = [node.field for _, node in walk(rule.root) if isinstance(node, Condition)]
    names += [key.field for key in rule.sort] if rule.sort != "random" else []
    return {name.partition(".")[0] for name in names if "." in name}


def limited(tracks: QuerySet[Track], rule: Rule) -> QuerySet[Track]:
    return tracks[: rule.limit] if rule.limit is not None else tracks


__all__ = ["Scope", "compile_rule", "limited", "providers"]
