"""The ytdlp backend end to end through a DownloadJob: search a loopback feed, score, download.

yt-dlp's generic extractor reads an XSPF playlist as search results (DOWNLOAD_YTDLP_SEARCH_URL)
and downloads the chosen direct URL; no YouTube, no ffmpeg.
"""

from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from downloads import services
from downloads.tagging import read_meta
from downloads.tasks import run_download
from downloads.tests.factories import make_track
from trackflow.jobs.models import JobStatus
from trackflow.testing.audio import make_audio
from trackflow.testing.http_server import Reply

pytestmark = pytest.mark.django_db

SONG = make_audio("mp3", 30.0, freq=440)
OTHER = make_audio("mp3", 30.0, freq=660)


def feed(base: str, results: list[tuple[str, str, int]]) -> Reply:
    tracks = "".join(
        f"<track><location>{base}{path}</location><title>{escape(title)}</title>"
        f"<duration>{seconds * 1000}</duration></track>"
        for path, title, seconds in results
    )
    body = (
        '<?xml version="1.0" encoding="UTF-8"?><playlist version="1" '
        f'xmlns="http://xspf.org/ns/0/"><trackList>{tracks}</trackList></playlist>'
    )
    return Reply(body=body.encode(), content_type="application/xspf+xml")


@pytest.fixture
def search(media, settings):
    settings.DOWNLOAD_BACKEND = "ytdlp"
    settings.DOWNLOAD_YTDLP_SEARCH_URL = media.base_url + "/search.xspf?q={query}"
    media.add("/live.mp3", OTHER)
    media.add("/song.mp3", SONG)
    media.add("/long.mp3", OTHER)

    def results(*entries):
        media.add("/search.xspf", feed(media.base_url, list(entries)))

    return results


def test_the_best_scoring_candidate_is_downloaded_tagged_and_filed(owner, media, settings, search):
    search(
        ("/live.mp3", "Daft Punk - Get Lucky (Live at the Grammys)", 30),
        ("/song.mp3", "Daft Punk - Get Lucky (Official Audio)", 30),
        ("/long.mp3", "Daft Punk - Get Lucky (Extended Mix)", 70),
    )
    track = make_track(("Daft Punk",), title="Get Lucky", duration_ms=30_500, track_number=8)

    [job] = services.queue_downloads(owner, [track.pk])
    summary = run_download(str(job.pk))

    job.refresh_from_db()
    assert job.status == JobStatus.COMPLETED, job.error
    assert job.backend == "ytdlp"
    assert summary.endswith("(matched 'Daft Punk - Get Lucky (Official Audio)')")
    assert job.source_url == f"{media.base_url}/song.mp3"
    assert media.hits["/song.mp3"] >= 1  # yt-dlp probes the URL, then downloads it
    assert media.hits["/live.mp3"] == media.hits["/long.mp3"] == 0
    path = Path(settings.MEDIA_ROOT, job.file)
    assert path.read_bytes().endswith(SONG)
    assert read_meta(path).artists == ["Daft Punk"] and read_meta(path).title == "Get Lucky"


def test_no_good_candidate_fails_with_no_match_found(owner, media, search):
    search(("/long.mp3", "Someone Else - Another Song", 70))
    track = make_track(("Daft Punk",), title="Get Lucky", duration_ms=30_500)

    [job] = services.queue_downloads(owner, [track.pk])
    run_download(str(job.pk))

    job.refresh_from_db()
    assert (job.status, job.error) == (
        JobStatus.FAILED,
        "no match found for 'Daft Punk - Get Lucky'",
    )
    assert media.hits["/long.mp3"] == 0


def test_a_direct_url_goes_through_ytdlp_without_a_search(staff, media, settings):
    track = make_track(("Daft Punk",), title="Get Lucky")
    url = media.add("/song.mp3", SONG)

    [job] = services.queue_tracks(staff, [track.pk], backend="ytdlp", url=url)
    run_download(str(job.pk))

    job.refresh_from_db()
    assert (job.status, job.backend, job.source_url) == (JobStatus.COMPLETED, "ytdlp", url)
    assert Path(settings.MEDIA_ROOT, job.file).read_bytes().endswith(SONG)
