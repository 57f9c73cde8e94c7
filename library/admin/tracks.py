"""Tracks in the admin: joined columns, search through the library's search, curation actions.

Audio is read-only here (see track_files); deleting a track deletes its files.
"""

from django.contrib import admin
from django.db.models import Prefetch

from downloads.admin_actions import download_tracks, download_tracks_again
from library.admin import actions as track_actions
from library.admin.base import LibraryAdmin
from library.admin.filters import DecadeFilter, HasAudioFilter, SavedByFilter
from library.admin.track_files import TrackFilesMixin
from library.admin.track_forms import TrackArtistFormSet, TrackForm
from library.admin.widgets import PreloadedInlineForm
from library.models import Track, TrackArtist, TrackEnrichment
from library.services.search import search_tracks
from library.services.tracks import SPOTIFY_OWNED


class TrackArtistForm(PreloadedInlineForm):
    preload_field = "artist"


class TrackArtistInline(admin.TabularInline):
    """A track's artists in order; as Spotify says on Spotify tracks."""

    model = TrackArtist
    form = TrackArtistForm
    formset = TrackArtistFormSet
    autocomplete_fields = ["artist"]
    ordering = ["position"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("artist")

    def _editable(self, obj) -> bool:
        return obj is None or obj.source != Track.Source.SPOTIFY

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)


class EnrichmentInline(admin.TabularInline):
    model = TrackEnrichment
    fields = ["provider", "data", "fetched_at"]
    readonly_fields = fields
    extra = 0
    can_delete = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("track")  # each row's label

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Track)
class TrackAdmin(TrackFilesMixin, LibraryAdmin):
    form = TrackForm
    # The track's own fields first, bookkeeping last; read-only fields keep their place.
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "album",
                    ("disc_number", "track_number"),
                    "duration_ms",
                    "explicit",
                    "popularity",
                    "isrc",
                ]
            },
        ),
        ("Source", {"fields": ["source", "spotify_id", "youtube_id"]}),
        ("Curation", {"fields": ["status", "lyrics"]}),
        (
            "Audio",
            {
                "fields": list(TrackFilesMixin.file_fields),
                "description": "Add audio with POST /api/tracks/upload/ or a download.",
            },
        ),
        (
            "Record",
            {"fields": ["added_by", "local_key", "audio_sha256", "created_at", "updated_at"]},
        ),
    ]
    list_display = [
        "title",
        "artist_names",
        "album",
        "release_year",
        "source",
        "status",
        "has_audio",
        "duration",
        "created_at",
    ]
    list_select_related = ["album"]
    list_filter = ["source", HasAudioFilter, "explicit", DecadeFilter, "status", SavedByFilter]
    search_fields = ["title"]  # the search itself is library.services.search
    search_help_text = "Words in the title, an artist or the album, or an ISRC."
    autocomplete_fields = ["album", "added_by"]
    readonly_fields = [
        *TrackFilesMixin.file_fields,
        "local_key",
        "audio_sha256",
        "created_at",
        "updated_at",
    ]
    inlines = [TrackArtistInline, EnrichmentInline]
    actions = [
        track_actions.set_status,
        track_actions.add_tag,
        track_actions.remove_tag,
        download_tracks,
        download_tracks_again,
    ]
    action_form = track_actions.TrackActionForm

    def get_queryset(self, request):
        links = TrackArtist.objects.select_related("artist").order_by("position")
        prefetch = Prefetch("track_artists", links, to_attr="artist_links")
        return super().get_queryset(request).prefetch_related(prefetch)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        """A new local file's clash, found by the artists' inline, is said once: at the top,
        as the form's own error (the inline, and this admin's template above the fields,
        would each print it)."""
        for inline in context["inline_admin_formsets"]:
            if isinstance(inline.formset, TrackArtistFormSet) and inline.formset.clash:
                context["adminform"].form.add_error(None, inline.formset.take_clash())
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_search_results(self, request, queryset, search_term):
        return search_tracks(queryset, search_term), False

    def get_readonly_fields(self, request, obj=None):
        fields = list(self.readonly_fields)
        if obj is not None and obj.source == Track.Source.SPOTIFY:
            fields += [name for name in SPOTIFY_OWNED if name != "artists"]
        return fields

    @admin.display(description="artists")
    def artist_names(self, track: Track) -> str:
        return ", ".join(link.artist.name for link in track.artist_links)

    @admin.display(description="year", ordering="album__release_year")
    def release_year(self, track: Track) -> int | None:
        return track.album.release_year if track.album else None

    @admin.display(boolean=True, description="audio")
    def has_audio(self, track: Track) -> bool:
        return track.has_audio

    @admin.display(ordering="duration_ms")
    def duration(self, track: Track) -> str:
        if track.duration_ms is None:
            return "–"
        minutes, seconds = divmod(round(track.duration_ms / 1000), 60)
        return f"{minutes}:{seconds:02d}"
