"""Small real media files, so download and cover-art code handles actual bytes.

Each track's audio is a short sine tone whose pitch depends on the id; each album cover is
a solid square whose colour does. Both are deterministic.
"""

from __future__ import annotations

import io
import math
import struct
import sys
import wave
import zlib
from array import array
from functools import lru_cache

from .web import ApiError, Request, Response

SAMPLE_RATE = 16_000
AUDIO_SECONDS = 0.4
IMAGE_SIZE = 64


@lru_cache(maxsize=512)
def wav_bytes(key: str) -> bytes:
    """A mono 16-bit WAV of AUDIO_SECONDS at 220-880 Hz."""
    frequency = 220 + zlib.crc32(key.encode()) % 661
    step = 2 * math.pi * frequency / SAMPLE_RATE
    count = int(SAMPLE_RATE * AUDIO_SECONDS)
    samples = array("h", (int(12_000 * math.sin(step * i)) for i in range(count)))
    if sys.byteorder == "big":
        samples.byteswap()  # WAV frames are little-endian
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(samples.tobytes())
    return buffer.getvalue()


@lru_cache(maxsize=512)
def png_bytes(key: str) -> bytes:
    """An IMAGE_SIZE square PNG in one colour."""
    colour = zlib.crc32(key.encode()).to_bytes(4, "big")[:3]
    row = b"\x00" + colour * IMAGE_SIZE  # filter byte 0, then RGB pixels
    header = struct.pack(">IIBBBBB", IMAGE_SIZE, IMAGE_SIZE, 8, 2, 0, 0, 0)
    return b"".join(
        (
            b"\x89PNG\r\n\x1a\n",
            _chunk(b"IHDR", header),
            _chunk(b"IDAT", zlib.compress(row * IMAGE_SIZE)),
            _chunk(b"IEND", b""),
        )
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def audio(app, req: Request, track_id: str) -> Response:
    """GET /audio/{id}.wav: a relinked id plays the same audio as the track it points to."""
    track = app.state.catalog.tracks.get(track_id)
    if track is None:
        raise ApiError(404, "Resource not found")
    return 200, [("Content-Type", "audio/wav")], wav_bytes(track["id"])


def image(app, req: Request, key: str) -> Response:
    """GET /images/{id}.png: album covers and playlist mosaics."""
    if key not in app.state.catalog.albums and key not in app.state.playlists:
        raise ApiError(404, "Resource not found")
    return 200, [("Content-Type", "image/png")], png_bytes(key)
