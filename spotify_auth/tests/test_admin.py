"""Import jobs in the admin: actions say what they did, and why they did nothing."""

import pytest

from spotify_auth.models import ImportJob
from trackflow.jobs.models import JobStatus

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/spotify_auth/importjob/"


def act(client, action: str, jobs) -> list[tuple[str, str]]:
    """Run an action on `jobs`; the messages it left, as (level, text)."""
    data = {"action": action, "_selected_action": [str(job.pk) for job in jobs]}
    response = client.post(CHANGELIST, data, follow=True)
    return [(m.level_tag, str(m)) for m in response.context["messages"]]


def test_actions_that_change_nothing_say_why_as_a_warning(admin_client, owner):
    finished = [
        ImportJob.objects.create(owner=owner, source=f"playlist:p{n}", status=JobStatus.COMPLETED)
        for n in range(2)
    ]

    assert act(admin_client, "retry_jobs", finished) == [
        ("warning", "Nothing queued again: none of the 2 selected imports is failed or cancelled.")
    ]
    assert act(admin_client, "cancel_jobs", finished[:1]) == [
        ("warning", "Nothing cancelled: the selected import is not pending or running.")
    ]


def test_retrying_an_import_whose_source_is_already_queued_is_skipped(admin_client, owner):
    failed = ImportJob.objects.create(owner=owner, source="liked", status=JobStatus.FAILED)
    ImportJob.objects.create(owner=owner, source="liked", status=JobStatus.PENDING)
    cancelled = ImportJob.objects.create(
        owner=owner, source="playlist:p1", status=JobStatus.CANCELLED
    )

    assert act(admin_client, "retry_jobs", [failed, cancelled]) == [
        ("success", "1 import(s) queued again."),
        ("warning", "1 skipped: another import of the same source is queued or running."),
    ]
    failed.refresh_from_db()
    assert failed.status == JobStatus.FAILED
