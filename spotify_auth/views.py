"""The pages a person sees while connecting Spotify: start, callback, and "import now"."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from . import importer, oauth
from .errors import ReconnectRequired
from .models import SpotifyAccount

RESULT = "spotify_auth/result.html"
RESULT_KEY = "spotify_oauth_result"


@never_cache
@login_required
@require_GET
def login(request: HttpRequest) -> HttpResponse:
    """Send the signed-in user to Spotify's consent page with a fresh state."""
    problem = oauth.redirect_uri_problem()
    if problem:
        return _failure(request, "Spotify is not set up", problem, status=500)
    callback = urlsplit(settings.SPOTIFY_REDIRECT_URI)
    if request.get_host() != callback.netloc:
        # The state lives in this host's session cookie; Spotify returns to the callback's
        # host, so start from there (127.0.0.1 and localhost keep separate cookies).
        return redirect(f"{callback.scheme}://{callback.netloc}{request.path}")
    return redirect(oauth.start(request.session))


@never_cache
@login_required
@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    """Where Spotify sends the browser back. It answers with a redirect to the result page,
    so the one-time code leaves the address bar (and the history) at once."""
    try:
        oauth.check_state(request.session, request.GET.get("state"))
        oauth.finish(request.user, request.GET)
    except oauth.OAuthFailed as exc:
        outcome = {"ok": False, "title": "Spotify was not connected", "message": str(exc)}
    else:
        outcome = {"ok": True, "title": "Spotify connected"}
    request.session[RESULT_KEY] = outcome
    return redirect("spotify:result")


@never_cache
@login_required
@require_GET
def result(request: HttpRequest) -> HttpResponse:
    """The outcome of the last sign-in (400 if it failed)."""
    outcome = request.session.pop(RESULT_KEY, None)
    if outcome is None:
        return redirect("dashboard")
    account = SpotifyAccount.objects.filter(user=request.user).first()
    return _page(request, {**outcome, "account": account}, 200 if outcome["ok"] else 400)


@login_required
@require_POST
def import_now(request: HttpRequest) -> HttpResponse:
    """The button on the success page: import Liked Songs and every playlist."""
    try:
        importer.queue(request.user, [importer.LIKED, importer.ALL_PLAYLISTS])
    except ReconnectRequired as exc:
        return _failure(request, "Nothing to import yet", str(exc), status=409)
    return redirect("/api/jobs/")


def _failure(request: HttpRequest, title: str, message: str, status: int) -> HttpResponse:
    return _page(request, {"ok": False, "title": title, "message": message}, status)


def _page(request: HttpRequest, context: dict, status: int = 200) -> HttpResponse:
    """The result page in the admin's frame (its header, links and styles)."""
    context = {**admin.site.each_context(request), "is_popup": False, **context}
    return render(request, RESULT, context, status=status)
