"""The one interface every download backend implements, and the errors they speak.

A backend only fetches bytes into a temp file and proves they are audio. Tagging, choosing
the final path and moving the file into the library belong to the job layer, so that every
backend gets them the same way.
"""

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

Progress = Callable[[int, int | None], None]  # (bytes done, total bytes if known)
ShouldCancel = Callable[[], bool]

DEFAULT_MAX_BYTES = 200 * 1024 * 1024
PROGRESS_STEP = 64 * 1024  # report at most every 64 KB: a job row is not a progress bar


@dataclass(frozen=True)
class FetchRequest:
    """What is known about the track to fetch; `url` overrides every lookup."""

    title: str
    artists: tuple[str, ...] = ()
    album: str = ""
    duration_ms: int | None = None
    spotify_id: str | None = None
    isrc: str | None = None
    youtube_id: str | None = None
    url: str | None = None

    @property
    def artist(self) -> str:
        """The first (main) artist, as most sources name a track by it."""
        return self.artists[0] if self.artists else ""


@dataclass(frozen=True)
class FetchResult:
    """A fetched file: a temp `.part` file in dest_dir that the caller now owns."""

    path: Path
    format: str  # "mp3", "flac", "ogg", "opus", "m4a" or "wav"; also the extension to use
    size: int
    source_url: str
    title: str = ""  # what the source called it, when that differs from the request

    @property
    def ext(self) -> str:
        return self.format


class DownloadError(Exception):
    """A download that failed, in words a user can act on.

    `retryable` says whether trying again later may help (a timeout, a 503) or not (a 404,
    no match). `retry_after` is the source's own hint, in seconds, when it gave one.
    """

    def __init__(
        self, message: str, *, retryable: bool = False, retry_after: float | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.retryable = retryable
        self.retry_after = retry_after


class DownloadCancelled(DownloadError):
    """The job was cancelled while fetching; the temp file is already gone."""

    def __init__(self) -> None:
        super().__init__("cancelled", retryable=False)


class Backend(Protocol):
    """Fetches one track's audio into dest_dir."""

    name: str

    def fetch(
        self,
        request: FetchRequest,
        dest_dir: Path,
        progress: Progress,
        should_cancel: ShouldCancel,
    ) -> FetchResult:
        """Returns the fetched file, or raises DownloadError (DownloadCancelled if asked)."""
        ...


def temp_name(backend: str) -> str:
    """A hidden name that clean_partials recognizes (".tf-") if a crash leaves it behind."""
    return f".tf-{backend}-{secrets.token_hex(6)}"


def size_limit_error(max_bytes: int) -> DownloadError:
    return DownloadError(f"file larger than the {format_size(max_bytes)} limit")


def format_size(size: int) -> str:
    """200 MB, 1.5 GB, 512 KB: sizes as people say them."""
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} bytes"


class Throttle:
    """Calls progress when PROGRESS_STEP more bytes are done, and always for the last call."""

    def __init__(self, progress: Progress, step: int = PROGRESS_STEP) -> None:
        self.progress, self.step, self.reported = progress, step, -1

    def __call__(self, done: int, total: int | None, *, final: bool = False) -> None:
        if final or self.reported < 0 or done - self.reported >= self.step:
            self.reported = done
            self.progress(done, total)
