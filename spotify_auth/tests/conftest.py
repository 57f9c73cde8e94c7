"""Fixtures for the connection, client and import tests: a connected account on the sandbox."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from spotify_auth import oauth
from spotify_auth.models import SpotifyAccount

SANDBOX_USER = "sandbox-user"
CLIENT = ("sandbox-client", "sandbox-secret")


@pytest.fixture(autouse=True)
def _fast_retries(settings):
    """Backoff between 5xx retries in milliseconds, not half seconds."""
    settings.SPOTIFY_RETRY_BACKOFF_MS = 1


def connect_account(sandbox, user, spotify_user: str = SANDBOX_USER) -> SpotifyAccount:
    """What a completed sign-in stores, minted straight from the sandbox's token store."""
    token_info = sandbox.tokens.issue(spotify_user)
    token_info["expires_at"] = int(sandbox.state.clock()) + token_info["expires_in"]
    me = {"id": spotify_user, "display_name": sandbox.state.users[spotify_user]}
    return oauth.store(user, token_info, me)


@pytest.fixture
def account(sandbox, owner) -> SpotifyAccount:
    return connect_account(sandbox, owner)


@pytest.fixture
def spotify(account):
    from spotify_auth.client import for_user

    return for_user(account.user)


def approve(authorize_url: str, user: str = SANDBOX_USER, decision: str = "approve") -> str:
    """Play the person on the sandbox's consent page; returns where Spotify redirects."""
    answer = requests.get(
        authorize_url, params={"auto": decision, "user": user}, allow_redirects=False, timeout=5
    )
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"]


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


@pytest.fixture
def import_now(django_capture_on_commit_callbacks):
    """Queue imports and run them (and the playlist jobs they spawn) inline, as a worker would."""
    from spotify_auth import importer

    def run(user, sources=("liked", "all-playlists"), force=False):
        with django_capture_on_commit_callbacks(execute=True):
            jobs = importer.queue(user, list(sources), force=force)
        for job in jobs:
            job.refresh_from_db()
        return jobs

    return run


def after_requests(sandbox, template: str, count: int, action) -> None:
    """Run `action()` once the sandbox has answered `count` requests to `template`."""
    record, seen = sandbox.stats.record, []

    def hooked(method, path_template, status):
        record(method, path_template, status)
        if path_template == template:
            seen.append(status)
            if len(seen) == count:
                action()

    sandbox.stats.record = hooked


@pytest.fixture
def make_sandbox(settings):
    """Sandboxes of any size, pointed at like the project's `sandbox` fixture."""
    from spotify_auth.sandbox import create_app, start

    stops = []

    def make(**sizes):
        app = create_app(**{"seed": 1, **sizes})
        app.base_url, stop = start(app)
        stops.append(stop)
        settings.SPOTIFY_API_URL = f"{app.base_url}/v1"
        settings.SPOTIFY_ACCOUNTS_URL = f"{app.base_url}/accounts"
        settings.SPOTIFY_CLIENT_ID, settings.SPOTIFY_CLIENT_SECRET = CLIENT
        return app

    yield make
    for stop in stops:
        stop()
