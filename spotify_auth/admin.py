"""Accounts and import jobs in the admin; tokens are never shown, not even read-only."""

from django.contrib import admin

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

    def has_add_permission(self, request) -> bool:
        return False  # accounts come from the OAuth sign-in


@admin.register(ImportJob)
class ImportJobAdmin(JobActions, admin.ModelAdmin):
    noun = "import"
    retry_job, cancel_job = services.retry, services.cancel
    busy_errors = (services.Conflict,)
    busy_note = "another import of the same source is queued or running"
    list_display = ("source", "owner", "status", "progress", "message", "created_at")
    list_filter = ("status",)
    list_select_related = ("owner",)
    search_fields = ("owner__username", "source", "message")
    readonly_fields = [f.name for f in ImportJob._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
