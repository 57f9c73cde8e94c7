"""/api/tracks/: your library's tracks; create, change and delete by the rules of
library.services.tracks."""

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.response import Response

from library.api.conflicts import CONFLICT, conflict
from library.api.filters import StableOrderingFilter, TrackFilter
from library.api.inputs import TrackInputSerializer, refuse_spotify_owned
from library.api.pagination import TrackPagination
from library.api.querysets import SCOPE, shaped_tracks, visible_tracks
from library.api.serializers import TrackDetailSerializer, TrackSerializer
from library.models import Track
from library.services import tracks
from library.services.errors import Conflict, NotAllowed
from library.services.saved import save_tracks, unsave_tracks
from library.services.tags import set_tags


@extend_schema(tags=["library"])
@extend_schema_view(
    list=extend_schema(parameters=[SCOPE]),
    retrieve=extend_schema(parameters=[SCOPE]),
    create=extend_schema(responses={201: TrackDetailSerializer, 409: CONFLICT}),
    partial_update=extend_schema(
        parameters=[SCOPE], responses={200: TrackDetailSerializer, 409: CONFLICT}
    ),
    destroy=extend_schema(
        parameters=[SCOPE],
        description="Deletes a track you added (staff: any track); otherwise unsaves it.",
    ),
)
class TrackViewSet(viewsets.ModelViewSet):
    """Tracks in your library: saved, in your playlists, added or downloaded by you."""

    queryset = Track.objects.none()  # for the schema; requests use get_queryset
    filterset_class = TrackFilter
    filter_backends = [*viewsets.ModelViewSet.filter_backends[:1], StableOrderingFilter]
    ordering_fields = [
        "title",
        "duration_ms",
        "popularity",
        "release_year",
        "album_name",
        "isrc",
        "disc_number",
        "track_number",
        "created_at",
        "updated_at",
        "id",
    ]
    ordering_aliases = {"release_year": "album__release_year", "album_name": "album__name"}
    ordering = ["title"]
    pagination_class = TrackPagination
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Track]:
        if self.action == "list":  # lean: counted and cut as ids, see TrackPagination
            return Track.objects.all()
        return shaped_tracks(Track.objects.all(), self.request.user, detail=True)

    def filter_queryset(self, queryset):
        # The library scope goes last: SQLite tests AND terms in order, and a search or a
        # filter rules rows out far more cheaply than the scope's per-row look-ups.
        return visible_tracks(self.request, super().filter_queryset(queryset))

    @property
    def collect_first(self) -> bool:
        """A search is asked: count and page from one collected list (see TrackPagination)."""
        return bool(self.request.query_params.get("search", "").strip())

    def expand_page(self, ids: list[int]) -> list[Track]:
        """The page's tracks, in the page's order, with all the list shows."""
        rows = shaped_tracks(Track.objects.filter(pk__in=ids), self.request.user)
        by_id = {track.pk: track for track in rows}
        return [by_id[pk] for pk in ids]

    def get_serializer_class(self):
        if self.action in ("create", "partial_update"):
            return TrackInputSerializer
        return TrackDetailSerializer if self.action == "retrieve" else TrackSerializer

    def create(self, request):
        data = self._valid(self.get_serializer(data=request.data))
        catalog, personal = _split(data)
        try:
            track = tracks.create_track(request.user, **catalog)
        except Conflict as clash:
            return conflict(request.user, clash)
        self._apply_personal(track, personal)
        return Response(self._shown(track.pk), status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        track = self.get_object()
        data = self._valid(self.get_serializer(track, data=request.data, partial=True))
        catalog, personal = _split(data)
        if catalog != {"fields": {}}:
            if not tracks.can_edit(request.user, track):
                return Response({"detail": tracks.NOT_EDITABLE}, status=status.HTTP_403_FORBIDDEN)
            refuse_spotify_owned(track, catalog)
            try:
                tracks.update_track(track, **catalog)
            except Conflict as clash:
                return conflict(request.user, clash)
        self._apply_personal(track, personal)
        return Response(self._shown(track.pk))

    def destroy(self, request, pk=None):
        try:
            tracks.delete_for_user(request.user, self.get_object())
        except NotAllowed as refusal:
            return Response({"detail": str(refusal)}, status=status.HTTP_403_FORBIDDEN)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _valid(self, serializer) -> dict:
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _apply_personal(self, track: Track, personal: dict) -> None:
        if personal.get("saved") is True:
            save_tracks(self.request.user, [(track.pk, None)])
        elif personal.get("saved") is False:
            unsave_tracks(self.request.user, [track.pk])
        if "tags" in personal:
            set_tags(self.request.user, track.pk, personal["tags"])

    def _shown(self, pk: int) -> dict:
        track = shaped_tracks(Track.objects.filter(pk=pk), self.request.user, detail=True).get()
        return TrackDetailSerializer(track, context=self.get_serializer_context()).data


def _split(data: dict) -> tuple[dict, dict]:
    """(keyword arguments for the catalog service, the caller's own `saved` and `tags`)."""
    personal = {key: data.pop(key) for key in ("saved", "tags") if key in data}
    catalog = {"fields": data}
    for key in ("artists", "album"):
        if key in data:
            catalog[key] = data.pop(key)
    return catalog, personal
