"""The sandbox's Accounts service: authorize, code exchange, refresh, expiry, revocation."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import spotipy
from spotipy.cache_handler import MemoryCacheHandler

CLIENT = ("sandbox-client", "sandbox-secret")
REDIRECT = "http://127.0.0.1:8000/spotify/callback/"
SCOPE = "user-library-read playlist-read-private"


# `sandbox` (the root conftest): 120 liked tracks, 4 playlists of 40 per user, on loopback.


@pytest.fixture
def base_url(sandbox):
    return sandbox.base_url


def authorize(base_url: str, **params: str) -> requests.Response:
    query = {"client_id": CLIENT[0], "response_type": "code", "redirect_uri": REDIRECT}
    query |= {"state": "s1", "scope": SCOPE} | params
    return requests.get(f"{base_url}/accounts/authorize", params=query, allow_redirects=False)


def redirected(answer: requests.Response) -> dict[str, str]:
    assert answer.status_code == 302, answer.text
    location = answer.headers["Location"]
    assert location.startswith(REDIRECT)
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def exchange(base_url: str, code: str, redirect_uri: str = REDIRECT, auth=CLIENT):
    body = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
    return requests.post(f"{base_url}/accounts/api/token", data=body, auth=auth)


def refresh(base_url: str, refresh_token: str) -> requests.Response:
    body = {"grant_type": "refresh_token", "refresh_token": refresh_token}
    return requests.post(f"{base_url}/accounts/api/token", data=body, auth=CLIENT)


def connect(base_url: str, user: str = "sandbox-user") -> dict:
    code = redirected(authorize(base_url, auto="approve", user=user))["code"]
    return exchange(base_url, code).json()


def me(base_url: str, access_token: str) -> requests.Response:
    return requests.get(f"{base_url}/v1/me", headers={"Authorization": f"Bearer {access_token}"})


def test_the_approve_page_offers_each_user_and_deny(sandbox, base_url):
    page = authorize(base_url)
    assert page.status_code == 200
    links = {
        k: html.unescape(v) for k, v in re.findall(r'<a id="([^"]+)" href="([^"]+)"', page.text)
    }
    assert set(links) == {"approve-sandbox-user", "approve-other-user", "deny"}
    approved = redirected(requests.get(links["approve-other-user"], allow_redirects=False))
    assert approved["state"] == "s1"
    tokens = exchange(base_url, approved["code"]).json()
    assert me(base_url, tokens["access_token"]).json()["id"] == "other-user"
    denied = redirected(requests.get(links["deny"], allow_redirects=False))
    assert denied == {"error": "access_denied", "state": "s1"}


def test_auto_approve_skips_the_page_and_answers_like_spotify(sandbox, base_url):
    tokens = connect(base_url)
    assert set(tokens) == {"access_token", "token_type", "scope", "expires_in", "refresh_token"}
    assert (tokens["token_type"], tokens["scope"], tokens["expires_in"]) == ("Bearer", SCOPE, 3600)
    assert me(base_url, tokens["access_token"]).json()["id"] == "sandbox-user"


@pytest.mark.parametrize(
    ("redirect_uri", "allowed"),
    [
        ("http://127.0.0.1:8000/spotify/callback/", True),
        ("http://[::1]:8000/spotify/callback/", True),
        ("https://trackflow.example/spotify/callback/", True),
        ("http://localhost:8000/spotify/callback/", False),
        ("http://trackflow.example/spotify/callback/", False),
        ("", False),
    ],
)
def test_redirect_uris_must_be_https_or_a_loopback_literal(base_url, redirect_uri, allowed):
    answer = authorize(base_url, redirect_uri=redirect_uri, auto="approve")
    assert answer.status_code == (302 if allowed else 400)
    if not allowed:
        assert "Insecure redirect URI" in answer.text


def test_an_unknown_client_is_refused_at_authorize(base_url):
    assert authorize(base_url, client_id="nobody", auto="approve").status_code == 400


def test_a_code_works_once(sandbox, base_url):
    code = redirected(authorize(base_url, auto="approve"))["code"]
    assert exchange(base_url, code).status_code == 200
    again = exchange(base_url, code)
    assert again.status_code == 400
    assert again.json() == {
        "error": "invalid_grant",
        "error_description": "Invalid authorization code",
    }


def test_the_redirect_uri_must_match_the_one_authorized(sandbox, base_url):
    code = redirected(authorize(base_url, auto="approve"))["code"]
    answer = exchange(base_url, code, redirect_uri="http://127.0.0.1:9999/other/")
    assert (answer.status_code, answer.json()["error"]) == (400, "invalid_grant")


def test_client_credentials_may_come_in_the_body(sandbox, base_url):
    code = redirected(authorize(base_url, auto="approve"))["code"]
    body = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
    body |= {"client_id": CLIENT[0], "client_secret": CLIENT[1]}
    assert requests.post(f"{base_url}/accounts/api/token", data=body).status_code == 200


def test_a_wrong_secret_is_an_invalid_client(sandbox, base_url):
    code = redirected(authorize(base_url, auto="approve"))["code"]
    answer = exchange(base_url, code, auth=(CLIENT[0], "wrong"))
    assert (answer.status_code, answer.json()["error"]) == (401, "invalid_client")


def test_an_unknown_grant_type_is_refused(base_url):
    answer = requests.post(f"{base_url}/accounts/api/token", data={"grant_type": "x"}, auth=CLIENT)
    assert answer.json()["error"] == "unsupported_grant_type"


def test_refreshing_without_rotation_keeps_the_refresh_token(sandbox, base_url):
    tokens = connect(base_url)
    first = refresh(base_url, tokens["refresh_token"]).json()
    assert "refresh_token" not in first
    assert me(base_url, first["access_token"]).status_code == 200
    assert refresh(base_url, tokens["refresh_token"]).status_code == 200


def test_refreshing_with_rotation_spends_the_refresh_token(sandbox, base_url):
    sandbox.tokens.rotate = True
    tokens = connect(base_url)
    rotated = refresh(base_url, tokens["refresh_token"]).json()
    assert rotated["refresh_token"] != tokens["refresh_token"]
    spent = refresh(base_url, tokens["refresh_token"])
    assert (spent.status_code, spent.json()) == (
        400,
        {"error": "invalid_grant", "error_description": "Refresh token revoked"},
    )
    assert refresh(base_url, rotated["refresh_token"]).status_code == 200


def test_a_revoked_refresh_token_is_an_invalid_grant(sandbox, base_url):
    tokens = connect(base_url)
    sandbox.tokens.revoke("sandbox-user")
    answer = refresh(base_url, tokens["refresh_token"])
    assert answer.json()["error_description"] == "Refresh token revoked"


def test_an_expired_access_token_answers_401_until_refreshed(sandbox, base_url):
    sandbox.tokens.ttl = 0  # tokens are born expired
    tokens = connect(base_url)
    assert me(base_url, tokens["access_token"]).json() == {
        "error": {"status": 401, "message": "The access token expired"}
    }
    sandbox.tokens.ttl = 3600
    assert me(base_url, refresh(base_url, tokens["refresh_token"]).json()["access_token"]).ok


def test_spotipy_can_log_in_refresh_and_read_through_the_sandbox(sandbox, base_url):
    oauth = spotipy.SpotifyOAuth(
        *CLIENT, REDIRECT, scope=SCOPE, cache_handler=MemoryCacheHandler(), open_browser=False
    )
    oauth.OAUTH_AUTHORIZE_URL = f"{base_url}/accounts/authorize"
    oauth.OAUTH_TOKEN_URL = f"{base_url}/accounts/api/token"
    approve = requests.get(oauth.get_authorize_url() + "&auto=approve", allow_redirects=False)
    code = redirected(approve)["code"]
    oauth.get_access_token(code, as_dict=False, check_cache=False)
    token = oauth.refresh_access_token(oauth.cache_handler.get_cached_token()["refresh_token"])
    client = spotipy.Spotify(auth=token["access_token"], retries=0)
    client.prefix = f"{base_url}/v1/"
    page = client.current_user_saved_tracks(limit=20)
    assert len(page["items"] + client.next(page)["items"]) == 40
    assert client.current_user()["id"] == "sandbox-user"
