"""A fake Spotify (Web API and Accounts service) as a plain WSGI app, for tests and demos.

    from spotify_auth.sandbox import create_app, running
    app = create_app(seed=1, liked=200)
    with running(app) as base_url:   # SPOTIFY_API_URL = base_url + "/v1"
        ...                          # SPOTIFY_ACCOUNTS_URL = base_url + "/accounts"

No Django and nothing outside the standard library at run time.
"""

from .app import SandboxApp, create_app
from .server import running, serve_forever, start
from .tokens import ALL_SCOPES

__all__ = ["ALL_SCOPES", "SandboxApp", "create_app", "running", "serve_forever", "start"]
