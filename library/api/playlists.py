"""/api/playlists/: your playlists; /api/playlists/{id}/tracks/: one playlist's entries in order."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action

from library.api.filters import PlaylistFilter, StableOrderingFilter
from library.api.querysets import SCOPE, shaped_tracks, visible_playlists
from library.api.serializers import PlaylistEntrySerializer, PlaylistSerializer
from library.models import Playlist, Track

SCOPED = extend_schema(parameters=[SCOPE])


@extend_schema(tags=["library"])
@extend_schema_view(list=SCOPED, retrieve=SCOPED)
class PlaylistViewSet(viewsets.ReadOnlyModelViewSet):
    """Playlists you own (imported from Spotify or written by your rules)."""

    queryset = Playlist.objects.none()
    serializer_class = PlaylistSerializer
    filterset_class = PlaylistFilter
    filter_backends = [*viewsets.ReadOnlyModelViewSet.filter_backends[:1], StableOrderingFilter]
    ordering_fields = ["name", "created_at", "updated_at", "imported_at", "track_count", "id"]
    ordering = ["name"]

    def get_queryset(self):
        return visible_playlists(self.request)

    @extend_schema(parameters=[SCOPE], responses=PlaylistEntrySerializer(many=True))
    @action(detail=True, filterset_class=None, filter_backends=[])
    def tracks(self, request, pk=None):
        """The playlist's entries in order: position, added_at and the track (duplicates kept)."""
        playlist = self.get_object()
        entries = playlist.entries.order_by("position").prefetch_related(
            Prefetch("track", queryset=shaped_tracks(Track.objects.all(), request.user))
        )
        page = self.paginate_queryset(entries)
        serializer = PlaylistEntrySerializer(page, many=True, context=self.get_serializer_context())
        return self.get_paginated_response(serializer.data)
