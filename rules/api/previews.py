"""Paged previews: a rule's tracks now, with `count`, the `seed` of `sort: random`, and each
track's explanation on request. Four queries a page whatever its size (ids and count, the
tracks, their artists, the user's tags); explanations add the facts' six."""

from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from library.api.querysets import shaped_tracks
from library.api.serializers import TrackSerializer
from rules.preview import Preview
from trackflow.api.pagination import PageNumberPagination


def _page_number(request: Request) -> int:
    raw = request.query_params.get("page", "1")
    if not raw.isdigit() or int(raw) < 1:
        raise NotFound("Invalid page.")
    return int(raw)


def _link(request: Request, page: int, seed: int, keep_seed: bool) -> str:
    url = request.build_absolute_uri()
    url = replace_query_param(url, "seed", seed) if keep_seed else url
    return replace_query_param(url, "page", page) if page > 1 else remove_query_param(url, "page")


def preview_response(
    request: Request, preview: Preview, explain: bool, keep_seed: bool = True
) -> tuple[Response, int]:
    """The page the request asks for, and the rule's count. `keep_seed`: put the seed in the
    next/previous links (GET), so later pages continue the same random order."""
    size = PageNumberPagination().get_page_size(request)
    number = _page_number(request)
    count, tracks = preview.page(
        (number - 1) * size, size, lambda rows: shaped_tracks(rows, request.user)
    )
    if number > 1 and not tracks:
        raise NotFound("Invalid page.")
    results = TrackSerializer(tracks, many=True, context={"request": request}).data
    if explain:
        why = preview.explain(tracks)
        for row in results:
            row["explanation"] = why.get(row["id"], [])
    more = number * size < count
    return Response(
        {
            "count": count,
            "next": _link(request, number + 1, preview.seed, keep_seed) if more else None,
            "previous": _link(request, number - 1, preview.seed, keep_seed) if number > 1 else None,
            "seed": preview.seed,
            "results": results,
        }
    ), count
