"""/api/artists/ and /api/albums/: read-only, limited to what your library's tracks use."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from library.api.filters import AlbumFilter, ArtistFilter, StableOrderingFilter
from library.api.querysets import SCOPE, visible_albums, visible_artists
from library.api.serializers import AlbumSerializer, ArtistSerializer
from library.models import Album, Artist

SCOPED = extend_schema(parameters=[SCOPE])


@extend_schema(tags=["library"])
@extend_schema_view(list=SCOPED, retrieve=SCOPED)
class ArtistViewSet(viewsets.ReadOnlyModelViewSet):
    """Artists of the tracks in your library."""

    queryset = Artist.objects.none()
    serializer_class = ArtistSerializer
    filterset_class = ArtistFilter
    filter_backends = [*viewsets.ReadOnlyModelViewSet.filter_backends[:1], StableOrderingFilter]
    ordering_fields = ["name", "created_at", "id"]
    ordering = ["name"]

    def get_queryset(self):
        return visible_artists(self.request)


@extend_schema(tags=["library"])
@extend_schema_view(list=SCOPED, retrieve=SCOPED)
class AlbumViewSet(viewsets.ReadOnlyModelViewSet):
    """Albums of the tracks in your library, with their artists in order."""

    queryset = Album.objects.none()
    serializer_class = AlbumSerializer
    filterset_class = AlbumFilter
    filter_backends = [*viewsets.ReadOnlyModelViewSet.filter_backends[:1], StableOrderingFilter]
    ordering_fields = ["name", "release_date", "release_year", "created_at", "id"]
    ordering = ["name"]

    def get_queryset(self):
        return visible_albums(self.request)
