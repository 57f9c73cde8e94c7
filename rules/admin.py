"""Rule sets with their preview on the change page, "sync now" and "dry run"; sync runs to
read. Actions call rules.services.

Both actions need the change permission: "sync now" queues a write to the owner's Spotify, and
"dry run" reads it with the owner's tokens, which viewing a rule set is no licence to do.
"""

from django.contrib import admin, messages
from django.db.models import QuerySet

from rules import services
from rules.forms import RuleSetForm, missing_playlists
from rules.models import RuleSet, SyncRun
from rules.preview import note_count
from spotify_auth.auth import require_connected
from spotify_auth.errors import RateLimited, ReconnectRequired, SpotifyApiError

PREVIEW_SIZE = 50


@admin.register(RuleSet)
class RuleSetAdmin(admin.ModelAdmin):
    form = RuleSetForm
    list_display = [
        "name",
        "owner",
        "enabled",
        "auto_sync",
        "last_preview_count",
        "last_synced_at",
        "last_sync_status",
    ]
    list_filter = ["enabled", "last_sync_status"]
    list_select_related = ["owner"]
    search_fields = ["name", "owner__username"]
    raw_id_fields = ["owner"]
    readonly_fields = [
        "spotify_playlist_id",
        "target_playlist",
        "last_preview_count",
        "last_synced_at",
        "last_sync_status",
        "last_sync_message",
    ]
    actions = ["sync_now", "dry_run"]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        """The preview, here rather than in change_view: Django has checked by now that the
        user may see this rule set, so no one without that permission runs it or moves the
        list's "last preview count"."""
        if obj is not None and request.method == "GET":
            count, tracks = services.preview(obj).page(0, PREVIEW_SIZE)
            note_count(obj, count)  # the list's "last preview count", as the API keeps it
            context.update(preview_count=count, preview_tracks=tracks)
            self._warn_missing_playlists(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _warn_missing_playlists(self, request, ruleset: RuleSet) -> None:
        """A playlist the rule names may have been deleted since: the preview's count is then
        short of what the rule says, so say why."""
        for shown in missing_playlists(ruleset.owner, ruleset.definition):
            self.message_user(
                request,
                f"This rule names playlist {shown}, which no longer exists: "
                "it matches nothing there.",
                messages.WARNING,
            )

    @admin.action(description="Sync now (queue a sync job)", permissions=["change"])
    def sync_now(self, request, queryset: QuerySet[RuleSet]) -> None:
        """Queues what the API's sync would; a rule whose owner has no working Spotify
        connection is refused (as the API's 409) rather than queued to fail."""
        for ruleset in queryset.select_related("owner"):
            try:
                require_connected(ruleset.owner)
            except ReconnectRequired as exc:
                self.message_user(request, f"“{ruleset.name}”: not queued: {exc}", messages.WARNING)
                continue
            run, created = services.queue_sync(ruleset)
            note = "queued" if created else "already queued or running"
            self.message_user(request, f"“{ruleset.name}”: sync {note} ({run.pk})")

    @admin.action(description="Dry run (what a sync would change)", permissions=["change"])
    def dry_run(self, request, queryset: QuerySet[RuleSet]) -> None:
        for ruleset in queryset:
            try:
                line = services.describe_plan(services.plan_sync(ruleset))
            except (ReconnectRequired, RateLimited, SpotifyApiError) as exc:
                self.message_user(request, f"“{ruleset.name}”: {exc}", messages.ERROR)
                continue
            self.message_user(request, f"“{ruleset.name}”: {line}")


@admin.register(SyncRun)
class SyncRunAdmin(admin.ModelAdmin):
    """Read-only: the record of what each sync did."""

    list_display = [
        "created_at",
        "rule",
        "status",
        "added",
        "removed",
        "moved",
        "unchanged",
        "skipped",
        "writes",
        "overwrote_outside_edits",
    ]
    list_filter = ["status", "overwrote_outside_edits"]
    list_select_related = ["rule"]
    search_fields = ["rule__name", "playlist_id"]
    exclude = ["before_uris", "after_uris"]  # thousands of URIs: counts say enough here
    date_hierarchy = None

    def get_queryset(self, request):
        return super().get_queryset(request).defer("before_uris", "after_uris")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
