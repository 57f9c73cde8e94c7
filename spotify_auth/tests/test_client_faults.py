"""Rate limits, server errors, failed connections and garbled answers: short waits in place,
long ones as RateLimited, 5xx, refused connections and answers that are not Spotify's
retried, then named."""

import logging
import socket
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from spotify_auth.client import for_user
from spotify_auth.errors import MalformedAnswer, RateLimited, SpotifyApiError, SpotifyUnreachable
from spotify_auth.models import SpotifyAccount
from trackflow.jobs.services import RetryLater

pytestmark = pytest.mark.django_db


def test_a_short_retry_after_is_waited_out_in_place(spotify, sandbox):
    sandbox.faults.rate_limit(count=1, retry_after=1)
    started = time.monotonic()

    me = spotify.current_user()

    assert me["id"] == "sandbox-user"
    assert time.monotonic() - started >= 1.0
    assert [status for _, _, status in sandbox.stats.log] == [429, 200]


def test_a_long_retry_after_raises_rate_limited_at_once(spotify, sandbox):
    sandbox.faults.rate_limit(count=1, retry_after=7200, quota=True)
    started = time.monotonic()

    with pytest.raises(RateLimited) as caught:
        spotify.current_user()

    assert time.monotonic() - started < 1.0  # nobody slept: not spotipy, not urllib3
    assert isinstance(caught.value, RetryLater)
    assert caught.value.retry_after == 7200
    expected = timezone.now() + timedelta(hours=2)
    assert abs((caught.value.when - expected).total_seconds()) < 5
    assert "quota exceeded" in str(caught.value)
    assert f"{timezone.localtime(caught.value.when):%H:%M}" in str(caught.value)
    assert sandbox.stats.total == 1


def test_a_burst_of_short_waits_ends_in_rate_limited(spotify, sandbox, settings):
    settings.SPOTIFY_MAX_INLINE_WAIT = 0  # Retry-After 0 counts as short: no real sleeping
    sandbox.faults.rate_limit(count=10, retry_after=0)

    with pytest.raises(RateLimited):
        spotify.current_user()
    assert sandbox.stats.total == 4  # the first try and three short waits


def test_server_errors_are_retried_then_succeed(spotify, sandbox):
    sandbox.faults.server_error(count=2, status=503)

    assert spotify.current_user()["id"] == "sandbox-user"
    assert [status for _, _, status in sandbox.stats.log] == [503, 503, 200]


def test_persistent_server_errors_fail_with_the_reason(spotify, sandbox, settings):
    settings.SPOTIFY_SERVER_RETRIES = 2
    sandbox.faults.server_error(count=5, status=500)

    with pytest.raises(SpotifyApiError) as caught:
        spotify.current_user()

    assert caught.value.http_status == 500
    assert str(caught.value) == (
        "Spotify answered 500 to GET /v1/me: Server error. (after 2 retries)"
    )
    assert sandbox.stats.total == 3


def test_an_add_is_not_repeated_after_a_500(spotify, sandbox):
    """A 500 may have been applied: repeating an add could duplicate items."""
    playlist = sandbox.state.playlist(sandbox.state.followed["sandbox-user"][0])
    sandbox.faults.server_error(count=1, status=500, path_prefix=f"/v1/playlists/{playlist.id}")

    with pytest.raises(SpotifyApiError):
        spotify.add_items(playlist.id, [f"spotify:track:{sandbox.state.catalog.pool[0]}"])
    assert sandbox.stats.writes == 1


def test_a_403_is_raised_without_retries(spotify, sandbox):
    followed = sandbox.state.followed["sandbox-user"][-1]  # owned by "spotify": unreadable

    with pytest.raises(SpotifyApiError) as caught:
        list(spotify.iter_playlist_items(followed))

    assert caught.value.http_status == 403
    assert sandbox.stats.total == 1


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_refused_connection_is_retried_then_named(account, settings, caplog):
    port = _closed_port()
    settings.SPOTIFY_API_URL = f"http://127.0.0.1:{port}/v1"
    spotify = for_user(account.user)

    with pytest.raises(SpotifyUnreachable) as caught:
        spotify.current_user()

    assert (
        str(caught.value)
        == f"could not reach Spotify at http://127.0.0.1:{port}: connection refused"
    )
    assert spotify.calls["GET"] == 4  # the first try and SPOTIFY_SERVER_RETRIES more
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []  # urllib3's


def test_a_write_that_never_left_is_tried_again(account, settings):
    settings.SPOTIFY_API_URL = f"http://127.0.0.1:{_closed_port()}/v1"
    spotify = for_user(account.user)

    with pytest.raises(SpotifyUnreachable):
        spotify.create_playlist("never sent")

    assert spotify.calls["POST"] == 4  # nothing reached Spotify: safe to send again


def test_a_refresh_that_cannot_reach_spotify_says_so(account, settings):
    SpotifyAccount.objects.filter(pk=account.pk).update(expires_at=timezone.now())
    port = _closed_port()
    settings.SPOTIFY_ACCOUNTS_URL = f"http://127.0.0.1:{port}/accounts"
    spotify = for_user(account.user)

    with pytest.raises(SpotifyUnreachable, match=f"at http://127.0.0.1:{port}: connection refused"):
        spotify.current_user()

    account.refresh_from_db()
    assert account.status == SpotifyAccount.Status.CONNECTED  # nothing to reconnect


def test_an_answer_that_is_not_json_is_read_again_then_named(spotify, sandbox):
    sandbox.faults.answer("<html><body>Bad gateway</body></html>", count=4)

    with pytest.raises(MalformedAnswer) as caught:
        spotify.current_user()

    assert isinstance(caught.value, SpotifyApiError)  # what jobs retry and the API calls 502
    assert str(caught.value) == (
        "Spotify sent an answer that is not JSON (GET /v1/me, after 3 retries)"
    )
    assert sandbox.stats.total == 4


def test_an_answer_cut_short_is_read_again(spotify, sandbox):
    sandbox.faults.answer('{"items": [{"added_at": "2024-', content_type="application/json")

    pages = list(spotify.pages("me/tracks"))

    assert sum(len(page["items"]) for page in pages) == 120
    assert [status for _, _, status in sandbox.stats.log] == [200, 200, 200, 200]


def test_a_page_without_items_is_named(spotify, sandbox, settings):
    settings.SPOTIFY_SERVER_RETRIES = 1
    sandbox.faults.tamper(lambda page: {**page, "items": None}, count=2)

    with pytest.raises(MalformedAnswer) as caught:
        list(spotify.pages("me/tracks"))

    assert str(caught.value) == (
        "Spotify sent a page without items (GET /v1/me/tracks, after 1 retry)"
    )


def test_a_page_read_ahead_is_checked_too(spotify, sandbox):
    sandbox.faults.tamper(lambda page: {**page, "total": "many"}, count=4, path_prefix="/v1/me/t")
    next(spotify.pages("me/playlists"))  # not under the prefix: untouched

    with pytest.raises(MalformedAnswer, match="a page without its total, offset or limit"):
        list(spotify.pages("me/tracks", prefetch=2))


def test_a_write_answered_with_garbage_is_not_repeated(spotify, sandbox):
    """The write may have been applied: sending it again could add the items twice."""
    playlist = sandbox.state.playlist(sandbox.state.followed["sandbox-user"][0])
    sandbox.faults.answer("<html>", path_prefix=f"/v1/playlists/{playlist.id}/items")

    with pytest.raises(MalformedAnswer, match="not JSON"):
        spotify.add_items(playlist.id, [f"spotify:track:{sandbox.state.catalog.pool[0]}"])
    assert sandbox.stats.writes == 1
