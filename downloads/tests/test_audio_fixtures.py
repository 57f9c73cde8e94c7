"""The shared test helpers hold up: real audio, and a loopback server that behaves."""

import io
import time

import av
import mutagen
import pytest
import requests

from trackflow.testing.audio import FORMATS, SAMPLE_RATE, make_audio
from trackflow.testing.http_server import Reply, serve

MUTAGEN_TYPES = {"mp3": "MP3", "flac": "FLAC", "ogg": "OggVorbis", "m4a": "MP4", "wav": "WAVE"}
CODECS = {"mp3": "mp3", "flac": "flac", "ogg": "vorbis", "m4a": "aac", "wav": "pcm_s16le"}


@pytest.fixture
def server():
    """Starts servers on demand and stops them all after the test."""
    stops = []

    def start(routes):
        base_url, stop = serve(routes)
        stops.append(stop)
        return base_url

    yield start
    for stop in stops:
        stop()


@pytest.mark.parametrize("fmt", FORMATS)
def test_make_audio_is_recognized_by_mutagen_with_its_length(fmt):
    audio = mutagen.File(io.BytesIO(make_audio(fmt, 2.0)))

    assert type(audio).__name__ == MUTAGEN_TYPES[fmt]
    assert audio.info.length == pytest.approx(2.0, abs=0.05)


@pytest.mark.parametrize("fmt", FORMATS)
def test_make_audio_decodes_to_the_requested_number_of_samples(fmt):
    with av.open(io.BytesIO(make_audio(fmt, 1.5))) as container:
        stream = container.streams.audio[0]
        samples = sum(frame.samples for frame in container.decode(stream))

    assert stream.codec_context.name.startswith(CODECS[fmt])  # ffmpeg may say "mp3float"
    # lossy encoders pad or trim a frame or two at the edges
    assert samples == pytest.approx(1.5 * SAMPLE_RATE, abs=2048)


@pytest.mark.parametrize("fmt", FORMATS)
def test_make_audio_is_deterministic_and_fast(fmt):
    started = time.perf_counter()
    first = make_audio(fmt, 1.0)
    elapsed = time.perf_counter() - started

    assert first == make_audio(fmt, 1.0)
    assert first != make_audio(fmt, 1.0, freq=880)
    assert elapsed < 0.2


@pytest.mark.parametrize("fmt", FORMATS)
def test_make_audio_embeds_tags_other_tools_can_read(fmt):
    data = make_audio(fmt, title="Blue Monday", artist="New Order", album="Power, Corruption")

    audio = mutagen.File(io.BytesIO(data), easy=fmt != "wav")

    if fmt == "wav":
        assert str(audio.tags["TIT2"]) == "Blue Monday"
        assert str(audio.tags["TPE1"]) == "New Order"
    else:
        assert audio["title"] == ["Blue Monday"]
        assert audio["artist"] == ["New Order"]
        assert audio["album"] == ["Power, Corruption"]


def test_make_audio_refuses_a_format_it_cannot_make():
    with pytest.raises(ValueError, match="webm"):
        make_audio("webm")


def test_serve_answers_bytes_text_statuses_and_unknown_paths(server):
    base = server({"/a.bin": b"\x00\x01", "/page": "<p>hi</p>", "/gone": 410})

    binary = requests.get(f"{base}/a.bin", timeout=5)
    page = requests.get(f"{base}/page", timeout=5)

    assert base.startswith("http://127.0.0.1:")
    assert (binary.status_code, binary.content) == (200, b"\x00\x01")
    assert binary.headers["Content-Length"] == "2"
    assert page.headers["Content-Type"].startswith("text/html")
    assert requests.get(f"{base}/gone", timeout=5).status_code == 410
    assert requests.get(f"{base}/missing", timeout=5).status_code == 404


def test_serve_calls_handlers_with_the_request_and_honours_method_keys(server):
    seen = []

    def handler(request):
        seen.append((request.method, request.path, request.query, request.body))
        return Reply(status=201, body=b"made", headers={"X-Id": "7"})

    base = server({"POST /items": handler})

    made = requests.post(f"{base}/items?tag=a&tag=b", data=b"payload", timeout=5)

    assert (made.status_code, made.content, made.headers["X-Id"]) == (201, b"made", "7")
    assert seen == [("POST", "/items", {"tag": ["a", "b"]}, b"payload")]
    assert requests.get(f"{base}/items", timeout=5).status_code == 404


def test_serve_can_omit_the_length_and_end_the_body_by_closing(server):
    base = server({"/stream": Reply(body=b"x" * 100_000, send_length=False)})

    response = requests.get(f"{base}/stream", timeout=5)

    assert "Content-Length" not in response.headers
    assert len(response.content) == 100_000


def test_serve_drips_slowly_and_stop_ends_the_drip(server):
    base_url, stop = serve({"/slow": Reply(body=b"y" * 40, chunk_size=10, delay=0.2)})
    started = time.perf_counter()
    with requests.get(f"{base_url}/slow", stream=True, timeout=5) as response:
        first = next(response.iter_content(10))
        took = time.perf_counter() - started
        stop()
        stop()  # stopping twice is harmless

    assert first == b"y" * 10
    assert took >= 0.2
    assert time.perf_counter() - started < 2
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{base_url}/slow", timeout=1)
