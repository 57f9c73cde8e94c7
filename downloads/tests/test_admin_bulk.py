"""Admin actions over thousands of rows cost a bounded number of queries, not one per row."""

import pytest

from downloads.models import DownloadJob
from downloads.tests.factories import make_job, make_playlist
from library.models import Track
from trackflow.jobs.models import JobStatus

pytestmark = pytest.mark.django_db

JOBS = "/admin/downloads/downloadjob/"


def tracks(count: int) -> list[Track]:
    """`count` new tracks."""
    made = Track.objects.bulk_create(Track(title="Song", source="local") for _ in range(count))
    return list(Track.objects.filter(pk__in=[t.pk for t in made]).order_by("pk"))


@pytest.mark.parametrize("count", [2, 300])
def test_cancel_costs_the_same_queries_for_any_number_of_jobs(
    count, admin_client, owner, django_assert_max_num_queries
):
    *waiting, finished = tracks(count + 1)
    DownloadJob.objects.bulk_create(DownloadJob(owner=owner, track=t) for t in waiting)
    done = make_job(owner, finished, status=JobStatus.COMPLETED)
    data = {"action": "cancel_jobs", "_selected_action": [done.pk], "select_across": "1"}
    admin_client.get(JOBS)  # warm the session

    # the POST: session, user, the list's count, the selection's count, the UPDATE; the list
    # again: session, user, its count, its page, the date hierarchy's bounds and its days
    with django_assert_max_num_queries(11):
        response = admin_client.post(JOBS, {**data, "index": "0"}, follow=True)

    statuses = DownloadJob.objects.values_list("status", flat=True)
    assert sorted(set(statuses)) == [JobStatus.CANCELLED, JobStatus.COMPLETED]
    cancelled = DownloadJob.objects.filter(status=JobStatus.CANCELLED)
    assert cancelled.count() == count
    assert set(cancelled.values_list("message", flat=True)) == {"cancelled"}
    assert not cancelled.filter(finished_at__isnull=True).exists()
    assert [str(m) for m in response.context["messages"]] == [
        f"{count} download(s) cancelled.",
        f"Skipped 1 of {count + 1}: only pending or running downloads can be cancelled.",
    ]


def test_cancel_leaves_jobs_outside_the_selection_alone(admin_client, owner):
    picked, other = (make_job(owner, track) for track in tracks(2))

    admin_client.post(JOBS, {"action": "cancel_jobs", "_selected_action": [picked.pk]})

    assert dict(DownloadJob.objects.values_list("pk", "status")) == {
        picked.pk: JobStatus.CANCELLED,
        other.pk: JobStatus.PENDING,
    }


def test_download_every_track_looks_tracks_up_in_batches(
    admin_client, owner, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    """The action's own work is a few queries for each 500 tracks; what is left per job is
    handing it to the queue once the jobs are committed (not run here)."""
    playlist = make_playlist(owner, tracks(1200))
    data = {"action": "download_playlists", "_selected_action": [playlist.pk]}

    with django_capture_on_commit_callbacks(execute=False), django_assert_max_num_queries(30):
        admin_client.post("/admin/library/playlist/", data)

    assert DownloadJob.objects.count() == 1200
