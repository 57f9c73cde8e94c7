"""What the Spotify client raises; jobs map them through trackflow.jobs.services.run."""

from collections.abc import Iterator
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.utils import timezone
from spotipy.exceptions import SpotifyException

from trackflow.jobs.services import ExpectedFailure, PermanentFailure, RetryLater


class ReconnectRequired(PermanentFailure):
    """No usable Spotify connection: never connected, revoked, or tokens unreadable."""


class RateLimited(RetryLater):
    """Spotify asked us to wait longer than a worker should sleep; run again at `when`."""

    def __init__(self, retry_after: int, reason: str | None = None):
        self.retry_after = retry_after
        self.reason = reason
        when = timezone.now() + timedelta(seconds=retry_after)
        super().__init__(when, rate_limit_message(when, retry_after, reason))


def rate_limit_message(when: datetime, retry_after: int, reason: str | None) -> str:
    what = "Spotify quota exceeded" if reason == "QUOTA_EXCEEDED" else "Spotify rate limit"
    local = timezone.localtime(when)
    return (
        f"{what}: waiting until {local:%Y-%m-%d %H:%M:%S %Z} ({_span(retry_after)}), then resuming"
    )


def _span(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"in {hours} h {minutes} min"
    return f"in {minutes} min {seconds} s" if minutes else f"in {seconds} s"


class SpotifyApiError(SpotifyException, ExpectedFailure):
    """An error answer from the Web API, after any retries; says what was asked and why."""

    def __init__(
        self, method: str, path: str, status: int, message: str, reason=None, headers=None
    ):
        super().__init__(status, -1, message, reason=reason, headers=headers)
        self.method, self.path = method, path

    def __str__(self) -> str:
        return f"Spotify answered {self.http_status} to {self.method} {self.path}: {self.msg}"


class MalformedAnswer(SpotifyApiError):
    """A success status whose body is not what the Web API sends (a proxy's HTML page, a
    cut-off answer, a page without items): a fault on the way, retried like a 5xx."""

    def __init__(self, method: str, path: str, status: int, problem: str, retries: int = 0):
        super().__init__(method, path, status, problem)
        self.retries = retries

    def __str__(self) -> str:
        after = ""
        if self.retries:
            after = f", after {self.retries} {'retry' if self.retries == 1 else 'retries'}"
        return f"{self.msg} ({self.method} {self.path}{after})"


class SignInUnavailable(SpotifyApiError):
    """Spotify's Accounts service failed (5xx, 429) or sent something that is not a token:
    nothing is wrong with the connection itself, so the work is tried again later."""

    def __init__(self, path: str, status: int, problem: str | None = None):
        # `problem` says what was wrong with a success answer ("sent an answer that is not JSON")
        super().__init__("POST", path, status, problem or f"answered {status}")
        self.short = f"it {problem}" if problem else str(status)  # for "unavailable (…)"

    def __str__(self) -> str:
        return f"Spotify's sign-in service {self.msg}; trying again later"


class SpotifyUnreachable(SpotifyApiError):
    """No answer at all, after any retries: the connection failed or timed out."""

    def __init__(self, method: str, origin: str, path: str, reason: str):
        super().__init__(method, path, None, reason)
        self.origin = origin

    def __str__(self) -> str:
        return f"could not reach Spotify at {self.origin}: {self.msg}"


def unreachable(method: str, url: str, exc: requests.RequestException) -> SpotifyUnreachable:
    """What a failed connection to `url` raises: where, and why in a few words."""
    parts = urlsplit(url)
    return SpotifyUnreachable(method, f"{parts.scheme}://{parts.netloc}", parts.path, _why(exc))


def _why(exc: requests.RequestException) -> str:
    if isinstance(exc, requests.ReadTimeout):
        return f"no answer within {settings.SPOTIFY_REQUEST_TIMEOUT} s"
    if isinstance(exc, requests.Timeout):
        return "connecting timed out"
    cause = list(causes(exc))[-1]  # the socket's own error: "Connection refused"
    text = (getattr(cause, "strerror", None) or str(cause) or type(cause).__name__).strip()
    return text[:1].lower() + text[1:200]


def causes(exc: BaseException | None) -> Iterator[BaseException]:
    """`exc` and what it wraps: requests' error, urllib3's, then the socket's."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        wrapped = (exc.args[0] if exc.args else None, getattr(exc, "reason", None))
        exc = next((e for e in wrapped if isinstance(e, BaseException)), None) or (
            exc.__cause__ or exc.__context__
        )
