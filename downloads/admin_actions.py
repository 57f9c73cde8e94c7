"""Admin actions that queue downloads, for the Track and Playlist admins (library/admin/).

Hook them in there: `actions = [..., download_tracks, download_tracks_again]` on the track
admin and `actions = [..., download_playlists]` on the playlist admin. The jobs belong to the
admin user who runs the action, like any download they queue. The queue's rules hold here as
everywhere: uploads are never downloaded, and "again" replaces only files the user may replace
(any, for staff; the admin site lets no one else in). Queueing writes, so each action needs the
change permission on the admin's model: staff who may only view do not see them.
"""

from django.contrib import admin, messages

from downloads.services import queue_downloads, refused_replacements
from library.models import PlaylistEntry

WRITES = ["change"]  # allowed_permissions of every action here


def _queue(modeladmin, request, track_ids: list[int], *, force: bool) -> None:
    refused = refused_replacements(request.user, track_ids) if force else {}
    jobs = queue_downloads(request.user, track_ids, force=force)
    skipped = len(set(track_ids)) - len(jobs) - len(refused)
    text = f"{len(jobs)} download(s) queued"
    if skipped:
        text += f"; {skipped} skipped (uploaded, already downloaded or in the queue)"
    if refused:
        text += f"; {len(refused)} left alone (only an admin or who fetched it may replace it)"
    modeladmin.message_user(request, f"{text}.", messages.SUCCESS)


@admin.action(description="Download the selected tracks", permissions=WRITES)
def download_tracks(modeladmin, request, queryset) -> None:
    _queue(modeladmin, request, list(queryset.values_list("pk", flat=True)), force=False)


@admin.action(
    description="Download the selected tracks again (replace their files)", permissions=WRITES
)
def download_tracks_again(modeladmin, request, queryset) -> None:
    _queue(modeladmin, request, list(queryset.values_list("pk", flat=True)), force=True)


@admin.action(description="Download every track of the selected playlists", permissions=WRITES)
def download_playlists(modeladmin, request, queryset) -> None:
    entries = PlaylistEntry.objects.filter(playlist__in=queryset).order_by("playlist", "position")
    _queue(modeladmin, request, list(entries.values_list("track_id", flat=True)), force=False)
