"""In sandbox mode the web server also serves the fake Spotify under /sandbox/."""

from wsgiref.util import setup_testing_defaults

import pytest

from trackflow.wsgi import _with_sandbox


def call(app, path: str, method: str = "GET") -> tuple[str, bytes]:
    environ = {"PATH_INFO": path, "REQUEST_METHOD": method}
    setup_testing_defaults(environ)
    answer = {}

    def start_response(status, headers):
        answer["status"] = status

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
