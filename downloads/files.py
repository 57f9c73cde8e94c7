"""Where downloaded files go, and how they get there without ever leaving half a file behind.

Paths come from metadata (DOWNLOAD_PATH_TEMPLATE), and metadata comes from strangers: every
component is sanitized so that a title like "../../etc" or "CON" or "AC/DC" is a plain, safe
name on Linux, macOS and Windows (a library is often shared over SMB or synced to a phone).

Files are written beside their destination under a hidden `.part` name, fsynced and renamed
into place, so a reader (a media server scanning the library) sees the old file or the new
one, never a truncated one. Re-downloading a track replaces its own file (the job passes
replace=True when the rendered path is that track's current file); when the path belongs to
another file, replace=False picks "Title (2).mp3" instead of clobbering it.
"""

import os
import re
import secrets
import shutil
import time
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from string import Formatter
from typing import Any

from downloads.meta import TrackMeta, parse_date, parse_number, spotify_track_id

DEFAULT_PATH_TEMPLATE = "{artist}/{album}/{track_number:02d} - {title}.{ext}"
MAX_COMPONENT_BYTES = 200  # below every common filesystem's 255, leaving room for " (2)" and .part
PARTIAL_SUFFIXES = (".part", ".ytdl")
TEMP_PREFIX = ".tf-"  # backends name their temp files so; see clean_partials

# placeholder -> what an empty value becomes
_TEXT_FALLBACKS = {
    "artist": "Unknown Artist",
    "artists": "Unknown Artist",
    "album_artist": "Unknown Artist",
    "album": "Unknown Album",
    "title": "Untitled",
    "isrc": "",
    "spotify_id": "",
}
_NUMBERS = ("track_number", "disc_number", "year")  # 0 when unknown, so ":02d" still works
PLACEHOLDERS = (*_TEXT_FALLBACKS, *_NUMBERS, "ext")

_FORBIDDEN = re.compile(r'[<>:"/\\|?*]')
_EDGES = re.compile(r"^[\s.]+|[\s.]+$")
_RESERVED = re.compile(r"^(CON|PRN|AUX|NUL|CONIN\$|CONOUT\$|(COM|LPT)[1-9¹²³])$", re.IGNORECASE)


def render_path(
    template: str, track_meta: TrackMeta | Mapping[str, Any], ext: str
) -> PurePosixPath:
    """The relative path of a track's file under the library root, from `template`.

    "/" separates folders. Placeholders take str.format specs ("{track_number:02d}"):
    {artist} the first track artist, {artists} all of them, {album_artist} the first album
    artist (else {artist}), {album}, {title}, {track_number}, {disc_number}, {year} (numbers
    are 0 when unknown), {isrc}, {spotify_id}, {ext}. The last component always ends with
    ".{ext}" (added when the template has no {ext}).
    """
    if not re.fullmatch(r"[A-Za-z0-9]{1,10}", ext):
        raise ValueError(f"file extension must be 1-10 letters or digits, got {ext!r}")
    values = {**_values(track_meta), "ext": ext.lower()}
    segments = [segment for segment in template.split("/") if segment.strip()]
    if not segments:
        raise ValueError("the path template is empty")
    if any(segment.strip() in (".", "..") for segment in segments):
        raise ValueError("the path template may not contain '.' or '..' folders")
    if "{ext}" not in segments[-1]:
        segments[-1] += ".{ext}"
    parts = []
    for index, segment in enumerate(segments):
        suffix = f".{values['ext']}" if index == len(segments) - 1 else ""
        fallback = _segment_fallback(segment)
        text = _format(segment, values)
        if suffix and text.endswith(suffix):
            text = text[: -len(suffix)]
        parts.append(sanitize_component(text, fallback=fallback, suffix=suffix))
    return PurePosixPath(*parts)


def sanitize_component(
    text: str, *, fallback: str = "Unknown", suffix: str = "", max_bytes: int = MAX_COMPONENT_BYTES
) -> str:
    """One safe file or folder name: `text` cleaned and cut to fit, then `suffix` (".mp3")."""
    budget = max_bytes - len(suffix.encode())
    body = _strip_edges(_cut(_clean(text) or _clean(fallback) or "Unknown", budget)) or "_"
    if _RESERVED.match(_stem(body + suffix)):
        body = _strip_edges(_cut("_" + body, budget))
    return body + suffix


def library_file(root: Path, relative: PurePosixPath) -> Path:
    """`root / relative`, refusing anything that would resolve outside the root."""
    path = Path(root, relative)
    resolved_root = Path(root).resolve()
    if relative.is_absolute() or not path.resolve().is_relative_to(resolved_root):
        raise ValueError(f"{relative} is outside the library folder {root}")
    return path


@dataclass
class Destination:
    """The temp file to write, and (after the block) the path it was renamed to."""

    temp: Path
    path: Path | None = None


@contextmanager
def atomic_destination(dest: Path, *, replace: bool = True) -> Iterator[Destination]:
    """Yields a hidden `.part` file beside `dest`; on success it is fsynced and renamed there.

    On any error the temp file is removed and `dest` is untouched. With replace=False an
    existing `dest` is kept and the file lands on the first free "name (n).ext".
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    target = Destination(temp=dest.with_name(f".{dest.name}.{secrets.token_hex(4)}.part"))
    try:
        yield target
        _fsync(target.temp)
        target.path = _commit(target.temp, dest, replace=replace)
        _fsync_dir(dest.parent)
    finally:
        target.temp.unlink(missing_ok=True)


def atomic_write(dest: Path, chunks: Iterable[bytes], *, replace: bool = True) -> Path:
    """Writes `chunks` to `dest` atomically; returns the final path (see atomic_destination)."""
    with atomic_destination(dest, replace=replace) as target, open(target.temp, "wb") as handle:
        for chunk in chunks:
            handle.write(chunk)
    return target.path


def place_file(source: Path, dest: Path, *, replace: bool = True) -> Path:
    """Moves a finished file (a backend's .part) to `dest` atomically; returns the final path.

    A rename when both are on one filesystem; otherwise a copy beside `dest`, then a rename.
    """
    with atomic_destination(dest, replace=replace) as target:
        try:
            os.rename(source, target.temp)
        except OSError:  # another filesystem (EXDEV): copy, and remove the source once placed
            shutil.copyfile(source, target.temp)
    source.unlink(missing_ok=True)
    return target.path


def clean_partials(root: Path, older_than: float = 3600.0) -> list[Path]:
    """Removes temp files a crashed worker left under `root`; returns them.

    That is `.part` and `.ytdl` files and backends' `.tf-*` files, untouched for `older_than`
    seconds, so that a download in progress is never hit.
    """
    cutoff = time.time() - older_than
    removed = []
    for folder, _, names in os.walk(root):
        for name in names:
            if not (name.endswith(PARTIAL_SUFFIXES) or name.startswith(TEMP_PREFIX)):
                continue
            path = Path(folder, name)
            try:
                if not path.is_symlink() and path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed.append(path)
            except FileNotFoundError:
                continue  # another worker cleaned it first
    return sorted(removed)


def _values(meta: TrackMeta | Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(meta, TrackMeta):
        date = parse_date(meta.date)
        meta = {
            "artist": meta.artists[0] if meta.artists else "",
            "artists": ", ".join(meta.artists),
            "album_artist": (meta.album_artists or meta.artists or [""])[0],
            "album": meta.album,
            "title": meta.title,
            "isrc": meta.isrc or "",
            "spotify_id": spotify_track_id(meta.spotify_uri) or "",
            "track_number": meta.track_number,
            "disc_number": meta.disc_number,
            "year": int(date[:4]) if date else 0,
        }
    values: dict[str, Any] = {}
    for name, fallback in _TEXT_FALLBACKS.items():
        value = meta.get(name) or ""
        text = ", ".join(map(str, value)) if isinstance(value, list | tuple) else str(value)
        values[name] = _clean(text) or fallback
    for name in _NUMBERS:
        values[name] = parse_number(meta.get(name))[0] or 0
    return values


def _format(segment: str, values: dict[str, Any]) -> str:
    for _, name, spec, _ in Formatter().parse(segment):
        if name is None:
            continue
        if name not in PLACEHOLDERS:
            known = ", ".join("{" + known + "}" for known in PLACEHOLDERS)
            raise ValueError(f"unknown placeholder {{{name}}} in the path template; use {known}")
        if "{" in (spec or ""):
            raise ValueError(f"nested placeholders are not supported: {segment!r}")
    try:
        return segment.format(**values)
    except (ValueError, TypeError) as error:
        raise ValueError(f"cannot render {segment!r} of the path template: {error}") from None


def _segment_fallback(segment: str) -> str:
    """A segment that is one placeholder falls back like it ("{album}" -> "Unknown Album")."""
    match = re.fullmatch(r"\{(\w+)(?:[:!][^}]*)?\}", segment)
    return _TEXT_FALLBACKS.get(match.group(1), "") if match else ""


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    # control characters become spaces (a tab in a title); unpaired surrogates cannot be stored
    text = "".join(" " if unicodedata.category(char) in ("Cc", "Cs") else char for char in text)
    text = re.sub(r" {2,}", " ", _FORBIDDEN.sub("_", text))
    return _strip_edges(text)


def _strip_edges(text: str) -> str:
    """Windows drops trailing dots and spaces; leading dots would hide the file."""
    return _EDGES.sub("", text)


def _cut(text: str, max_bytes: int) -> str:
    """`text` cut to `max_bytes` of UTF-8 on a character boundary."""
    return text.encode()[:max_bytes].decode("utf-8", "ignore")


def _stem(name: str) -> str:
    return name.split(".", 1)[0].rstrip(" ")


def _commit(temp: Path, dest: Path, *, replace: bool) -> Path:
    if replace:
        os.replace(temp, dest)
        return dest
    for number in range(1, 10_000):
        candidate = dest if number == 1 else dest.with_name(f"{dest.stem} ({number}){dest.suffix}")
        try:
            os.link(temp, candidate)  # fails if the name exists: no window for a clobber
        except FileExistsError:
            continue
        except OSError:  # no hard links here (some network or FAT filesystems)
            if candidate.exists():
                continue
            os.replace(temp, candidate)
        return candidate
    raise FileExistsError(f"no free name for {dest}")


def _fsync(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def _fsync_dir(path: Path) -> None:
    """Makes the rename itself durable; not possible on every platform, hence best effort."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
