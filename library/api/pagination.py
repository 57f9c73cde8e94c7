"""Pages of tracks at 100,000 rows: ids first, by the cheapest plan, then only the page's rows.

The filtered, ordered queryset is counted and cut as bare ids; only the page's rows are then
loaded with their album, artists, tags and `saved` (view.expand_page), so nothing but ids is
ever sorted. How the ids are found depends on what was asked:

- A search builds id lists from the title, artist and album indexes, which is the expensive
  part; counting and then cutting a page would build them twice. So the matches are collected
  once, sorted, and the count and the page both come from that list (up to COLLECT_AT_MOST).
- Otherwise the count comes first, then either a walk along the ordering's index, which stops
  as soon as the page is full (cheap when matches are dense), or, when a filter leaves few
  matches and the walk would cross most of the catalog one random row at a time, the same
  collect-and-sort. The count, and the catalog's size, say which is cheaper.
"""

import math

from django.db.models import QuerySet

from trackflow.api.pagination import PageNumberPagination

COLLECT_AT_MOST = 50_000  # ids held in memory for a search; beyond it, count and cut instead
# Relative costs on SQLite (bench/library.py, 100,000 tracks): a row read while walking an
# index ~2 us, a row read in a sequential pass ~0.33 us, a comparison when sorting ~0.15 us.
WALKED_ROW, SCANNED_ROW, COMPARISON = 2.0, 0.33, 0.15


def walk_is_cheaper(stop: int, matches: int, catalog: int) -> bool:
    """Should rows [.., stop) of `matches` ordered tracks (of `catalog`) come from an index walk?"""
    walked = min(catalog, stop * catalog / max(matches, 1))
    collected = catalog * SCANNED_ROW + matches * math.log2(max(matches, 2)) * COMPARISON
    return walked * WALKED_ROW <= collected


def collected(queryset: QuerySet) -> QuerySet:
    """The same tracks in the same order, found by id first: the database gathers the matches
    and sorts them, rather than walking an index in order and testing each row."""
    matches = queryset.order_by().values("pk")
    return queryset.model.objects.filter(pk__in=matches).order_by(*queryset.query.order_by)


class PageIds:
    """What Django's Paginator counts and slices: a track queryset, answered as ids."""

    def __init__(self, queryset: QuerySet, *, collect: bool) -> None:
        self.queryset = queryset
        self.collect = collect
        self.ids: list[int] | None = None
        self.total: int | None = None

    def count(self) -> int:
        if self.collect:
            ids = collected(self.queryset).values_list("pk", flat=True)
            ids = list(ids[: COLLECT_AT_MOST + 1])
            if len(ids) <= COLLECT_AT_MOST:
                self.ids = ids
        self.total = len(self.ids) if self.ids is not None else self.queryset.count()
        return self.total

    def __len__(self) -> int:
        return self.count() if self.total is None else self.total

    def __getitem__(self, window: slice) -> list[int]:
        if self.ids is not None:
            return self.ids[window]
        rows = self.queryset
        if not walk_is_cheaper(window.stop or 0, len(self), rows.model.objects.count()):
            rows = collected(rows)
        return list(rows.values_list("pk", flat=True)[window])


class TrackPagination(PageNumberPagination):
    """Needs a view with `expand_page(ids)`, and `collect_first` when a search is asked."""

    def paginate_queryset(self, queryset, request, view=None):
        ids = PageIds(queryset, collect=getattr(view, "collect_first", False))
        page = super().paginate_queryset(ids, request, view)
        return None if page is None else view.expand_page(page)
