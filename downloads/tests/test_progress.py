"""Progress: bytes become 0..1 on the job row, at most one write a second, which heartbeats."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from downloads.services.progress import Reporter
from downloads.tests.factories import make_job, make_track
from trackflow.jobs.models import JobStatus

pytestmark = pytest.mark.django_db


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


@pytest.fixture
def running(owner):
    return make_job(owner, make_track(), status=JobStatus.RUNNING, attempts=1)


def test_progress_is_written_at_most_once_a_second(running):
    clock = Clock()
    reporter = Reporter(running, clock=clock)

    with CaptureQueriesContext(connection) as queries:
        for step in range(1, 31):  # 3 seconds of 100 ms steps, 10 KB each
            clock.now = step / 10
            reporter.progress(step * 10_000, 300_000)
            assert reporter.should_cancel() is False

    assert len(queries) == 3  # one UPDATE at 1.0 s, 2.0 s and 3.0 s
    running.refresh_from_db()
    assert (running.bytes_done, running.bytes_total, running.progress) == (300_000, 300_000, 1.0)
    assert running.message == "downloading: 293 KB of 293 KB"
    assert running.heartbeat_at is not None


def test_an_unknown_total_records_bytes_but_no_fraction(running):
    clock = Clock()
    reporter = Reporter(running, clock=clock)
    clock.now = 1.0

    reporter.progress(2 * 1024 * 1024, None)

    running.refresh_from_db()
    assert (running.bytes_done, running.bytes_total, running.progress) == (2097152, None, 0.0)
    assert running.message == "downloading: 2 MB"


def test_a_cancelled_job_is_noticed_at_the_next_due_write(running):
    clock = Clock()
    reporter = Reporter(running, clock=clock)
    type(running).objects.filter(pk=running.pk).update(status=JobStatus.CANCELLED)

    clock.now = 0.5
    assert reporter.should_cancel() is False  # not looked at yet
    clock.now = 1.0
    assert reporter.should_cancel() is True
    with CaptureQueriesContext(connection) as queries:
        clock.now = 5.0
        assert reporter.should_cancel() is True
    assert len(queries) == 0  # once cancelled, the row is left alone
    running.refresh_from_db()
    assert running.status == JobStatus.CANCELLED and running.bytes_done == 0
