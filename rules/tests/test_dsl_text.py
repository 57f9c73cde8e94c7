"""The short text form: parsing to the JSON form, errors with positions, rendering."""

import pytest

from rules.dsl import RuleValidationError, parse_query, parse_rule, render_query, to_json

DESIGN_QUERY = (
    "artist:daft year:1990..1999 (genre:house OR audio.bpm:>120) -explicit:true"
    " sort:-year limit:100"
)


def as_json(text: str) -> dict:
    return to_json(parse_query(text))


def errors_of(text: str) -> list[str]:
    with pytest.raises(RuleValidationError) as caught:
        parse_query(text)
    return [str(e) for e in caught.value.errors]


def bare(word: str, op: str = "contains") -> list[dict]:
    return [{op: {name: word}} for name in ("title", "artist", "album")]


def test_it_parses_the_design_example():
    assert as_json(DESIGN_QUERY) == {
        "all": [
            {"contains": {"artist": "daft"}},
            {"inTheRange": {"year": [1990, 1999]}},
            {"any": [{"contains": {"genre": "house"}}, {"gt": {"audio.bpm": 120}}]},
            {"isNot": {"explicit": True}},
        ],
        "sort": "-year",
        "limit": 100,
    }


@pytest.mark.parametrize(
    ("text", "condition"),
    [
        ("title:love", {"contains": {"title": "love"}}),
        ("title:=love", {"is": {"title": "love"}}),
        ('title:"love me"', {"contains": {"title": "love me"}}),
        ("title:~^lo+ve$", {"matches": {"title": "^lo+ve$"}}),
        ('title:~"^(a|b) c"', {"matches": {"title": "^(a|b) c"}}),
        ("genre:house", {"contains": {"genre": "house"}}),
        ("tag:party", {"contains": {"tag": "party"}}),
        ("status:ready", {"contains": {"status": "ready"}}),
        ("year:1990", {"is": {"year": 1990}}),
        ("year:=1990", {"is": {"year": 1990}}),
        ("year:>1990", {"gt": {"year": 1990}}),
        ("year:>=1990", {"gte": {"year": 1990}}),
        ("year:<1990", {"lt": {"year": 1990}}),
        ("year:<=1990", {"lte": {"year": 1990}}),
        ("year:1990..", {"gte": {"year": 1990}}),
        ("year:..1999", {"lte": {"year": 1999}}),
        ("duration:180..240.5", {"inTheRange": {"duration": [180, 240.5]}}),
        ('popularity:"50"', {"is": {"popularity": 50}}),
        ("explicit:TRUE", {"is": {"explicit": True}}),
        ("liked:false", {"is": {"liked": False}}),
        ("hasaudio:true", {"is": {"hasaudio": True}}),
        ("source:Upload", {"is": {"source": "upload"}}),
        ("releasedate:2020-01-01", {"is": {"releasedate": "2020-01-01"}}),
        ("releasedate:>2020-01-01", {"after": {"releasedate": "2020-01-01"}}),
        ("releasedate:<2020-01-01", {"before": {"releasedate": "2020-01-01"}}),
        (
            "releasedate:2020-01-01..2020-12-31",
            {"inTheRange": {"releasedate": ["2020-01-01", "2020-12-31"]}},
        ),
        ("dateadded:-30d..", {"inTheLast": {"dateadded": 30}}),
        ("likedat:-7d..", {"inTheLast": {"likedat": 7}}),
        ("dateadded:>=2024-01-05T12:00:00+01:00", {"gte": {"dateadded": "2024-01-05T11:00:00Z"}}),
        ("audio.bpm:120", {"is": {"audio.bpm": 120}}),
        ("audio.bpm:>120.5", {"gt": {"audio.bpm": 120.5}}),
        ("audio.bpm:100..130", {"inTheRange": {"audio.bpm": [100, 130]}}),
        ("audio.key:Cm", {"contains": {"audio.key": "Cm"}}),
        ("audio.key:=Cm", {"is": {"audio.key": "Cm"}}),
        ('audio.key:"12"', {"contains": {"audio.key": "12"}}),
        ('audio.key:="12"', {"is": {"audio.key": "12"}}),
        ("audio.vocal:true", {"is": {"audio.vocal": True}}),
        ("Audio.BPM:1", {"is": {"audio.bpm": 1}}),
        ('playlist:"Road Trip"', {"inPlaylist": {"name": "Road Trip"}}),
        ("playlist:Gym", {"inPlaylist": {"name": "Gym"}}),
        ("playlist:#12", {"inPlaylist": {"id": 12}}),
        ('playlist:"#12"', {"inPlaylist": {"name": "#12"}}),
        ('title:"say \\"hi\\" \\\\ \\d"', {"contains": {"title": 'say "hi" \\ \\d'}}),
    ],
)
def test_a_term_becomes_one_condition(text, condition):
    assert as_json(text) == {"all": [condition]}


@pytest.mark.parametrize(
    ("text", "condition"),
    [
        ("-title:love", {"notContains": {"title": "love"}}),
        ("-title:=love", {"isNot": {"title": "love"}}),
        ("-year:1990", {"isNot": {"year": 1990}}),
        ("-explicit:true", {"isNot": {"explicit": True}}),
        ("-dateadded:-30d..", {"notInTheLast": {"dateadded": 30}}),
        ('-playlist:"Road Trip"', {"notInPlaylist": {"name": "Road Trip"}}),
        ("--title:love", {"contains": {"title": "love"}}),
        ("--year:>3", {"gt": {"year": 3}}),
        ("-" * 4999 + "year:3", {"isNot": {"year": 3}}),
        ("-year:1990..1999", {"notInTheRange": {"year": [1990, 1999]}}),
        ("-audio.bpm:100..120", {"notInTheRange": {"audio.bpm": [100, 120]}}),
        ("-title:~re", {"notMatches": {"title": "re"}}),
        ('-audio.key:~"^(a|b)$"', {"notMatches": {"audio.key": "^(a|b)$"}}),
    ],
)
def test_minus_takes_the_negative_operator(text, condition):
    assert as_json(text) == {"all": [condition]}


@pytest.mark.parametrize(
    ("text", "opposite", "rendered"),
    [
        ("-year:>2000", {"lte": {"year": 2000}}, "-year:>2000"),
        ("-year:>=2000", {"lt": {"year": 2000}}, "-year:>=2000"),
        ("-duration:<300.5", {"gte": {"duration": 300.5}}, "-duration:<300.5"),
        ("-popularity:<=10", {"gt": {"popularity": 10}}, "-popularity:<=10"),
        ("-year:2000..", {"lt": {"year": 2000}}, "-year:>=2000"),
        ("-year:..1999", {"gt": {"year": 1999}}, "-year:<=1999"),
        ("-releasedate:>2020-01-01", {"lte": {"releasedate": "2020-01-01"}}, None),
        ("-releasedate:>=2020-01-01", {"before": {"releasedate": "2020-01-01"}}, None),
        ("-likedat:<2024-01-01", {"gte": {"likedat": "2024-01-01"}}, None),
    ],
)
def test_minus_on_a_comparison_is_the_opposite_or_no_value(text, opposite, rendered):
    [field] = next(iter(opposite.values()))
    expected = {"any": [opposite, {"isMissing": {field: True}}]}
    assert as_json(text) == {"all": [expected]}
    assert render_query(parse_query(text)) == (rendered or text)


def test_bare_words_search_title_artist_and_album():
    assert as_json('daft "one more"') == {"all": [{"any": bare("daft")}, {"any": bare("one more")}]}
    assert as_json("-daft") == {"all": [{"all": bare("daft", "notContains")}]}
    assert as_json("12:30 é") == {"all": [{"any": bare("12:30")}, {"any": bare("é")}]}


def test_or_and_parentheses_group():
    a, b, c = ({"contains": {"title": x}} for x in "abc")
    assert as_json("title:a OR title:b") == {"any": [a, b]}
    assert as_json("title:a title:b OR title:c") == {"any": [{"all": [a, b]}, c]}
    assert as_json("title:a (title:b OR title:c)") == {"all": [a, {"any": [b, c]}]}
    assert as_json("(title:a OR title:b)") == {"all": [{"any": [a, b]}]}
    assert as_json("(title:a)") == {"all": [{"all": [a]}]}
    assert as_json("title:a AND title:b") == {"all": [a, b]}
    assert as_json("or and") == {"all": [{"any": bare("or")}, {"any": bare("and")}]}


def test_negating_a_group_applies_de_morgan():
    assert as_json("-(title:a OR -year:1990)") == {
        "all": [{"all": [{"notContains": {"title": "a"}}, {"is": {"year": 1990}}]}]
    }
    assert as_json("-(title:a playlist:#3)") == {
        "all": [{"any": [{"notContains": {"title": "a"}}, {"notInPlaylist": {"id": 3}}]}]
    }


def test_options_may_stand_anywhere_at_the_top_level():
    assert as_json("sort:-dateadded limit:50") == {"all": [], "sort": "-dateadded", "limit": 50}
    assert as_json("sort:random title:a") == {
        "all": [{"contains": {"title": "a"}}],
        "sort": "random",
    }
    assert as_json('Sort:"-year,title"') == {"all": [], "sort": "-year,title"}
    assert as_json("") == {"all": []}


@pytest.mark.parametrize(
    ("text", "errors"),
    [
        ("(title:a OR title:b", ["text[19]: expected ')'"]),
        ("artist:daft (genre:house", ["text[24]: expected ')'"]),
        ("title:a)", ["text[7]: unexpected ')'"]),
        ("()", ["text[0]: empty parentheses"]),
        ("title:a OR", ["text[8]: 'OR' needs a term on each side"]),
        ("OR title:a", ["text[0]: 'OR' needs a term on each side"]),
        ("title:a OR OR title:b", ["text[8]: 'OR' needs a term on each side"]),
        ("AND title:a", ["text[0]: 'AND' needs a term on each side"]),
        ("title:a - title:b", ["text[8]: expected a term right after '-'"]),
        ("title:", ["text[6]: expected a value after 'title:'"]),
        ("year:>", ["text[6]: expected a value after 'year:>'"]),
        (
            "title:~(a)",
            ["text[7]: expected a value after 'title:~' (quote a value that holds parentheses)"],
        ),
        ('title:"open', ["text[6]: unterminated string: missing closing '\"'"]),
        ('ti"tle', ["text[2]: unexpected '\"' inside a word; quote the whole value"]),
        ('""', ["text[0]: empty phrase"]),
        (
            "-audio.bpm:>120",
            [
                "text[0]: 'gt' on audio.bpm cannot be negated with '-' (a value that is not a"
                " number would match too); write the opposite"
            ],
        ),
        (
            "x -(a OR audio.bpm:<3)",
            [
                "text[2]: 'lt' on audio.bpm cannot be negated with '-' (a value that is not a"
                " number would match too); write the opposite"
            ],
        ),
        ("year:1990...1999", ["text[0]: a range is low..high (two dots)"]),
        ("x releasedate:2020-01-01...", ["text[2]: a range is low..high (two dots)"]),
        (
            "title:~^bl(ue|ack)",
            [
                "text[10]: '(' inside the value of 'title:~': quote a value that holds"
                ' parentheses, as in title:~"..."'
            ],
        ),
        (
            "x title:foo(bar)",
            [
                "text[11]: '(' inside the value of 'title:': quote a value that holds"
                ' parentheses, as in title:"..."'
            ],
        ),
        (
            "(x foo(bar))",
            ["text[6]: '(' inside the word 'foo': quote it, or put a space before a group"],
        ),
        ("year:..", ["text[0]: a range needs at least one end: a..b, a.. or ..b"]),
        ("playlist:~x", ['text[0]: playlist: takes a name or #id, as in playlist:"Road Trip"']),
        ("sort:year sort:title", ["text[10]: sort: given twice"]),
        ("(sort:year)", ["text[1]: sort: goes at the top level, as-is"]),
        ("sort:=year", ["text[0]: sort: goes at the top level, as-is"]),
        ("-limit:5", ["text[0]: sort: and limit: cannot be negated"]),
        ("-OR", ["text[1]: expected a term, got 'OR'"]),
        ("(" * 20 + "x" + ")" * 20, ["text[19]: groups nested deeper than 20 levels"]),
        ("(" * 5000, ["text[19]: groups nested deeper than 20 levels"]),
        ("x" * 10_001, ["text[10000]: query longer than 10000 characters"]),
    ],
)
def test_syntax_errors_carry_their_position(text, errors):
    assert errors_of(text) == errors


def test_nesting_errors_from_validation_point_at_the_innermost_term():
    # 19 parentheses, the query's own group and the bare word's group make 21 levels
    assert errors_of("(" * 19 + "x" + ")" * 19) == ["text[19]: groups nested deeper than 20 levels"]
    parse_query("(" * 18 + "x" + ")" * 18)


def test_validation_errors_point_at_the_term():
    assert errors_of(
        "artist:daft yeer:1990 (genre:house OR audio.bpm:>fast) limit:0 sort:yaer"
    ) == [
        "text[12]: unknown field 'yeer'; did you mean 'year'?",
        "text[38]: expected a number, got text 'fast'",
        "text[55]: expected a whole number from 1 to 10000",
        "text[63]: unknown sort field 'yaer'; did you mean 'year'?",
    ]
    assert errors_of("title:~(?i)x") == [
        "text[7]: expected a value after 'title:~' (quote a value that holds parentheses)"
    ]
    assert errors_of('x title:~"(?i)x"') == [
        "text[2]: '(?...)' groups are not portable; use plain '( )'"
    ]
    assert errors_of("year:1990.5 explicit:maybe source:tidal") == [
        "text[0]: expected a whole number, got 1990.5",
        "text[12]: expected true or false, got text 'maybe'",
        "text[27]: expected one of spotify, youtube, upload, local, got text 'tidal'",
    ]


def test_unknown_playlists_point_at_their_term():
    with pytest.raises(RuleValidationError) as caught:
        parse_query('x playlist:#3 -playlist:"Road Trip"', lambda ref: ref.id == 3)
    assert [str(e) for e in caught.value.errors] == ["text[15]: unknown playlist 'Road Trip'"]


def test_the_text_form_and_the_json_form_give_the_same_rule():
    assert parse_query(DESIGN_QUERY) == parse_rule(as_json(DESIGN_QUERY))


@pytest.mark.parametrize(
    "text",
    [
        DESIGN_QUERY,
        "daft punk",
        '"daft punk" -"one more"',
        "title:a OR title:b title:c",
        "(title:a OR title:b) (title:c)",
        "(title:a title:b) title:c",
        'title:="x y" audio.key:="12" audio.key:C playlist:#3 -playlist:"R T"',
        "releasedate:>2020-01-01 dateadded:<=2024-01-01T08:00:00Z -dateadded:-7d..",
        'title:~"^(a|b)\\d$" isrc:~^GB',
        "sort:random limit:5",
        "year:>=1990 duration:<=300.5 popularity:10..90 source:local -source:upload",
        '-year:1990..1999 -title:~"^(a|b)" -audio.bpm:100..120 -(year:>2000 OR title:x)',
        "-releasedate:>=2020-01-01 -likedat:<2024-01-01T08:00:00Z -popularity:<=10",
    ],
)
def test_rendering_gives_back_the_same_rule(text):
    rule = parse_query(text)
    rendered = render_query(rule)
    assert rendered is not None
    assert parse_query(rendered) == rule


def test_rendering_is_readable():
    assert render_query(parse_query(DESIGN_QUERY)) == DESIGN_QUERY
    assert render_query(parse_query("-daft")) == "(-title:daft -artist:daft -album:daft)"
    assert render_query(parse_query('"a:b" title:"-x"')) == '"a:b" title:"-x"'


@pytest.mark.parametrize(
    "definition",
    [
        {"all": [{"in": {"year": [1, 2]}}]},
        {"all": [{"notIn": {"source": ["local"]}}]},
        {"all": [{"startsWith": {"title": "a"}}]},
        {"all": [{"endsWith": {"title": "a"}}]},
        {"all": [{"isMissing": {"isrc": True}}]},
        {"all": [{"isPresent": {"isrc": True}}]},
        {"any": [{"is": {"year": 1}}]},
        {"all": [{"any": [{"is": {"year": 1}}]}]},
    ],
)
def test_rules_the_text_form_cannot_say_render_as_none(definition):
    assert render_query(parse_rule(definition)) is None
