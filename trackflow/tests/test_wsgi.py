"""In sandbox mode the web server also serves the fake Spotify under /sandbox/."""

from wsgiref.util import setup_testing_defaults

import pytest

from trackflow.wsgi import _with_sandbox


def call(app, path: str, method: str = "GET", query: str = "") -> tuple[str, bytes]:
    environ = {"PATH_INFO": path, "REQUEST_METHOD": method, "QUERY_STRING": query}
    setup_testing_defaults(environ)
    answer = {}

    def start_response(status, headers):
        answer["status"] = status
        answer["headers"] = dict(headers)

    body = b"".join(app(environ, start_response))
    return answer["status"], body


@pytest.fixture
def app():
    def django_app(environ, start_response):
        start_response("200 OK", [])
        return [b"django:" + environ["PATH_INFO"].encode()]

    return _with_sandbox(django_app)


def test_sandbox_paths_reach_the_sandbox_and_others_reach_django(app):
    status, body = call(app, "/sandbox/v1/me")
    assert status.startswith("401") and b"No token provided" in body
    assert call(app, "/admin/") == ("200 OK", b"django:/admin/")


def test_the_sandbox_controls_are_not_served_to_the_public(app):
    status, body = call(app, "/sandbox/_sandbox/reset", "POST")
    assert status.startswith("404")


def test_the_sandbox_signs_in_only_to_trackflows_own_callback(app, settings):
    base = "client_id=sandbox-client&response_type=code&auto=approve&redirect_uri="

    elsewhere = call(app, "/sandbox/accounts/authorize", query=base + "https://evil.example/x")
    home = call(app, "/sandbox/accounts/authorize", query=base + settings.SPOTIFY_REDIRECT_URI)

    assert elsewhere[0].startswith("400") and b"Invalid redirect URI" in elsewhere[1]
    assert home[0].startswith("302")
