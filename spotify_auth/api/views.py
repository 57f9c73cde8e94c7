"""/api/spotify/: the account, the live playlist list, and queueing imports."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from trackflow.api.errors import validation_error

from .. import importer, services
from ..errors import RateLimited, ReconnectRequired, SpotifyApiError
from .serializers import (
    AccountSerializer,
    ImportJobSerializer,
    ImportRequestSerializer,
    SpotifyPlaylistSerializer,
)

MAX_OFFSET = 100_000  # the Web API's limit on `offset` for GET /me/playlists


def spotify_trouble(exc: Exception) -> Response:
    """What the API answers when Spotify cannot be asked right now."""
    if isinstance(exc, ReconnectRequired):
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, RateLimited):
        headers = {"Retry-After": str(exc.retry_after)}
        return Response({"detail": str(exc)}, status=503, headers=headers)
    return Response({"detail": str(exc)}, status=status.HTTP_502_BAD_GATEWAY)


@extend_schema(tags=["spotify"])
class AccountView(APIView):
    """Your Spotify connection; DELETE disconnects (tokens deleted, library kept)."""

    serializer_class = AccountSerializer

    def get(self, request):
        return Response(AccountSerializer(services.describe(request.user)).data)

    @extend_schema(responses={204: None})
    def delete(self, request):
        services.disconnect(request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["spotify"])
class PlaylistsView(APIView):
    """Your playlists as Spotify lists them now (to choose import sources)."""

    serializer_class = SpotifyPlaylistSerializer

    @extend_schema(
        parameters=[OpenApiParameter("page", int), OpenApiParameter("page_size", int)],
        responses=inline_serializer(
            "SpotifyPlaylistPage",
            {
                "count": serializers.IntegerField(),
                "next": serializers.URLField(allow_null=True),
                "previous": serializers.URLField(allow_null=True),
                "results": SpotifyPlaylistSerializer(many=True),
            },
        ),
    )
    def get(self, request):
        page, size = _page_args(request)
        if (page - 1) * size > MAX_OFFSET:  # Spotify refuses to list from further on
            return Response({"detail": "Invalid page."}, status=status.HTTP_404_NOT_FOUND)
        try:
            total, rows = services.live_playlists(request.user, (page - 1) * size, size)
        except (ReconnectRequired, RateLimited, SpotifyApiError) as exc:
            return spotify_trouble(exc)
        if page > 1 and not rows:  # past the end, as every other list answers
            return Response({"detail": "Invalid page."}, status=status.HTTP_404_NOT_FOUND)
        url = request.build_absolute_uri()
        return Response(
            {
                "count": total,
                "next": _link(url, page + 1, size) if page * size < total else None,
                "previous": _link(url, page - 1, size) if page > 1 else None,
                "results": SpotifyPlaylistSerializer(rows, many=True).data,
            }
        )


@extend_schema(tags=["spotify"])
class ImportView(APIView):
    """Queue imports: one job per source (an import already queued for a source is reused)."""

    serializer_class = ImportRequestSerializer

    @extend_schema(
        request=ImportRequestSerializer,
        responses={
            202: inline_serializer("ImportQueued", {"jobs": ImportJobSerializer(many=True)})
        },
    )
    def post(self, request):
        form = ImportRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            jobs = importer.queue(request.user, **form.validated_data)
        except ReconnectRequired as exc:
            return spotify_trouble(exc)
        data = {"jobs": ImportJobSerializer(jobs, many=True).data}
        return Response(data, status=status.HTTP_202_ACCEPTED)


def _page_args(request) -> tuple[int, int]:
    """`page` (from 1) and `page_size` (1-500, default 50), as every list in the API takes."""
    fields = {
        "page": (1, serializers.IntegerField(min_value=1)),
        "page_size": (50, serializers.IntegerField(min_value=1, max_value=500)),
    }
    values = {}
    for name, (default, field) in fields.items():
        try:
            values[name] = field.run_validation(request.query_params.get(name, default))
        except serializers.ValidationError as exc:
            raise validation_error(name, str(exc.detail[0])) from None
    return values["page"], values["page_size"]


def _link(url: str, page: int, size: int) -> str:
    return replace_query_param(replace_query_param(url, "page", page), "page_size", size)
