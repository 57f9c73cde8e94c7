"""Authorization codes, access tokens and refresh tokens, as Spotify's Accounts service keeps them.

Codes are single-use and bound to their redirect_uri; access tokens expire after `ttl`
seconds; refresh tokens live until revoked, or until spent when `rotate` is on.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass

from .web import ApiError

ALL_SCOPES = (
    "user-read-private user-read-email user-library-read user-library-modify "
    "playlist-read-private playlist-read-collaborative playlist-modify-public "
    "playlist-modify-private"
)
CODE_TTL = 600


class TokenError(Exception):
    """An OAuth error answer: {"error": ..., "error_description": ...}."""

    def __init__(self, error: str, description: str, status: int = 400):
        super().__init__(description)
        self.error, self.description, self.status = error, description, status


@dataclass
class Grant:
    user: str
    scope: str
    client_id: str
    expires_at: float = 0.0  # codes and access tokens only
    redirect_uri: str = ""  # codes only
    revoked: bool = False  # refresh tokens only

    @property
    def scopes(self) -> set[str]:
        return set(self.scope.split())


class TokenStore:
    def __init__(self, clients: dict[str, str], ttl: int = 3600, rotate: bool = False):
        self.clients = dict(clients)
        self.ttl = ttl  # seconds; set it low to hand out nearly-expired tokens
        self.rotate = rotate  # each refresh spends the refresh token and returns a new one
        self._codes: dict[str, Grant] = {}
        self._access: dict[str, Grant] = {}
        self._refresh: dict[str, Grant] = {}
        self._lock = threading.Lock()

    def check_client(self, client_id: str, secret: str) -> None:
        """Raise invalid_client unless the pair was configured."""
        if client_id not in self.clients:
            raise TokenError("invalid_client", "Invalid client", 401)
        if not secrets.compare_digest(self.clients[client_id].encode(), secret.encode()):
            raise TokenError("invalid_client", "Invalid client secret", 401)

    def new_code(self, user: str, client_id: str, redirect_uri: str, scope: str) -> str:
        code = secrets.token_urlsafe(32)
        with self._lock:
            self._codes[code] = Grant(user, scope, client_id, time.time() + CODE_TTL, redirect_uri)
        return code

    def redeem_code(self, code: str, client_id: str, redirect_uri: str) -> dict:
        """Exchange a code for tokens; the code is spent whatever the outcome."""
        with self._lock:
            grant = self._codes.pop(code, None)
        if grant is None or grant.client_id != client_id:
            raise TokenError("invalid_grant", "Invalid authorization code")
        if grant.expires_at < time.time():
            raise TokenError("invalid_grant", "Authorization code expired")
        if grant.redirect_uri != redirect_uri:
            raise TokenError("invalid_grant", "Invalid redirect URI")
        return self.issue(grant.user, grant.scope, client_id)

    def refresh(self, refresh_token: str, client_id: str) -> dict:
        with self._lock:
            grant = self._refresh.get(refresh_token)
            if grant is None or grant.client_id != client_id:
                raise TokenError("invalid_grant", "Invalid refresh token")
            if grant.revoked:
                raise TokenError("invalid_grant", "Refresh token revoked")
            grant.revoked = self.rotate
        # Spotify leaves refresh_token out of the answer when the old one stays valid.
        return self.issue(grant.user, grant.scope, client_id, with_refresh=self.rotate)

    def issue(
        self, user: str, scope: str = ALL_SCOPES, client_id: str = "", with_refresh: bool = True
    ) -> dict:
        """Mint tokens as the token endpoint answers; tests call it to skip the OAuth dance
        (client_id defaults to the first configured client)."""
        client_id = client_id or next(iter(self.clients))
        access = secrets.token_urlsafe(48)
        answer = {
            "access_token": access,
            "token_type": "Bearer",
            "scope": scope,
            "expires_in": self.ttl,
        }
        with self._lock:
            self._access[access] = Grant(user, scope, client_id, time.time() + self.ttl)
            if with_refresh:
                answer["refresh_token"] = secrets.token_urlsafe(48)
                self._refresh[answer["refresh_token"]] = Grant(user, scope, client_id)
        return answer

    def authenticate(self, authorization: str) -> Grant:
        """The grant behind an `Authorization: Bearer ...` header, or the 401 Spotify gives."""
        scheme, _, token = authorization.partition(" ")
        if not authorization:
            raise ApiError(401, "No token provided")
        grant = self._access.get(token) if scheme.lower() == "bearer" else None
        if grant is None:
            raise ApiError(401, "Invalid access token")
        if grant.expires_at <= time.time():
            raise ApiError(401, "The access token expired")
        return grant

    def expire_all(self) -> None:
        """Every access token issued so far answers 401 "The access token expired" from now."""
        with self._lock:
            for grant in self._access.values():
                grant.expires_at = 0.0

    def revoke(self, user: str) -> None:
        """The user's refresh tokens answer invalid_grant from now (as after "remove access")."""
        with self._lock:
            for grant in self._refresh.values():
                if grant.user == user:
                    grant.revoked = True
