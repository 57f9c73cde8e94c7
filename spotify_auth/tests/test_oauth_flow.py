"""The sign-in through the sandbox with Django's test client: success and every failure."""

import pytest
from django.test import Client

from spotify_auth.models import SpotifyAccount

from .conftest import approve, query_of

pytestmark = pytest.mark.django_db
CALLBACK = "/spotify/callback/"


@pytest.fixture
def browser(owner, sandbox) -> Client:
    """Signed in to TrackFlow on the redirect URI's host (http://127.0.0.1:8000)."""
    client = Client(HTTP_HOST="127.0.0.1:8000")
    client.force_login(owner)
    return client


def _start(browser: Client) -> str:
    answer = browser.get("/spotify/login/")
    assert answer.status_code == 302
    return answer["Location"]


def test_the_whole_sign_in_stores_the_account(browser, owner, sandbox):
    authorize_url = _start(browser)
    params = query_of(authorize_url)
    redirect = approve(authorize_url)

    answer = browser.get(redirect)
    page = browser.get(answer["Location"])

    assert authorize_url.startswith(f"{sandbox.base_url}/accounts/authorize?")
    assert params["redirect_uri"] == "http://127.0.0.1:8000/spotify/callback/"
    assert "playlist-modify-private" in params["scope"].split()
    assert answer["Location"] == "/spotify/result/"  # the code leaves the address bar
    assert page.status_code == 200
    assert "Signed in to Spotify as <strong>Sandbox User</strong>" in page.content.decode()
    assert page.content.decode().count("<h1>") == 1  # one heading, not the frame's as well
    account = SpotifyAccount.objects.get(user=owner)
    assert (account.spotify_user_id, account.status) == ("sandbox-user", "connected")
    assert "user-library-read" in account.scope_list
    assert account.token_info()["access_token"]


def test_the_state_is_single_use(browser, owner, sandbox):
    redirect = approve(_start(browser))
    browser.get(redirect, follow=True)
    SpotifyAccount.objects.all().delete()

    replayed = browser.get(redirect, follow=True)

    assert replayed.status_code == 400
    assert "stale or was opened in another browser" in replayed.content.decode()
    assert not SpotifyAccount.objects.exists()


def test_a_state_mismatch_stores_nothing(browser, sandbox):
    redirect = approve(_start(browser))
    code = query_of(redirect)["code"]

    page = browser.get(CALLBACK, follow=True, data={"code": code, "state": "forged"})

    assert page.status_code == 400
    assert "Nothing was stored" in page.content.decode()
    assert not SpotifyAccount.objects.exists()
    assert sandbox.stats.count("POST", "/accounts/api/token") == 0  # the code was not spent


def test_a_callback_without_any_login_started_is_refused(browser):
    page = browser.get(CALLBACK, follow=True, data={"code": "abc", "state": "abc"})

    assert page.status_code == 400
    assert not SpotifyAccount.objects.exists()


def test_declining_on_spotify_says_so_and_stores_nothing(browser):
    redirect = approve(_start(browser), decision="deny")

    page = browser.get(redirect, follow=True)

    assert query_of(redirect)["error"] == "access_denied"
    assert page.status_code == 400
    assert "You declined access on Spotify. Nothing was stored." in page.content.decode()
    assert not SpotifyAccount.objects.exists()


def test_a_missing_code_stores_nothing(browser):
    state = query_of(_start(browser))["state"]

    page = browser.get(CALLBACK, follow=True, data={"state": state})

    assert page.status_code == 400
    assert "no authorization code" in page.content.decode()


def test_a_code_spotify_rejects_stores_nothing(browser, sandbox):
    state = query_of(_start(browser))["state"]

    page = browser.get(CALLBACK, follow=True, data={"state": state, "code": "not-a-code"})

    assert page.status_code == 400
    assert "Spotify did not accept the sign-in (invalid_grant)" in page.content.decode()
    assert not SpotifyAccount.objects.exists()


@pytest.mark.parametrize(
    ("status", "body", "shown"),
    [
        (503, None, "(503)"),
        (200, "<html>Maintenance</html>", "(it sent an answer that is not JSON)"),
    ],
)
def test_a_sign_in_service_out_of_order_says_try_again_in_a_minute(
    browser, sandbox, status, body, shown
):
    redirect = approve(_start(browser))
    token = "/accounts/api/token"
    if body is None:
        sandbox.faults.server_error(status=status, path_prefix=token)
    else:
        sandbox.faults.answer(body, path_prefix=token, status=status)

    page = browser.get(redirect, follow=True)

    assert page.status_code == 400
    assert (
        f"Spotify&#x27;s sign-in service is unavailable {shown}; try connecting again in a "
        "minute. Nothing was stored."
    ) in page.content.decode()
    assert not SpotifyAccount.objects.exists()


def test_a_localhost_redirect_uri_is_refused_with_a_clear_page(browser, settings, sandbox):
    settings.SPOTIFY_REDIRECT_URI = "http://localhost:8000/spotify/callback/"

    page = browser.get("/spotify/login/")

    assert page.status_code == 500
    assert "uses localhost, which Spotify refuses" in page.content.decode()
    assert sandbox.stats.total == 0


def test_login_moves_to_the_callbacks_host_first(owner, sandbox):
    """127.0.0.1 and localhost keep separate cookies: the state must live where we return."""
    client = Client(HTTP_HOST="localhost:8000")
    client.force_login(owner)

    answer = client.get("/spotify/login/")

    assert answer["Location"] == "http://127.0.0.1:8000/spotify/login/"


def test_signing_in_needs_a_trackflow_login(sandbox):
    answer = Client(HTTP_HOST="127.0.0.1:8000").get("/spotify/login/")

    assert answer.status_code == 302
    assert answer["Location"] == "/accounts/login/?next=/spotify/login/"
