"""What the Spotify client raises; jobs map them through trackflow.jobs.services.run."""

from datetime import datetime, timedelta

from django.utils import timezone
from spotipy.exceptions import SpotifyException

from trackflow.jobs.services import PermanentFailure, RetryLater


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


class SpotifyApiError(SpotifyException):
    """An error answer from the Web API, after any retries; says what was asked and why."""

    def __init__(
        self, method: str, path: str, status: int, message: str, reason=None, headers=None
    ):
        super().__init__(status, -1, message, reason=reason, headers=headers)
        self.method, self.path = method, path

    def __str__(self) -> str:
        return f"Spotify answered {self.http_status} to {self.method} {self.path}: {self.msg}"
