"""Commands when things go wrong: Spotify out of reach, a job waiting to retry, a playlist that
never was, a garbled pasted address, a busy port, and keys lost and found again."""

import io
import logging
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command

from library.models import Playlist, SavedTrack
from spotify_auth import crypto
from spotify_auth.models import ImportJob, SpotifyAccount

pytestmark = pytest.mark.django_db
NEVER_EXISTED = "A" * 22


def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def import_liked(*flags: str) -> str:
    out = io.StringIO()
    call_command("spotify_import", "--user", "owner", "--liked", *flags, stdout=out)
    return out.getvalue()


def test_spotify_import_names_an_unreachable_spotify_in_one_line(account, settings, caplog):
    port = closed_port()
    settings.SPOTIFY_API_URL = f"http://127.0.0.1:{port}/v1"

    with pytest.raises(CommandError) as caught:
        import_liked()

    assert f"could not reach Spotify at http://127.0.0.1:{port}: connection refused" in str(
        caught.value
    )
    assert "answered" not in str(caught.value)  # it was "Spotify answered 599"
    # nothing else reaches stderr: no urllib3 retry warnings, no traceback
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_spotify_import_runs_a_job_waiting_to_retry_at_once(account, sandbox):
    sandbox.faults.server_error(count=4)  # the first try and its three retries
    with pytest.raises(CommandError, match=r"Spotify answered 500 .* \(attempt 1 of 5 failed"):
        import_liked()
    job = ImportJob.objects.get(source="liked")
    assert job.status == "pending" and job.error

    out = import_liked()

    assert out.startswith("liked: completed: Liked Songs: 120 tracks")
    job.refresh_from_db()
    assert job.status == "completed"
    assert SavedTrack.objects.count() == 120


@pytest.mark.django_db(transaction=True)
def test_spotify_import_waits_for_a_worker_running_the_same_job(account, sandbox):
    # a worker claimed the job a moment before the command: the command sees it through
    # instead of failing with "1 of 1 imports did not finish"
    from django.db import connection
    from django.utils import timezone

    job = ImportJob.objects.create(
        owner=account.user, source="liked", status="running", heartbeat_at=timezone.now()
    )

    def worker_finishes() -> None:
        time.sleep(1.0)
        ImportJob.objects.filter(pk=job.pk).update(
            status="completed", progress=1.0, message="Liked Songs: done by the worker"
        )
        connection.close()

    worker = threading.Thread(target=worker_finishes)
    worker.start()
    try:
        out = import_liked()
    finally:
        worker.join()

    assert out.startswith("liked: completed: Liked Songs: done by the worker")
    assert ImportJob.objects.get().status == "completed"


def test_spotify_import_runs_a_job_whose_worker_died(account, sandbox, settings):
    # left 'running' by a worker that stopped: not waited for forever, but put back and run
    from django.utils import timezone

    settings.JOB_STALE_SECONDS = 1
    ImportJob.objects.create(
        owner=account.user, source="liked", status="running", heartbeat_at=timezone.now()
    )

    out = import_liked()

    assert out.startswith("liked: completed: Liked Songs: 120 tracks")


def test_spotify_import_force_runs_a_waiting_job_and_forces_it(account, sandbox):
    import_liked()
    sandbox.faults.server_error(count=4)
    with pytest.raises(CommandError):
        import_liked("--force")
    sandbox.stats.reset()

    out = import_liked("--force")

    assert out.startswith("liked: completed: Liked Songs: 120 tracks")
    assert ImportJob.objects.filter(source="liked", force=True, status="completed").count() == 1
    assert sandbox.stats.count("GET", "/v1/me/tracks") == 3 + 1  # re-read, not "unchanged"


def test_spotify_import_of_a_playlist_spotify_never_had_fails(account, sandbox):
    with pytest.raises(CommandError, match=f"no playlist {NEVER_EXISTED} on Spotify$"):
        call_command("spotify_import", "--user", "owner", "--playlist", NEVER_EXISTED)

    assert ImportJob.objects.get().status == "failed"
    assert not Playlist.objects.exists()


def test_spotify_import_removes_a_playlist_deleted_on_spotify(account, sandbox):
    playlist_id = sandbox.state.followed["sandbox-user"][1]
    call_command(
        "spotify_import", "--user", "owner", "--playlist", playlist_id, stdout=io.StringIO()
    )
    sandbox.state.delete_playlist(playlist_id)
    out = io.StringIO()

    call_command("spotify_import", "--user", "owner", "--playlist", playlist_id, stdout=out)

    assert "no longer exists on Spotify; removed here" in out.getvalue()
    assert not Playlist.objects.filter(spotify_id=playlist_id).exists()


@pytest.mark.parametrize(
    "pasted",
    [
        "hello\n",
        "http://127.0.0.1:8000/spotify/callback/\n",
        "http://127.0.0.1:8000/spotify/callback/?code=x&state=cut-sho\n",
    ],
)
def test_spotify_login_says_to_run_it_again_after_a_garbled_address(
    owner, sandbox, monkeypatch, pasted
):
    monkeypatch.setattr("sys.stdin", io.StringIO(pasted))

    with pytest.raises(CommandError) as caught:
        call_command("spotify_login", "--user", "owner", stdout=io.StringIO())

    message = str(caught.value).lower()
    assert "nothing was stored: run manage.py spotify_login --user owner again" in message
    assert "Connect Spotify" not in str(caught.value)
    assert not SpotifyAccount.objects.exists()


def test_spotify_sandbox_refuses_a_port_in_use():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        with pytest.raises(CommandError, match=f"cannot listen on 127.0.0.1:{port}: .*in use"):
            call_command("spotify_sandbox", "--port", str(port), stdout=io.StringIO())


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--port", "99999"], "--port must be 0 to 65535"),
        (["--port", "-1"], "--port must be 0 to 65535"),
        (["--tracks", "-5"], "--tracks must be 0 or more, not -5"),
        (["--playlist-size", "-3"], "--playlist-size must be 0 or more, not -3"),
    ],
)
def test_spotify_sandbox_refuses_impossible_numbers(flags, message):
    with pytest.raises(CommandError, match=message):
        call_command("spotify_sandbox", *flags, stdout=io.StringIO())


def test_spotify_sandbox_prints_the_http_download_backend():
    command = [sys.executable, "manage.py", "spotify_sandbox", "--port", "0", "--tracks", "5"]
    server = subprocess.Popen(
        command, cwd=Path(django_settings.BASE_DIR), stdout=subprocess.PIPE, text=True
    )
    try:
        printed = [server.stdout.readline() for _ in range(5)]
    finally:
        server.terminate()
        server.wait(timeout=10)

    settings_printed = dict(word.split("=", 1) for line in printed[1:] for word in line.split())
    base = settings_printed["SPOTIFY_API_URL"].removesuffix("/v1")
    assert settings_printed["DOWNLOAD_BACKEND"] == "http"
    assert settings_printed["DOWNLOAD_URL_TEMPLATE"] == f"{base}/audio/{{spotify_id}}.wav"


def test_rotate_encryption_key_reconnects_accounts_once_their_tokens_open(account, settings):
    key_a, key_b = crypto.generate_key(), crypto.generate_key()
    settings.TRACKFLOW_ENCRYPTION_KEYS = [key_a]
    call_command("rotate_encryption_key", stdout=io.StringIO())
    settings.TRACKFLOW_ENCRYPTION_KEYS = [key_b]  # the old key left out too soon
    with pytest.raises(CommandError, match="1 accounts had tokens no configured key opens"):
        call_command("rotate_encryption_key", stdout=io.StringIO())
    settings.TRACKFLOW_ENCRYPTION_KEYS = [key_b, key_a]
    out = io.StringIO()

    call_command("rotate_encryption_key", stdout=out)

    assert out.getvalue().splitlines() == [
        "Re-encrypted the tokens of 1 Spotify accounts.",
        "1 accounts marked 'needs reconnect' for unreadable tokens are connected again.",
    ]
    account.refresh_from_db()
    assert account.status == SpotifyAccount.Status.CONNECTED
    assert account.status_reason == ""


def lose_the_key_then_put_it_back(settings) -> None:
    """Rotate to key A, then to key B alone (A's tokens are lost), then list B and A."""
    key_a, key_b = crypto.generate_key(), crypto.generate_key()
    settings.TRACKFLOW_ENCRYPTION_KEYS = [key_a]
    call_command("rotate_encryption_key", stdout=io.StringIO())
    settings.TRACKFLOW_ENCRYPTION_KEYS = [key_b]
    with pytest.raises(CommandError):
        call_command("rotate_encryption_key", stdout=io.StringIO())
    settings.TRACKFLOW_ENCRYPTION_KEYS = [key_b, key_a]


def test_rotate_encryption_key_then_imports_again(account, sandbox, settings):
    lose_the_key_then_put_it_back(settings)
    call_command("rotate_encryption_key", stdout=io.StringIO())

    assert import_liked().startswith("liked: completed")


def test_rotate_encryption_key_leaves_a_revoked_account_marked(account, sandbox, settings):
    sandbox.tokens.revoke("sandbox-user")
    sandbox.tokens.expire_all()
    with pytest.raises(CommandError, match="reconnect Spotify: Spotify revoked"):
        import_liked()
    lose_the_key_then_put_it_back(settings)

    call_command("rotate_encryption_key", stdout=io.StringIO())

    account.refresh_from_db()
    assert account.status == SpotifyAccount.Status.NEEDS_RECONNECT
    assert account.status_reason == "Spotify revoked TrackFlow's access"
