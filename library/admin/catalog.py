"""Artists and albums in the admin; what Spotify supplies is read-only on Spotify rows."""

from django.contrib import admin
from django.db.models import Prefetch

from library.admin.base import LibraryAdmin
from library.admin.filters import AlbumDecadeFilter
from library.admin.widgets import PreloadedInlineForm
from library.models import Album, AlbumArtist, Artist

ALBUM_FROM_SPOTIFY = [
    "name",
    "spotify_id",
    "album_type",
    "release_date",
    "release_date_precision",
    "release_year",
    "cover_url",
    "total_tracks",
]


@admin.register(Artist)
class ArtistAdmin(LibraryAdmin):
    list_display = ["name", "spotify_id", "created_at"]
    search_fields = ["name", "=spotify_id"]
    readonly_fields = ["local_key", "created_at", "updated_at"]

    def get_readonly_fields(self, request, obj=None):
        spotify = ["name", "spotify_id", "image_url"] if obj and obj.spotify_id else []
        return [*self.readonly_fields, *spotify]


class AlbumArtistForm(PreloadedInlineForm):
    preload_field = "artist"


class AlbumArtistInline(admin.TabularInline):
    model = AlbumArtist
    form = AlbumArtistForm
    autocomplete_fields = ["artist"]
    ordering = ["position"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("artist")


@admin.register(Album)
class AlbumAdmin(LibraryAdmin):
    list_display = ["name", "artist_names", "release_year", "album_type", "total_tracks"]
    list_filter = ["album_type", "release_date_precision", AlbumDecadeFilter]
    search_fields = ["name", "=spotify_id"]
    readonly_fields = ["local_key", "created_at", "updated_at"]
    inlines = [AlbumArtistInline]

    def get_queryset(self, request):
        links = AlbumArtist.objects.select_related("artist").order_by("position")
        return super().get_queryset(request).prefetch_related(Prefetch("album_artists", links))

    def get_readonly_fields(self, request, obj=None):
        spotify = ALBUM_FROM_SPOTIFY if obj and obj.spotify_id else []
        return [*self.readonly_fields, *spotify]

    @admin.display(description="artists")
    def artist_names(self, album: Album) -> str:
        return ", ".join(link.artist.name for link in album.album_artists.all())
