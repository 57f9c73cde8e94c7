"""The Python evaluator: every operator, missing values, negatives, explain."""

import datetime as dt

import pytest

from rules.dsl import TrackFacts, evaluate, explain, parse_query, parse_rule

NOW = dt.datetime(2024, 6, 15, 12, 0, tzinfo=dt.UTC)

TRACK: TrackFacts = {
    "id": 1,
    "title": "One More Time",
    "artists": ["Daft Punk", "Romanthony"],
    "albumartists": ["Daft Punk"],
    "album": "Discovery",
    "genres": ["French House", "disco"],
    "year": 2001,
    "releasedate": dt.date(2001, 3, 12),
    "duration": 320.4,
    "explicit": False,
    "popularity": 80,
    "isrc": "GBDUW0000059",
    "source": "spotify",
    "liked": True,
    "likedat": dt.datetime(2024, 6, 1, 23, 30, tzinfo=dt.UTC),
    "dateadded": dt.datetime(2024, 5, 1, 8, 0, tzinfo=dt.UTC),
    "hasaudio": True,
    "status": "ready",
    "tags": ["party", "Summer"],
    "playlists": [(7, "Road Trip"), (9, "Gym")],
    "enrichments": {
        "audio": {"bpm": 123, "key": "F#m", "energy": 0.91, "vocal": True, "mood": ""},
        "musicbrainz": {"genre": "house", "bpm": "fast"},
    },
}
DESIGN_QUERY = (
    "artist:daft year:1990..1999 (genre:house OR audio.bpm:>120) -explicit:true"
    " sort:-year limit:100"
)
BARE: TrackFacts = {"id": 2, "liked": False, "hasaudio": False}


def holds(op: str, field: str, value, facts: TrackFacts = TRACK) -> bool:
    rule = parse_rule({"all": [{op: {field: value}}]})
    return evaluate(rule, facts, NOW)


@pytest.mark.parametrize(
    ("op", "field", "value", "expected"),
    [
        ("is", "title", "one more time", True),
        ("is", "title", "One More", False),
        ("is", "artist", "ROMANTHONY", True),
        ("is", "albumartist", "Romanthony", False),
        ("is", "year", 2001, True),
        ("is", "duration", 320.4, True),
        ("is", "explicit", False, True),
        ("is", "explicit", True, False),
        ("is", "source", "Spotify", True),
        ("is", "releasedate", "2001-03-12", True),
        ("is", "dateadded", "2024-05-01", True),
        ("is", "dateadded", "2024-05-01T08:00:00Z", True),
        ("is", "dateadded", "2024-05-01T10:00:00+02:00", True),
        ("is", "dateadded", "2024-05-02", False),
        ("is", "audio.key", "f#M", True),
        ("is", "audio.bpm", 123.0, True),
        ("is", "audio.bpm", "123", False),
        ("is", "audio.vocal", True, True),
        ("is", "audio.vocal", "true", False),
        ("in", "genre", ["rock", "DISCO"], True),
        ("in", "year", [1999, 2000], False),
        ("in", "source", ["local", "spotify"], True),
        ("in", "audio.key", [5, "f#m"], True),
        ("gt", "year", 2000, True),
        ("gt", "year", 2001, False),
        ("gte", "year", 2001, True),
        ("lt", "popularity", 80, False),
        ("lte", "popularity", 80, True),
        ("gt", "audio.energy", 0.9, True),
        ("gt", "musicbrainz.bpm", 1, False),
        ("after", "releasedate", "2001-03-11", True),
        ("after", "releasedate", "2001-03-12", False),
        ("before", "releasedate", "2001-03-13", True),
        ("after", "likedat", "2024-05-31", True),
        ("after", "likedat", "2024-06-01", False),
        ("before", "likedat", "2024-06-01", False),
        ("before", "likedat", "2024-06-02", True),
        ("after", "likedat", "2024-06-01T23:29:59Z", True),
        ("after", "likedat", "2024-06-01T23:30:00Z", False),
        ("gte", "likedat", "2024-06-01T23:30:00Z", True),
        ("gte", "likedat", "2024-06-01", True),
        ("lte", "likedat", "2024-06-01", True),
        ("inTheRange", "year", [2001, 2001], True),
        ("inTheRange", "year", [1990, 2000], False),
        ("inTheRange", "duration", [300, 320.4], True),
        ("inTheRange", "audio.bpm", [120, 125], True),
        ("inTheRange", "likedat", ["2024-05-01", "2024-06-01"], True),
        ("inTheRange", "likedat", ["2024-05-01", "2024-05-31"], False),
        ("inTheRange", "likedat", ["2024-06-01T00:00:00Z", "2024-06-01T23:29:59Z"], False),
        ("contains", "title", "MORE", True),
        ("contains", "artist", "punk", True),
        ("contains", "genre", "house", True),
        ("contains", "tag", "summ", True),
        ("contains", "musicbrainz.genre", "ous", True),
        ("contains", "audio.bpm", "12", False),
        ("startsWith", "album", "disc", True),
        ("startsWith", "album", "cover", False),
        ("endsWith", "isrc", "059", True),
        ("endsWith", "artist", "THONY", True),
        ("matches", "title", "^one.*time$", True),
        ("matches", "title", "^more", False),
        ("matches", "isrc", r"\d{7}$", True),
        ("matches", "genre", "^fr", True),
        ("inTheLast", "dateadded", 46, True),
        ("inTheLast", "dateadded", 45, False),
        ("inTheLast", "likedat", 14, True),
        ("inTheLast", "releasedate", 365, False),
        ("isPresent", "isrc", True, True),
        ("isMissing", "isrc", True, False),
        ("isPresent", "audio.bpm", True, True),
        ("isMissing", "audio.mood", True, True),
        ("isMissing", "audio.tempo", True, True),
        ("isPresent", "tag", True, True),
    ],
)
def test_positive_operators(op, field, value, expected):
    assert holds(op, field, value) is expected


@pytest.mark.parametrize(
    ("op", "field", "value"),
    [
        ("is", "title", "x"),
        ("is", "explicit", False),
        ("is", "year", 2001),
        ("gt", "year", 0),
        ("lt", "duration", 1e9),
        ("before", "releasedate", "2999-01-01"),
        ("after", "dateadded", "1900-01-01"),
        ("inTheRange", "popularity", [0, 100]),
        ("contains", "artist", "a"),
        ("startsWith", "genre", "f"),
        ("matches", "title", "."),
        ("in", "source", ["spotify", "local", "upload", "youtube"]),
        ("inTheLast", "dateadded", 100_000),
        ("is", "audio.bpm", 123),
        ("gt", "audio.bpm", 0),
        ("inPlaylist", "playlist", None),
    ],
)
def test_a_missing_value_never_matches_a_positive_operator(op, field, value):
    if op == "inPlaylist":
        rule = parse_rule({"all": [{"inPlaylist": {"name": "Road Trip"}}]})
        assert not evaluate(rule, BARE, NOW)
        return
    assert holds(op, field, value, BARE) is False


@pytest.mark.parametrize(
    ("op", "field", "value"),
    [
        ("isNot", "title", "x"),
        ("isNot", "explicit", True),
        ("isNot", "explicit", False),
        ("notContains", "artist", "daft"),
        ("notContains", "audio.key", "m"),
        ("notIn", "year", [2001]),
        ("notIn", "source", ["spotify"]),
        ("notInTheLast", "dateadded", 1),
        ("isMissing", "genre", True),
        ("isMissing", "isrc", True),
        ("isMissing", "audio.bpm", True),
    ],
)
def test_a_missing_value_matches_every_negative_operator(op, field, value):
    assert holds(op, field, value, BARE) is True


@pytest.mark.parametrize(
    ("op", "field", "value", "expected"),
    [
        ("isNot", "artist", "daft punk", False),
        ("isNot", "artist", "daft", True),
        ("notContains", "genre", "house", False),
        ("notContains", "genre", "rock", True),
        ("notContains", "tag", "SUMMER", False),
        ("notIn", "genre", ["disco"], False),
        ("notIn", "genre", ["rock", "pop"], True),
        ("notInTheLast", "dateadded", 30, True),
        ("notInTheLast", "likedat", 30, False),
        ("isNot", "audio.bpm", "123", True),
        ("isNot", "audio.bpm", 123, False),
        ("isNot", "musicbrainz.bpm", 5, True),
    ],
)
def test_negative_operators_mean_no_value_matches(op, field, value, expected):
    assert holds(op, field, value) is expected


@pytest.mark.parametrize(
    ("body", "negative", "expected"),
    [
        ({"id": 7}, False, True),
        ({"id": 8}, False, False),
        ({"name": "road trip"}, False, True),
        ({"name": "Road"}, False, False),
        ({"id": 9}, True, False),
        ({"name": "Chill"}, True, True),
    ],
)
def test_playlist_membership(body, negative, expected):
    op = "notInPlaylist" if negative else "inPlaylist"
    assert evaluate(parse_rule({"all": [{op: body}]}), TRACK, NOW) is expected


def test_empty_strings_count_as_missing():
    facts: TrackFacts = {"id": 3, "title": "", "artists": ["", "Air"], "isrc": ""}
    assert holds("isMissing", "title", True, facts)
    assert holds("isNot", "title", "x", facts)
    assert holds("isMissing", "isrc", True, facts)
    assert holds("is", "artist", "air", facts)
    assert not holds("isMissing", "artist", True, facts)
    assert holds("isMissing", "artist", True, {"id": 4, "artists": [""]})


def test_in_the_last_counts_from_now_and_keeps_future_values():
    facts: TrackFacts = {"id": 5, "dateadded": NOW - dt.timedelta(days=30)}
    assert holds("inTheLast", "dateadded", 30, facts)
    facts["dateadded"] = NOW - dt.timedelta(days=30, seconds=1)
    assert not holds("inTheLast", "dateadded", 30, facts)
    facts["dateadded"] = NOW + dt.timedelta(days=2)
    assert holds("inTheLast", "dateadded", 1, facts)


def test_in_the_last_on_a_date_field_compares_utc_dates():
    facts: TrackFacts = {"id": 6, "releasedate": dt.date(2024, 6, 5)}
    assert holds("inTheLast", "releasedate", 10, facts)
    assert not holds("inTheLast", "releasedate", 9, facts)


def test_naive_datetimes_are_taken_as_utc():
    facts: TrackFacts = {"id": 7, "dateadded": dt.datetime(2024, 5, 1, 23, 0)}
    assert holds("is", "dateadded", "2024-05-01", facts)
    assert holds("after", "dateadded", "2024-05-01T22:59:00Z", facts)


def test_groups_combine_children():
    rule = parse_query("(artist:daft OR artist:justice) year:2000..2002 -tag:sad")
    assert evaluate(rule, TRACK, NOW)
    assert not evaluate(parse_query("artist:daft year:1990..1999"), TRACK, NOW)
    assert evaluate(parse_rule({"all": []}), BARE, NOW)


def test_a_bare_word_searches_title_artist_and_album():
    assert evaluate(parse_query("discovery"), TRACK, NOW)
    assert evaluate(parse_query('"more time"'), TRACK, NOW)
    assert not evaluate(parse_query("house"), TRACK, NOW)


def test_the_design_text_example_selects_a_matching_track():
    facts: TrackFacts = {**TRACK, "year": 1997, "explicit": False, "genres": ["house"]}
    rule = parse_query(DESIGN_QUERY)
    assert evaluate(rule, facts, NOW)
    assert not evaluate(rule, {**facts, "explicit": True}, NOW)
    assert evaluate(rule, {**facts, "explicit": None}, NOW)


def test_explain_says_what_matched_and_what_failed():
    rule = parse_rule(
        {
            "all": [
                {"inTheRange": {"year": [1990, 2005]}},
                {"any": [{"contains": {"genre": "house"}}, {"gt": {"audio.bpm": 130}}]},
                {"is": {"explicit": True}},
                {"notInPlaylist": {"name": "Road Trip"}},
                {"isMissing": {"isrc": True}},
            ]
        }
    )
    assert explain(rule, TRACK, NOW) == [
        "failed: all of",
        "  matched: year in 1990..2005 (track: 2001)",
        "  matched: any of",
        '    matched: genre contains house (track: "French House", disco)',
        "    failed: audio.bpm > 130 (track: 123)",
        "  failed: explicit is true (track: false)",
        '  failed: not in playlist "Road Trip" (track: "Road Trip", Gym)',
        "  failed: isrc is missing (track: GBDUW0000059)",
    ]


def test_explain_names_missing_values_and_each_operator():
    rule = parse_rule(
        {
            "any": [
                {"inTheLast": {"dateadded": 30}},
                {"in": {"source": ["local", "upload"]}},
                {"matches": {"title": "^a"}},
                {"inPlaylist": {"id": 3}},
                {"notContains": {"tag": "sad"}},
            ]
        }
    )
    assert explain(rule, BARE, NOW) == [
        "matched: any of",
        "  failed: dateadded in the last 30 days (track has no dateadded)",
        "  failed: source is one of local, upload (track has no source)",
        "  failed: title matches ^a (track has no title)",
        "  failed: in playlist #3 (track has no playlist)",
        "  matched: tag does not contain sad (track has no tag)",
    ]
