"""Changelist filters that need more than a field: audio present, decade, saved by a user."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Exists, Max, Min, OuterRef, Q

from library.models import Album, SavedTrack


class HasAudioFilter(admin.SimpleListFilter):
    title = "audio"
    parameter_name = "has_audio"

    def lookups(self, request, model_admin):
        return [("yes", "Has audio"), ("no", "No audio")]

    def queryset(self, request, queryset):
        has = ~Q(audio_file="")
        return {"yes": queryset.filter(has), "no": queryset.exclude(has)}.get(
            self.value(), queryset
        )


class DecadeFilter(admin.SimpleListFilter):
    """Release decade, from the oldest to the newest album in the catalog."""

    title = "decade"
    parameter_name = "decade"
    year_field = "album__release_year"

    def lookups(self, request, model_admin):
        years = Album.objects.aggregate(low=Min("release_year"), high=Max("release_year"))
        if years["low"] is None:
            return []
        first = years["low"] // 10 * 10
        return [(str(d), f"{d}s") for d in range(first, years["high"] + 1, 10)]

    def queryset(self, request, queryset):
        if not (self.value() or "").isdigit():
            return queryset
        decade = int(self.value())
        return queryset.filter(
            **{f"{self.year_field}__gte": decade, f"{self.year_field}__lt": decade + 10}
        )


class AlbumDecadeFilter(DecadeFilter):
    year_field = "release_year"


class SavedByFilter(admin.SimpleListFilter):
    """Tracks in one user's Liked Songs."""

    title = "saved by"
    parameter_name = "saved_by"

    def lookups(self, request, model_admin):
        users = get_user_model().objects.filter(
            Exists(SavedTrack.objects.filter(user=OuterRef("pk")))
        )
        return [(str(pk), name) for pk, name in users.values_list("pk", "username")]

    def queryset(self, request, queryset):
        if not (self.value() or "").isdigit():
            return queryset
        saves = SavedTrack.objects.filter(user_id=int(self.value()), track=OuterRef("pk"))
        return queryset.filter(Exists(saves))
