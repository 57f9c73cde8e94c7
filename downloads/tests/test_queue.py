"""Queueing downloads: one job per track that needs one, never two at once, in order."""

from datetime import timedelta

import pytest
from django.utils import timezone

from downloads import services
from downloads.models import DownloadJob
from downloads.tests.factories import make_job, make_playlist, make_track
from library.services.scope import library_tracks
from trackflow.jobs.models import JobStatus

pytestmark = pytest.mark.django_db


def track_ids(jobs):
    return [job.track_id for job in jobs]


def test_it_queues_one_pending_job_per_track_in_order(
    owner, settings, django_capture_on_commit_callbacks
):
    settings.DOWNLOAD_BACKEND = "ytdlp"
    tracks = [make_track() for _ in range(3)]
    wanted = [tracks[2].pk, tracks[0].pk, tracks[2].pk, tracks[1].pk, 999_999]

    with django_capture_on_commit_callbacks() as enqueued:
        jobs = services.queue_downloads(owner, wanted)

    assert track_ids(jobs) == [tracks[2].pk, tracks[0].pk, tracks[1].pk]  # unknown id ignored
    assert {(job.owner, job.status, job.backend) for job in jobs} == {(owner, "pending", "ytdlp")}
    assert len(enqueued) == 3  # each job is sent to the queue once the transaction commits


def test_it_skips_tracks_already_being_downloaded_even_when_forced(owner, member):
    pending, running, free = make_track(), make_track(), make_track()
    make_job(member, pending)
    make_job(owner, running, status=JobStatus.RUNNING)

    jobs = services.queue_downloads(owner, [pending.pk, running.pk, free.pk], force=True)

    assert track_ids(jobs) == [free.pk]
    assert DownloadJob.objects.count() == 3


def test_it_skips_tracks_already_downloaded_unless_forced(owner, settings):
    kept, lost = make_track(), make_track()
    for track, name in ((kept, "library/kept.mp3"), (lost, "library/lost.mp3")):
        make_job(owner, track, status=JobStatus.COMPLETED, file=name)
    (settings.MEDIA_ROOT / "library").mkdir(parents=True)
    (settings.MEDIA_ROOT / "library/kept.mp3").write_bytes(b"audio")

    assert track_ids(services.queue_downloads(owner, [kept.pk, lost.pk])) == [lost.pk]
    assert track_ids(services.queue_downloads(owner, [kept.pk], force=True)) == [kept.pk]


def test_a_file_someone_else_downloaded_is_shared_not_fetched_again(owner, member, settings):
    track = make_track()
    make_job(member, track, status=JobStatus.COMPLETED, file="library/shared.mp3")
    (settings.MEDIA_ROOT / "library").mkdir(parents=True)
    (settings.MEDIA_ROOT / "library/shared.mp3").write_bytes(b"audio")

    jobs = services.queue_downloads(owner, [track.pk])

    assert [(j.owner, j.status, j.file, j.message) for j in jobs] == [
        (owner, "completed", "library/shared.mp3", "already downloaded")
    ]
    assert list(library_tracks(owner)) == [track]  # it is in the owner's library now
    assert services.queue_downloads(owner, [track.pk]) == []  # and only once


def test_failed_and_cancelled_jobs_do_not_block_a_new_one(owner):
    failed, cancelled = make_track(), make_track()
    make_job(owner, failed, status=JobStatus.FAILED)
    make_job(owner, cancelled, status=JobStatus.CANCELLED)

    assert len(services.queue_downloads(owner, [failed.pk, cancelled.pk])) == 2


def test_the_database_refuses_a_second_active_job_for_a_track(owner, member):
    track = make_track()
    make_job(owner, track)

    DownloadJob.objects.bulk_create(
        [DownloadJob(owner=member, track=track, backend="http")], ignore_conflicts=True
    )

    assert DownloadJob.objects.filter(track=track).count() == 1


@pytest.mark.parametrize("count", [2, 200])
def test_queueing_costs_the_same_queries_for_2_tracks_and_200(
    owner, django_assert_num_queries, count
):
    tracks = [make_track(artists=()) for _ in range(count)]

    # tracks in the catalog, active jobs, completed jobs, SAVEPOINT, INSERT, created jobs,
    # RELEASE SAVEPOINT (the queue messages go out on commit)
    with django_assert_num_queries(7):
        jobs = services.queue_downloads(owner, [track.pk for track in tracks])

    assert len(jobs) == count


def test_a_playlist_is_queued_in_its_order_once_per_track(owner):
    one, two, three = make_track(), make_track(), make_track()
    playlist = make_playlist(owner, [three, one, three, two])

    jobs = services.queue_playlist(owner, playlist.pk)

    assert track_ids(jobs) == [three.pk, one.pk, two.pk]


def test_another_users_playlist_is_not_found(owner, stranger):
    playlist = make_playlist(owner, [make_track()])

    with pytest.raises(services.NotFound, match=f"no playlist {playlist.pk} of yours"):
        services.queue_playlist(stranger, playlist.pk)
    assert not DownloadJob.objects.exists()


def test_next_pending_is_the_oldest_due_job_and_is_claimed_once(owner):
    now = timezone.now()
    later = make_job(owner, make_track(), run_after=now + timedelta(minutes=5))
    newer = make_job(owner, make_track(), created_at=now - timedelta(minutes=1))
    older = make_job(owner, make_track(), created_at=now - timedelta(minutes=2))
    DownloadJob.objects.filter(pk__in=[older.pk, newer.pk]).update(run_after=now)

    assert services.next_pending() == older
    claimed = services.claim_next()

    assert claimed == older and (claimed.status, claimed.attempts) == (JobStatus.RUNNING, 1)
    assert services.next_pending() == newer
    assert services.claim_next() == newer
    assert services.claim_next() is None  # `later` is not due yet
    assert DownloadJob.objects.get(pk=later.pk).status == JobStatus.PENDING


def test_a_users_jobs_are_listed_newest_first_and_found_by_id(owner, stranger):
    first = make_job(owner, make_track(), created_at=timezone.now() - timedelta(minutes=1))
    second = make_job(owner, make_track(), status=JobStatus.FAILED)

    assert list(services.list_jobs(owner)) == [second, first]
    assert list(services.list_jobs(owner, status="failed")) == [second]
    assert services.get_job(owner, first.pk) == first
    with pytest.raises(DownloadJob.DoesNotExist):
        services.get_job(stranger, first.pk)
