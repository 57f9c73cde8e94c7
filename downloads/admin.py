"""Download jobs in the admin: watch progress, filter by status, retry or cancel in bulk."""

from django.contrib import admin, messages
from django.utils.html import format_html

from downloads import services
from downloads.models import DownloadJob


@admin.register(DownloadJob)
class DownloadJobAdmin(admin.ModelAdmin):
    list_display = [
        "track",
        "owner",
        "status",
        "progress_bar",
        "attempts",
        "run_after",
        "short_error",
        "created_at",
    ]
    list_filter = ["status", "backend", "created_at"]
    list_select_related = ["track", "owner"]
    search_fields = ["track__title", "owner__username", "file", "error"]
    ordering = ["-created_at"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    actions = ["retry_jobs", "cancel_jobs"]
    raw_id_fields = ["track", "owner"]
    fields = [
        "id",
        "track",
        "owner",
        "backend",
        "url",
        "status",
        "progress",
        "message",
        "error",
        "attempts",
        "max_attempts",
        "run_after",
        "source_url",
        "bytes_done",
        "bytes_total",
        "file",
        "created_at",
        "started_at",
        "heartbeat_at",
        "finished_at",
        "updated_at",
    ]
    readonly_fields = fields  # jobs change through actions, never by hand

    def has_add_permission(self, request) -> bool:
        return False  # a download is queued from a track, a playlist or the API

    @admin.display(description="progress", ordering="progress")
    def progress_bar(self, job: DownloadJob) -> str:
        percent = round(job.progress * 100)
        return format_html(
            '<progress value="{}" max="100" style="width:8em" title="{}">{}%</progress> {}%',
            percent,
            job.message,
            percent,
            percent,
        )

    @admin.display(description="error")
    def short_error(self, job: DownloadJob) -> str:
        return job.error if len(job.error) <= 80 else job.error[:79] + "…"

    @admin.action(description="Retry the selected failed or cancelled downloads")
    def retry_jobs(self, request, queryset) -> None:
        retried = busy = 0
        for job in queryset:
            try:
                retried += services.retry_job(job)
            except services.Busy:
                busy += 1
        self.message_user(request, f"{retried} download(s) queued again.", messages.SUCCESS)
        if busy:
            note = f"{busy} skipped: another job is downloading the same track."
            self.message_user(request, note, messages.WARNING)

    @admin.action(description="Cancel the selected pending or running downloads")
    def cancel_jobs(self, request, queryset) -> None:
        cancelled = sum(services.cancel_job(job) for job in queryset)
        self.message_user(request, f"{cancelled} download(s) cancelled.", messages.SUCCESS)
