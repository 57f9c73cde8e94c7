"""Plain-WSGI request and response helpers, shaped after Spotify's answers."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlencode
from wsgiref.util import application_uri

from .data import BASE

Response = tuple[int, list[tuple[str, str]], bytes]
JSON = "application/json; charset=utf-8"


class ApiError(Exception):
    """An error answer in the Web API's shape: {"error": {"status", "message"[, "reason"]}}."""

    def __init__(self, status: int, message: str, headers=(), reason: str | None = None):
        super().__init__(message)
        self.status, self.message, self.reason = status, message, reason
        self.headers = list(headers)

    def body(self) -> dict:
        error = {"status": self.status, "message": self.message}
        if self.reason:
            error["reason"] = self.reason
        return {"error": error}


class Request:
    """What a handler needs from the WSGI environ; `base` is where the sandbox is mounted."""

    def __init__(self, environ: dict):
        self.environ = environ
        self.method = environ["REQUEST_METHOD"]
        # Spotify ignores a final slash (spotipy asks for "me/")
        self.path = (environ.get("PATH_INFO") or "/").rstrip("/") or "/"
        self.base = application_uri(environ).rstrip("/")
        self.query = dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
        self.grant = None  # set by the app for routes that need a bearer token

    @property
    def user(self) -> str:
        return self.grant.user

    def header(self, name: str) -> str:
        return self.environ.get("HTTP_" + name.upper().replace("-", "_"), "")

    def body(self) -> bytes:
        length = int(self.environ.get("CONTENT_LENGTH") or 0)
        return self.environ["wsgi.input"].read(length) if length > 0 else b""

    def json(self, allow_list: bool = False) -> dict | list:
        """The JSON object body ({} when there is none), or a list if `allow_list`."""
        raw = self.body()
        try:
            data = json.loads(raw) if raw.strip() else {}
        except ValueError:
            raise ApiError(400, "Error parsing JSON.") from None
        if not isinstance(data, dict) and not (allow_list and isinstance(data, list)):
            raise ApiError(400, "Error parsing JSON.")
        return data

    def form(self) -> dict[str, str]:
        return dict(parse_qsl(self.body().decode("utf-8", "replace"), keep_blank_values=True))

    def int_arg(self, name: str, default: int, low: int, high: int) -> int:
        """An integer query argument in [low, high]; 400 "Invalid <name>" otherwise."""
        raw = self.query.get(name)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise ApiError(400, f"Invalid {name}") from None
        if not low <= value <= high:
            raise ApiError(400, f"Invalid {name}")
        return value

    def require_scope(self, *any_of: str) -> None:
        if not self.grant.scopes.intersection(any_of):
            raise ApiError(403, "Insufficient client scope")


def json_response(req: Request, data: object, status: int = 200, headers=()) -> Response:
    """Serialize once, then point every sandbox URL at wherever this request came in."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    body = text.replace(BASE, req.base).encode()
    return status, [("Content-Type", JSON), *headers], body


def error_response(req: Request, error: ApiError) -> Response:
    return json_response(req, error.body(), error.status, error.headers)


def empty_response(status: int = 200) -> Response:
    return status, [("Content-Type", JSON)], b""


def paging(
    path: str, items: list, total: int, offset: int, limit: int, query: dict | None = None
) -> dict:
    """Spotify's paging object. Links keep the request's other arguments, as Spotify's do."""
    extra = {k: v for k, v in (query or {}).items() if k not in ("offset", "limit")}

    def link(at: int) -> str:
        return f"{BASE}{path}?{urlencode({'offset': at, 'limit': limit, **extra})}"

    return {
        "href": link(offset),
        "items": items,
        "limit": limit,
        "next": link(offset + limit) if offset + limit < total else None,
        "offset": offset,
        "previous": link(max(0, offset - limit)) if offset > 0 else None,
        "total": total,
    }
