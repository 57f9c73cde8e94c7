"""spotify_login, spotify_import, spotify_sandbox and rotate_encryption_key."""

import io
import re

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command

from library.models import Playlist, SavedTrack
from spotify_auth import crypto
from spotify_auth.models import ImportJob, SpotifyAccount

from .conftest import approve

pytestmark = pytest.mark.django_db


class Person(io.StringIO):
    """Reads the URL the command printed, approves it in the sandbox, pastes where it landed."""

    def __init__(self, printed: io.StringIO, decision: str = "approve"):
        super().__init__()
        self.printed, self.decision = printed, decision

    def readline(self, *args) -> str:
        url = re.search(r"(http\S+/accounts/authorize\?\S+)", self.printed.getvalue()).group(1)
        return approve(url, decision=self.decision) + "\n"


def test_spotify_login_connects_from_a_pasted_address(owner, sandbox, monkeypatch):
    out = io.StringIO()
    monkeypatch.setattr("sys.stdin", Person(out))

    call_command("spotify_login", "--user", "owner", stdout=out)

    assert "Connected owner to Spotify as Sandbox User." in out.getvalue()
    assert SpotifyAccount.objects.get(user=owner).spotify_user_id == "sandbox-user"


def test_spotify_login_reports_a_denial_in_one_line(owner, sandbox, monkeypatch):
    out = io.StringIO()
    monkeypatch.setattr("sys.stdin", Person(out, decision="deny"))

    with pytest.raises(CommandError, match="You declined access on Spotify"):
        call_command("spotify_login", "--user", "owner", stdout=out)
    assert not SpotifyAccount.objects.exists()


def test_spotify_login_refuses_a_pasted_address_from_another_attempt(owner, sandbox, monkeypatch):
    monkeypatch.setattr(
        "sys.stdin", io.StringIO("http://127.0.0.1:8000/spotify/callback/?code=x&state=y\n")
    )

    with pytest.raises(CommandError, match="stale or was opened in another browser"):
        call_command("spotify_login", "--user", "owner", stdout=io.StringIO())


def test_spotify_import_runs_in_the_foreground(account, sandbox):
    out = io.StringIO()

    call_command("spotify_import", "--user", "owner", stdout=out, stderr=io.StringIO())

    lines = out.getvalue().splitlines()
    assert "liked: completed: Liked Songs: 120 tracks" in lines
    assert "all-playlists: completed: 7 playlists: 7 changed (6 import jobs), 0 unchanged" in lines
    assert len(lines) == 8  # the two, then each playlist job
    assert SavedTrack.objects.count() == 120
    assert Playlist.objects.count() == 7
    assert not ImportJob.objects.exclude(status="completed").exists()


def test_spotify_import_queue_only_queues(account, sandbox, django_capture_on_commit_callbacks):
    out = io.StringIO()

    with django_capture_on_commit_callbacks() as queued:
        call_command("spotify_import", "--user", "owner", "--liked", "--queue", stdout=out)

    assert re.fullmatch(r"queued liked: job [0-9a-f-]{36} \(pending\)\n", out.getvalue())
    assert len(queued) == 1
    assert sandbox.stats.total == 0


def test_spotify_import_says_how_to_connect_first(owner, sandbox):
    with pytest.raises(CommandError, match=r"connect Spotify first \(manage.py spotify_login"):
        call_command("spotify_import", "--user", "owner")


def test_spotify_import_refuses_a_bad_playlist_id(account):
    with pytest.raises(CommandError, match="does not name a Spotify playlist"):
        call_command("spotify_import", "--user", "owner", "--playlist", "nope")


def test_spotify_import_exits_non_zero_when_a_job_fails(account, sandbox):
    sandbox.tokens.revoke("sandbox-user")
    sandbox.tokens.expire_all()

    with pytest.raises(CommandError, match="1 of 1 imports did not finish; liked: reconnect"):
        call_command("spotify_import", "--user", "owner", "--liked", stdout=io.StringIO())


def test_spotify_import_knows_no_stranger(db):
    with pytest.raises(CommandError, match="no TrackFlow user 'nobody'"):
        call_command("spotify_import", "--user", "nobody")


def test_rotate_encryption_key_reencrypts_with_the_first_key(account, settings):
    new_key = crypto.generate_key()
    settings.TRACKFLOW_ENCRYPTION_KEYS = [new_key]
    before = account.token_info()
    out = io.StringIO()

    call_command("rotate_encryption_key", stdout=out)

    account.refresh_from_db()
    assert out.getvalue() == "Re-encrypted the tokens of 1 Spotify accounts.\n"
    opened = Fernet(new_key.encode()).decrypt(account.refresh_token_encrypted.encode())
    assert opened.decode() == before["refresh_token"]
    assert account.token_info() == before


def test_rotate_encryption_key_marks_tokens_no_key_opens(account, settings):
    settings.SECRET_KEY = "a different install secret"

    with pytest.raises(CommandError, match="1 accounts had tokens no configured key opens"):
        call_command("rotate_encryption_key", stdout=io.StringIO())

    account.refresh_from_db()
    assert account.status == SpotifyAccount.Status.NEEDS_RECONNECT


def test_rotate_encryption_key_generates_a_usable_key():
    out = io.StringIO()

    call_command("rotate_encryption_key", "--generate", stdout=out)

    Fernet(out.getvalue().strip().encode())  # a valid key


def test_spotify_sandbox_serves_with_the_chosen_size(monkeypatch):
    served = {}
    monkeypatch.setattr(
        "spotify_auth.management.commands.spotify_sandbox.serve_forever",
        lambda host, port, app, out: served.update(host=host, port=port, app=app),
    )

    call_command("spotify_sandbox", "--port", "9999", "--tracks", "25")

    assert served["port"] == 9999
    assert len(served["app"].state.liked["sandbox-user"]) == 25
