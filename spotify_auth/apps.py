import logging

from django.apps import AppConfig
from django.core import checks


class SpotifyAuthConfig(AppConfig):
    name = "spotify_auth"
    verbose_name = "Spotify"

    def ready(self) -> None:
        from trackflow.logging import RedactSecrets

        # spotipy logs token requests (code, refresh token, Basic credentials) at DEBUG;
        # a filter on its loggers rewrites them before any handler, caplog included, sees them.
        for name in ("spotipy", "spotipy.oauth2", "spotipy.client", "spotipy.util"):
            logging.getLogger(name).addFilter(RedactSecrets())
        checks.register(check_redirect_uri)


def check_redirect_uri(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    from .oauth import redirect_uri_problem

    problem = redirect_uri_problem()
    return [checks.Error(problem, id="spotify_auth.E001")] if problem else []
