"""Tokens and the client secret never appear in API answers, admin pages or logs."""

import base64
import logging

import pytest
from django.test import Client

from spotify_auth.models import ImportJob, SpotifyAccount

from .conftest import approve, query_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(sandbox) -> list[str]:
    """Every token the sandbox hands out from now on, plus the client's credentials."""
    secrets = ["sandbox-secret", base64.b64encode(b"sandbox-client:sandbox-secret").decode()]
    issue = sandbox.tokens.issue

    def recording(*args, **kwargs):
        answer = issue(*args, **kwargs)
        secrets.extend(v for k, v in answer.items() if k.endswith("_token"))
        return answer

    sandbox.tokens.issue = recording
    return secrets


def _sign_in(user, sandbox, issued) -> Client:
    browser = Client(HTTP_HOST="127.0.0.1:8000")
    browser.force_login(user)
    redirect = approve(browser.get("/spotify/login/")["Location"])
    issued.append(query_of(redirect)["code"])
    assert browser.get(redirect, follow=True).status_code == 200
    return browser


def test_no_secret_reaches_the_logs_during_sign_in_refresh_and_import(
    owner, sandbox, issued, import_now, caplog
):
    caplog.set_level(logging.DEBUG)
    for name in ("spotipy", "urllib3", "django", "spotify_auth", "requests"):
        caplog.set_level(logging.DEBUG, logger=name)
    _sign_in(owner, sandbox, issued)
    SpotifyAccount.objects.update(expires_at="2000-01-01T00:00:00Z")  # force a refresh

    import_now(owner)

    assert sandbox.stats.count("POST", "/accounts/api/token") == 2  # exchange, refresh
    assert len(issued) == 6  # 2 credentials, a code, 2 tokens, then one refreshed access token
    assert "Sending POST request" in caplog.text  # spotipy did log its token requests...
    for secret in issued:
        assert secret not in caplog.text  # ...with every secret redacted


def test_no_secret_in_any_api_answer(owner, owner_api, sandbox, issued, import_now):
    _sign_in(owner, sandbox, issued)
    import_now(owner, ["liked", "all-playlists"])
    job_id = ImportJob.objects.first().pk

    answers = [
        owner_api.get(path).content.decode()
        for path in (
            "/api/spotify/account/",
            "/api/spotify/playlists/",
            "/api/jobs/",
            f"/api/jobs/{job_id}/",
            "/api/schema/",
        )
    ]
    answers.append(owner_api.post("/api/spotify/import/", {}, format="json").content.decode())

    for secret in issued:
        assert all(secret not in answer for answer in answers)


def test_no_secret_on_any_admin_page(owner, staff, sandbox, issued, import_now):
    owner.is_staff = owner.is_superuser = True
    owner.save()
    _sign_in(owner, sandbox, issued)
    import_now(owner, ["liked"])
    admin = Client()
    admin.force_login(owner)
    account, job = SpotifyAccount.objects.get(), ImportJob.objects.get()

    pages = [
        admin.get(url)
        for url in (
            "/admin/spotify_auth/spotifyaccount/",
            f"/admin/spotify_auth/spotifyaccount/{account.pk}/change/",
            "/admin/spotify_auth/importjob/",
            f"/admin/spotify_auth/importjob/{job.pk}/change/",
        )
    ]

    assert [page.status_code for page in pages] == [200, 200, 200, 200]
    html = "".join(page.content.decode() for page in pages)
    assert "sandbox-user" in html
    assert "access_token" not in html and "refresh_token" not in html
    for secret in [*issued, account.access_token_encrypted, account.refresh_token_encrypted]:
        assert secret not in html
