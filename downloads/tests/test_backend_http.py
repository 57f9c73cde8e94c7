"""The http backend against a real loopback server serving real audio."""

import os
import time

import pytest

from downloads.backends import (
    DownloadCancelled,
    DownloadError,
    FetchRequest,
    get_backend,
)
from downloads.backends.http import HttpBackend
from trackflow.testing.audio import make_audio
from trackflow.testing.http_server import Reply, serve

WAV = make_audio("wav", 3.0)  # about 260 KB: several progress steps
MP3 = make_audio("mp3", 1.0)
LUCKY = FetchRequest(
    title="Get Lucky", artists=("Daft Punk",), album="RAM", spotify_id="69kOkLUC", isrc="USQX9"
)


@pytest.fixture
def server():
    stops = []

    def start(routes):
        base_url, stop = serve(routes)
        stops.append(stop)
        return base_url

    yield start
    for stop in stops:
        stop()


class Recorder:
    """A progress callback that remembers every call."""

    def __init__(self):
        self.calls = []

    def __call__(self, done, total):
        self.calls.append((done, total))


def fetch(backend, url, tmp_path, progress=None, should_cancel=lambda: False):
    request = FetchRequest(title="x", url=url)
    return backend.fetch(request, tmp_path, progress or Recorder(), should_cancel)


def test_it_streams_audio_into_a_part_file_and_reports_progress(server, tmp_path):
    base = server({"/song.wav": Reply(body=WAV, content_type="audio/wav")})
    progress = Recorder()

    result = fetch(HttpBackend(), f"{base}/song.wav", tmp_path, progress)

    assert result.path.parent == tmp_path and result.path.name.endswith(".part")
    assert result.path.read_bytes() == WAV
    assert (result.format, result.ext, result.size) == ("wav", "wav", len(WAV))
    assert result.source_url == f"{base}/song.wav"
    done = [bytes_done for bytes_done, _ in progress.calls]
    assert done == sorted(done) and done[0] == 0
    assert progress.calls[-1] == (len(WAV), len(WAV))
    assert {total for _, total in progress.calls} == {len(WAV)}
    assert len(progress.calls) <= len(WAV) // (64 * 1024) + 2  # throttled to ~64 KB steps


def test_the_url_comes_from_the_template_with_quoted_values(server, tmp_path):
    seen = []

    def audio(request):
        seen.append((request.path, request.query))
        return MP3

    base = server({"/audio/69kOkLUC.mp3": audio})
    template = base + "/audio/{spotify_id}.mp3?q={artist}+{title}&isrc={isrc}&album={album}"
    request = FetchRequest(
        title="Back in Black & Blue?", artists=("AC/DC",), album="B/W", spotify_id="69kOkLUC"
    )
    backend = get_backend("http", url_template=template.replace("&isrc={isrc}", ""))

    result = backend.fetch(request, tmp_path, Recorder(), lambda: False)

    assert result.format == "mp3"
    assert seen == [
        ("/audio/69kOkLUC.mp3", {"q": ["AC/DC Back in Black & Blue?"], "album": ["B/W"]})
    ]
    assert "AC%2FDC+Back%20in%20Black%20%26%20Blue%3F" in result.source_url


def test_a_missing_template_value_fails_without_a_request(tmp_path):
    backend = HttpBackend(url_template="http://127.0.0.1:9/{isrc}.mp3")

    with pytest.raises(DownloadError, match="the track has no isrc") as caught:
        backend.fetch(FetchRequest(title="x"), tmp_path, Recorder(), lambda: False)

    assert not caught.value.retryable


def test_an_unknown_template_placeholder_is_a_configuration_error():
    with pytest.raises(ValueError, match=r"unknown placeholder \{genre\}"):
        get_backend("http", url_template="http://x/{genre}.mp3")


def test_without_url_or_template_it_says_what_to_set(tmp_path):
    with pytest.raises(DownloadError, match="set DOWNLOAD_URL_TEMPLATE"):
        HttpBackend().fetch(LUCKY, tmp_path, Recorder(), lambda: False)


def test_404_is_final(server, tmp_path):
    base = server({})

    with pytest.raises(DownloadError) as caught:
        fetch(HttpBackend(), f"{base}/missing.mp3", tmp_path)

    assert caught.value.message == f"HTTP 404 from {base}/missing.mp3"
    assert not caught.value.retryable
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("status", [500, 502, 503, 429])
def test_server_errors_and_rate_limits_are_retryable(server, tmp_path, status):
    base = server({"/x.mp3": Reply(status=status, headers={"Retry-After": "120"})})

    with pytest.raises(DownloadError, match=f"HTTP {status} from") as caught:
        fetch(HttpBackend(), f"{base}/x.mp3", tmp_path)

    assert caught.value.retryable and caught.value.retry_after == 120


def test_a_stalled_body_times_out_with_the_configured_read_timeout(server, tmp_path):
    base = server({"/slow.wav": Reply(body=WAV, chunk_size=4096, delay=1.0)})
    started = time.monotonic()

    with pytest.raises(DownloadError) as caught:
        fetch(HttpBackend(read_timeout=0.2), f"{base}/slow.wav", tmp_path)

    assert caught.value.message == f"timed out after 0.2 s reading {base}/slow.wav"
    assert caught.value.retryable
    assert time.monotonic() - started < 1.5
    assert os.listdir(tmp_path) == []


def test_a_trickle_is_stopped_by_the_total_timeout(server, tmp_path):
    base = server({"/trickle.wav": Reply(body=WAV, chunk_size=1024, delay=0.05)})

    with pytest.raises(DownloadError, match="timed out after 0.5 s downloading") as caught:
        fetch(HttpBackend(read_timeout=5, total_timeout=0.5), f"{base}/trickle.wav", tmp_path)

    assert caught.value.retryable


def test_connection_refused_is_retryable(server, tmp_path):
    base_url, stop = serve({})
    stop()

    with pytest.raises(DownloadError, match="could not connect to 127.0.0.1") as caught:
        fetch(HttpBackend(), f"{base_url}/x.mp3", tmp_path)

    assert caught.value.retryable


def test_an_html_page_declared_as_html_is_rejected_before_reading(server, tmp_path):
    base = server({"/page": "<html><body>Please log in</body></html>"})

    with pytest.raises(DownloadError, match=r"not an audio file \(got text/html\)") as caught:
        fetch(HttpBackend(), f"{base}/page", tmp_path)

    assert not caught.value.retryable
    assert os.listdir(tmp_path) == []


def test_an_html_page_sent_as_binary_is_caught_by_sniffing(server, tmp_path):
    page = b"<!DOCTYPE html><html><body>" + b"Error " * 2000 + b"</body></html>"
    base = server({"/song.mp3": Reply(body=page, content_type="audio/mpeg")})

    with pytest.raises(DownloadError, match=r"not an audio file \(got audio/mpeg\)"):
        fetch(HttpBackend(), f"{base}/song.mp3", tmp_path)

    assert os.listdir(tmp_path) == []


def test_a_declared_length_over_the_limit_is_refused_before_downloading(server, tmp_path):
    base = server({"/big.wav": WAV})
    progress = Recorder()

    with pytest.raises(DownloadError) as caught:
        fetch(HttpBackend(max_bytes=100 * 1024), f"{base}/big.wav", tmp_path, progress)

    assert caught.value.message == "file larger than the 100 KB limit"
    assert progress.calls == [] and os.listdir(tmp_path) == []


def test_an_undeclared_body_over_the_limit_is_cut_off_while_streaming(server, tmp_path):
    base = server({"/big.wav": Reply(body=WAV, send_length=False)})
    progress = Recorder()

    with pytest.raises(DownloadError, match="larger than the 100 KB limit"):
        fetch(HttpBackend(max_bytes=100 * 1024), f"{base}/big.wav", tmp_path, progress)

    assert progress.calls[0] == (0, None)
    assert max(done for done, _ in progress.calls) <= 100 * 1024
    assert os.listdir(tmp_path) == []


def test_a_body_without_length_still_completes(server, tmp_path):
    base = server({"/song.wav": Reply(body=WAV, send_length=False)})
    progress = Recorder()

    result = fetch(HttpBackend(), f"{base}/song.wav", tmp_path, progress)

    assert result.size == len(WAV) and progress.calls[-1] == (len(WAV), None)


def test_cancel_mid_stream_stops_and_cleans_up(server, tmp_path):
    base = server({"/song.wav": Reply(body=WAV, chunk_size=16 * 1024, delay=0.02)})
    progress = Recorder()

    def should_cancel():
        return any(done > 0 for done, _ in progress.calls)

    with pytest.raises(DownloadCancelled) as caught:
        fetch(
            HttpBackend(chunk_size=16 * 1024), f"{base}/song.wav", tmp_path, progress, should_cancel
        )

    assert caught.value.message == "cancelled" and not caught.value.retryable
    assert max(done for done, _ in progress.calls) < len(WAV)
    assert os.listdir(tmp_path) == []


def test_get_backend_knows_both_backends_and_names_them_when_asked_for_another():
    assert get_backend("http").name == "http"
    assert get_backend("ytdlp").name == "ytdlp"
    with pytest.raises(ValueError, match="choose one of http, ytdlp"):
        get_backend("torrent")


def test_a_body_cut_short_of_its_declared_length_is_retryable(server, tmp_path):
    cut = Reply(body=WAV[:50_000], send_length=False, headers={"Content-Length": str(len(WAV))})
    base = server({"/cut.wav": cut})

    with pytest.raises(DownloadError, match="connection broke while reading") as caught:
        fetch(HttpBackend(), f"{base}/cut.wav", tmp_path)

    assert caught.value.retryable
    assert os.listdir(tmp_path) == []
