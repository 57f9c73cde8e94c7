"""The Accounts service: GET /accounts/authorize and POST /accounts/api/token.

/authorize shows an approve page with one "Approve as <user>" link per sandbox user and a
"Deny" link. Scripts and tests skip the page by adding `auto=approve` (optionally
`user=<id>`, default the first user) or `auto=deny`: the answer is then the 302 itself.
"""

from __future__ import annotations

import base64
import binascii
from html import escape
from urllib.parse import urlencode, urlsplit

from .tokens import TokenError
from .web import Request, Response, json_response

LOOPBACK_HOSTS = ("127.0.0.1", "::1")


def redirect_uri_allowed(uri: str) -> bool:
    """Spotify's rule: HTTPS, or plain HTTP to a loopback literal; `localhost` is refused."""
    parts = urlsplit(uri)
    if parts.fragment or not parts.hostname:
        return False
    return parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS)


def authorize(app, req: Request) -> Response:
    query = req.query
    redirect_uri, state = query.get("redirect_uri", ""), query.get("state")
    if query.get("client_id") not in app.tokens.clients:
        return _page(400, "INVALID_CLIENT: Invalid client")
    if not redirect_uri_allowed(redirect_uri):
        return _page(400, "INVALID_CLIENT: Insecure redirect URI")
    registered = app.options.redirect_uris
    if registered and redirect_uri not in registered:  # else an open redirect on our origin
        return _page(400, "INVALID_CLIENT: Invalid redirect URI")
    if query.get("response_type") != "code":
        return _redirect(redirect_uri, error="unsupported_response_type", state=state)
    decision, user = query.get("auto"), query.get("user") or app.users[0]
    if decision is None:
        return _approve_page(req, app.users)
    if user not in app.users:
        return _page(400, f"No sandbox user {user!r}; choose one of {', '.join(app.users)}")
    if decision != "approve":
        return _redirect(redirect_uri, error="access_denied", state=state)
    code = app.tokens.new_code(user, query["client_id"], redirect_uri, query.get("scope", ""))
    return _redirect(redirect_uri, code=code, state=state)


def token(app, req: Request) -> Response:
    """Exchange a code, or a refresh token, for tokens. Client auth: Basic or form fields."""
    form = req.form()
    try:
        client_id = _authenticate_client(app, req, form)
        grant_type = form.get("grant_type")
        if grant_type == "authorization_code":
            code, redirect_uri = form.get("code", ""), form.get("redirect_uri", "")
            answer = app.tokens.redeem_code(code, client_id, redirect_uri)
        elif grant_type == "refresh_token":
            answer = app.tokens.refresh(form.get("refresh_token", ""), client_id)
        else:
            raise TokenError("unsupported_grant_type", f"Unsupported grant type: {grant_type}")
    except TokenError as error:
        body = {"error": error.error, "error_description": error.description}
        return json_response(req, body, error.status)
    return json_response(req, answer, headers=[("Cache-Control", "no-store")])


def _authenticate_client(app, req: Request, form: dict[str, str]) -> str:
    scheme, _, encoded = req.header("Authorization").partition(" ")
    if scheme.lower() == "basic":
        try:
            client_id, _, secret = base64.b64decode(encoded).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            raise TokenError("invalid_client", "Invalid client", 401) from None
    else:
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
    app.tokens.check_client(client_id, secret)
    return client_id


def _redirect(uri: str, **params: str | None) -> Response:
    query = urlencode({k: v for k, v in params.items() if v is not None})
    location = f"{uri}{'&' if '?' in uri else '?'}{query}"
    return 302, [("Location", location), ("Content-Type", "text/plain")], b""


def _page(status: int, message: str) -> Response:
    html = f"<!doctype html><title>Spotify sandbox</title><p class=error>{escape(message)}</p>"
    return status, [("Content-Type", "text/html; charset=utf-8")], html.encode()


def _approve_page(req: Request, users: tuple[str, ...]) -> Response:
    here = f"{req.base}/accounts/authorize?{urlencode(req.query)}"
    links = [(f"approve-{u}", f"Approve as {u}", {"auto": "approve", "user": u}) for u in users]
    links.append(("deny", "Deny", {"auto": "deny"}))
    items = "".join(
        f'<li><a id="{escape(key)}" href="{escape(here + "&" + urlencode(extra))}">'
        f"{escape(label)}</a></li>"
        for key, label, extra in links
    )
    scope = escape(req.query.get("scope", "")) or "(no scopes)"
    html = (
        "<!doctype html><meta charset=utf-8><title>Spotify sandbox: authorize</title>"
        f"<h1>Allow {escape(req.query['client_id'])} to access your sandbox account?</h1>"
        f"<p>Scopes: {scope}</p><ul>{items}</ul>"
    )
    return 200, [("Content-Type", "text/html; charset=utf-8")], html.encode()
