"""Fetches a track from a plain URL built from its metadata (DOWNLOAD_URL_TEMPLATE).

The sandbox serves audio this way, and so can any self-hosted source that answers a URL with
the file. Everything a stranger's server may do wrong is turned into a DownloadError in
words: error statuses, stalls, HTML error pages with status 200, endless bodies.
"""

import time
from email.utils import parsedate_to_datetime
from pathlib import Path
from string import Formatter
from urllib.parse import quote, urlsplit

import requests
from urllib3.exceptions import HTTPError, ProtocolError, ReadTimeoutError

from downloads.backends.base import (
    DEFAULT_MAX_BYTES,
    DownloadCancelled,
    DownloadError,
    FetchRequest,
    FetchResult,
    Progress,
    ShouldCancel,
    Throttle,
    size_limit_error,
    temp_name,
)
from downloads.tagging import sniff_audio

PLACEHOLDERS = ("spotify_id", "isrc", "artist", "title", "album")
# answers that can only be an error page or an API error, whatever the status says
_NOT_AUDIO = ("text/", "application/json", "application/xml", "application/xhtml+xml")
_RETRYABLE_STATUSES = {408, 425, 429}


class HttpBackend:
    """GETs `url_template` filled with the track's URL-quoted metadata, or the request's url."""

    name = "http"

    def __init__(
        self,
        *,
        url_template: str | None = None,
        connect_timeout: float = 10.0,
        read_timeout: float = 30.0,
        total_timeout: float = 1800.0,
        max_bytes: int = DEFAULT_MAX_BYTES,
        chunk_size: int = 64 * 1024,
        user_agent: str = "TrackFlow",
    ) -> None:
        for name in _placeholders(url_template or ""):
            if name not in PLACEHOLDERS:
                known = ", ".join("{" + known + "}" for known in PLACEHOLDERS)
                raise ValueError(f"unknown placeholder {{{name}}} in the URL template; use {known}")
        self.url_template = url_template
        self.timeout = (connect_timeout, read_timeout)
        self.total_timeout = total_timeout
        self.max_bytes = max_bytes
        self.chunk_size = chunk_size
        self.headers = {"User-Agent": user_agent, "Accept": "audio/*, */*;q=0.5"}

    def url_for(self, request: FetchRequest) -> str:
        """The URL to fetch: the request's own, else the template filled in."""
        if request.url:
            return request.url
        if not self.url_template:
            raise DownloadError("no URL to download from: set DOWNLOAD_URL_TEMPLATE")
        values = {
            "spotify_id": request.spotify_id,
            "isrc": request.isrc,
            "artist": request.artist,
            "title": request.title,
            "album": request.album,
        }
        for name in _placeholders(self.url_template):
            if not values[name]:
                raise DownloadError(f"cannot build the download URL: the track has no {name}")
        quoted = {name: quote(str(value or ""), safe="") for name, value in values.items()}
        return self.url_template.format(**quoted)

    def fetch(
        self,
        request: FetchRequest,
        dest_dir: Path,
        progress: Progress,
        should_cancel: ShouldCancel,
    ) -> FetchResult:
        """Streams the file into a `.part` file in dest_dir and checks that it is audio."""
        url = self.url_for(request)
        if should_cancel():
            raise DownloadCancelled()
        dest_dir.mkdir(parents=True, exist_ok=True)
        temp = dest_dir / f"{temp_name('http')}.part"
        try:
            size, content_type = self._download(url, temp, Throttle(progress), should_cancel)
            fmt = sniff_audio(temp)
            if fmt is None:
                got = content_type or "no content type"
                raise DownloadError(f"not an audio file (got {got}) from {url}")
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        return FetchResult(path=temp, format=fmt, size=size, source_url=url)

    def _download(
        self, url: str, temp: Path, progress: Throttle, should_cancel: ShouldCancel
    ) -> tuple[int, str]:
        deadline = time.monotonic() + self.total_timeout
        try:
            with requests.get(url, stream=True, timeout=self.timeout, headers=self.headers) as r:
                content_type, total = self._check(url, r)
                progress(0, total)
                with open(temp, "wb") as handle:
                    done = 0
                    # read1 returns what has arrived, so a slow source is checked often
                    while chunk := r.raw.read1(self.chunk_size, decode_content=True):
                        if should_cancel():
                            raise DownloadCancelled()
                        done += len(chunk)
                        if done > self.max_bytes:
                            raise size_limit_error(self.max_bytes)
                        if time.monotonic() > deadline:
                            message = f"timed out after {self.total_timeout:g} s downloading {url}"
                            raise DownloadError(message, retryable=True)
                        handle.write(chunk)
                        progress(done, total)
                progress(done, total, final=True)
                return done, content_type
        except (requests.RequestException, HTTPError) as error:
            raise self._transport_error(url, error) from error

    def _check(self, url: str, response: requests.Response) -> tuple[str, int | None]:
        """Rejects what is not worth reading, before reading it."""
        status = response.status_code
        if not 200 <= status < 300:
            retryable = status >= 500 or status in _RETRYABLE_STATUSES
            retry_after = _retry_after(response.headers.get("Retry-After"))
            raise DownloadError(
                f"HTTP {status} from {url}", retryable=retryable, retry_after=retry_after
            )
        content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type.startswith(_NOT_AUDIO):
            raise DownloadError(f"not an audio file (got {content_type}) from {url}")
        length = response.headers.get("Content-Length", "")
        total = int(length) if length.isdigit() else None
        if total is not None and total > self.max_bytes:
            raise size_limit_error(self.max_bytes)
        return content_type, total

    def _transport_error(
        self, url: str, error: requests.RequestException | HTTPError
    ) -> DownloadError:
        host = urlsplit(url).netloc
        connect, read = self.timeout
        if isinstance(error, requests.ConnectTimeout):
            message = f"timed out after {connect:g} s connecting to {host}"
            return DownloadError(message, retryable=True)
        if isinstance(error, requests.ReadTimeout | ReadTimeoutError):
            return DownloadError(f"timed out after {read:g} s reading {url}", retryable=True)
        if isinstance(error, ProtocolError):  # closed before the declared length
            return DownloadError(f"the connection broke while reading {url}", retryable=True)
        if isinstance(error, requests.ConnectionError):
            return DownloadError(f"could not connect to {host}", retryable=True)
        return DownloadError(f"download from {url} failed: {error}", retryable=False)


def _placeholders(template: str) -> list[str]:
    return [name for _, name, _, _ in Formatter().parse(template) if name is not None]


def _retry_after(value: str | None) -> float | None:
    """Retry-After as seconds: either a number of seconds or an HTTP date."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None
