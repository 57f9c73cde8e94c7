"""The job base: exclusive claims, backoff, outcomes, stale recovery, and /api/jobs/."""

import itertools
import threading
from datetime import timedelta

import pytest
from django.db import close_old_connections
from django.utils import timezone
from django_q.tasks import async_task

from spotify_auth.models import ImportJob
from trackflow.jobs import services
from trackflow.jobs.models import JobStatus
from trackflow.tests import tasks

_sources = itertools.count()


def make_job(owner, **fields) -> ImportJob:
    """A job of the simplest concrete kind; each its own source, as imports allow one each."""
    return ImportJob.objects.create(owner=owner, source=f"playlist:{next(_sources)}", **fields)


@pytest.mark.django_db(transaction=True)
def test_only_one_of_many_concurrent_claims_wins(owner):
    job = make_job(owner)
    barrier = threading.Barrier(6)
    results = []

    def contender():
        barrier.wait()
        try:
            results.append(services.claim(ImportJob, job.pk))
        finally:
            close_old_connections()

    threads = [threading.Thread(target=contender) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 5 + [True]
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING and job.attempts == 1


@pytest.mark.django_db(transaction=True)
def test_claim_next_hands_each_job_to_one_worker(owner):
    jobs = {make_job(owner).pk for _ in range(12)}
    claimed, lock = [], threading.Lock()

    def worker():
        try:
            while (job := services.claim_next(ImportJob)) is not None:
                with lock:
                    claimed.append(job.pk)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(claimed) == sorted(jobs)  # every job once: none twice, none lost


@pytest.mark.django_db
def test_a_job_is_not_claimed_before_its_time(owner):
    job = make_job(owner, run_after=timezone.now() + timedelta(minutes=5))
    assert services.claim(ImportJob, job.pk) is False
    assert services.claim_next(ImportJob) is None


@pytest.mark.parametrize(("attempts", "seconds"), [(1, 30), (2, 60), (3, 120), (5, 480), (9, 3600)])
def test_backoff_doubles_up_to_the_cap(settings, attempts, seconds):
    settings.JOB_RETRY_BASE_SECONDS, settings.JOB_RETRY_MAX_SECONDS = 30, 3600
    assert services.backoff_delay(attempts) == timedelta(seconds=seconds)


@pytest.mark.django_db
def test_a_failure_is_retried_with_backoff_then_fails_for_good(owner, settings):
    settings.JOB_RETRY_BASE_SECONDS = 30
    job = make_job(owner, max_attempts=2)

    def boom(job):
        raise RuntimeError("HTTP 502 from upstream")

    before = timezone.now()
    services.run(ImportJob, job.pk, boom)
    job.refresh_from_db()
    assert job.status == JobStatus.PENDING and job.attempts == 1
    assert job.error == "HTTP 502 from upstream"
    assert before + timedelta(seconds=29) < job.run_after < timezone.now() + timedelta(seconds=31)

    ImportJob.objects.filter(pk=job.pk).update(run_after=timezone.now())
    services.run(ImportJob, job.pk, boom)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.attempts == 2 and job.finished_at


@pytest.mark.django_db
def test_a_permanent_failure_is_not_retried(owner):
    job = make_job(owner)

    def revoked(job):
        raise services.PermanentFailure("reconnect Spotify")

    services.run(ImportJob, job.pk, revoked)
    job.refresh_from_db()
    assert (job.status, job.error, job.attempts) == (JobStatus.FAILED, "reconnect Spotify", 1)


@pytest.mark.django_db
def test_retry_later_does_not_spend_an_attempt(owner):
    job = make_job(owner)
    when = timezone.now() + timedelta(hours=2)

    def limited(job):
        raise services.RetryLater(when, "Spotify asks to wait; resuming at 14:00")

    services.run(ImportJob, job.pk, limited)
    job.refresh_from_db()
    assert (job.status, job.attempts, job.run_after) == (JobStatus.PENDING, 0, when)
    assert job.message == "Spotify asks to wait; resuming at 14:00"


def _job_logs(caplog) -> list[tuple[str, str, bool]]:
    return [
        (r.levelname, r.getMessage(), r.exc_info is not None)
        for r in caplog.records
        if r.name == "trackflow.jobs.services"
    ]


@pytest.mark.django_db
def test_a_worker_logs_an_expected_failure_in_one_line_and_retries_it(owner, caplog):
    job = make_job(owner)

    async_task("trackflow.tests.tasks.run_failing_job", str(job.pk), True)

    job.refresh_from_db()
    assert (job.status, job.error, job.attempts) == (JobStatus.PENDING, "the service is down", 1)
    assert _job_logs(caplog) == [
        ("WARNING", f"import {job.pk}: pending: the service is down", False)
    ]


@pytest.mark.django_db
def test_a_job_run_in_the_foreground_leaves_expected_failures_to_its_caller(owner, caplog):
    job, earlier = make_job(owner), make_job(owner)
    async_task("trackflow.tests.tasks.run_failing_job", str(earlier.pk), True)  # a worker's

    outcome = tasks.run_failing_job(str(job.pk), expected=True)

    assert outcome == f"import {job.pk}: pending: the service is down"
    assert [message for _, message, _ in _job_logs(caplog)] == [
        f"import {earlier.pk}: pending: the service is down"  # the worker's only
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("in_worker", [True, False])
def test_an_unexpected_exception_is_logged_with_its_traceback(owner, caplog, in_worker):
    job = make_job(owner)

    if in_worker:
        async_task("trackflow.tests.tasks.run_failing_job", str(job.pk), False)
    else:
        tasks.run_failing_job(str(job.pk), expected=False)

    assert _job_logs(caplog) == [("ERROR", f"import {job.pk} failed", True)]
    job.refresh_from_db()
    assert (job.status, job.error) == (JobStatus.PENDING, "a bug")


@pytest.mark.django_db
def test_success_records_progress_and_summary(owner):
    job = make_job(owner)

    def work(job):
        services.heartbeat(job, progress=0.5, message="half way")
        assert ImportJob.objects.get(pk=job.pk).progress == 0.5
        return "imported 10 tracks"

    assert services.run(ImportJob, job.pk, work).endswith("imported 10 tracks")
    job.refresh_from_db()
    assert (job.status, job.progress, job.message) == (
        JobStatus.COMPLETED,
        1.0,
        "imported 10 tracks",
    )


@pytest.mark.django_db
def test_cancelling_a_running_job_stops_it_at_its_next_heartbeat(owner):
    job = make_job(owner)

    def work(job):
        services.cancel(ImportJob.objects.get(pk=job.pk))
        services.heartbeat(job, progress=0.1)
        raise AssertionError("heartbeat should have raised")

    services.run(ImportJob, job.pk, work)
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED


@pytest.mark.django_db
def test_stale_running_jobs_are_recovered_or_failed(owner):
    long_ago = timezone.now() - timedelta(hours=1)
    alive = make_job(owner, status=JobStatus.RUNNING, attempts=1, heartbeat_at=timezone.now())
    dead = make_job(owner, status=JobStatus.RUNNING, attempts=1, heartbeat_at=long_ago)
    spent = make_job(
        owner, status=JobStatus.RUNNING, attempts=5, max_attempts=5, heartbeat_at=long_ago
    )
    assert services.recover_stale(ImportJob, older_than=timedelta(minutes=5)) == 2
    statuses = {j.pk: j.status for j in ImportJob.objects.all()}
    assert statuses == {
        alive.pk: JobStatus.RUNNING,
        dead.pk: JobStatus.PENDING,
        spent.pk: JobStatus.FAILED,
    }
    assert ImportJob.objects.get(pk=spent.pk).error == "the worker stopped responding"


@pytest.mark.django_db
def test_retry_gives_a_failed_job_fresh_attempts(owner):
    job = make_job(owner, status=JobStatus.FAILED, attempts=5, error="boom")
    assert services.retry(job) is True
    job.refresh_from_db()
    assert (job.status, job.attempts, job.error) == (JobStatus.PENDING, 0, "")
    assert services.retry(job) is False  # pending jobs are not retried twice


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [2, 40])
def test_jobs_list_is_newest_first_in_constant_queries(
    owner, owner_api, stranger, django_assert_num_queries, rows
):
    for index in range(rows):
        make_job(owner, created_at=timezone.now() - timedelta(minutes=index))
    make_job(stranger)
    # session-less token auth: 1 count (union of every job table) + 1 page
    with django_assert_num_queries(2):
        body = owner_api.get("/api/jobs/?page_size=100").json()
    assert body["count"] == rows
    stamps = [row["created_at"] for row in body["results"]]
    assert stamps == sorted(stamps, reverse=True)
    assert {row["kind"] for row in body["results"]} == {"import"}


@pytest.mark.django_db
def test_jobs_list_orders_oldest_first_or_by_last_change_on_request(owner, owner_api):
    from rules.models import RuleSet, SyncRun

    now = timezone.now()
    old = make_job(owner, created_at=now - timedelta(hours=2), updated_at=now)
    rule = RuleSet.objects.create(owner=owner, name="r", definition={"all": []})
    new = SyncRun.objects.create(owner=owner, rule=rule, created_at=now, updated_at=now)
    SyncRun.objects.filter(pk=new.pk).update(updated_at=now - timedelta(hours=1))

    def ids(ordering):
        body = owner_api.get(f"/api/jobs/?ordering={ordering}").json()
        return [row["id"] for row in body["results"]]

    assert ids("-created_at") == [str(new.pk), str(old.pk)]
    assert ids("created_at") == [str(old.pk), str(new.pk)]
    assert ids("-updated_at") == [str(old.pk), str(new.pk)]
    assert ids("updated_at") == [str(new.pk), str(old.pk)]


@pytest.mark.django_db
def test_another_users_job_is_a_404(owner, stranger_api, owner_api):
    job = make_job(owner)
    assert stranger_api.get(f"/api/jobs/{job.pk}/").status_code == 404
    assert stranger_api.post(f"/api/jobs/{job.pk}/cancel/").status_code == 404
    body = owner_api.get(f"/api/jobs/{job.pk}/").json()
    assert (body["id"], body["kind"], body["status"]) == (str(job.pk), "import", "pending")
    assert owner_api.get("/api/jobs/not-a-uuid/").status_code == 404


@pytest.mark.django_db
def test_a_job_is_cancelled_through_the_api(owner, owner_api):
    job = make_job(owner)
    response = owner_api.post(f"/api/jobs/{job.pk}/cancel/")
    assert response.json()["status"] == "cancelled"
    assert owner_api.post(f"/api/jobs/{job.pk}/cancel/").status_code == 409


@pytest.mark.django_db
def test_retry_refused_by_a_models_constraint_is_a_409_not_a_500(owner, owner_api):
    from downloads.models import DownloadJob
    from library.models import Track

    track = Track.objects.create(title="Song", source="upload", added_by=owner)
    failed = DownloadJob.objects.create(owner=owner, track=track, status=JobStatus.FAILED)
    DownloadJob.objects.create(owner=owner, track=track)  # the track's one active download
    response = owner_api.post(f"/api/jobs/{failed.pk}/retry/")
    assert response.status_code == 409
    assert response.json() == {
        "detail": "another job for the same item is already queued or running"
    }


@pytest.mark.django_db(transaction=True)
def test_queuing_many_jobs_keeps_one_database_connection(owner, monkeypatch):
    from django.db.backends.signals import connection_created
    from django.db.transaction import atomic
    from django_q.conf import Conf
    from django_q.models import OrmQ

    monkeypatch.setattr(Conf, "SYNC", False)  # as a real cluster: the ORM broker stores tasks
    monkeypatch.setattr(Conf, "ORM", "default")  # (the broker SQLite installs use)
    opened = []

    def note(sender, connection, **kwargs):
        opened.append(connection)

    connection_created.connect(note)
    try:
        with atomic():
            jobs = [make_job(owner) for _ in range(20)]
            for job in jobs:
                services.enqueue(job)
    finally:
        connection_created.disconnect(note)

    # each task stored without closing and reopening the connection (django-q2 closes it
    # before every task it is handed outside a transaction)
    assert OrmQ.objects.count() == 20
    assert len(opened) <= 1
