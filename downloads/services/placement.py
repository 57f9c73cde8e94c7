"""Where a download is staged, where it ends up, and backend options from the settings."""

import re
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


def same_slot(current: Path, dest: Path) -> bool:
    """Whether the track's current file is where `dest` put it: the same folder and extension,
    named `dest` or `dest` with the " (n)" a name collision added. Replacing it in place keeps
    a re-download from walking "(2)" -> "(3)" -> "(2)", deleting the previous one each time.
    """
    if current.parent != dest.parent or current.suffix != dest.suffix:
        return False
    return re.fullmatch(rf"{re.escape(dest.stem)}( \(\d+\))?", current.stem) is not None


def media_name(path: Path) -> str:
    """`path` as stored in FileFields and DownloadJob.file: relative to MEDIA_ROOT, with '/'."""
    return PurePosixPath(path.relative_to(Path(settings.MEDIA_ROOT))).as_posix()


def media_path(name: str) -> Path | None:
    return Path(settings.MEDIA_ROOT, name) if name else None


def on_disk(name: str) -> bool:
    """Whether the file a FileField or DownloadJob.file names is there."""
    path = media_path(name)
    return path is not None and path.is_file()


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
