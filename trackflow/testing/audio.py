"""Real, decodable audio for tests, made in memory without an ffmpeg binary.

Tests that upload, download, sniff or tag audio need files that real tools accept, not a few
magic bytes: a fake that only looks like audio would let a broken tagger or sniffer pass.
libsndfile (through soundfile) writes WAV, FLAC, MP3 and Ogg Vorbis; PyAV's bundled ffmpeg
libraries write AAC in MP4, which libsndfile cannot. Tags are added with mutagen directly so
that this helper never depends on the code it is used to test.
"""

import io
import struct

import av
import mutagen
import numpy as np
import soundfile
from mutagen.id3 import ID3, TALB, TIT2, TPE1
from mutagen.wave import WAVE

FORMATS = ("mp3", "flac", "ogg", "m4a", "wav")
SAMPLE_RATE = 44100

# format -> (libsndfile container, subtype)
_SNDFILE = {
    "wav": ("WAV", "PCM_16"),
    "flac": ("FLAC", "PCM_16"),
    "mp3": ("MP3", "MPEG_LAYER_III"),
    "ogg": ("OGG", "VORBIS"),
}
# libogg picks a random stream serial number; a fixed one makes the bytes repeatable.
_OGG_SERIAL = 0x54524B46  # "TRKF"


def make_audio(
    fmt: str,
    seconds: float = 1.0,
    *,
    title: str | None = None,
    artist: str | None = None,
    album: str | None = None,
    freq: float = 440,
) -> bytes:
    """A mono sine tone of `seconds` in `fmt` (mp3, flac, ogg, m4a, wav), optionally tagged.

    The same arguments always give the same bytes, so tests can compare files and hashes.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown audio format {fmt!r}; expected one of {', '.join(FORMATS)}")
    samples = _tone(seconds, freq)
    data = _encode_mp4(samples) if fmt == "m4a" else _encode_sndfile(fmt, samples)
    if fmt == "ogg":
        data = _fix_ogg_serial(data)
    if title is not None or artist is not None or album is not None:
        data = _tag(data, title=title, artist=artist, album=album)
    return data


def _tone(seconds: float, freq: float) -> np.ndarray:
    t = np.arange(max(1, round(seconds * SAMPLE_RATE)), dtype=np.float64) / SAMPLE_RATE
    return (0.3 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def _encode_sndfile(fmt: str, samples: np.ndarray) -> bytes:
    container, subtype = _SNDFILE[fmt]
    buffer = io.BytesIO()
    soundfile.write(buffer, samples, SAMPLE_RATE, format=container, subtype=subtype)
    return buffer.getvalue()


def _encode_mp4(samples: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    # "ipod" is ffmpeg's muxer for .m4a: an MP4 with the M4A brand that players expect.
    with av.open(buffer, "w", format="ipod") as container:
        stream = container.add_stream("aac", rate=SAMPLE_RATE, layout="mono")
        frame_size = stream.codec_context.frame_size or 1024
        for start in range(0, len(samples), frame_size):
            chunk = samples[start : start + frame_size].reshape(1, -1)
            frame = av.AudioFrame.from_ndarray(chunk, format="flt", layout="mono")
            frame.sample_rate = SAMPLE_RATE
            frame.pts = start
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return buffer.getvalue()


def _fix_ogg_serial(data: bytes) -> bytes:
    """Rewrites every page's serial number and CRC (one logical stream)."""
    out = bytearray(data)
    offset = 0
    while offset < len(out):
        if out[offset : offset + 4] != b"OggS":
            raise ValueError(f"no Ogg page at byte {offset} of the encoded stream")
        segments = out[offset + 26]
        table = out[offset + 27 : offset + 27 + segments]
        length = 27 + segments + sum(table)
        struct.pack_into("<I", out, offset + 14, _OGG_SERIAL)
        struct.pack_into("<I", out, offset + 22, 0)
        struct.pack_into("<I", out, offset + 22, _ogg_crc(bytes(out[offset : offset + length])))
        offset += length
    return bytes(out)


def _ogg_crc(page: bytes) -> int:
    crc = 0
    for byte in page:
        crc = ((crc << 8) & 0xFFFFFFFF) ^ _OGG_CRC_TABLE[((crc >> 24) & 0xFF) ^ byte]
    return crc


def _ogg_crc_table() -> list[int]:
    table = []
    for index in range(256):
        value = index << 24
        for _ in range(8):
            value = ((value << 1) ^ 0x04C11DB7) if value & 0x80000000 else value << 1
        table.append(value & 0xFFFFFFFF)
    return table


_OGG_CRC_TABLE = _ogg_crc_table()


def _tag(data: bytes, **tags: str | None) -> bytes:
    """Adds simple text tags with mutagen's "easy" interfaces (ID3 for MP3 and WAV)."""
    buffer = io.BytesIO(data)
    audio = mutagen.File(buffer, easy=True)
    if audio is None:
        raise ValueError("mutagen does not recognize the generated audio")
    if audio.tags is None:
        audio.add_tags()
    if isinstance(audio, WAVE):
        _tag_wave(audio.tags, tags)
    else:
        for key, value in tags.items():
            if value is not None:
                audio[key] = value
    buffer.seek(0)
    audio.save(buffer)
    return buffer.getvalue()


def _tag_wave(id3: ID3, tags: dict[str, str | None]) -> None:
    frames = {"title": TIT2, "artist": TPE1, "album": TALB}
    for key, value in tags.items():
        if value is not None:
            id3.add(frames[key](encoding=3, text=[value]))
