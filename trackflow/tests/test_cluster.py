"""A real django-q2 cluster subprocess runs queued work, on whichever broker is configured."""

import pytest
from django.conf import settings
from django_q.brokers import get_broker
from django_q.models import Task
from django_q.tasks import async_task

from trackflow.testing.cluster import start_cluster, stop_cluster, wait_for

pytestmark = [pytest.mark.cluster, pytest.mark.django_db(transaction=True)]


def test_a_queued_task_runs_to_completion_and_the_cluster_stops_cleanly(tmp_path):
    marker = tmp_path / "marker.txt"
    cluster = start_cluster(workers=2)
    try:
        async_task("trackflow.tests.tasks.write_marker", str(marker), "hello", sync=False)
        assert wait_for(marker.exists, timeout=60), "the cluster did not run the task"
        assert marker.read_text() == "hello"
    finally:
        output = stop_cluster(cluster)
    assert cluster.returncode == 0, output
    assert "has stopped" in output
    result = Task.objects.get(func="trackflow.tests.tasks.write_marker")
    assert result.success and result.result == f"wrote {marker}"


def test_the_broker_follows_redis_url():
    expected = "Redis" if settings.REDIS_URL else "ORM"
    assert type(get_broker()).__name__ == expected


@pytest.mark.django_db
def test_migrate_schedules_every_repeating_task_the_sweep_included():
    # trackflow has no models, so Django sends it no post_migrate of its own: the sweep
    # that puts back jobs of dead workers went unscheduled
    from django.core.management import call_command
    from django_q.models import Schedule

    Schedule.objects.all().delete()

    call_command("migrate", verbosity=0)

    assert {s.name: (s.func, s.minutes) for s in Schedule.objects.all()} == {
        "trackflow: sweep jobs": ("trackflow.jobs.tasks.sweep", 1),
        "rules: auto-sync": ("rules.tasks.sync_due", 5),
        "downloads: recover": ("downloads.tasks.recover", 5),
    }
