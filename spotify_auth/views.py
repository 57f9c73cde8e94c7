"""The pages a person sees while connecting Spotify: start, callback, and "import now"."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from . import importer, oauth
from .errors import ReconnectRequired

RESULT = "spotify_auth/result.html"


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
    try:
        oauth.check_state(request.session, request.GET.get("state"))
        account = oauth.finish(request.user, request.GET)
    except oauth.OAuthFailed as exc:
        return _failure(request, "Spotify was not connected", str(exc), status=400)
    return render(request, RESULT, {"ok": True, "title": "Spotify connected", "account": account})


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
    context = {"ok": False, "title": title, "message": message}
    return render(request, RESULT, context, status=status)
