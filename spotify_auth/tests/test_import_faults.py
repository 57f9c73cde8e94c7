"""Imports under trouble: failed pages resume, rate limits reschedule, tokens expire or die."""

import socket
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from library.models import SavedTrack
from spotify_auth import tasks
from spotify_auth.models import ImportJob, SpotifyAccount

from .conftest import after_requests

pytestmark = pytest.mark.django_db
LIKED = "/v1/me/tracks"


def _run_again(job: ImportJob) -> ImportJob:
    """What the scheduled retry does, without waiting for its time to come."""
    ImportJob.objects.filter(pk=job.pk).update(run_after=timezone.now())
    tasks.run_import(str(job.pk))
    job.refresh_from_db()
    return job


def _answers(sandbox, template: str) -> list[int]:
    return [status for _, path, status in sandbox.stats.log if path == template]


def test_a_failed_page_keeps_earlier_pages_and_the_retry_resumes_there(
    account, sandbox, import_now, settings
):
    after_requests(sandbox, LIKED, 2, lambda: sandbox.faults.server_error(count=4))

    [job] = import_now(account.user, ["liked"])

    assert job.status == "pending"  # an attempt failed; backoff, then again
    assert job.error == "Spotify answered 500 to GET /v1/me/tracks: Server error. (after 3 retries)"
    assert job.cursor["offset"] == 100
    assert SavedTrack.objects.filter(user=account.user).count() == 100

    job = _run_again(job)

    assert job.status == "completed", job.error
    assert SavedTrack.objects.filter(user=account.user).count() == 120
    # pages 1 and 2 were not read again; page 3, then the first item, to see nothing moved
    assert _answers(sandbox, LIKED).count(200) == 4
    assert job.message == "Liked Songs: 120 tracks"


def test_a_long_rate_limit_reschedules_the_job_and_says_when(account, sandbox, import_now):
    after_requests(sandbox, LIKED, 1, lambda: sandbox.faults.rate_limit(retry_after=3600))

    [job] = import_now(account.user, ["liked"])

    assert job.status == "pending"
    assert job.attempts == 0  # waiting for Spotify is not a failed attempt
    assert abs((job.run_after - timezone.now() - timedelta(hours=1)).total_seconds()) < 10
    when = timezone.localtime(job.run_after)
    assert job.message.startswith(f"Spotify rate limit: waiting until {when:%Y-%m-%d %H:%M}")
    assert job.error == ""

    job = _run_again(job)

    assert job.status == "completed", job.error
    assert SavedTrack.objects.filter(user=account.user).count() == 120


def test_a_short_rate_limit_is_waited_out_inside_the_job(account, sandbox, import_now):
    after_requests(sandbox, LIKED, 1, lambda: sandbox.faults.rate_limit(retry_after=1))
    started = time.monotonic()

    [job] = import_now(account.user, ["liked"])

    assert job.status == "completed", job.error
    assert time.monotonic() - started >= 1
    assert _answers(sandbox, LIKED) == [200, 429, 200, 200, 200]  # the last: the first item


def test_a_token_that_expires_mid_import_is_refreshed_and_the_import_goes_on(
    account, sandbox, import_now
):
    after_requests(sandbox, LIKED, 1, sandbox.tokens.expire_all)

    [job] = import_now(account.user, ["liked"])

    assert job.status == "completed", job.error
    assert _answers(sandbox, LIKED) == [200, 401, 200, 200, 200]  # the last: the first item
    assert sandbox.stats.count("POST", "/accounts/api/token") == 1


def test_a_revoked_connection_fails_the_job_with_reconnect_spotify(account, sandbox, import_now):
    sandbox.tokens.revoke("sandbox-user")
    sandbox.tokens.expire_all()

    [job] = import_now(account.user, ["liked"])

    assert job.status == "failed"
    assert job.error == "reconnect Spotify: Spotify revoked TrackFlow's access"
    assert job.attempts == 1  # no retries: another attempt cannot mend it
    account.refresh_from_db()
    assert account.status == SpotifyAccount.Status.NEEDS_RECONNECT


def test_a_failing_sign_in_service_is_one_warning_and_a_retry(account, sandbox, import_now, caplog):
    SpotifyAccount.objects.filter(pk=account.pk).update(expires_at=timezone.now())
    sandbox.faults.server_error(status=503, path_prefix="/accounts/api/token")

    [job] = import_now(account.user, ["liked"])

    assert job.status == "pending"
    assert job.error == "Spotify's sign-in service answered 503; trying again later"
    logged = [(r.levelname, r.getMessage(), r.exc_info) for r in caplog.records]
    problems = [entry for entry in logged if entry[0] != "INFO"]
    assert problems == [("WARNING", f"import {job.pk}: pending: {job.error}", None)]
    account.refresh_from_db()
    assert account.status == SpotifyAccount.Status.CONNECTED
    assert _run_again(job).status == "completed"


def test_a_playlist_import_resumes_at_its_offset(account, sandbox, import_now):
    playlist = sandbox.state.playlist(sandbox.state.followed["sandbox-user"][0])
    playlist.entries.extend(playlist.entries[6:36] * 2)  # 100 entries: two pages
    items = "/v1/playlists/{playlist_id}/items"
    after_requests(sandbox, items, 1, lambda: sandbox.faults.server_error(count=4, status=502))

    [job] = import_now(account.user, [f"playlist:{playlist.id}"])
    assert job.status == "pending"
    assert job.cursor["offset"] == 50
    job = _run_again(job)

    assert job.status == "completed", job.error
    assert _answers(sandbox, items).count(200) == 2
    entries = job.cursor["total"]
    assert entries == 100
    stored = ImportJob.objects.get(pk=job.pk)
    assert stored.counts["entries"] == 98  # the episode and the removed track are skipped


def test_a_cancelled_import_stops_at_the_next_page(account, sandbox, import_now):
    from spotify_auth.importer.progress import watching
    from trackflow.jobs.services import cancel

    token = watching.set(lambda job, fraction, message: cancel(job))
    try:
        [job] = import_now(account.user, ["liked"])
    finally:
        watching.reset(token)

    assert job.status == "cancelled"
    assert job.message == "cancelled"
    # cancelled at the second page's report, before its batch was stored
    assert not SavedTrack.objects.filter(user=account.user).exists()


def test_an_unreachable_spotify_is_one_warning_in_the_worker_log(
    account, settings, import_now, caplog
):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.SPOTIFY_API_URL = f"http://127.0.0.1:{port}/v1"

    [job] = import_now(account.user, ["liked"])

    assert job.status == "pending"  # tried again later
    error = f"could not reach Spotify at http://127.0.0.1:{port}: connection refused"
    assert job.error == error
    logged = [(r.levelname, r.getMessage(), r.exc_info) for r in caplog.records]
    problems = [entry for entry in logged if entry[0] != "INFO"]  # django-q's own lines
    assert problems == [("WARNING", f"import {job.pk}: pending: {error}", None)]  # no trace


@pytest.mark.parametrize(
    ("garble", "error"),
    [
        ({"body": "<html><body>Bad gateway</body></html>"}, "an answer that is not JSON"),
        ({"body": '{"items": [{"added_at": "2024-'}, "an answer that is not JSON"),
        ({"change": lambda page: {**page, "items": None}}, "a page without items"),
    ],
)
def test_a_garbled_answer_fails_the_attempt_with_one_warning_line(
    account, sandbox, import_now, caplog, garble, error
):
    if "body" in garble:
        sandbox.faults.answer(garble["body"], count=8, path_prefix=LIKED)
    else:
        sandbox.faults.tamper(garble["change"], count=8, path_prefix=LIKED)

    [job] = import_now(account.user, ["liked"])

    assert job.status == "pending"  # tried again after the backoff, as after a 503
    assert job.error == f"Spotify sent {error} (GET {LIKED}, after 3 retries)"
    logged = [(r.levelname, r.getMessage(), r.exc_info) for r in caplog.records]
    problems = [entry for entry in logged if entry[0] != "INFO"]
    assert problems == [("WARNING", f"import {job.pk}: pending: {job.error}", None)]
    sandbox.faults.clear()
    assert _run_again(job).status == "completed"
