"""spotipy auth managers pointed at SPOTIFY_ACCOUNTS_URL, with tokens kept on SpotifyAccount.

spotipy's own refresh would let two workers spend one refresh token (the second then gets
invalid_grant when Spotify rotates it). AccountAuth refreshes under the account's row lock
(SELECT ... FOR UPDATE on PostgreSQL; on SQLite the IMMEDIATE transaction takes the write
lock) and adopts a token another worker refreshed meanwhile.

A failing Accounts service (5xx, 429) or an answer that is not a token raises
SignInUnavailable, which jobs retry; spotipy would raise an OAuth error quoting the body, or
take a cut-off answer for a failed connection.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from spotipy.cache_handler import CacheHandler
from spotipy.oauth2 import SpotifyOAuth, SpotifyOauthError

from . import crypto
from .errors import ReconnectRequired, SignInUnavailable, unreachable
from .models import SpotifyAccount

# Reading the library and writing playlists; user-read-private gives /me its display name.
SCOPES = (
    "user-read-private user-library-read playlist-read-private playlist-read-collaborative "
    "playlist-modify-public playlist-modify-private"
)
UNDECRYPTABLE = "the stored tokens cannot be decrypted (TRACKFLOW_ENCRYPTION_KEY changed)"


class SpotifyAuth(SpotifyOAuth):
    """SpotifyOAuth against SPOTIFY_ACCOUNTS_URL that keeps the scope Spotify granted."""

    def __init__(self, cache_handler: CacheHandler, session: requests.Session | None = None):
        super().__init__(
            client_id=settings.SPOTIFY_CLIENT_ID,
            client_secret=settings.SPOTIFY_CLIENT_SECRET,
            redirect_uri=settings.SPOTIFY_REDIRECT_URI,
            scope=SCOPES,
            cache_handler=cache_handler,
            requests_session=session or True,
            requests_timeout=settings.SPOTIFY_REQUEST_TIMEOUT,
            open_browser=False,
        )
        self.OAUTH_AUTHORIZE_URL = f"{settings.SPOTIFY_ACCOUNTS_URL}/authorize"
        self.OAUTH_TOKEN_URL = f"{settings.SPOTIFY_ACCOUNTS_URL}/api/token"

    def get_access_token(self, code=None, as_dict: bool = True, check_cache: bool = True):
        with self._token_answer():
            return super().get_access_token(code, as_dict, check_cache)

    def refresh_access_token(self, refresh_token: str) -> dict:
        with self._token_answer():
            return super().refresh_access_token(refresh_token)

    @contextmanager
    def _token_answer(self) -> Iterator[None]:
        """A success answer that is not JSON is the service failing, not the connection."""
        try:
            yield
        except requests.JSONDecodeError:
            raise self._unavailable(200, "sent an answer that is not JSON") from None

    def _handle_oauth_error(self, http_error: requests.HTTPError) -> None:
        """An OAuth error (invalid_grant, invalid_client …) is spotipy's SpotifyOauthError;
        a failing service, or an error answer in no OAuth shape, is SignInUnavailable."""
        status = http_error.response.status_code
        if status >= 500 or status == 429 or not _oauth_error(http_error.response):
            raise self._unavailable(status) from None
        super()._handle_oauth_error(http_error)

    def _unavailable(self, status: int, problem: str | None = None) -> SignInUnavailable:
        return SignInUnavailable(urlsplit(self.OAUTH_TOKEN_URL).path, status, problem)

    def _add_custom_values_to_token_info(self, token_info: dict) -> dict:
        if not (
            isinstance(token_info, dict)
            and isinstance(token_info.get("access_token"), str)
            and token_info["access_token"]
            and type(token_info.get("expires_in")) is int
        ):
            raise self._unavailable(200, "sent an answer without a token")
        granted = token_info.get("scope")
        token_info = super()._add_custom_values_to_token_info(token_info)
        if granted is not None:  # spotipy would store the scope we asked for instead
            token_info["scope"] = granted
        return token_info


class AccountTokenCache(CacheHandler):
    """spotipy's cache interface over one SpotifyAccount, with a decrypted copy in memory."""

    def __init__(self, account: SpotifyAccount, token_info: dict):
        self.account = account
        self.token_info = token_info

    def get_cached_token(self) -> dict:
        return self.token_info

    def save_token_to_cache(self, token_info: dict) -> None:
        changed = self.account.set_tokens(token_info)
        self.account.save(update_fields=changed)
        self.token_info = token_info


class AccountAuth(SpotifyAuth):
    """The auth manager of one account: a valid access token, refreshed before it expires."""

    cache_handler: AccountTokenCache

    def __init__(self, account: SpotifyAccount, session: requests.Session | None = None):
        self.account_id = account.pk
        self.refresh_count = 0
        super().__init__(AccountTokenCache(account, readable_tokens(account)), session)

    def get_access_token(self, code=None, as_dict: bool = False, check_cache: bool = True):
        token_info = self.cache_handler.get_cached_token()
        if self.is_token_expired(token_info):
            token_info = self.refresh(token_info["access_token"])
        return token_info if as_dict else token_info["access_token"]

    def refresh(self, stale_access_token: str) -> dict:
        """A fresh token. Called when ours expires or Spotify refused it (401)."""
        with transaction.atomic():
            account = SpotifyAccount.objects.select_for_update().get(pk=self.account_id)
            if account.status != SpotifyAccount.Status.CONNECTED:
                raise ReconnectRequired(
                    f"reconnect Spotify: {account.status_reason or 'access lost'}"
                )
            try:
                current = account.token_info()
            except crypto.UndecryptableToken:
                problem = UNDECRYPTABLE
            else:
                if current["access_token"] != stale_access_token and not self.is_token_expired(
                    current
                ):
                    # another worker refreshed while we waited for the lock
                    self.cache_handler.account, self.cache_handler.token_info = account, current
                    return current
                self.cache_handler.account = account
                try:
                    self.refresh_count += 1
                    return self.refresh_access_token(current["refresh_token"])
                except requests.RequestException as exc:
                    raise unreachable("POST", self.OAUTH_TOKEN_URL, exc) from None
                except SpotifyOauthError as exc:
                    if exc.error != "invalid_grant":
                        raise
                    problem = "Spotify revoked TrackFlow's access"
        # outside the transaction, so the mark is not rolled back with it
        mark_needs_reconnect(self.account_id, problem)
        raise ReconnectRequired(f"reconnect Spotify: {problem}")


def _oauth_error(response: requests.Response) -> bool:
    """Whether an error answer is in OAuth's shape: {"error": "invalid_grant", …}."""
    try:
        body = response.json()
    except ValueError:
        return False
    return isinstance(body, dict) and isinstance(body.get("error"), str)


def readable_tokens(account: SpotifyAccount) -> dict:
    """The account's tokens, or ReconnectRequired when it cannot be used."""
    if account.status != SpotifyAccount.Status.CONNECTED:
        raise ReconnectRequired(f"reconnect Spotify: {account.status_reason or 'access lost'}")
    try:
        return account.token_info()
    except crypto.UndecryptableToken:
        mark_needs_reconnect(account.pk, UNDECRYPTABLE)
        raise ReconnectRequired(f"reconnect Spotify: {UNDECRYPTABLE}") from None


def mark_needs_reconnect(account_id: int, reason: str) -> None:
    """Mark a connected account; one marked already keeps its first reason (a revoked account
    must reconnect even after its tokens open again, see services.rotate_tokens)."""
    connected = SpotifyAccount.objects.filter(pk=account_id, status=SpotifyAccount.Status.CONNECTED)
    connected.update(
        status=SpotifyAccount.Status.NEEDS_RECONNECT,
        status_reason=reason[:300],
        updated_at=timezone.now(),
    )


def require_connected(user) -> None:
    """ReconnectRequired unless `user` has a connected account: asked before queueing work
    that could only fail, so the caller hears it now (a 409) rather than from a failed job."""
    account = SpotifyAccount.objects.filter(user=user).first()
    if account is None:
        raise ReconnectRequired("connect Spotify first")
    if account.status != SpotifyAccount.Status.CONNECTED:
        raise ReconnectRequired(f"reconnect Spotify: {account.status_reason or 'access lost'}")
