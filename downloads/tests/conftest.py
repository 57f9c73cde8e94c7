import pytest

from downloads.tests.media_server import MediaServer


@pytest.fixture
def media(settings):
    """A loopback media server that the http backend downloads from: /audio/{spotify_id}."""
    server = MediaServer()
    settings.DOWNLOAD_BACKEND = "http"
    settings.DOWNLOAD_URL_TEMPLATE = server.base_url + "/audio/{spotify_id}"
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """The named users are made in every test; the real hasher costs about a second each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
