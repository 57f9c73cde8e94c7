import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trackflow.settings")

application = get_wsgi_application()


def _with_sandbox(django_app, prefix: str = "/sandbox"):
    """Serve the built-in Spotify sandbox under /sandbox/ of this same server."""
    from django.conf import settings

    from spotify_auth.sandbox import create_app

    # only TrackFlow's own callback, as an app registered with Spotify: any other address
    # would make /sandbox/accounts/authorize an open redirect on TrackFlow's origin
    sandbox = create_app(
        liked=settings.SPOTIFY_SANDBOX_TRACKS, redirect_uris=(settings.SPOTIFY_REDIRECT_URI,)
    )

    def dispatch(environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path.startswith(prefix + "/_sandbox"):
            # the fault and reset controls are for tests, not for anyone who can reach us
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"Not found"]
        if path == prefix or path.startswith(prefix + "/"):
            environ = {
                **environ,
                "SCRIPT_NAME": environ.get("SCRIPT_NAME", "") + prefix,
                "PATH_INFO": path[len(prefix) :],
            }
            return sandbox(environ, start_response)
        return django_app(environ, start_response)

    return dispatch


def _sandbox_enabled() -> bool:
    from django.conf import settings

    return settings.SPOTIFY_SANDBOX


if _sandbox_enabled():
    application = _with_sandbox(application)
