"""The OAuth sign-in: a single-use `state` bound to the session, the code exchange at
SPOTIFY_ACCOUNTS_URL, and the account stored with its tokens encrypted.

spotipy's helpers neither check `state` nor keep tokens anywhere we want them; here they do.
"""

import secrets
from collections.abc import Mapping
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from spotipy.cache_handler import MemoryCacheHandler
from spotipy.oauth2 import SpotifyOauthError

from .auth import SpotifyAuth
from .client import TrackFlowSpotify, make_session
from .errors import SignInUnavailable, SpotifyApiError
from .models import SpotifyAccount

STATE_KEY = "spotify_oauth_state"
LOOPBACK_HOSTS = ("127.0.0.1", "::1")


class OAuthFailed(Exception):
    """The sign-in did not complete; the message is for the person who tried."""


def redirect_uri_problem(uri: str | None = None) -> str | None:
    """Spotify accepts HTTPS or plain HTTP to a loopback literal; it refuses `localhost`."""
    uri = uri or settings.SPOTIFY_REDIRECT_URI
    parts = urlsplit(uri)
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS):
        return None
    hint = "http://127.0.0.1:8000/spotify/callback/"
    if parts.hostname == "localhost":
        return f"SPOTIFY_REDIRECT_URI uses localhost, which Spotify refuses: use {hint}"
    return f"SPOTIFY_REDIRECT_URI must be https:// or {hint}-style loopback, got {uri}"


def start(session) -> str:
    """A fresh state in the session (replacing any older one) and the URL to send the user to."""
    state = secrets.token_urlsafe(24)
    session[STATE_KEY] = state
    return SpotifyAuth(MemoryCacheHandler()).get_authorize_url(state=state)


def check_state(
    session, received: str | None, start_again: str = "start again from “Connect Spotify”"
) -> None:
    """Spend the session's state; it must equal the one Spotify sent back.

    `start_again` tells the person how, where they are (the page, or a command)."""
    expected = session.pop(STATE_KEY, None)
    if not expected or not received or not secrets.compare_digest(expected, received):
        raise OAuthFailed(
            "This sign-in link is stale or was opened in another browser, so it was refused. "
            f"Nothing was stored: {start_again}."
        )


def finish(user, params: Mapping[str, str]) -> SpotifyAccount:
    """Handle what Spotify sent to the callback (after check_state)."""
    error = params.get("error")
    if error == "access_denied":
        raise OAuthFailed("You declined access on Spotify. Nothing was stored.")
    if error:
        raise OAuthFailed(f"Spotify reported an error ({error}). Nothing was stored.")
    if not params.get("code"):
        raise OAuthFailed("Spotify sent no authorization code. Nothing was stored: start again.")
    return connect(user, params["code"])


def connect(user, code: str) -> SpotifyAccount:
    """Exchange the code, ask Spotify who this is, and store (or renew) the account."""
    session = make_session()
    auth = SpotifyAuth(MemoryCacheHandler(), session)
    try:
        auth.get_access_token(code, as_dict=False, check_cache=False)
        token_info = auth.cache_handler.get_cached_token()
        me = TrackFlowSpotify(StaticToken(token_info["access_token"]), session).current_user()
    except SpotifyOauthError as exc:
        raise OAuthFailed(
            f"Spotify did not accept the sign-in ({exc.error or 'error'}). "
            "Nothing was stored: start again."
        ) from None
    except SignInUnavailable as exc:
        raise OAuthFailed(
            f"Spotify's sign-in service is unavailable ({exc.short}); try connecting again in "
            "a minute. Nothing was stored."
        ) from None
    except (SpotifyApiError, requests.RequestException):
        raise OAuthFailed("Spotify could not be reached. Nothing was stored: try again.") from None
    return store(user, token_info, me)


def store(user, token_info: dict, me: dict) -> SpotifyAccount:
    with transaction.atomic():
        account = SpotifyAccount.objects.select_for_update().filter(user=user).first()
        if account is None or account.spotify_user_id != me["id"]:
            account = account or SpotifyAccount(user=user)
            account.liked_fingerprint = ""  # another Spotify account: read its likes afresh
        account.spotify_user_id = me["id"]
        account.display_name = me.get("display_name") or ""
        account.status, account.status_reason = SpotifyAccount.Status.CONNECTED, ""
        account.connected_at = timezone.now()
        account.set_tokens(token_info)
        account.save()
    return account


class StaticToken:
    """An auth manager for one known access token (the sign-in's first call)."""

    def __init__(self, access_token: str):
        self.access_token = access_token

    def get_access_token(self, as_dict: bool = False) -> str:
        return self.access_token
