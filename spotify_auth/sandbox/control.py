"""Control endpoints under /_sandbox/, to steer a sandbox that runs in another process.

    POST /_sandbox/faults         {"status": 429, "count": 2, "retry_after": 1,
                                   "reason": "QUOTA_EXCEEDED", "path_prefix": "/v1/me/tracks"}
                                  or {"body": "<html>…", "status": 200, "content_type": "…"}
                                  (that body instead of the answer), or {"merge": {"items":
                                  null}} (the answer, with those top-level keys replaced),
                                  or {"clear": true}
    POST /_sandbox/tokens/expire  every access token answers 401 "The access token expired"
    POST /_sandbox/tokens/revoke  {"user": "sandbox-user"}: refresh tokens get invalid_grant
    POST /_sandbox/settings       {"token_ttl": 5, "rotate_refresh_tokens": true}
    POST /_sandbox/reset          fresh data from the seed; no faults, no counts, no tokens
    GET  /_sandbox/stats          {"total", "writes", "counts": {"GET /v1/me/tracks": 3, ...}}

They take no token and are never faulted or counted: the sandbox only listens on loopback.
"""

from __future__ import annotations

from .web import ApiError, Request, Response, json_response


def faults(app, req: Request) -> Response:
    body = req.json()
    if body.get("clear"):
        app.faults.clear()
        return json_response(req, {"pending": 0})
    if "body" in body or "merge" in body:
        return _garble(app, req, body)
    status, count = body.get("status"), body.get("count", 1)
    prefix, retry_after = body.get("path_prefix", "/v1/"), body.get("retry_after")
    if not (_int(status) and 400 <= status <= 599 and _int(count) and count > 0):
        raise ApiError(400, "status must be 400-599 and count a positive integer")
    if not isinstance(prefix, str) or not (retry_after is None or _int(retry_after)):
        raise ApiError(400, "path_prefix must be a string and retry_after an integer")
    reason = body.get("reason")
    app.faults.fail(status, count, prefix, retry_after, str(reason) if reason else None)
    return json_response(req, {"pending": app.faults.pending})


def _garble(app, req: Request, body: dict) -> Response:
    """A fault that answers with a fixed body, or edits the answer's JSON."""
    status, count = body.get("status", 200), body.get("count", 1)
    prefix = body.get("path_prefix", "/v1/")
    if not (_int(status) and 200 <= status <= 599 and _int(count) and count > 0):
        raise ApiError(400, "status must be 200-599 and count a positive integer")
    if not isinstance(prefix, str):
        raise ApiError(400, "path_prefix must be a string")
    if "body" in body:
        raw, kind = body["body"], body.get("content_type", "text/html; charset=utf-8")
        if not isinstance(raw, str) or not isinstance(kind, str):
            raise ApiError(400, "body and content_type must be strings")
        app.faults.answer(raw, count, prefix, status, kind)
    else:
        merge = body["merge"]
        if not isinstance(merge, dict):
            raise ApiError(400, "merge must be an object")
        app.faults.tamper(lambda data: {**data, **merge}, count, prefix)
    return json_response(req, {"pending": app.faults.pending})


def expire_tokens(app, req: Request) -> Response:
    app.tokens.expire_all()
    return json_response(req, {})


def revoke_tokens(app, req: Request) -> Response:
    user = req.json().get("user")
    if user not in app.users:
        raise ApiError(400, f"user must be one of {', '.join(app.users)}")
    app.tokens.revoke(user)
    return json_response(req, {})


def settings(app, req: Request) -> Response:
    body = req.json()
    if "token_ttl" in body:
        if not _int(body["token_ttl"]):
            raise ApiError(400, "token_ttl must be an integer")
        app.tokens.ttl = body["token_ttl"]
    if "rotate_refresh_tokens" in body:
        app.tokens.rotate = bool(body["rotate_refresh_tokens"])
    return json_response(
        req, {"token_ttl": app.tokens.ttl, "rotate_refresh_tokens": app.tokens.rotate}
    )


def reset(app, req: Request) -> Response:
    app.reset()
    return json_response(req, {})


def stats(app, req: Request) -> Response:
    return json_response(req, app.stats.as_dict())


def _int(value: object) -> bool:
    return type(value) is int
