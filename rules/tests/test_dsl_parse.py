"""The JSON form: what it accepts, how it normalizes, and every error with its path."""

import datetime as dt

import pytest

from rules.dsl import (
    Condition,
    Group,
    PlaylistRef,
    Rule,
    RuleError,
    RuleValidationError,
    SortKey,
    parse_rule,
    playlist_refs,
    to_json,
)

DESIGN_EXAMPLE = {
    "all": [
        {"contains": {"artist": "daft"}},
        {"inTheRange": {"year": [1990, 1999]}},
        {"any": [{"contains": {"genre": "house"}}, {"gt": {"audio.bpm": 120}}]},
        {"notInPlaylist": {"name": "Road Trip"}},
    ],
    "sort": "-year,title",
    "limit": 100,
}


def errors_of(data) -> list[tuple[str, str]]:
    with pytest.raises(RuleValidationError) as caught:
        parse_rule(data)
    return [(e.path, e.message) for e in caught.value.errors]


def paths_of(data) -> list[str]:
    return [path for path, _ in errors_of(data)]


def one(op: str, field: str, value) -> dict:
    return {"all": [{op: {field: value}}]}


def test_it_parses_the_design_example():
    rule = parse_rule(DESIGN_EXAMPLE)
    assert rule == Rule(
        Group(
            "all",
            (
                Condition("contains", "artist", "daft"),
                Condition("inTheRange", "year", (1990, 1999)),
                Group(
                    "any",
                    (Condition("contains", "genre", "house"), Condition("gt", "audio.bpm", 120)),
                ),
                Condition("notInPlaylist", "playlist", PlaylistRef(name="Road Trip")),
            ),
        ),
        (SortKey("year", descending=True), SortKey("title")),
        100,
    )
    assert to_json(rule) == DESIGN_EXAMPLE


def test_an_empty_root_all_selects_everything_and_keeps_sort():
    rule = parse_rule({"all": [], "sort": "-dateadded", "limit": 50})
    assert rule.root == Group("all", ())
    assert to_json(rule) == {"all": [], "sort": "-dateadded", "limit": 50}


def test_it_normalizes_operator_and_field_spelling():
    rule = parse_rule({"any": [{"ISNOT": {"Title": "x"}}, {"gt": {"Audio.BPM": 1}}]})
    assert to_json(rule) == {"any": [{"isNot": {"title": "x"}}, {"gt": {"audio.bpm": 1}}]}


def test_gt_and_lt_on_dates_become_after_and_before():
    rule = parse_rule(
        {"all": [{"gt": {"releasedate": "2020-01-01"}}, {"lt": {"likedat": "2021-01-01"}}]}
    )
    assert [c.op for c in rule.root.children] == ["after", "before"]


@pytest.mark.parametrize(
    ("field", "raw", "value", "written"),
    [
        ("releasedate", "2020-05-01", dt.date(2020, 5, 1), "2020-05-01"),
        ("dateadded", "2024-01-02", dt.date(2024, 1, 2), "2024-01-02"),
        (
            "dateadded",
            "2024-01-02T10:00:00",
            dt.datetime(2024, 1, 2, 10, tzinfo=dt.UTC),
            "2024-01-02T10:00:00Z",
        ),
        (
            "dateadded",
            "2024-01-02T10:00:00+02:00",
            dt.datetime(2024, 1, 2, 8, tzinfo=dt.UTC),
            "2024-01-02T08:00:00Z",
        ),
        ("year", 1990.0, 1990, 1990),
        ("source", "Spotify", "spotify", "spotify"),
        ("duration", 200.5, 200.5, 200.5),
    ],
)
def test_it_types_values_and_writes_them_back_canonically(field, raw, value, written):
    rule = parse_rule(one("is", field, raw))
    assert rule.root.children[0].value == value
    assert to_json(rule)["all"][0]["is"][field] == written


def test_it_does_not_coerce_strings_to_numbers():
    assert errors_of(one("is", "year", "1990")) == [
        ("all[0].is.year", "expected a whole number, got text '1990'")
    ]


@pytest.mark.parametrize(
    ("op", "field", "value"),
    [
        ("is", "title", "x"),
        ("isNot", "artist", "x"),
        ("contains", "albumartist", "x"),
        ("notContains", "album", "x"),
        ("startsWith", "genre", "x"),
        ("endsWith", "isrc", "x"),
        ("matches", "status", "^done$"),
        ("in", "tag", ["a", "b"]),
        ("notIn", "title", ["a"]),
        ("is", "year", 1990),
        ("gt", "year", 1990),
        ("gte", "popularity", 0),
        ("lt", "duration", 1.5),
        ("lte", "duration", 300),
        ("inTheRange", "popularity", [10, 100]),
        ("in", "year", [1, 2]),
        ("notIn", "source", ["local", "upload"]),
        ("is", "source", "youtube"),
        ("is", "explicit", True),
        ("isNot", "liked", False),
        ("is", "hasaudio", True),
        ("before", "releasedate", "2020-01-01"),
        ("after", "likedat", "2020-01-01"),
        ("gte", "dateadded", "2020-01-01T00:00:00Z"),
        ("lte", "releasedate", "2020-01-01"),
        ("inTheRange", "dateadded", ["2020-01-01", "2020-12-31"]),
        ("inTheLast", "dateadded", 30),
        ("notInTheLast", "likedat", 7),
        ("inTheLast", "releasedate", 365),
        ("is", "audio.key", "Cm"),
        ("is", "audio.bpm", 120),
        ("is", "audio.vocal", True),
        ("gt", "audio.energy", 0.5),
        ("inTheRange", "audio.bpm", [100, 130]),
        ("contains", "musicbrainz.genre", "rock"),
        ("matches", "audio.key", "m$"),
        ("in", "audio.key", ["Cm", 5]),
        ("notContains", "musicbrainz.genre", "pop"),
        ("isMissing", "isrc", True),
        ("isPresent", "audio.bpm", True),
        ("isMissing", "genre", True),
        ("isPresent", "releasedate", True),
    ],
)
def test_each_operator_fits_its_field_types(op, field, value):
    rule = parse_rule(one(op, field, value))
    assert rule.root.children[0].field == field
    assert parse_rule(to_json(rule)) == rule


@pytest.mark.parametrize(
    ("op", "field", "value"),
    [
        ("contains", "year", "19"),
        ("gt", "title", "a"),
        ("before", "year", 1990),
        ("inTheLast", "year", 3),
        ("matches", "source", "sp"),
        ("gt", "explicit", True),
        ("contains", "explicit", "t"),
        ("in", "explicit", [True]),
        ("startsWith", "releasedate", "2"),
        ("after", "audio.bpm", 3),
        ("inTheLast", "audio.date", 3),
        ("in", "releasedate", ["2020-01-01"]),
        ("is", "playlist", "x"),
    ],
)
def test_an_operator_that_does_not_fit_the_field_type_is_an_error(op, field, value):
    [(path, message)] = errors_of(one(op, field, value))
    assert path == f"all[0].{op}.{field}"
    assert "does not apply" in message or "inPlaylist" in message


def test_a_misfit_names_the_operators_that_do_fit():
    [(_, message)] = errors_of(one("contains", "year", "19"))
    assert message == (
        "'contains' does not apply to year (int); use is, isNot, gt, gte, lt, lte, in, notIn, "
        "inTheRange, notInTheRange, isMissing, isPresent"
    )


@pytest.mark.parametrize(
    ("op", "field", "value", "message"),
    [
        ("is", "title", 3, "expected text, got 3"),
        ("is", "title", "", "empty text; to test for no value use isMissing"),
        ("contains", "title", "", "empty text; to test for no value use isMissing"),
        ("is", "year", 1990.5, "expected a whole number, got 1990.5"),
        ("is", "year", True, "expected a whole number, got true"),
        ("gt", "popularity", 101, "popularity is between 0 and 100"),
        ("is", "duration", "3:30", "expected a number, got text '3:30'"),
        ("is", "explicit", "true", "expected true or false, got text 'true'"),
        (
            "is",
            "source",
            "tidal",
            "expected one of spotify, youtube, upload, local, got text 'tidal'",
        ),
        (
            "after",
            "releasedate",
            "2020-01-01T10:00:00",
            "expected a date like 2024-01-31, got '2020-01-01T10:00:00'",
        ),
        (
            "after",
            "dateadded",
            "yesterday",
            "'yesterday' is not an ISO date (2024-01-31) or datetime",
        ),
        ("after", "dateadded", 2020, "expected a date like 2024-01-31, got 2020"),
        ("gt", "audio.bpm", "fast", "expected a number, got text 'fast'"),
        ("is", "audio.bpm", None, "expected text, a number or true/false, got null"),
        ("in", "title", [], "expected a non-empty list, got a list"),
        ("in", "title", "a", "expected a non-empty list, got text 'a'"),
        ("in", "year", [1, "2"], "expected a whole number, got text '2'"),
        ("inTheRange", "year", [2000, 1990], "range minimum 2000 is above its maximum 1990"),
        ("inTheRange", "year", [1990], "expected [min, max], got a list"),
        ("inTheRange", "year", [1, 2, 3], "expected [min, max], got a list"),
        (
            "inTheRange",
            "dateadded",
            ["2020-01-01", "2020-01-02T00:00:00"],
            "range ends must both be dates or both be datetimes",
        ),
        ("inTheLast", "dateadded", 0, "expected a number of days from 1 to 100000, got 0"),
        ("inTheLast", "dateadded", 1.5, "expected a number of days from 1 to 100000, got 1.5"),
        (
            "inTheLast",
            "dateadded",
            "30",
            "expected a number of days from 1 to 100000, got text '30'",
        ),
        ("isMissing", "isrc", False, "isMissing takes true, got false"),
        ("isPresent", "isrc", 1, "isPresent takes true, got 1"),
        ("matches", "title", "(?i)daft", "'(?...)' groups are not portable; use plain '( )'"),
        (
            "matches",
            "title",
            "a(",
            "invalid regular expression: missing ), unterminated subpattern",
        ),
        ("contains", "title", "x" * 1001, "text longer than 1000 characters"),
    ],
)
def test_a_bad_value_is_reported_at_its_field(op, field, value, message):
    assert errors_of(one(op, field, value)) == [(f"all[0].{op}.{field}", message)]


def test_every_error_is_collected_with_its_path():
    data = {
        "all": [
            {"contains": {"yeer": "x"}},
            {"gt": {"title": 3}},
            {"any": [{"gtt": {"year": 1}}, {"gt": {"audio.bpm": "fast"}}]},
            {"any": []},
            {"is": {"year": 1}, "gt": {"year": 2}},
            {},
            "title",
            {"all": [], "any": []},
            {"all": "x"},
            {"all": [{"is": {"title": "a"}}], "sort": "title"},
            {"is": "title"},
            {"is": {"title": "a", "album": "b"}},
        ],
        "sort": "-yaer,genre",
        "limit": 0,
        "order": "asc",
    }
    assert errors_of(data) == [
        ("order", "unknown key 'order'"),
        ("all[0].contains.yeer", "unknown field 'yeer'; did you mean 'year'?"),
        (
            "all[1].gt.title",
            "'gt' does not apply to title (text); use is, isNot, contains, notContains, "
            "startsWith, endsWith, matches, notMatches, in, notIn, isMissing, isPresent",
        ),
        ("all[2].any[0].gtt", "unknown operator 'gtt'; did you mean 'gt' or 'gte'?"),
        ("all[2].any[1].gt.audio.bpm", "expected a number, got text 'fast'"),
        ("all[3].any", "empty group"),
        ("all[4]", "a condition has exactly one operator, got 2"),
        ("all[5]", "a condition has exactly one operator, got 0"),
        ("all[6]", "expected a condition {OPERATOR: {FIELD: VALUE}} or a group"),
        ("all[7]", "use either 'all' or 'any', not both"),
        ("all[8].all", "expected a list of conditions and groups"),
        ("all[9]", "unexpected key 'sort' in a group"),
        ("all[10].is", "expected one field and its value: {FIELD: VALUE}"),
        ("all[11].is", "expected one field and its value: {FIELD: VALUE}"),
        ("sort", "unknown sort field 'yaer'; did you mean 'year'?"),
        ("sort", "cannot sort by genre: a track has many of them"),
        ("limit", "expected a whole number from 1 to 10000"),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "expected a JSON object with 'all' or 'any'"),
        ("all", "expected a JSON object with 'all' or 'any'"),
        ({}, 'expected {"all": [...]} or {"any": [...]}'),
        ({"limit": 5}, 'expected {"all": [...]} or {"any": [...]}'),
        ({"all": [], "any": []}, "use either 'all' or 'any', not both"),
    ],
)
def test_the_root_must_be_one_group(data, message):
    assert errors_of(data) == [("", message)]


def test_an_empty_root_any_is_an_error():
    assert errors_of({"any": []}) == [("any", "empty group")]


def test_the_error_path_follows_nesting():
    data = {
        "any": [
            {
                "all": [
                    {"is": {"title": "a"}},
                    {"any": [{"is": {"title": "b"}}, {"gt": {"audio.bpm": "x"}}]},
                ]
            }
        ]
    }
    assert paths_of(data) == ["any[0].all[1].any[1].gt.audio.bpm"]


@pytest.mark.parametrize(
    ("body", "path", "message"),
    [
        ({"id": 0}, "all[0].inPlaylist.id", "expected a positive whole number"),
        ({"id": "7"}, "all[0].inPlaylist.id", "expected a positive whole number"),
        ({"id": True}, "all[0].inPlaylist.id", "expected a positive whole number"),
        ({"name": " "}, "all[0].inPlaylist.name", "expected a playlist name"),
        ({"name": 3}, "all[0].inPlaylist.name", "expected a playlist name"),
        ({"id": 1, "name": "x"}, "all[0].inPlaylist", 'expected {"id": N} or {"name": "..."}'),
        ({"title": "x"}, "all[0].inPlaylist", 'expected {"id": N} or {"name": "..."}'),
        ("Road Trip", "all[0].inPlaylist", 'expected {"id": N} or {"name": "..."}'),
    ],
)
def test_playlist_references_are_checked(body, path, message):
    assert errors_of({"all": [{"inPlaylist": body}]}) == [(path, message)]


def test_playlist_refs_lists_each_reference_with_its_path():
    rule = parse_rule(
        {
            "all": [
                {"inPlaylist": {"id": 4}},
                {"any": [{"is": {"liked": True}}, {"notinplaylist": {"name": "Gym"}}]},
            ]
        }
    )
    assert playlist_refs(rule) == [
        ("all[0].inPlaylist.id", PlaylistRef(id=4)),
        ("all[1].any[1].notInPlaylist.name", PlaylistRef(name="Gym")),
    ]


def test_the_known_playlist_hook_reports_unknown_playlists_at_their_paths():
    def known(ref: PlaylistRef) -> bool:
        return ref.id == 4 or ref.name == "Gym"

    data = {
        "all": [
            {"bogus": {}},
            {"inPlaylist": {"id": 4}},
            {"inPlaylist": {"id": 5}},
            {"any": [{"notInPlaylist": {"name": "Gym"}}, {"notInPlaylist": {"name": "Road Trip"}}]},
        ]
    }
    assert errors_of_with(data, known) == [
        ("all[0].bogus", "unknown operator 'bogus'"),
        ("all[2].inPlaylist.id", "unknown playlist #5"),
        ("all[3].any[1].notInPlaylist.name", "unknown playlist 'Road Trip'"),
    ]
    assert parse_rule({"all": [{"inPlaylist": {"id": 4}}]}, known).root.children[0].value.id == 4


def errors_of_with(data, known) -> list[tuple[str, str]]:
    with pytest.raises(RuleValidationError) as caught:
        parse_rule(data, known)
    return [(e.path, e.message) for e in caught.value.errors]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("title", (SortKey("title"),)),
        ("-year, +title", (SortKey("year", True), SortKey("title"))),
        ("RANDOM", "random"),
        ("", ()),
        (None, ()),
        ("audio.bpm,-artist", (SortKey("audio.bpm"), SortKey("artist", True))),
    ],
)
def test_sort_is_parsed(sort, expected):
    assert parse_rule({"all": [], "sort": sort}).sort == expected


@pytest.mark.parametrize(
    ("sort", "message"),
    [
        ("tag", "cannot sort by tag: a track has many of them"),
        ("year,-year", "year appears twice in sort"),
        ("year,,title", "bad sort key '': write a field, '-field' for descending"),
        ("--year", "bad sort key '--year': write a field, '-field' for descending"),
        ("random,year", "random cannot be combined with other sort fields"),
        ("playlist", "cannot sort by playlist: a track has many of them"),
        (["year"], "expected text like '-year,title' or 'random'"),
    ],
)
def test_bad_sort_is_reported_at_sort(sort, message):
    assert errors_of({"all": [], "sort": sort}) == [("sort", message)]


@pytest.mark.parametrize("limit", [0, 10_001, -1, "50", 5.0, True])
def test_limit_must_be_1_to_10000(limit):
    assert paths_of({"all": [], "limit": limit}) == ["limit"]


@pytest.mark.parametrize("limit", [1, 10_000])
def test_limit_bounds_are_inclusive(limit):
    assert parse_rule({"all": [], "limit": limit}).limit == limit


def nested(depth: int) -> dict:
    data: dict = {"is": {"title": "x"}}
    for _ in range(depth):
        data = {"all": [data]}
    return data


def test_groups_nest_up_to_twenty_levels():
    parse_rule(nested(20))
    path = ".".join(["all[0]"] * 20)
    assert errors_of(nested(21)) == [(path, "groups nested deeper than 20 levels")]


def test_a_rule_holds_at_most_500_conditions():
    # one SQL query: SQLite takes a UNION of 500 SELECTs and 1,000 levels of expression
    parse_rule({"any": [{"is": {"year": i}} for i in range(500)]})
    assert errors_of({"any": [{"is": {"year": i}} for i in range(1000)]}) == [
        ("", "a rule may hold at most 500 conditions; this one has 1,000 (one 'in' list can "
         "stand for many 'is')")
    ]  # fmt: skip


def test_rule_error_prints_path_then_message():
    assert str(RuleError("limit", "bad")) == "limit: bad"
    assert str(RuleError("", "bad")) == "bad"
    assert str(RuleValidationError([RuleError("a", "x"), RuleError("b", "y")])) == "a: x; b: y"
