"""Fixtures for rule sets that sync: an owner connected to the sandbox, tracks the sandbox
knows, and a way to run a sync job inline as a worker would."""

import pytest

from library.models import Track
from rules import services
from rules.models import RuleSet, SyncRun
from spotify_auth import oauth

from . import builders as b

SANDBOX_USER = "sandbox-user"


@pytest.fixture(autouse=True)
def _fast_retries(settings):
    settings.SPOTIFY_RETRY_BACKOFF_MS = 1


def connect(sandbox, user, spotify_user: str = SANDBOX_USER):
    """What a completed sign-in stores, minted straight from the sandbox's token store."""
    token_info = sandbox.tokens.issue(spotify_user)
    token_info["expires_at"] = int(sandbox.state.clock()) + token_info["expires_in"]
    me = {"id": spotify_user, "display_name": sandbox.state.users[spotify_user]}
    return oauth.store(user, token_info, me)


@pytest.fixture
def connected(sandbox, owner):
    return connect(sandbox, owner)


@pytest.fixture
def catalog_tracks(sandbox, owner):
    """Make `n` liked tracks of the owner whose Spotify ids the sandbox knows."""
    pool = iter(sandbox.state.catalog.pool)

    def make(n: int, prefix: str = "Song") -> list[Track]:
        return [
            b.track(owner, f"{prefix} {i:03d}", spotify_id=next(pool), popularity=i % 101)
            for i in range(n)
        ]

    return make


@pytest.fixture
def rule(owner):
    def make(definition=None, name="Smart", **fields) -> RuleSet:
        written = services.read_rule(owner, definition=definition or {"all": [], "sort": "title"})
        return services.save_rule(RuleSet(owner=owner, name=name, **fields), written)

    return make


@pytest.fixture
def sync(django_capture_on_commit_callbacks):
    """Queue a sync (or a restore) and run it inline; returns the finished run."""

    def run(ruleset: RuleSet | None = None, restore: SyncRun | None = None) -> SyncRun:
        with django_capture_on_commit_callbacks(execute=True):
            job, _ = services.queue_restore(restore) if restore else services.queue_sync(ruleset)
        job.refresh_from_db()
        return job

    return run


def playlist_items(sandbox, playlist_id: str) -> list:
    """The sandbox's entries (uri, added_at, added_by) as Spotify holds them now."""
    return list(sandbox.state.playlist(playlist_id).entries)


def uris_of(tracks) -> list[str]:
    return [f"spotify:track:{t.spotify_id}" for t in tracks]


def on_write(sandbox, number: int, action) -> None:
    """Run `action()` once the sandbox has answered `number` playlist-item writes."""
    record, seen = sandbox.stats.record, []

    def hooked(method, template, status):
        record(method, template, status)
        if method != "GET" and template.endswith("/items"):
            seen.append(status)
            if len(seen) == number:
                action()

    sandbox.stats.record = hooked
