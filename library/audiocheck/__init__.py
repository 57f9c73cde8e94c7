"""Is an uploaded file audio we accept, and is it whole?

mutagen reads tags and the duration from a file's headers, which survive when the end of the
file is lost: a half-uploaded MP3 still "lasts" its full length. So each container is walked
to its end here (frames, pages, boxes, chunks) from the bytes on disk, memory-mapped, and a
file that stops inside its last unit, or before its stream says it ends, is reported
truncated. The checks read structure only; they never decode audio.
"""

import mmap
from pathlib import Path

from library.audiocheck import flac, mp4, mpeg, ogg, riff

# format -> (what users call it, the check that returns a problem or None)
FORMATS = {
    "mp3": ("MP3", mpeg.problem),
    "flac": ("FLAC", flac.problem),
    "ogg": ("Ogg", ogg.problem),
    "m4a": ("M4A", mp4.problem),
    "wav": ("WAV", riff.problem),
}
ACCEPTED = "MP3, FLAC, Ogg Vorbis, Opus, M4A or WAV"


def detect(head: bytes) -> str | None:
    """The container a file's first bytes announce, or None."""
    if head.startswith(b"fLaC"):
        return "flac"
    if head.startswith(b"OggS"):
        return "ogg"
    if head[4:8] == b"ftyp":
        return "m4a"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "wav"
    if head.startswith(b"ID3") or mpeg.is_frame_header(head[:4]):
        return "mp3"
    return None


def problem(path: Path) -> tuple[str | None, str | None]:
    """(format, None) for a whole file of an accepted container, else (format or None, why)."""
    with open(path, "rb") as handle:
        if not handle.read(64):
            return None, not_audio()
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
            return problem_in(data)


def problem_in(data) -> tuple[str | None, str | None]:
    """problem() for bytes (or a memory map) already at hand."""
    fmt = detect(bytes(data[:64]))
    if fmt is None:
        return None, not_audio()
    name, check = FORMATS[fmt]
    why = check(data)
    return fmt, (f"the {name} file {why}" if why else None)


def not_audio() -> str:
    return f"the file is not audio (expected {ACCEPTED})"
