"""sort_and_limit: the Python ORDER BY the SQL compiler is held to."""

import datetime as dt
import random

from rules.dsl import TrackFacts, parse_rule, sort_and_limit


def ids(sort: str | None, tracks: list[TrackFacts], limit: int | None = None) -> list[int]:
    data: dict = {"all": []}
    if sort is not None:
        data["sort"] = sort
    if limit is not None:
        data["limit"] = limit
    return [t["id"] for t in sort_and_limit(parse_rule(data), tracks)]


TRACKS: list[TrackFacts] = [
    {"id": 4, "title": "beta", "year": 2001, "artists": ["Zed", "Abba"], "liked": True},
    {"id": 2, "title": "Alpha", "year": None, "artists": ["abba"], "liked": False},
    {"id": 3, "title": "alpha", "year": 1999, "artists": [], "liked": True},
    {"id": 1, "title": None, "year": 2001, "artists": ["Émile"], "liked": False},
]


def test_without_sort_tracks_come_in_id_order():
    assert ids(None, TRACKS) == [1, 2, 3, 4]


def test_text_ignores_case_and_ties_break_by_id():
    assert ids("title", TRACKS) == [2, 3, 4, 1]


def test_missing_values_sort_last_in_both_directions():
    assert ids("year", TRACKS) == [3, 1, 4, 2]
    assert ids("-year", TRACKS) == [1, 4, 3, 2]
    assert ids("-title", TRACKS) == [4, 2, 3, 1]


def test_later_keys_break_ties_of_earlier_ones():
    assert ids("-year,title", TRACKS) == [4, 1, 3, 2]
    assert ids("liked,-title", TRACKS) == [2, 1, 4, 3]


def test_artist_sorts_by_the_first_artist():
    assert ids("artist", TRACKS) == [2, 4, 1, 3]


def test_text_compares_folded_code_points():
    assert ids("-artist", TRACKS) == [1, 4, 2, 3]


def test_enrichments_sort_numbers_then_folded_text_then_missing():
    tracks: list[TrackFacts] = [
        {"id": 1, "enrichments": {"audio": {"bpm": 120}}},
        {"id": 2, "enrichments": {"audio": {"bpm": "fast"}}},
        {"id": 3, "enrichments": {"audio": {"bpm": 99.5}}},
        {"id": 4},
        {"id": 5, "enrichments": {"audio": {"bpm": "Adagio"}}},
        {"id": 6, "enrichments": {"audio": {"bpm": True}}},  # neither: sorts as missing
    ]
    assert ids("audio.bpm", tracks) == [3, 1, 5, 2, 4, 6]
    assert ids("-audio.bpm", tracks) == [1, 3, 2, 5, 4, 6]


def test_a_text_enrichment_sorts_by_its_text():
    keys = ["C#", "a", "F", None, "Bb"]
    tracks: list[TrackFacts] = [
        {"id": i, "enrichments": {"audio": {"key": key}}} for i, key in enumerate(keys, 1)
    ]
    assert ids("audio.key", tracks) == [2, 5, 1, 3, 4]
    assert ids("-audio.key", tracks) == [3, 1, 5, 2, 4]


def test_datetimes_compare_as_utc_instants():
    tracks: list[TrackFacts] = [
        {
            "id": 1,
            "dateadded": dt.datetime(2024, 1, 1, 12, tzinfo=dt.timezone(dt.timedelta(hours=5))),
        },
        {"id": 2, "dateadded": dt.datetime(2024, 1, 1, 8, tzinfo=dt.UTC)},
        {"id": 3, "dateadded": dt.datetime(2024, 1, 1, 7, 30)},
    ]
    assert ids("dateadded", tracks) == [1, 3, 2]


def test_limit_cuts_after_sorting():
    assert ids("-year", TRACKS, limit=2) == [1, 4]
    assert ids(None, TRACKS, limit=10) == [1, 2, 3, 4]


def test_random_shuffles_with_the_given_generator_then_limits():
    rule = parse_rule({"all": [], "sort": "random", "limit": 3})
    first = sort_and_limit(rule, TRACKS, random.Random(7))
    again = sort_and_limit(rule, TRACKS, random.Random(7))
    assert first == again and len(first) == 3
    assert {t["id"] for t in first} <= {1, 2, 3, 4}


def test_it_does_not_reorder_the_input():
    tracks = list(TRACKS)
    sort_and_limit(parse_rule({"all": [], "sort": "title"}), tracks)
    assert tracks == TRACKS
