from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views import defaults
from django.views.decorators.cache import never_cache
from django_q.brokers import get_broker

from .jobs.models import ACTIVE_STATUSES, JobStatus
from .jobs.services import job_rows
from .logging import redact


def _problem(exc: Exception) -> str:
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return redact(f"{type(exc).__name__}: {first}")[:300]


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database and the queue broker answer; 503 naming what does not."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = _problem(exc)
    try:
        checks["queue"] = "ok" if get_broker().ping() else "broker did not answer"
    except Exception as exc:
        checks["queue"] = _problem(exc)
    healthy = all(value == "ok" for value in checks.values())
    body = {"status": "ok" if healthy else "unhealthy", **checks}
    return JsonResponse(body, status=200 if healthy else 503)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """What a person sees first: the Spotify connection, the library's size, recent jobs."""
    from library.models import Playlist
    from library.services.scope import library_tracks
    from spotify_auth.models import SpotifyAccount

    user = request.user
    context = {
        **admin.site.each_context(request),  # the admin's header, links and theme
        "title": "TrackFlow",
        "account": SpotifyAccount.objects.filter(user=user).first(),
        "tracks": library_tracks(user).count(),
        "playlists": Playlist.objects.filter(owner=user).count(),
        **_jobs_to_show(user),
        "sandbox": settings.SPOTIFY_SANDBOX,
    }
    return render(request, "dashboard.html", context)


def _jobs_to_show(user, active_shown: int = 25, finished_shown: int = 10) -> dict:
    """Running and waiting jobs first (a rate-limited import may wait for hours behind
    newer, finished ones), then the newest finished; `more_jobs` when active ones were cut."""
    active: list[dict] = []
    for status in (JobStatus.RUNNING, JobStatus.PENDING):
        active += job_rows(user, status=status)[: active_shown + 1 - len(active)]
    newest = job_rows(user)[: finished_shown + len(active)]
    finished = [row for row in newest if row["status"] not in ACTIVE_STATUSES]
    return {
        "jobs": active[:active_shown] + finished[:finished_shown],
        "more_jobs": len(active) > active_shown,
    }


def server_error(request: HttpRequest) -> HttpResponse:
    """A 500 in the API's format under /api/ (clients parse JSON there), else Django's page."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": "Server error: the details are in the server's log."}, status=500
        )
    return defaults.server_error(request)
