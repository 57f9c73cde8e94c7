"""Authorization codes, access tokens and refresh tokens, as Spotify's Accounts service keeps them.

Codes are single-use and bound to their redirect_uri; access tokens expire after `ttl`
seconds; refresh tokens live until revoked, or until spent when `rotate` is on.

Tokens carry their grant, signed with a key derived from the client's secret, so they stay
valid when the sandbox restarts (`make run` restarted: nobody has to reconnect). What lives
only in memory is what a restart forgets: codes, expire_all, revocations and spent refresh
tokens; an explicit reset (`not_before`) forgets every token issued before it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
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
    def __init__(
        self,
        clients: dict[str, str],
        ttl: int = 3600,
        rotate: bool = False,
        not_before: float = 0.0,
    ):
        self.clients = dict(clients)
        self.ttl = ttl  # seconds; set it low to hand out nearly-expired tokens
        self.rotate = rotate  # each refresh spends the refresh token and returns a new one
        self._codes: dict[str, Grant] = {}
        self._expired_before = not_before  # access tokens issued earlier answer "expired"
        self._revoked_before = {"": not_before}  # user ("" for all) -> refresh tokens revoked
        self._spent: set[str] = set()  # nonces of rotated-away refresh tokens
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
        claims = self._open(refresh_token, "refresh")
        if claims is None or claims["c"] != client_id:
            raise TokenError("invalid_grant", "Invalid refresh token")
        with self._lock:
            revoked_before = max(self._revoked_before[""], self._revoked_before.get(claims["u"], 0))
            if claims["i"] <= revoked_before or claims["n"] in self._spent:
                raise TokenError("invalid_grant", "Refresh token revoked")
            if self.rotate:
                self._spent.add(claims["n"])
        # Spotify leaves refresh_token out of the answer when the old one stays valid.
        return self.issue(claims["u"], claims["s"], client_id, with_refresh=self.rotate)

    def issue(
        self, user: str, scope: str = ALL_SCOPES, client_id: str = "", with_refresh: bool = True
    ) -> dict:
        """Mint tokens as the token endpoint answers; tests call it to skip the OAuth dance
        (client_id defaults to the first configured client)."""
        client_id = client_id or next(iter(self.clients))
        now = time.time()
        answer = {
            "access_token": self._seal("access", user, scope, client_id, now, now + self.ttl),
            "token_type": "Bearer",
            "scope": scope,
            "expires_in": self.ttl,
        }
        if with_refresh:
            answer["refresh_token"] = self._seal("refresh", user, scope, client_id, now)
        return answer

    def authenticate(self, authorization: str) -> Grant:
        """The grant behind an `Authorization: Bearer ...` header, or the 401 Spotify gives."""
        scheme, _, token = authorization.partition(" ")
        if not authorization:
            raise ApiError(401, "No token provided")
        claims = self._open(token, "access") if scheme.lower() == "bearer" else None
        if claims is None:
            raise ApiError(401, "Invalid access token")
        if claims["e"] <= time.time() or claims["i"] <= self._expired_before:
            raise ApiError(401, "The access token expired")
        return Grant(claims["u"], claims["s"], claims["c"], claims["e"])

    def expire_all(self) -> None:
        """Every access token issued so far answers 401 "The access token expired" from now."""
        with self._lock:
            self._expired_before = time.time()

    def revoke(self, user: str) -> None:
        """The user's refresh tokens answer invalid_grant from now (as after "remove access")."""
        with self._lock:
            self._revoked_before[user] = time.time()

    # Signed tokens: base64(claims) "." base64(HMAC-SHA256 of the claims)

    def _seal(self, kind, user, scope, client_id, issued, expires=0.0) -> str:
        claims = {"k": kind, "u": user, "s": scope, "c": client_id, "i": issued, "e": expires}
        claims["n"] = secrets.token_urlsafe(12)
        body = _b64(json.dumps(claims, separators=(",", ":")).encode())
        return f"{body}.{_b64(self._signature(client_id, body))}"

    def _open(self, token: str, kind: str) -> dict | None:
        """The claims of a token this sandbox signed (before any restart), or None."""
        body, _, signature = token.partition(".")
        try:
            claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
            expected = self._signature(claims["c"], body)
        except (ValueError, KeyError, TypeError):
            return None
        if not hmac.compare_digest(_b64(expected), signature) or claims.get("k") != kind:
            return None
        return claims

    def _signature(self, client_id: str, body: str) -> bytes:
        secret = self.clients[client_id].encode()
        key = hashlib.sha256(b"spotify-sandbox-tokens:" + secret).digest()
        return hmac.new(key, body.encode(), hashlib.sha256).digest()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
