"""Tags written in each format's own convention, read back in one shape; audio sniffing."""

import base64
import io
import struct
import zlib

import av
import numpy as np
import pytest
import soundfile
from mutagen.flac import FLAC, Picture
from mutagen.id3 import ID3, TCON, TIT2, TPE1, TRCK, TYER
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4, MP4Cover
from mutagen.oggvorbis import OggVorbis
from mutagen.wave import WAVE

from downloads.meta import TrackMeta
from downloads.tagging import read_meta, read_tags, sniff_audio, write_tags
from trackflow.testing.audio import FORMATS, make_audio


def png_1x1() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


COVER = png_1x1()
FULL = TrackMeta(
    title="Get Lucky",
    artists=["Daft Punk", "Pharrell Williams", "Nile Rodgers"],
    album="Random Access Memories",
    album_artists=["Daft Punk"],
    track_number=8,
    track_total=13,
    disc_number=1,
    disc_total=2,
    date="2013-05-17",
    isrc="USQX91300108",
    spotify_uri="spotify:track:69kOkLUCkxIZYexIgSG8rq",
    cover=COVER,
)


@pytest.fixture
def audio_file(tmp_path):
    def make(fmt: str, data: bytes | None = None):
        path = tmp_path / f"track.{fmt}"
        path.write_bytes(data if data is not None else make_audio(fmt))
        return path

    return make


def opus_audio() -> bytes:
    buffer = io.BytesIO()
    soundfile.write(buffer, np.zeros(48000, dtype="float32"), 48000, format="OGG", subtype="OPUS")
    return buffer.getvalue()


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_field_round_trips(audio_file, fmt):
    path = audio_file(fmt)

    assert write_tags(path, FULL) == fmt
    assert read_meta(path) == FULL
    assert read_tags(path)["artists"] == ["Daft Punk", "Pharrell Williams", "Nile Rodgers"]
    assert read_tags(path)["cover_mime"] == "image/png"


def test_opus_is_tagged_like_vorbis(audio_file):
    path = audio_file("opus", opus_audio())

    write_tags(path, FULL)

    assert read_meta(path) == FULL


@pytest.mark.parametrize("fmt", FORMATS)
def test_tagged_files_still_decode(audio_file, fmt):
    path = audio_file(fmt)
    write_tags(path, FULL)

    with av.open(str(path)) as container:
        samples = sum(frame.samples for frame in container.decode(audio=0))

    assert samples > 40000


def test_mp3_gets_id3v24_frames(audio_file):
    path = audio_file("mp3")
    write_tags(path, FULL)

    tags = MP3(path).tags

    assert tags.version[:2] == (2, 4)
    assert tags["TPE1"].text == ["Daft Punk", "Pharrell Williams", "Nile Rodgers"]
    assert tags["TPE2"].text == ["Daft Punk"]
    assert str(tags["TRCK"]) == "8/13" and str(tags["TPOS"]) == "1/2"
    assert str(tags["TDRC"]) == "2013-05-17"
    assert str(tags["TSRC"]) == "USQX91300108"
    assert str(tags["TXXX:SPOTIFY_URI"]) == "spotify:track:69kOkLUCkxIZYexIgSG8rq"
    assert tags.getall("WOAS")[0].url == "https://open.spotify.com/track/69kOkLUCkxIZYexIgSG8rq"
    cover = tags.getall("APIC")[0]
    assert (cover.type, cover.mime, cover.data) == (3, "image/png", COVER)


def test_wav_carries_the_same_id3_frames_in_its_id3_chunk(audio_file):
    path = audio_file("wav")
    write_tags(path, FULL)

    tags = WAVE(path).tags

    assert tags["TIT2"].text == ["Get Lucky"] and str(tags["TRCK"]) == "8/13"


def test_flac_gets_one_comment_per_artist_and_a_picture_block(audio_file):
    path = audio_file("flac")
    write_tags(path, FULL)

    audio = FLAC(path)

    assert audio["ARTIST"] == ["Daft Punk", "Pharrell Williams", "Nile Rodgers"]
    assert audio["TRACKNUMBER"] == ["8"] and audio["TRACKTOTAL"] == ["13"]
    assert audio["DISCNUMBER"] == ["1"] and audio["DISCTOTAL"] == ["2"]
    assert audio["ISRC"] == ["USQX91300108"] and audio["DATE"] == ["2013-05-17"]
    assert audio["SPOTIFY_URI"] == ["spotify:track:69kOkLUCkxIZYexIgSG8rq"]
    assert [(p.type, p.mime, p.data) for p in audio.pictures] == [(3, "image/png", COVER)]
    assert "METADATA_BLOCK_PICTURE" not in audio


def test_ogg_cover_is_a_base64_picture_block_comment(audio_file):
    path = audio_file("ogg")
    write_tags(path, FULL)

    audio = OggVorbis(path)
    picture = Picture(base64.b64decode(audio["METADATA_BLOCK_PICTURE"][0]))

    assert (picture.type, picture.mime, picture.data) == (3, "image/png", COVER)
    assert audio["ALBUMARTIST"] == ["Daft Punk"]


def test_m4a_gets_itunes_atoms(audio_file):
    path = audio_file("m4a")
    write_tags(path, FULL)

    tags = MP4(path).tags

    assert tags["\xa9ART"] == ["Daft Punk", "Pharrell Williams", "Nile Rodgers"]
    assert tags["aART"] == ["Daft Punk"]
    assert tags["trkn"] == [(8, 13)] and tags["disk"] == [(1, 2)]
    assert tags["\xa9day"] == ["2013-05-17"]
    assert bytes(tags["----:com.apple.iTunes:ISRC"][0]) == b"USQX91300108"
    assert bytes(tags["----:com.apple.iTunes:SPOTIFY_URI"][0]).startswith(b"spotify:track:")
    assert tags["covr"][0].imageformat == MP4Cover.FORMAT_PNG


def test_m4a_leaves_out_a_cover_it_cannot_label(audio_file):
    path = audio_file("m4a")

    write_tags(path, TrackMeta(title="x", cover=b"GIF89a...", cover_mime="image/gif"))

    assert "covr" not in MP4(path).tags
    assert read_meta(path).cover is None


@pytest.mark.parametrize("fmt", FORMATS)
def test_rewriting_removes_emptied_fields(audio_file, fmt):
    path = audio_file(fmt)
    write_tags(path, FULL)

    write_tags(path, TrackMeta(title="Instant Crush", artists=["Daft Punk"]))

    assert read_meta(path) == TrackMeta(title="Instant Crush", artists=["Daft Punk"])


def test_rewriting_keeps_tags_trackflow_does_not_manage(audio_file):
    mp3, flac = audio_file("mp3"), audio_file("flac")
    tags = ID3()
    tags.add(TCON(encoding=3, text=["French house"]))
    tags.save(mp3)
    audio = FLAC(flac)
    audio["REPLAYGAIN_TRACK_GAIN"] = "-7.5 dB"
    audio.save()

    write_tags(mp3, FULL)
    write_tags(flac, FULL)

    assert str(MP3(mp3).tags["TCON"]) == "French house"
    assert FLAC(flac)["REPLAYGAIN_TRACK_GAIN"] == ["-7.5 dB"]


def test_reading_tags_other_taggers_wrote(audio_file):
    mp3, flac = audio_file("mp3"), audio_file("flac")
    tags = ID3()
    tags.add(TIT2(encoding=1, text=["Around the World"]))
    tags.add(TPE1(encoding=1, text=["Daft Punk"]))
    tags.add(TRCK(encoding=1, text=["07/16"]))
    tags.add(TYER(encoding=1, text=["1997"]))
    tags.save(mp3, v2_version=3)
    audio = FLAC(flac)
    audio.update({"TRACKNUMBER": "A1", "TOTALTRACKS": "16", "DATE": "1997-01-20T00:00:00Z"})
    audio.save()

    from_mp3, from_flac = read_meta(mp3), read_meta(flac)

    assert (from_mp3.title, from_mp3.artists) == ("Around the World", ["Daft Punk"])
    assert (from_mp3.track_number, from_mp3.track_total, from_mp3.date) == (7, 16, "1997")
    assert (from_flac.track_number, from_flac.track_total) == (None, 16)
    assert from_flac.date == "1997-01-20"


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_untagged_file_reads_as_empty_metadata(audio_file, fmt):
    assert read_meta(audio_file(fmt)) == TrackMeta()


def test_writing_tags_to_something_that_is_not_audio_is_refused(audio_file):
    with pytest.raises(ValueError, match="not an audio file"):
        write_tags(audio_file("mp3", b"<html>Too many requests</html>"), FULL)


def test_track_meta_refuses_a_malformed_date_and_guesses_the_cover_type():
    with pytest.raises(ValueError, match="YYYY"):
        TrackMeta(date="17/05/2013")
    assert TrackMeta(cover=b"\xff\xd8\xff\xe0rest").cover_mime == "image/jpeg"
    assert TrackMeta(cover=COVER).cover_mime == "image/png"


@pytest.mark.parametrize("fmt", FORMATS)
def test_sniff_recognizes_each_format_in_files_and_bytes(audio_file, fmt):
    data = make_audio(fmt)

    assert sniff_audio(data) == fmt
    assert sniff_audio(audio_file(fmt, data)) == fmt
    assert sniff_audio(opus_audio()) == "opus"


@pytest.mark.parametrize(
    "data",
    [
        b"<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>",
        b'{"error": {"status": 429, "message": "rate limited"}}',
        b"",
        bytes(4096),
        bytes(range(256)) * 16,
    ],
)
def test_sniff_rejects_what_is_not_audio_even_when_named_mp3(audio_file, data):
    assert sniff_audio(data) is None
    assert sniff_audio(audio_file("mp3", data)) is None
