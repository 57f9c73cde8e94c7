"""Import jobs in the admin: actions say what they did, and why they did nothing."""

import pytest

from spotify_auth.models import ImportJob, SpotifyAccount
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


ACCOUNTS = "/admin/spotify_auth/spotifyaccount/"


@pytest.mark.parametrize(
    "lookup",
    [
        "access_token_encrypted__startswith",
        "refresh_token_encrypted__startswith",
        "access_token_encrypted",
        "liked_fingerprint__startswith",
        "user__password__startswith",
    ],
)
def test_the_accounts_list_cannot_be_filtered_by_a_secret(lookup, admin_client, owner):
    SpotifyAccount.objects.create(
        user=owner, spotify_user_id="me", access_token_encrypted="gAAAA-secret"
    )

    response = admin_client.get(ACCOUNTS, {lookup: "g"})

    assert response.status_code == 400
    assert "me" not in response.content.decode()


def test_the_accounts_list_still_filters_by_what_it_shows(admin_client, owner):
    SpotifyAccount.objects.create(user=owner, spotify_user_id="me", display_name="Ann")

    shown = admin_client.get(ACCOUNTS, {"status__exact": "connected"}).content.decode()
    hidden = admin_client.get(ACCOUNTS, {"status__exact": "needs_reconnect"}).content.decode()

    assert "Ann" in shown and "Ann" not in hidden
