"""Sandbox tokens are signed with the client secret, so they survive a restart of the app."""

import pytest

from spotify_auth.sandbox import create_app
from spotify_auth.sandbox.tokens import TokenError
from spotify_auth.sandbox.web import ApiError

CLIENT = "sandbox-client"


def _bearer(token: str) -> str:
    return f"Bearer {token}"


def test_tokens_from_before_a_restart_still_work():
    before = create_app().tokens.issue("sandbox-user")

    restarted = create_app()  # a new process: nothing in memory

    assert restarted.tokens.authenticate(_bearer(before["access_token"])).user == "sandbox-user"
    refreshed = restarted.tokens.refresh(before["refresh_token"], CLIENT)
    assert restarted.tokens.authenticate(_bearer(refreshed["access_token"])).user == "sandbox-user"


def test_another_client_secret_does_not_accept_them():
    token = create_app().tokens.issue("sandbox-user")["access_token"]
    other = create_app(client_secret="another-secret")

    with pytest.raises(ApiError, match="Invalid access token"):
        other.tokens.authenticate(_bearer(token))


def test_a_tampered_token_is_refused():
    tokens = create_app().tokens
    _, _, signature = tokens.issue("sandbox-user")["access_token"].partition(".")
    forged = tokens.issue("other-user")["access_token"].split(".")[0] + "." + signature

    with pytest.raises(ApiError, match="Invalid access token"):
        tokens.authenticate(_bearer(forged))


def test_a_refresh_token_is_not_an_access_token():
    tokens = create_app().tokens

    with pytest.raises(ApiError, match="Invalid access token"):
        tokens.authenticate(_bearer(tokens.issue("sandbox-user")["refresh_token"]))


def test_an_explicit_reset_refuses_earlier_tokens():
    app = create_app()
    before = app.tokens.issue("sandbox-user")

    app.reset()

    with pytest.raises(ApiError, match="expired"):
        app.tokens.authenticate(_bearer(before["access_token"]))
    with pytest.raises(TokenError, match="revoked"):
        app.tokens.refresh(before["refresh_token"], CLIENT)


def test_a_rotated_refresh_token_is_spent_once():
    app = create_app(rotate_refresh_tokens=True)
    first = app.tokens.issue("sandbox-user")["refresh_token"]

    app.tokens.refresh(first, CLIENT)

    with pytest.raises(TokenError, match="revoked"):
        app.tokens.refresh(first, CLIENT)
