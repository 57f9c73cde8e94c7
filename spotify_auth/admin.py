"""Accounts and import jobs in the admin; tokens are never shown, not even read-only."""

from django.contrib import admin, messages

from trackflow.jobs import services

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
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ("source", "owner", "status", "progress", "message", "created_at")
    list_filter = ("status",)
    list_select_related = ("owner",)
    search_fields = ("owner__username", "source", "message")
    readonly_fields = [f.name for f in ImportJob._meta.fields]
    actions = ("retry_jobs", "cancel_jobs")

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description="Retry the selected failed or cancelled imports")
    def retry_jobs(self, request, queryset):
        done = sum(services.retry(job) for job in queryset)
        self.message_user(request, f"{done} imports queued again.", messages.SUCCESS)

    @admin.action(description="Cancel the selected imports")
    def cancel_jobs(self, request, queryset):
        done = sum(services.cancel(job) for job in queryset)
        self.message_user(request, f"{done} imports cancelled.", messages.SUCCESS)
