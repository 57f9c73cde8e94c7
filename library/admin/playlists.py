"""Playlists with their ordered entries, and the per-user rows: saves, tags, enrichments."""

from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html

from downloads.admin_actions import download_playlists
from library.admin.base import LibraryAdmin
from library.admin.track_forms import EnrichmentForm
from library.admin.widgets import PreloadedInlineForm
from library.models import Playlist, PlaylistEntry, SavedTrack, TrackEnrichment, TrackTag

# Entries shown inline on a playlist's page; a longer playlist links to its entries' list
# instead (3,000 inline rows took 19 s and 8.7 MB to render).
INLINE_MAX = 200

PLAYLIST_FROM_SPOTIFY = [
    "name",
    "description",
    "spotify_id",
    "snapshot_id",
    "spotify_owner_id",
    "spotify_owner_name",
    "public",
    "collaborative",
    "image_url",
]


class EntryForm(PreloadedInlineForm):
    preload_field = "track"


def _editable(playlist: Playlist | None) -> bool:
    """Entries of a playlist imported from Spotify are Spotify's: the next import replaces
    them, so they are shown, not edited."""
    return playlist is None or not playlist.spotify_id


class PlaylistEntryInline(admin.TabularInline):
    """Entries in playlist order; duplicates are allowed, positions are unique."""

    model = PlaylistEntry
    form = EntryForm
    fields = ["position", "track", "added_at"]
    autocomplete_fields = ["track"]
    ordering = ["position"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("track", "playlist")

    def _editable(self, obj) -> bool:
        return _editable(obj)

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)


@admin.register(Playlist)
class PlaylistAdmin(LibraryAdmin):
    list_display = ["name", "owner", "track_count", "readable", "public", "imported_at"]
    list_select_related = ["owner"]
    list_filter = ["readable", "public", "collaborative"]
    actions = [download_playlists]
    search_fields = ["name", "=spotify_id", "owner__username"]
    autocomplete_fields = ["owner"]
    readonly_fields = ["imported_at", "created_at", "updated_at"]
    inlines = [PlaylistEntryInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(track_count=Count("entries"))

    def get_readonly_fields(self, request, obj=None):
        spotify = PLAYLIST_FROM_SPOTIFY if obj and obj.spotify_id else []
        entries = ["entries"] if obj else []
        return [*self.readonly_fields, *spotify, *entries]

    def get_inlines(self, request, obj):
        """The entries inline up to INLINE_MAX; past it, the `entries` link only."""
        if obj is not None and obj.track_count > INLINE_MAX:
            return []
        return super().get_inlines(request, obj)

    @admin.display(ordering="track_count")
    def track_count(self, playlist: Playlist) -> int:
        return playlist.track_count

    @admin.display(description="entries")
    def entries(self, playlist: Playlist) -> str:
        url = reverse("admin:library_playlistentry_changelist")
        shown = "listed below" if playlist.track_count <= INLINE_MAX else "too many to list here"
        return format_html(
            '{} ({}): <a href="{}?playlist__id__exact={}">see them in playlist order</a>',
            f"{playlist.track_count:,}",
            shown,
            url,
            playlist.pk,
        )


@admin.register(PlaylistEntry)
class PlaylistEntryAdmin(LibraryAdmin):
    """Entries a page at a time, for playlists too long to show inline (the playlist's page
    links here, filtered to it). Entries are added on the playlist's page or through the API;
    those of imported playlists are read-only here as there."""

    list_display = ["position", "track", "playlist", "added_at"]
    list_select_related = ["track", "playlist"]
    ordering = ["playlist_id", "position"]  # the (playlist, position) unique index
    search_fields = ["track__title", "playlist__name"]
    fields = ["playlist", "position", "track", "added_at"]
    readonly_fields = ["playlist"]
    autocomplete_fields = ["track"]
    form = EntryForm

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("track", "playlist")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return _editable(obj and obj.playlist) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return _editable(obj and obj.playlist) and super().has_delete_permission(request, obj)


@admin.register(SavedTrack)
class SavedTrackAdmin(LibraryAdmin):
    list_display = ["track", "user", "added_at"]
    list_select_related = ["track", "user"]
    search_fields = ["track__title", "user__username"]
    autocomplete_fields = ["track", "user"]
    # a date filter, not date_hierarchy: that one lists the distinct days of every save
    list_filter = [("added_at", admin.DateFieldListFilter)]


@admin.register(TrackTag)
class TrackTagAdmin(LibraryAdmin):
    list_display = ["name", "track", "owner", "created_at"]
    list_select_related = ["track", "owner"]
    search_fields = ["name", "track__title", "owner__username"]
    autocomplete_fields = ["track", "owner"]


@admin.register(TrackEnrichment)
class TrackEnrichmentAdmin(LibraryAdmin):
    form = EnrichmentForm
    list_display = ["track", "provider", "fetched_at"]
    list_select_related = ["track"]
    list_filter = ["provider"]
    search_fields = ["track__title", "=provider"]
    autocomplete_fields = ["track"]
