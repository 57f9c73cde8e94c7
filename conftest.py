"""Project-wide fixtures: named users, API clients, and django-q2 in sync mode."""

import pytest
from django.core.cache import cache
from django_q.conf import Conf
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def _isolate(settings, tmp_path):
    """Each test: empty cache (throttles), its own MEDIA_ROOT, queued tasks run inline.

    Passwords use a fast hasher: PBKDF2's deliberate slowness costs seconds per test.
    """
    cache.clear()
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    sync, Conf.SYNC = Conf.SYNC, True
    yield
    Conf.SYNC = sync


@pytest.fixture
def owner(django_user_model):
    return django_user_model.objects.create_user("owner", password="owner-pass-1")


@pytest.fixture
def member(django_user_model):
    return django_user_model.objects.create_user("member", password="member-pass-1")


@pytest.fixture
def stranger(django_user_model):
    return django_user_model.objects.create_user("stranger", password="stranger-pass-1")


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("staff", password="staff-pass-1", is_staff=True)


@pytest.fixture
def api():
    """An API client; log in with `api.force_authenticate(user)`."""
    return APIClient()


@pytest.fixture
def owner_api(owner):
    client = APIClient()
    client.force_authenticate(owner)
    return client


@pytest.fixture
def stranger_api(stranger):
    client = APIClient()
    client.force_authenticate(stranger)
    return client


@pytest.fixture
def sandbox(settings):
    """A Spotify sandbox served on a loopback port, with TrackFlow's settings pointed at it.

    The app object is yielded: tests reach into `.state`, `.faults`, `.stats`, `.tokens`;
    `.base_url` is where it listens.
    """
    from spotify_auth.sandbox import create_app, start

    app = create_app(seed=1, liked=120, playlists=4, playlist_size=40)
    base_url, stop = start(app)
    app.base_url = base_url
    settings.SPOTIFY_SANDBOX = True
    settings.SPOTIFY_API_URL = f"{base_url}/v1"
    settings.SPOTIFY_ACCOUNTS_URL = f"{base_url}/accounts"
    settings.SPOTIFY_CLIENT_ID, settings.SPOTIFY_CLIENT_SECRET = "sandbox-client", "sandbox-secret"
    settings.DOWNLOAD_URL_TEMPLATE = f"{base_url}/audio/{{spotify_id}}.wav"
    yield app
    stop()


@pytest.fixture
def browser():
    """Headless Chromium (Debian's chromium and chromium-driver) driven by Selenium.

    .ci/run installs both; elsewhere the test is skipped with how to install them, except
    under CI, where a missing browser fails.
    """
    import os
    import shutil

    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not (chromium and driver):
        message = "headless Chromium is missing: apt-get install chromium chromium-driver"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
        "--window-size=1280,1000",
    ):
        options.add_argument(flag)
    chrome = webdriver.Chrome(service=Service(driver), options=options)
    chrome.implicitly_wait(5)
    yield chrome
    chrome.quit()
