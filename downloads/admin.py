"""Download jobs in the admin: watch progress, filter by status, retry or cancel in bulk."""

from django.contrib import admin
from django.utils.html import format_html

from downloads import services
from downloads.models import DownloadJob
from trackflow.jobs.admin import JobActions


@admin.register(DownloadJob)
class DownloadJobAdmin(JobActions, admin.ModelAdmin):
    noun = "download"
    retry_job = services.retry_job
    busy_errors = (services.Busy,)
    busy_note = "another job is downloading the same track"
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
