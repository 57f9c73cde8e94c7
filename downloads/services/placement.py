"""Where a download is staged, where it ends up, and backend options from the settings."""

from pathlib import Path, PurePosixPath

from django.conf import settings

from downloads.files import library_file, render_path
from downloads.meta import TrackMeta
from downloads.models import DownloadJob

LIBRARY_FOLDER = "library"
STAGING_FOLDER = ".incoming"  # hidden, inside the library: same filesystem, so renames are atomic


def library_root() -> Path:
    return Path(settings.MEDIA_ROOT) / LIBRARY_FOLDER


def staging_root() -> Path:
    return library_root() / STAGING_FOLDER


def staging_dir(job: DownloadJob) -> Path:
    """This job's own scratch folder; a later attempt starts by emptying it."""
    return staging_root() / str(job.pk)


def destination(meta: TrackMeta, ext: str) -> Path:
    """The file's place under MEDIA_ROOT/library/ by DOWNLOAD_PATH_TEMPLATE (ValueError if bad)."""
    relative = render_path(settings.DOWNLOAD_PATH_TEMPLATE, meta, ext)
    return library_file(library_root(), relative)


def media_name(path: Path) -> str:
    """`path` as stored in FileFields and DownloadJob.file: relative to MEDIA_ROOT, with '/'."""
    return PurePosixPath(path.relative_to(Path(settings.MEDIA_ROOT))).as_posix()


def media_path(name: str) -> Path | None:
    return Path(settings.MEDIA_ROOT, name) if name else None


def backend_options(name: str) -> dict:
    """The keyword arguments of get_backend(name) that the settings choose."""
    if name == DownloadJob.Backend.HTTP:
        return {
            "url_template": settings.DOWNLOAD_URL_TEMPLATE,
            "connect_timeout": settings.DOWNLOAD_CONNECT_TIMEOUT,
            "read_timeout": settings.DOWNLOAD_READ_TIMEOUT,
            "total_timeout": settings.DOWNLOAD_TOTAL_TIMEOUT,
            "max_bytes": settings.DOWNLOAD_MAX_BYTES,
        }
    return {
        "search_url_template": settings.DOWNLOAD_YTDLP_SEARCH_URL,
        "convert_to": settings.DOWNLOAD_YTDLP_CONVERT_TO,
        "max_bytes": settings.DOWNLOAD_MAX_BYTES,
        "socket_timeout": settings.DOWNLOAD_READ_TIMEOUT,
    }
