"""Choosing the right search result, on lists like the ones YouTube really returns; and the
parts of the yt-dlp backend that need no server: the search query and error wording."""

import pytest

from downloads.backends.base import FetchRequest
from downloads.backends.matching import best_match, normalize, rank, score
from downloads.backends.ytdlp import YtDlpBackend, reword_error

GET_LUCKY = FetchRequest(title="Get Lucky", artists=("Daft Punk",), duration_ms=369_000)


def video(title, uploader="", duration=369, **extra):
    return {"title": title, "uploader": uploader, "duration": duration, "url": title, **extra}


STUDIO = video("Daft Punk - Get Lucky (Official Audio) ft. Pharrell Williams", "Daft Punk")
RADIO_EDIT = video("Daft Punk - Get Lucky (Official Video)", "DaftPunkVEVO", duration=248)
LIVE = video("Get Lucky (Live at the Grammys 2014)", "Daft Punk", duration=372)
COVER = video("Get Lucky - Daft Punk (Cover by Random Singer)", "Random Singer", duration=365)
EXTENDED = video("Daft Punk - Get Lucky", "Daft Punk", duration=409)  # 40 s longer
KARAOKE_CHANNEL = video("Get Lucky", "Sing King", duration=369)


def test_normalize_drops_decorations_featuring_accents_and_punctuation():
    assert normalize("Get Lucky (Official Video) [feat. Pharrell]") == "get lucky"
    assert normalize("GET LUCKY ft. Pharrell Williams, Nile Rodgers") == "get lucky"
    assert normalize("Déjà Vu!!! - Remastered") == "deja vu remastered"
    assert normalize("Rock & Roll") == "rock and roll"


def test_the_studio_recording_beats_video_edit_live_cover_and_extended_cuts():
    candidates = [RADIO_EDIT, LIVE, COVER, EXTENDED, KARAOKE_CHANNEL, STUDIO]

    assert best_match(GET_LUCKY, candidates) is STUDIO
    assert rank(GET_LUCKY, candidates)[0][1] is STUDIO


def test_a_live_version_scores_below_the_studio_one_and_alone_is_no_match():
    assert score(GET_LUCKY, LIVE) < score(GET_LUCKY, STUDIO)
    assert best_match(GET_LUCKY, [LIVE]) is None


def test_a_cover_by_someone_else_is_not_chosen():
    assert best_match(GET_LUCKY, [COVER]) is None


def test_the_wrong_artist_is_ruled_out_even_with_exact_title_and_length():
    assert score(GET_LUCKY, KARAOKE_CHANNEL) is None


def test_forty_seconds_longer_is_ruled_out_and_closer_scores_higher():
    one_off = video("Daft Punk - Get Lucky", "Daft Punk", duration=370)
    ten_off = video("Daft Punk - Get Lucky", "Daft Punk", duration=379)

    assert score(GET_LUCKY, EXTENDED) is None
    assert score(GET_LUCKY, RADIO_EDIT) is None
    assert score(GET_LUCKY, one_off) > score(GET_LUCKY, ten_off) > 0.7


def test_an_isrc_match_wins_outright():
    by_isrc = video("GL (audio)", "label upload", duration=300, isrc="usqx91300108")
    request = FetchRequest(title="Get Lucky", artists=("Daft Punk",), isrc="USQX91300108")

    assert score(request, by_isrc) == 2.0
    assert best_match(request, [STUDIO, by_isrc]) is by_isrc


@pytest.mark.parametrize(
    "uploader", ["Daft Punk - Topic", "DaftPunkVEVO", "Daft Punk Official", "daft punk"]
)
def test_artist_channels_count_as_the_artist(uploader):
    candidate = video("Get Lucky", uploader)

    assert best_match(GET_LUCKY, [candidate]) is candidate


def test_accents_in_names_do_not_matter():
    request = FetchRequest(title="Déjà Vu", artists=("Beyoncé",), duration_ms=240_000)
    candidate = video("Beyonce - Deja Vu ft. Jay-Z (Official Video)", "beyonceVEVO", duration=241)

    assert best_match(request, [candidate]) is candidate


def test_unknown_durations_are_neutral_not_fatal():
    candidate = video("Daft Punk - Get Lucky", "Daft Punk", duration=None)

    assert best_match(GET_LUCKY, [candidate]) is candidate
    assert score(GET_LUCKY, candidate) < score(GET_LUCKY, STUDIO)


def test_a_different_song_by_the_same_artist_is_not_a_match():
    assert best_match(GET_LUCKY, [video("Daft Punk - Instant Crush", "Daft Punk")]) is None


def test_search_order_breaks_ties():
    first, second = video("Get Lucky", "Daft Punk"), video("Get Lucky", "Daft Punk")

    assert best_match(GET_LUCKY, [first, second]) is first


def test_a_higher_threshold_turns_a_weak_match_away():
    weak = video("Daft Punk - Get Lucky", "Daft Punk", duration=382)

    assert best_match(GET_LUCKY, [weak]) is weak
    assert best_match(GET_LUCKY, [weak], threshold=0.95) is None


@pytest.mark.parametrize(
    ("message", "expected", "retryable"),
    [
        (
            "ERROR: [youtube] abc: Video unavailable. This video is private",
            "Video unavailable",
            False,
        ),
        (
            "ERROR: [youtube] abc: Sign in to confirm your age.",
            "Sign in to confirm your age",
            False,
        ),
        ("ERROR: [youtube] abc: Sign in to confirm you’re not a bot.", "not a bot", True),
        ("ERROR: unable to download video data: HTTP Error 403: Forbidden", "HTTP 403 from", False),
        ("ERROR: [download] Got error: HTTP Error 503: Service Unavailable", "HTTP 503 from", True),
        ("ERROR: [download] Got error: The read operation timed out", "timed out after 30 s", True),
    ],
)
def test_yt_dlp_errors_are_reworded(message, expected, retryable):
    error = reword_error(message, "https://www.youtube.com/watch?v=abc", 30)

    assert expected in error.message and not error.message.startswith("ERROR")
    assert error.retryable is retryable


def test_a_known_youtube_id_skips_the_search():
    def search(query, limit):
        raise AssertionError("no search expected")

    request = FetchRequest(title="Get Lucky", youtube_id="5NV6Rdv1a3I")

    assert (
        YtDlpBackend(search=search).find(request)[0]
        == "https://www.youtube.com/watch?v=5NV6Rdv1a3I"
    )


def test_the_default_search_asks_youtube_for_a_flat_result_list(monkeypatch):
    asked = []

    class FakeYoutubeDL:  # only to see the query: the tests never reach YouTube
        def __init__(self, options):
            self.options = options

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def extract_info(self, url, download):
            asked.append((url, download, self.options["extract_flat"]))
            # the shape of yt-dlp's flat YouTube search entries
            entry = {"_type": "url", "url": "https://www.youtube.com/watch?v=5NV6Rdv1a3I"}
            entry |= {"title": "Daft Punk - Get Lucky", "channel": "Daft Punk", "duration": 369}
            return {"_type": "playlist", "entries": [entry]}

    monkeypatch.setattr("downloads.backends.ytdlp.yt_dlp.YoutubeDL", FakeYoutubeDL)

    target, title = YtDlpBackend().find(GET_LUCKY)

    assert asked == [("ytsearch5:Daft Punk - Get Lucky", False, "in_playlist")]
    assert (target, title) == (
        "https://www.youtube.com/watch?v=5NV6Rdv1a3I",
        "Daft Punk - Get Lucky",
    )
