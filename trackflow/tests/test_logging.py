"""What the log says: django-q2's line per queued task stays out of a command's stderr."""

import logging


def test_django_qs_enqueued_line_is_dropped_and_its_other_lines_pass(caplog):
    caplog.set_level(logging.INFO)
    django_q = logging.getLogger("django-q")

    django_q.info("Enqueued [trackflow] 4f1c")  # as django_q.tasks.async_task words it
    django_q.info("Q Cluster starting")
    django_q.warning("Enqueued task failed")  # a warning is never dropped

    messages = [r.getMessage() for r in caplog.records if r.name == "django-q"]
    assert messages == ["Q Cluster starting", "Enqueued task failed"]
