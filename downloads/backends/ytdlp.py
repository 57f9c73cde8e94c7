"""Fetches a track with yt-dlp, used as a library: by URL, by YouTube id, or by searching.

The search asks for a few candidates ("ytsearch5:Artist - Title" by default, or a page at
`search_url_template` that yt-dlp can read as a playlist, such as an XSPF or RSS feed), scores
them (matching.py) and downloads the best. No ffmpeg is needed: the default format prefers
audio-only streams that mutagen can tag (M4A, MP3) as they are; `convert_to` adds yt-dlp's
FFmpegExtractAudio step for installs that have ffmpeg.
"""

import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yt_dlp
from yt_dlp.utils import DownloadCancelled as _YtDlpCancelled

from downloads.backends import matching
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

log = logging.getLogger(__name__)

Search = Callable[[str, int], list[dict[str, Any]]]  # (query, limit) -> candidates
DEFAULT_FORMAT = "bestaudio[ext=m4a]/bestaudio[ext=mp3]/bestaudio/best"
_NOT_RETRYABLE = (
    "unsupported url",
    "video unavailable",
    "private video",
    "has been removed",
    "confirm your age",
    "not available in your country",
)


class YtDlpBackend:
    """yt-dlp behind the Backend interface. Options are plain values so settings can pass them."""

    name = "ytdlp"

    def __init__(
        self,
        *,
        search: Search | None = None,
        search_url_template: str | None = None,
        search_limit: int = 5,
        audio_format: str = DEFAULT_FORMAT,
        convert_to: str | None = None,
        min_score: float = matching.DEFAULT_THRESHOLD,
        max_duration_delta: float = matching.DEFAULT_MAX_DURATION_DELTA,
        max_bytes: int = DEFAULT_MAX_BYTES,
        socket_timeout: float = 30.0,
        ydl_options: dict[str, Any] | None = None,
    ) -> None:
        self.search = search or self.search_with_ytdlp
        self.search_url_template = search_url_template
        self.search_limit = search_limit
        self.audio_format = audio_format
        self.convert_to = convert_to
        self.min_score = min_score
        self.max_duration_delta = max_duration_delta
        self.max_bytes = max_bytes
        self.socket_timeout = socket_timeout
        self.ydl_options = ydl_options or {}

    def fetch(
        self,
        request: FetchRequest,
        dest_dir: Path,
        progress: Progress,
        should_cancel: ShouldCancel,
    ) -> FetchResult:
        """Finds the track (unless its URL or YouTube id is known) and downloads it."""
        target, title = self.find(request)
        if should_cancel():
            raise DownloadCancelled()
        dest_dir.mkdir(parents=True, exist_ok=True)
        stem = temp_name("ytdlp")
        try:
            path = self._download(target, dest_dir / stem, Throttle(progress), should_cancel)
            fmt = sniff_audio(path)
            if fmt is None:
                hint = "" if self.convert_to else "; set convert_to to convert such files"
                got = path.suffix.lstrip(".") or "no extension"
                raise DownloadError(f"not an audio file TrackFlow can tag (got {got}){hint}")
            part = path.with_name(f"{path.name}.part")  # a finished fetch is still a temp file
            path.rename(part)
        except BaseException:
            for leftover in dest_dir.glob(f"{stem}.*"):
                leftover.unlink(missing_ok=True)
            raise
        return FetchResult(
            path=part, format=fmt, size=part.stat().st_size, source_url=target, title=title
        )

    def find(self, request: FetchRequest) -> tuple[str, str]:
        """The URL to download and what the source calls it."""
        if request.url:
            return request.url, ""
        if request.youtube_id:
            return f"https://www.youtube.com/watch?v={request.youtube_id}", ""
        query = " - ".join(part for part in (request.artist, request.title) if part)
        candidates = self.search(query, self.search_limit)
        best = matching.best_match(
            request,
            candidates,
            threshold=self.min_score,
            max_duration_delta=self.max_duration_delta,
        )
        if best is None or not (best.get("url") or best.get("webpage_url")):
            log.info("no match for %r among %d candidates", query, len(candidates))
            raise DownloadError(f"no match found for '{query}'")
        return best.get("url") or best["webpage_url"], best.get("title") or ""

    def search_with_ytdlp(self, query: str, limit: int) -> list[dict[str, Any]]:
        """Candidates from YouTube search, or from the page at search_url_template."""
        if self.search_url_template:
            url = self.search_url_template.format(query=quote(query, safe=""))
        else:
            url = f"ytsearch{limit}:{query}"
        options = {**self._base_options(), "extract_flat": "in_playlist", "playlistend": limit}
        try:
            with yt_dlp.YoutubeDL(options) as ydl:
                info = ydl.extract_info(url, download=False) or {}
        except yt_dlp.utils.YoutubeDLError as error:
            raise reword_error(str(error), url, self.socket_timeout) from error
        entries = info.get("entries") or [info]
        return [_candidate(entry) for entry in entries if entry][:limit]

    def _download(
        self, target: str, stem: Path, progress: Throttle, should_cancel: ShouldCancel
    ) -> Path:
        def hook(status: dict[str, Any]) -> None:
            if should_cancel():
                raise _Cancelled()
            done = status.get("downloaded_bytes") or 0
            if done > self.max_bytes:
                raise _TooLarge()
            total = status.get("total_bytes") or status.get("total_bytes_estimate")
            progress(done, int(total) if total else None, final=status["status"] == "finished")

        options = {
            **self._base_options(),
            "format": self.audio_format,
            "outtmpl": {"default": f"{stem}.%(ext)s"},
            "noplaylist": True,
            "playlistend": 1,  # a page with several tracks: the first is the one asked for
            "max_filesize": self.max_bytes,
            "progress_hooks": [hook],
            "overwrites": True,
            "continuedl": False,
        }
        if self.convert_to:
            options["postprocessors"] = [
                {"key": "FFmpegExtractAudio", "preferredcodec": self.convert_to}
            ]
        try:
            with yt_dlp.YoutubeDL(options) as ydl:
                info = ydl.extract_info(target, download=True) or {}
        except _Cancelled:
            raise DownloadCancelled() from None
        except _TooLarge:
            raise size_limit_error(self.max_bytes) from None
        except yt_dlp.utils.YoutubeDLError as error:
            raise reword_error(str(error), target, self.socket_timeout) from error
        return self._downloaded_file(info)

    def _downloaded_file(self, info: dict[str, Any]) -> Path:
        info = (info.get("entries") or [info])[0] or {}
        downloads = info.get("requested_downloads") or []
        filepath = downloads[0].get("filepath") if downloads else None
        path = Path(filepath) if filepath else None
        if path is None or not path.is_file():
            # yt-dlp skips a file over max_filesize quietly, with nothing downloaded
            raise size_limit_error(self.max_bytes)
        return path

    def _base_options(self) -> dict[str, Any]:
        return {
            "quiet": True,
            "no_warnings": True,
            "noprogress": True,
            "logger": _Logger(),
            "cachedir": False,
            "socket_timeout": self.socket_timeout,
            **self.ydl_options,
        }


class _Cancelled(_YtDlpCancelled):
    msg = "cancelled"


class _TooLarge(_YtDlpCancelled):
    msg = "file too large"


class _Logger:
    """yt-dlp's messages go to our log, not to the worker's terminal."""

    def debug(self, message: str) -> None:
        log.debug("%s", message)

    info = debug

    def warning(self, message: str) -> None:
        log.info("%s", message)

    def error(self, message: str) -> None:
        log.info("%s", message)  # raised to the caller as a DownloadError as well


def _candidate(entry: dict[str, Any]) -> dict[str, Any]:
    """A search result in the shape matching.py scores."""
    artists = entry.get("artists") or []
    return {
        "title": entry.get("title") or entry.get("track") or "",
        "uploader": entry.get("uploader") or "",
        "channel": entry.get("channel") or "",
        "artist": entry.get("artist") or (artists[0] if artists else ""),
        "creator": entry.get("creator") or "",
        "duration": entry.get("duration"),
        "isrc": entry.get("isrc"),
        "url": entry.get("url") or entry.get("webpage_url"),
        "webpage_url": entry.get("webpage_url") or entry.get("url"),
    }


def reword_error(message: str, url: str, timeout: float) -> DownloadError:
    """yt-dlp's error text, reworded: "ERROR: [generic] x: ... HTTP Error 404" -> "HTTP 404"."""
    text = re.sub(r"^(ERROR:\s*)?(\[[^\]]+\]\s*)?([^:\s]+:\s)?", "", message.strip())
    text = re.sub(r"\s*\(caused by .*$", "", text, flags=re.DOTALL)
    lowered = message.lower()
    status = re.search(r"HTTP Error (\d{3})", message)
    if status:
        code = int(status.group(1))
        return DownloadError(f"HTTP {code} from {url}", retryable=code >= 500 or code in (408, 429))
    if "timed out" in lowered:
        return DownloadError(f"timed out after {timeout:g} s reading {url}", retryable=True)
    if "failed to establish a new connection" in lowered or "connection refused" in lowered:
        return DownloadError(f"could not connect to {url}", retryable=True)
    if "ffmpeg" in lowered and "not found" in lowered:
        message = "converting needs ffmpeg, which is not installed: install it or unset convert_to"
        return DownloadError(message, retryable=False)
    if "unsupported url" in lowered:
        return DownloadError(f"no audio found at {url}", retryable=False)
    return DownloadError(text or message, retryable=not any(s in lowered for s in _NOT_RETRYABLE))
