"""The querysets behind the API: scoped to the user, shaped for a constant number of queries.

A page of tracks costs four queries whatever its size: the count, the page (album joined,
`saved` annotated), the artists of the page's tracks in order, and the user's tags on them.
"""

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet
from django.db.models.functions import Lower
from drf_spectacular.utils import OpenApiParameter
from rest_framework.request import Request

from library.models import (
    Album,
    AlbumArtist,
    Artist,
    Playlist,
    SavedTrack,
    Track,
    TrackArtist,
    TrackTag,
)
from library.services.scope import library_filter, library_tracks

SCOPE = OpenApiParameter(
    "scope", enum=["all"], description="Staff only: the whole catalog, not just your library."
)


def wants_everything(request: Request) -> bool:
    """Staff asking for the whole catalog (`?scope=all`) rather than their own library."""
    return bool(request.user.is_staff and request.query_params.get("scope") == "all")


def visible_tracks(request: Request, queryset: QuerySet[Track] | None = None) -> QuerySet[Track]:
    """`queryset` (all tracks) narrowed to the user's library, unless staff asked for all."""
    queryset = Track.objects.all() if queryset is None else queryset
    if wants_everything(request):
        return queryset
    return queryset.filter(library_filter(request.user))


# What a row of the track list reads; the lyrics and file hashes stay in the database.
LIST_COLUMNS = [
    "title",
    "duration_ms",
    "isrc",
    "spotify_id",
    "youtube_id",
    "source",
    "explicit",
    "popularity",
    "disc_number",
    "track_number",
    "audio_file",
    "status",
    "added_by",
    "created_at",
    "updated_at",
    "album__name",
    "album__release_year",
]


def shaped_tracks(queryset: QuerySet[Track], user, *, detail: bool = False) -> QuerySet[Track]:
    """Tracks with what the serializers read: album, `artist_links` in order, `saved`, `my_tags`."""
    queryset = queryset.select_related("album")
    if not detail:
        queryset = queryset.only(*LIST_COLUMNS)
    return queryset.annotate(
        saved=Exists(SavedTrack.objects.filter(user=user, track=OuterRef("pk")))
    ).prefetch_related(
        Prefetch(  # to_attr: a plain list, not a related manager per track (a third faster)
            "track_artists",
            queryset=TrackArtist.objects.select_related("artist")
            .only("track_id", "position", "artist__name")
            .order_by("position"),
            to_attr="artist_links",
        ),
        Prefetch(
            "tags",
            queryset=TrackTag.objects.filter(owner=user)
            .only("track_id", "name")
            .order_by(Lower("name")),
            to_attr="my_tags",
        ),
    )


def visible_artists(request: Request) -> QuerySet[Artist]:
    artists = Artist.objects.all()
    if not wants_everything(request):
        tracks = library_tracks(request.user).values("pk")
        artists = artists.filter(
            Exists(TrackArtist.objects.filter(artist=OuterRef("pk"), track__in=tracks))
        )
    return artists


def visible_albums(request: Request) -> QuerySet[Album]:
    albums = Album.objects.all()
    if not wants_everything(request):
        albums = albums.filter(pk__in=library_tracks(request.user).values("album_id"))
    return albums.prefetch_related(
        Prefetch(
            "album_artists",
            queryset=AlbumArtist.objects.select_related("artist").order_by("position"),
        )
    )


def visible_playlists(request: Request) -> QuerySet[Playlist]:
    playlists = Playlist.objects.all()
    if not wants_everything(request):
        playlists = playlists.filter(owner=request.user)
    return playlists.annotate(track_count=Count("entries"))
