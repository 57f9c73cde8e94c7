"""A fake Spotify (Web API and Accounts service) as a plain WSGI app, for tests and demos.

    from spotify_auth.sandbox import create_app, running
    app = create_app(seed=1, liked=200)
    with running(app) as base_url:   # SPOTIFY_API_URL = base_url + "/v1"
        ...                          # SPOTIFY_ACCOUNTS_URL = base_url + "/accounts"

URLs, relative to wherever the app is mounted (SCRIPT_NAME is honoured):

    /accounts/authorize, /accounts/api/token    OAuth code flow; `auto=approve[&user=U]` or
                                                `auto=deny` skips the approve page
    /v1/me, /v1/me/tracks, /v1/me/playlists, /v1/playlists/{id}[/items|/followers],
    /v1/tracks/{id}, /v1/albums/{id}, /v1/artists/{id}, /v1/users/{id}
    /audio/{track id}.wav, /images/{id}.png     small real media files
    /_sandbox/...                               control endpoints (see control.py)

No Django and nothing outside the standard library at run time.
"""

from .app import SandboxApp, create_app
from .server import CannotServe, running, serve_forever, start
from .tokens import ALL_SCOPES

__all__ = [
    "ALL_SCOPES",
    "CannotServe",
    "SandboxApp",
    "create_app",
    "running",
    "serve_forever",
    "start",
]
