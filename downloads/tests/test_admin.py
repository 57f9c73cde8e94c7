"""The DownloadJob admin (progress bars, filters, actions) and the download actions for tracks
and playlists that library/admin/ hooks in."""

import pytest
from django.contrib import admin
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.db import connection
from django.test.utils import CaptureQueriesContext

from downloads.admin_actions import download_playlists, download_tracks, download_tracks_again
from downloads.models import DownloadJob
from downloads.tests.factories import make_job, make_playlist, make_track
from library.models import Playlist, Track
from trackflow.jobs.models import JobStatus

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/downloads/downloadjob/"


def changelist_queries(client, **params) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(CHANGELIST, params)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_changelist_shows_progress_bars_without_a_query_per_row(admin_client, owner):
    make_job(owner, make_track(title="Halfway"), status=JobStatus.RUNNING, progress=0.5)
    make_job(owner, make_track())
    few, page = changelist_queries(admin_client)
    for _ in range(20):
        make_job(owner, make_track())

    many, _ = changelist_queries(admin_client)

    assert many == few
    assert '<progress value="50" max="100"' in page and "Halfway" in page


def test_the_changelist_filters_by_status(admin_client, owner):
    make_job(owner, make_track(title="Broken"), status=JobStatus.FAILED, error="HTTP 404 from x")
    make_job(owner, make_track(title="Waiting"))

    _, page = changelist_queries(admin_client, status__exact="failed")

    assert "Broken" in page and "HTTP 404 from x" in page and "Waiting" not in page


def test_the_retry_and_cancel_actions_go_through_the_services(admin_client, owner):
    failed = make_job(owner, make_track(), status=JobStatus.FAILED, attempts=5)
    pending = make_job(owner, make_track())

    for action, job in (("retry_jobs", failed), ("cancel_jobs", pending)):
        response = admin_client.post(
            CHANGELIST, {"action": action, "_selected_action": [str(job.pk)]}, follow=True
        )
        assert response.status_code == 200

    failed.refresh_from_db()
    pending.refresh_from_db()
    assert (failed.status, failed.attempts) == (JobStatus.PENDING, 0)
    assert pending.status == JobStatus.CANCELLED


def act(client, action: str, jobs) -> list[tuple[str, str]]:
    """Run an action on `jobs`; the messages it left, as (level, text)."""
    data = {"action": action, "_selected_action": [str(job.pk) for job in jobs]}
    response = client.post(CHANGELIST, data, follow=True)
    return [(m.level_tag, str(m)) for m in response.context["messages"]]


def test_actions_that_change_nothing_say_why_as_a_warning(admin_client, owner):
    finished = [make_job(owner, make_track(), status=JobStatus.COMPLETED) for _ in range(3)]

    nothing = "Nothing queued again: none of the 3 selected downloads is failed or cancelled."
    assert act(admin_client, "retry_jobs", finished) == [("warning", nothing)]
    assert act(admin_client, "cancel_jobs", finished[:1]) == [
        ("warning", "Nothing cancelled: the selected download is not pending or running.")
    ]


def test_actions_that_skip_some_jobs_count_them(admin_client, owner):
    failed = make_job(owner, make_track(), status=JobStatus.FAILED)
    done = make_job(owner, make_track(), status=JobStatus.COMPLETED)

    assert act(admin_client, "retry_jobs", [failed, done]) == [
        ("success", "1 download(s) queued again."),
        ("warning", "Skipped 1 of 2: only failed or cancelled downloads can be queued again."),
    ]


def test_a_job_cannot_be_added_or_edited_by_hand(admin_client, owner):
    job = make_job(owner, make_track())

    assert admin_client.get(f"{CHANGELIST}add/").status_code == 403
    page = admin_client.get(f"{CHANGELIST}{job.pk}/change/").content.decode()
    assert 'name="status"' not in page


def action_request(rf, user):
    request = rf.post("/admin/")
    request.user = user
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def test_download_actions_queue_tracks_and_playlists_for_the_admin_user(rf, admin_user, owner):
    one, two, three = make_track(), make_track(), make_track()
    make_job(owner, two)  # already in the queue
    make_playlist(owner, [three, one])
    track_admin = admin.ModelAdmin(Track, admin.site)
    request = action_request(rf, admin_user)

    download_tracks(track_admin, request, Track.objects.filter(pk__in=[one.pk, two.pk]))
    download_playlists(admin.ModelAdmin(Playlist, admin.site), request, Playlist.objects.all())

    jobs = DownloadJob.objects.filter(owner=admin_user)
    assert sorted(jobs.values_list("track_id", flat=True)) == sorted([one.pk, three.pk])
    assert [str(m) for m in get_messages(request)] == [
        "1 download(s) queued; 1 skipped (uploaded, already downloaded or in the queue).",
        "1 download(s) queued; 1 skipped (uploaded, already downloaded or in the queue).",
    ]


def test_download_again_replaces_a_finished_download(rf, admin_user, settings):
    track = make_track()
    make_job(admin_user, track, status=JobStatus.COMPLETED, file="library/a.mp3")
    (settings.MEDIA_ROOT / "library").mkdir(parents=True)
    (settings.MEDIA_ROOT / "library/a.mp3").write_bytes(b"audio")
    request = action_request(rf, admin_user)
    track_admin = admin.ModelAdmin(Track, admin.site)

    download_tracks(track_admin, request, Track.objects.all())
    download_tracks_again(track_admin, request, Track.objects.all())

    assert DownloadJob.objects.filter(track=track, status=JobStatus.PENDING).count() == 1
