"""The yt-dlp backend, run for real against loopback pages: no YouTube, no ffmpeg.

yt-dlp's generic extractor downloads a direct media URL, and reads an XSPF playlist or an RSS
feed as a list of entries with titles and durations: that is how the search step is pointed
at a loopback "search page" here (search_url_template).
"""

import io
import os
from xml.sax.saxutils import escape

import av
import numpy as np
import pytest

from downloads.backends import DownloadCancelled, DownloadError, FetchRequest, get_backend
from downloads.backends.ytdlp import YtDlpBackend
from trackflow.testing.audio import make_audio
from trackflow.testing.http_server import Reply, serve

SONG = make_audio("mp3", 30.0, freq=440)  # about 240 KB
LIVE = make_audio("mp3", 30.0, freq=660)
GET_LUCKY = FetchRequest(title="Get Lucky", artists=("Daft Punk",), duration_ms=30_500)
RESULTS = [  # (path, title, seconds): a search result list, best match second
    ("/live.mp3", "Daft Punk - Get Lucky (Live at the Grammys)", 30),
    ("/song.mp3", "Daft Punk - Get Lucky (Official Audio)", 30),
    ("/long.mp3", "Daft Punk - Get Lucky (Extended Mix)", 70),
    ("/other.mp3", "Nobody - Get Lucky", 30),
]


def xspf(base):
    tracks = "".join(
        f"<track><location>{base}{path}</location><title>{escape(title)}</title>"
        f"<duration>{seconds * 1000}</duration></track>"
        for path, title, seconds in RESULTS
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><playlist version="1" '
        f'xmlns="http://xspf.org/ns/0/"><trackList>{tracks}</trackList></playlist>'
    ).encode()


def rss(base):
    items = "".join(
        f"<item><title>{escape(title)}</title><guid>{path}</guid>"
        f'<enclosure url="{base}{path}" type="audio/mpeg" length="1"/>'
        f"<itunes:duration>{seconds}</itunes:duration></item>"
        for path, title, seconds in RESULTS
    )
    return (
        '<?xml version="1.0"?><rss version="2.0" '
        'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel>'
        f"<title>results</title><link>{base}</link>{items}</channel></rss>"
    ).encode()


FEEDS = {"xspf": (xspf, "application/xspf+xml"), "rss": (rss, "application/rss+xml")}


@pytest.fixture
def site():
    """A loopback server with the songs, a search feed, and a log of search queries."""
    routes = {path: Reply(body=LIVE, content_type="audio/mpeg") for path, _, _ in RESULTS}
    routes["/song.mp3"] = Reply(body=SONG, content_type="audio/mpeg")
    base, stop = serve(routes)
    queries = []

    def search(feed):
        def answer(request):
            queries.append(request.query["q"][0])
            build, content_type = FEEDS[feed]
            return Reply(body=build(base), content_type=content_type)

        return answer

    routes["/search.xspf"], routes["/search.rss"] = search("xspf"), search("rss")
    yield base, routes, queries
    stop()


class Recorder:
    def __init__(self):
        self.calls = []

    def __call__(self, done, total):
        self.calls.append((done, total))


def fetch(backend, request, tmp_path, progress=None, should_cancel=lambda: False):
    return backend.fetch(request, tmp_path / "staging", progress or Recorder(), should_cancel)


def test_a_direct_url_downloads_through_the_generic_extractor(site, tmp_path):
    base, _, _ = site
    progress = Recorder()

    result = fetch(
        YtDlpBackend(), FetchRequest(title="x", url=f"{base}/song.mp3"), tmp_path, progress
    )

    assert result.path.read_bytes() == SONG
    assert result.path.parent == tmp_path / "staging" and result.path.name.endswith(".mp3.part")
    assert (result.format, result.size, result.source_url) == ("mp3", len(SONG), f"{base}/song.mp3")
    done = [bytes_done for bytes_done, _ in progress.calls]
    assert len(done) >= 2 and done == sorted(done)
    assert progress.calls[-1] == (len(SONG), len(SONG))
    assert os.listdir(result.path.parent) == [result.path.name]


@pytest.mark.parametrize("feed", ["xspf", "rss"])
def test_search_scores_the_candidates_and_downloads_the_best(site, tmp_path, feed):
    base, _, queries = site
    backend = get_backend("ytdlp", search_url_template=f"{base}/search.{feed}?q={{query}}")

    result = fetch(backend, GET_LUCKY, tmp_path)

    assert queries == ["Daft Punk - Get Lucky"]
    assert result.path.read_bytes() == SONG
    assert result.title == "Daft Punk - Get Lucky (Official Audio)"
    assert result.source_url.startswith(f"{base}/song.mp3")


def test_search_without_a_good_candidate_is_no_match(site, tmp_path):
    base, _, _ = site
    backend = YtDlpBackend(search_url_template=f"{base}/search.xspf?q={{query}}")
    request = FetchRequest(title="Harder, Better", artists=("Daft Punk",), duration_ms=224_000)

    with pytest.raises(DownloadError) as caught:
        fetch(backend, request, tmp_path)

    assert caught.value.message == "no match found for 'Daft Punk - Harder, Better'"
    assert not caught.value.retryable


def test_an_injected_search_function_replaces_youtube(site, tmp_path):
    base, _, _ = site
    asked = []

    def search(query, limit):
        asked.append((query, limit))
        return [{"title": "GL", "uploader": "x", "isrc": "USQX9", "url": f"{base}/song.mp3"}]

    request = FetchRequest(title="Get Lucky", artists=("Daft Punk",), isrc="USQX9")

    result = fetch(YtDlpBackend(search=search, search_limit=3), request, tmp_path)

    assert asked == [("Daft Punk - Get Lucky", 3)] and result.path.read_bytes() == SONG


def test_404_is_final_and_refused_connections_are_retryable(site, tmp_path):
    base, _, _ = site
    _, stop = dead = serve({})
    stop()

    with pytest.raises(DownloadError) as missing:
        fetch(YtDlpBackend(), FetchRequest(title="x", url=f"{base}/nope.mp3"), tmp_path)
    with pytest.raises(DownloadError, match="could not connect") as refused:
        fetch(YtDlpBackend(), FetchRequest(title="x", url=f"{dead[0]}/x.mp3"), tmp_path)

    assert missing.value.message == f"HTTP 404 from {base}/nope.mp3"
    assert not missing.value.retryable and refused.value.retryable


def test_a_page_without_media_is_no_audio(site, tmp_path):
    base, routes, _ = site
    routes["/page"] = "<html><body>Nothing to see</body></html>"

    with pytest.raises(DownloadError, match="no audio found at") as caught:
        fetch(YtDlpBackend(), FetchRequest(title="x", url=f"{base}/page"), tmp_path)

    assert not caught.value.retryable


def test_cancel_during_the_download_stops_and_cleans_up(site, tmp_path):
    base, routes, _ = site
    routes["/slow.mp3"] = Reply(body=SONG, content_type="audio/mpeg", chunk_size=8192, delay=0.02)
    progress = Recorder()

    def should_cancel():
        return any(done > 0 for done, _ in progress.calls)

    with pytest.raises(DownloadCancelled):
        fetch(
            YtDlpBackend(),
            FetchRequest(title="x", url=f"{base}/slow.mp3"),
            tmp_path,
            progress,
            should_cancel,
        )

    assert progress.calls and max(done for done, _ in progress.calls) < len(SONG)
    assert os.listdir(tmp_path / "staging") == []


@pytest.mark.parametrize("send_length", [True, False])
def test_files_over_the_limit_are_refused(site, tmp_path, send_length):
    base, routes, _ = site
    routes["/big.mp3"] = Reply(body=SONG, content_type="audio/mpeg", send_length=send_length)

    with pytest.raises(DownloadError) as caught:
        fetch(
            YtDlpBackend(max_bytes=100 * 1024),
            FetchRequest(title="x", url=f"{base}/big.mp3"),
            tmp_path,
        )

    assert caught.value.message == "file larger than the 100 KB limit"
    assert os.listdir(tmp_path / "staging") == []


def test_audio_mutagen_cannot_tag_is_refused_with_a_hint(site, tmp_path):
    base, routes, _ = site
    routes["/song.webm"] = Reply(body=webm_opus(), content_type="audio/webm")

    with pytest.raises(DownloadError, match=r"can tag \(got webm\); set convert_to"):
        fetch(YtDlpBackend(), FetchRequest(title="x", url=f"{base}/song.webm"), tmp_path)

    assert os.listdir(tmp_path / "staging") == []


def test_convert_to_runs_ffmpeg_which_this_machine_lacks(site, tmp_path):
    base, _, _ = site

    with pytest.raises(DownloadError, match="converting needs ffmpeg") as caught:
        fetch(
            YtDlpBackend(convert_to="mp3"),
            FetchRequest(title="x", url=f"{base}/song.mp3"),
            tmp_path,
        )

    assert not caught.value.retryable
    assert os.listdir(tmp_path / "staging") == []


def webm_opus() -> bytes:
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="webm") as container:
        stream = container.add_stream("libopus", rate=48000, layout="mono")
        silence = np.zeros((1, 960), dtype="float32")
        for index in range(50):
            frame = av.AudioFrame.from_ndarray(silence, format="flt", layout="mono")
            frame.sample_rate, frame.pts = 48000, index * 960
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return buffer.getvalue()
