"""Query parameters of the library's lists: one filter each, and stable ordering."""

import django_filters
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.expressions import OrderBy

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
from library.services.search import search_tracks
from trackflow.api.filters import BooleanFilter, IntegerFilter, OrderingFilter


class StableOrderingFilter(OrderingFilter):
    """`ordering` as asked, then by id, so that pages never repeat or skip rows on ties.

    Missing values (no popularity, no album) sort as the smallest on every database: first
    ascending, last descending, which is SQLite's own rule, so its indexes still serve. The id
    runs the same way as the first field, so that an index on (field, id) serves the whole
    ORDER BY. A view's `ordering_aliases` maps public names to lookups (release_year ->
    album__release_year).
    """

    def get_ordering(self, request, queryset, view):
        terms = list(super().get_ordering(request, queryset, view) or [])
        aliases = getattr(view, "ordering_aliases", {})
        ordering: list = [_expression(term, aliases) for term in terms]
        if not {"id", "-id", "pk", "-pk"} & set(terms):
            ordering.append("-id" if terms and terms[0].startswith("-") else "id")
        return ordering


def _expression(term: str, aliases: dict[str, str]) -> OrderBy:
    if term.startswith("-"):
        return F(aliases.get(term[1:], term[1:])).desc(nulls_last=True)
    return F(aliases.get(term, term)).asc(nulls_first=True)


class TrackFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(
        method="filter_search", help_text="Words in the title, an artist or the album; an ISRC."
    )
    source = django_filters.ChoiceFilter(choices=Track.Source.choices)
    artist = IntegerFilter(method="filter_artist", help_text="An artist id.")
    album = IntegerFilter(field_name="album_id", help_text="An album id.")
    has_audio = BooleanFilter(method="filter_has_audio")
    saved = BooleanFilter(method="filter_saved", help_text="In your Liked Songs.")
    status = django_filters.ChoiceFilter(choices=Track.Status.choices)
    tag = django_filters.CharFilter(method="filter_tag", help_text="One of your tags (any case).")
    explicit = BooleanFilter()
    isrc = django_filters.CharFilter(method="filter_isrc")
    spotify_id = django_filters.CharFilter()
    youtube_id = django_filters.CharFilter()

    class Meta:
        model = Track
        fields: list[str] = []

    def filter_search(self, queryset, name, value):
        return search_tracks(queryset, value)

    def filter_artist(self, queryset, name, value):
        links = TrackArtist.objects.filter(artist_id=value, track=OuterRef("pk"))
        return queryset.filter(Exists(links))

    def filter_saved(self, queryset, name, value):
        saves = SavedTrack.objects.filter(user=self.request.user, track=OuterRef("pk"))
        return queryset.filter(Exists(saves) if value else ~Exists(saves))

    def filter_has_audio(self, queryset, name, value):
        has = ~Q(audio_file="")
        return queryset.filter(has if value else ~has)

    def filter_tag(self, queryset, name, value):
        tags = TrackTag.objects.filter(owner=self.request.user, name__iexact=value.strip())
        return queryset.filter(Exists(tags.filter(track=OuterRef("pk"))))

    def filter_isrc(self, queryset, name, value):
        return queryset.filter(isrc=value.replace("-", "").strip().upper())


class ArtistFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(field_name="name", lookup_expr="icontains")
    spotify_id = django_filters.CharFilter()

    class Meta:
        model = Artist
        fields: list[str] = []


class AlbumFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(field_name="name", lookup_expr="icontains")
    artist = IntegerFilter(method="filter_artist", help_text="An artist id.")
    year = IntegerFilter(field_name="release_year", min_value=0, max_value=9999)
    spotify_id = django_filters.CharFilter()

    class Meta:
        model = Album
        fields: list[str] = []

    def filter_artist(self, queryset, name, value):
        links = AlbumArtist.objects.filter(artist_id=value, album=OuterRef("pk"))
        return queryset.filter(Exists(links))


class PlaylistFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(field_name="name", lookup_expr="icontains")
    readable = BooleanFilter()
    spotify_id = django_filters.CharFilter()

    class Meta:
        model = Playlist
        fields: list[str] = []
