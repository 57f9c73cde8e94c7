"""The sandbox's fault switches, from a test and through the /_sandbox control endpoints."""

from __future__ import annotations

import pytest
import requests

from spotify_auth.sandbox.tokens import TokenError

USER = "sandbox-user"


# `sandbox` (the root conftest): 120 liked tracks, 4 playlists of 40 per user, on loopback.


@pytest.fixture
def base_url(sandbox):
    return sandbox.base_url


@pytest.fixture
def session(sandbox):
    session = requests.Session()
    session.headers["Authorization"] = "Bearer " + sandbox.tokens.issue(USER)["access_token"]
    return session


def test_rate_limits_answer_429_with_retry_after_then_recover(sandbox, base_url, session):
    sandbox.faults.rate_limit(count=2, retry_after=1)
    for _ in range(2):
        answer = session.get(f"{base_url}/v1/me/tracks")
        assert (answer.status_code, answer.headers["Retry-After"]) == (429, "1")
        assert answer.json() == {"error": {"status": 429, "message": "API rate limit exceeded"}}
    assert session.get(f"{base_url}/v1/me/tracks").status_code == 200
    assert sandbox.faults.pending == 0


def test_a_quota_429_carries_the_reason_and_a_long_wait(sandbox, base_url, session):
    sandbox.faults.rate_limit(retry_after=3600, quota=True)
    answer = session.get(f"{base_url}/v1/me/tracks")
    assert answer.headers["Retry-After"] == "3600"
    assert answer.json()["error"]["reason"] == "QUOTA_EXCEEDED"


def test_a_fault_only_hits_paths_under_its_prefix(sandbox, base_url, session):
    sandbox.faults.rate_limit(path_prefix="/v1/me/tracks")
    assert session.get(f"{base_url}/v1/me").status_code == 200
    assert session.get(f"{base_url}/v1/me/tracks").status_code == 429


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_answer_in_spotifys_shape(sandbox, base_url, session, status):
    sandbox.faults.server_error(status=status)
    answer = session.get(f"{base_url}/v1/me")
    assert (answer.status_code, answer.json()["error"]["status"]) == (status, status)
    assert session.get(f"{base_url}/v1/me").status_code == 200


def test_the_token_endpoint_can_fail_too(sandbox, base_url):
    sandbox.faults.server_error(status=503, path_prefix="/accounts/api/token")
    body = {
        "grant_type": "refresh_token",
        "refresh_token": sandbox.tokens.issue(USER)["refresh_token"],
    }
    answer = requests.post(
        f"{base_url}/accounts/api/token", data=body, auth=sandbox.options.clients[0]
    )
    assert answer.status_code == 503


def test_an_answer_can_be_swapped_for_any_body(sandbox, base_url, session):
    sandbox.faults.answer("<html><body>Gateway</body></html>", path_prefix="/v1/me/tracks")

    answer = session.get(f"{base_url}/v1/me/tracks")

    assert (answer.status_code, answer.headers["Content-Type"]) == (200, "text/html; charset=utf-8")
    assert answer.text == "<html><body>Gateway</body></html>"
    assert session.get(f"{base_url}/v1/me/tracks").json()["total"] == 120  # one turn only
    assert [status for *_, status in sandbox.stats.log] == [200, 200]


def test_an_answer_can_be_served_then_tampered_with(sandbox, base_url, session):
    sandbox.faults.tamper(lambda page: {**page, "items": None}, path_prefix="/v1/me/tracks")

    page = session.get(f"{base_url}/v1/me/tracks?limit=5").json()

    assert page["items"] is None
    assert (page["total"], page["limit"]) == (120, 5)  # the rest as the handler made it
    assert len(session.get(f"{base_url}/v1/me/tracks?limit=5").json()["items"]) == 5


def test_the_control_endpoint_garbles_answers_too(sandbox, base_url, session):
    control = f"{base_url}/_sandbox/faults"
    cut = {"body": '{"items": [', "content_type": "application/json", "count": 1}
    assert requests.post(control, json=cut).json() == {"pending": 1}
    assert session.get(f"{base_url}/v1/me").text == '{"items": ['

    assert requests.post(control, json={"merge": {"items": None}}).json() == {"pending": 1}
    assert session.get(f"{base_url}/v1/me/playlists").json()["items"] is None
    assert requests.post(control, json={"merge": [1]}).status_code == 400


def test_expiring_all_tokens_makes_every_call_401_until_refreshed(sandbox, base_url, session):
    tokens = sandbox.tokens.issue(USER)
    sandbox.tokens.expire_all()
    answer = session.get(f"{base_url}/v1/me")
    assert answer.json() == {"error": {"status": 401, "message": "The access token expired"}}
    fresh = sandbox.tokens.refresh(tokens["refresh_token"], sandbox.options.clients[0][0])
    headers = {"Authorization": f"Bearer {fresh['access_token']}"}
    assert requests.get(f"{base_url}/v1/me", headers=headers).status_code == 200


def test_faulted_requests_are_counted(sandbox, base_url, session):
    sandbox.faults.rate_limit()
    session.get(f"{base_url}/v1/me/tracks")
    session.get(f"{base_url}/v1/me/tracks")
    assert sandbox.stats.count("GET", "/v1/me/tracks") == 2
    assert [status for *_, status in sandbox.stats.log] == [429, 200]


def test_the_control_endpoints_steer_a_sandbox_in_another_process(sandbox, base_url, session):
    control = f"{base_url}/_sandbox"
    fault = {"status": 429, "count": 1, "retry_after": 7, "reason": "QUOTA_EXCEEDED"}
    assert requests.post(f"{control}/faults", json=fault).json() == {"pending": 1}
    answer = session.get(f"{base_url}/v1/me")
    assert (answer.status_code, answer.headers["Retry-After"]) == (429, "7")
    assert requests.post(f"{control}/faults", json={"status": 200}).status_code == 400

    requests.post(f"{control}/tokens/expire")
    assert session.get(f"{base_url}/v1/me").status_code == 401

    refresh_token = sandbox.tokens.issue(USER)["refresh_token"]
    requests.post(f"{control}/tokens/revoke", json={"user": USER})
    with pytest.raises(TokenError, match="Refresh token revoked"):
        sandbox.tokens.refresh(refresh_token, sandbox.options.clients[0][0])

    settings = {"token_ttl": 5, "rotate_refresh_tokens": True}
    assert requests.post(f"{control}/settings", json=settings).json() == settings
    assert (sandbox.tokens.ttl, sandbox.tokens.rotate) == (5, True)

    stats = requests.get(f"{control}/stats").json()
    assert stats["counts"] == {"GET /v1/me": 2} and stats["total"] == 2  # control calls: not

    sandbox.state.delete_playlist(sandbox.state.followed[USER][0])
    requests.post(f"{control}/reset")
    assert sandbox.stats.total == 0 and sandbox.tokens.ttl == 3600
    assert len(sandbox.state.followed[USER]) == 4 + 3
