"""Download backends behind one interface (base.Backend), chosen by DOWNLOAD_BACKEND."""

from importlib import import_module

from downloads.backends.base import (
    Backend,
    DownloadCancelled,
    DownloadError,
    FetchRequest,
    FetchResult,
)

# name -> "module:class"; imported on first use, since yt-dlp alone takes a while to import
BACKENDS = {
    "http": "downloads.backends.http:HttpBackend",
    "ytdlp": "downloads.backends.ytdlp:YtDlpBackend",
}

__all__ = [
    "BACKENDS",
    "Backend",
    "DownloadCancelled",
    "DownloadError",
    "FetchRequest",
    "FetchResult",
    "get_backend",
]


def get_backend(name: str, **options: object) -> Backend:
    """The backend called `name`, built with its options (see each backend's __init__)."""
    try:
        module_name, class_name = BACKENDS[name].split(":")
    except KeyError:
        known = ", ".join(sorted(BACKENDS))
        raise ValueError(f"unknown download backend {name!r}; choose one of {known}") from None
    return getattr(import_module(module_name), class_name)(**options)
