"""Accounts and import jobs in the admin; tokens are never shown, not even read-only."""

from django.contrib import admin
from django.db.models.constants import LOOKUP_SEP

from trackflow.jobs import services
from trackflow.jobs.admin import JobActions

from .models import ImportJob, SpotifyAccount


@admin.register(SpotifyAccount)
class SpotifyAccountAdmin(admin.ModelAdmin):
    list_display = ("user", "display_name", "spotify_user_id", "status", "expires_at", "updated_at")
    list_filter = ("status",)
    list_select_related = ("user",)
    search_fields = ("user__username", "spotify_user_id", "display_name")
    fields = (
        "user",
        "spotify_user_id",
        "display_name",
        "scopes",
        "status",
        "status_reason",
        "expires_at",
        "connected_at",
        "updated_at",
    )
    readonly_fields = fields  # the encrypted token columns are not in `fields` at all

    def lookup_allowed(self, lookup, value, request=None) -> bool:
        """Only columns the page shows may filter the list: a filter on a hidden one (the
        encrypted tokens, the Liked Songs fingerprint) would reveal it a prefix at a time
        (?access_token_encrypted__startswith=g), as UserAdmin refuses for `password`."""
        shown = lookup.split(LOOKUP_SEP, 1)[0] in self.fields
        return shown and super().lookup_allowed(lookup, value, request)

    def has_add_permission(self, request) -> bool:
        return False  # accounts come from the OAuth sign-in


@admin.register(ImportJob)
class ImportJobAdmin(JobActions, admin.ModelAdmin):
    noun = "import"
    retry_job = services.retry
    busy_errors = (services.Conflict,)
    busy_note = "another import of the same source is queued or running"
    list_display = ("source", "owner", "status", "progress", "message", "created_at")
    list_filter = ("status",)
    list_select_related = ("owner",)
    search_fields = ("owner__username", "source", "message")
    readonly_fields = [f.name for f in ImportJob._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
