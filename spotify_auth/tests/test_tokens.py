"""Tokens: encrypted at rest, refreshed before expiry under a lock, rotation kept, revocation."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from spotify_auth import crypto
from spotify_auth.client import for_user
from spotify_auth.errors import ReconnectRequired, SignInUnavailable, SpotifyApiError
from spotify_auth.models import SpotifyAccount

from .conftest import connect_account

pytestmark = pytest.mark.django_db
TOKEN = ("POST", "/accounts/api/token")


def _expire(account: SpotifyAccount) -> None:
    SpotifyAccount.objects.filter(pk=account.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )


def test_tokens_are_stored_encrypted(account):
    tokens = account.token_info()
    row = SpotifyAccount.objects.filter(pk=account.pk).values().get()

    for column in ("access_token_encrypted", "refresh_token_encrypted"):
        assert tokens["access_token"] not in row[column]
        assert tokens["refresh_token"] not in row[column]
    assert crypto.decrypt(row["refresh_token_encrypted"]) == tokens["refresh_token"]


def test_an_expiring_token_is_refreshed_before_the_call(account, sandbox):
    _expire(account)
    old = account.token_info()

    me = for_user(account.user).current_user()

    account.refresh_from_db()
    assert me["id"] == "sandbox-user"
    assert sandbox.stats.count(*TOKEN) == 1
    assert account.token_info()["access_token"] != old["access_token"]
    assert account.token_info()["refresh_token"] == old["refresh_token"]  # not rotated
    assert account.expires_at > timezone.now() + timedelta(minutes=50)


def test_a_rotated_refresh_token_is_kept(account, sandbox):
    sandbox.tokens.rotate = True
    _expire(account)
    old = account.token_info()

    for_user(account.user).current_user()
    account.refresh_from_db()
    rotated = account.token_info()["refresh_token"]
    _expire(account)
    for_user(account.user).current_user()  # works only with the rotated token

    assert rotated != old["refresh_token"]
    assert sandbox.stats.count(*TOKEN) == 2
    account.refresh_from_db()
    assert account.status == SpotifyAccount.Status.CONNECTED


def test_a_token_refused_mid_use_is_refreshed_once(spotify, sandbox):
    spotify.current_user()
    sandbox.tokens.expire_all()  # Spotify says "expired" although our clock says not yet

    assert spotify.current_user()["id"] == "sandbox-user"
    assert sandbox.stats.count(*TOKEN) == 1
    assert [s for _, _, s in sandbox.stats.log] == [200, 401, 200, 200]


def test_a_revoked_refresh_token_asks_the_user_to_reconnect(account, sandbox):
    sandbox.tokens.revoke("sandbox-user")
    _expire(account)

    with pytest.raises(ReconnectRequired, match="reconnect Spotify"):
        for_user(account.user).current_user()

    account.refresh_from_db()
    assert account.status == SpotifyAccount.Status.NEEDS_RECONNECT
    with pytest.raises(ReconnectRequired, match="reconnect Spotify"):
        for_user(account.user)


@pytest.mark.parametrize(
    ("fault", "said"),
    [
        ({"status": 503, "body": None}, "answered 503"),
        ({"status": 500, "body": "<html>Internal error</html>"}, "answered 500"),
        (
            {"status": 200, "body": "<html>Welcome to the hotel Wi-Fi</html>"},
            "sent an answer that is not JSON",
        ),
        ({"status": 200, "body": '{"token_type": "Bearer"}'}, "sent an answer without a token"),
    ],
)
def test_a_failing_sign_in_service_is_tried_again_later(account, sandbox, fault, said):
    _expire(account)
    token = "/accounts/api/token"
    if fault["body"] is None:
        sandbox.faults.server_error(status=fault["status"], path_prefix=token)
    else:
        sandbox.faults.answer(fault["body"], path_prefix=token, status=fault["status"])

    with pytest.raises(SignInUnavailable) as caught:
        for_user(account.user).current_user()

    assert isinstance(caught.value, SpotifyApiError)  # retried by jobs, a 502 in the API
    assert str(caught.value) == f"Spotify's sign-in service {said}; trying again later"
    account.refresh_from_db()
    assert account.status == SpotifyAccount.Status.CONNECTED  # nothing to reconnect
    assert for_user(account.user).current_user()["id"] == "sandbox-user"  # and later it works


def test_tokens_no_key_opens_ask_the_user_to_reconnect(account, settings):
    settings.SECRET_KEY = "another secret key, so another derived encryption key"

    with pytest.raises(ReconnectRequired, match="cannot be decrypted"):
        for_user(account.user)

    account.refresh_from_db()
    assert account.status == SpotifyAccount.Status.NEEDS_RECONNECT


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_refreshes_spend_the_refresh_token_once(sandbox, owner):
    sandbox.tokens.rotate = True  # a second spend of the same refresh token would fail
    account = connect_account(sandbox, owner)
    _expire(account)
    clients = [for_user(owner), for_user(owner)]  # both hold the expired token
    barrier, results, errors = threading.Barrier(2), [], []

    def refresh(client) -> None:
        try:
            barrier.wait()
            results.append(client.auth_manager.get_access_token())
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=refresh, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    account.refresh_from_db()
    assert errors == []
    assert sandbox.stats.count(*TOKEN) == 1
    assert results[0] == results[1] == account.token_info()["access_token"]
    assert sum(c.auth_manager.refresh_count for c in clients) == 1
    assert account.status == SpotifyAccount.Status.CONNECTED
