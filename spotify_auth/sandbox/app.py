"""SandboxApp: the WSGI callable, its routes, and create_app.

Paths are matched on PATH_INFO, so the app works at the root of its own server or mounted
under a prefix (SCRIPT_NAME) inside another WSGI app; every URL it emits starts with the
request's own host and SCRIPT_NAME.
"""

from __future__ import annotations

import re
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus

from . import accounts, api_library, api_playlists, control, media
from .faults import Faults
from .state import Rejected, SandboxState
from .stats import Stats
from .tokens import TokenStore
from .web import ApiError, Request, Response, error_response


@dataclass(frozen=True)
class Route:
    method: str
    template: str
    handler: Callable[..., Response]
    auth: bool  # needs a bearer token
    pattern: re.Pattern

    @classmethod
    def of(cls, method: str, template: str, handler, auth: bool = True) -> Route:
        parts = re.split(r"\{(\w+)\}", template)  # literal, name, literal, name, ...
        regex = "".join(
            f"(?P<{part}>[^/]+?)" if i % 2 else re.escape(part) for i, part in enumerate(parts)
        )
        return cls(method, template, handler, auth, re.compile(regex))


_PLAYLIST = "/v1/playlists/{playlist_id}"
ROUTES = [
    Route.of("GET", "/accounts/authorize", accounts.authorize, auth=False),
    Route.of("POST", "/accounts/api/token", accounts.token, auth=False),
    Route.of("GET", "/v1/me", api_library.me),
    Route.of("GET", "/v1/users/{user_id}", api_library.user),
    Route.of("GET", "/v1/me/tracks", api_library.saved_tracks),
    Route.of("GET", "/v1/tracks/{track_id}", api_library.track),
    Route.of("GET", "/v1/albums/{album_id}", api_library.album),
    Route.of("GET", "/v1/artists/{artist_id}", api_library.artist),
    Route.of("GET", "/v1/me/playlists", api_playlists.my_playlists),
    Route.of("POST", "/v1/me/playlists", api_playlists.create_playlist),
    Route.of("GET", _PLAYLIST, api_playlists.get_playlist),
    Route.of("PUT", _PLAYLIST, api_playlists.change_details),
    Route.of("GET", _PLAYLIST + "/items", api_playlists.get_items),
    Route.of("POST", _PLAYLIST + "/items", api_playlists.add_items),
    Route.of("PUT", _PLAYLIST + "/items", api_playlists.update_items),
    Route.of("DELETE", _PLAYLIST + "/items", api_playlists.remove_items),
    Route.of("DELETE", _PLAYLIST + "/followers", api_playlists.unfollow),
    *(
        Route.of(method, _PLAYLIST + "/tracks", api_playlists.old_tracks_path)
        for method in ("GET", "POST", "PUT", "DELETE")
    ),
    Route.of("GET", "/audio/{track_id}.wav", media.audio, auth=False),
    Route.of("GET", "/images/{key}.png", media.image, auth=False),
    Route.of("POST", "/_sandbox/faults", control.faults, auth=False),
    Route.of("POST", "/_sandbox/tokens/expire", control.expire_tokens, auth=False),
    Route.of("POST", "/_sandbox/tokens/revoke", control.revoke_tokens, auth=False),
    Route.of("POST", "/_sandbox/settings", control.settings, auth=False),
    Route.of("POST", "/_sandbox/reset", control.reset, auth=False),
    Route.of("GET", "/_sandbox/stats", control.stats, auth=False),
]


@dataclass(frozen=True)
class Options:
    seed: int = 1
    liked: int = 200
    playlists: int = 8
    playlist_size: int = 60
    users: tuple[str, ...] = ("sandbox-user", "other-user")
    clients: tuple[tuple[str, str], ...] = (("sandbox-client", "sandbox-secret"),)
    rotate_refresh_tokens: bool = False
    token_ttl: int = 3600
    # the client's registered redirect URIs, as Spotify keeps them; empty: any it would allow
    redirect_uris: tuple[str, ...] = ()


class SandboxApp:
    """The WSGI app. Tests reach into `state` (library), `tokens`, `faults` and `stats`."""

    def __init__(self, options: Options):
        self.options = options
        self.users = options.users
        self.faults = Faults()
        self.stats = Stats()
        self.reset()

    def reset(self) -> None:
        """Back to the seed's data, with no tokens, faults or counts.

        Tokens are signed, so a new process (a restart) accepts the ones an earlier one
        issued; an explicit reset refuses every token issued before it.
        """
        o = self.options
        self.state = SandboxState.generate(o.seed, o.users, o.liked, o.playlists, o.playlist_size)
        not_before = time.time() if hasattr(self, "tokens") else 0.0
        self.tokens = TokenStore(
            dict(o.clients), o.token_ttl, o.rotate_refresh_tokens, not_before=not_before
        )
        self.faults.clear()
        self.stats.reset()

    def __call__(self, environ: dict, start_response: Callable) -> list[bytes]:
        req = Request(environ)
        status, headers, body = self.handle(req)
        headers = [*headers, ("Content-Length", str(len(body)))]
        start_response(f"{status} {HTTPStatus(status).phrase}", headers)
        return [b"" if req.method == "HEAD" else body]

    def handle(self, req: Request) -> Response:
        """Route, apply a pending fault (instead of the handler, or to its answer),
        authenticate, run the handler; count the request."""
        route, counted = None, not req.path.startswith("/_sandbox/")
        try:
            route, params = _match(req)
            fault = self.faults.take(req.path) if counted else None
            if fault and not fault.edits:
                response = fault.answer()
            else:
                if route.auth:
                    req.grant = self.tokens.authenticate(req.header("Authorization"))
                response = route.handler(self, req, **params)
                if fault:
                    response = fault.edit(response)
        except ApiError as api_error:
            response = error_response(req, api_error)
        except Rejected as rejected:
            response = error_response(req, ApiError(400, str(rejected)))
        except Exception:  # a sandbox bug: say so in Spotify's shape, and on stderr
            traceback.print_exc(file=sys.stderr)
            response = error_response(req, ApiError(500, "Server error."))
        if counted:
            self.stats.record(req.method, route.template if route else "?", response[0])
        return response


def _match(req: Request) -> tuple[Route, dict[str, str]]:
    """The route for this method and path (HEAD runs GET), or a 404/405 ApiError."""
    method = "GET" if req.method == "HEAD" else req.method
    path_known = False
    for route in ROUTES:
        found = route.pattern.fullmatch(req.path)
        if found and route.method == method:
            return route, found.groupdict()
        path_known = path_known or bool(found)
    raise ApiError(405, "Method not allowed") if path_known else ApiError(404, "Service not found")


def create_app(
    seed: int = 1,
    liked: int = 200,
    playlists: int = 8,
    playlist_size: int = 60,
    users: tuple[str, ...] = ("sandbox-user", "other-user"),
    client_id: str = "sandbox-client",
    client_secret: str = "sandbox-secret",
    rotate_refresh_tokens: bool = False,
    token_ttl: int = 3600,
    extra_clients: dict[str, str] | None = None,
    redirect_uris: tuple[str, ...] = (),
) -> SandboxApp:
    """A sandbox whose data depends on the seed and sizes only.

    Each user gets `liked` saved tracks and `playlists` playlists of `playlist_size`
    entries, plus an empty playlist, a collaborative one (owned by "sandbox-friend") and a
    followed one owned by "spotify" whose items answer 403.
    """
    options = Options(
        seed=seed,
        liked=liked,
        playlists=playlists,
        playlist_size=playlist_size,
        users=tuple(users),
        clients=((client_id, client_secret), *(extra_clients or {}).items()),
        rotate_refresh_tokens=rotate_refresh_tokens,
        token_ttl=token_ttl,
        redirect_uris=tuple(redirect_uris),
    )
    return SandboxApp(options)
