"""Navidrome .nsp import, against the real files in shared/nsp-examples."""

import json
from pathlib import Path

import pytest

from rules.dsl import Condition, Group, Rule, RuleValidationError, SortKey, parse_nsp, to_json
from rules.dsl.nsp import strip_comments

# the repo is cloned with shared/ beside it: <repo>/../shared/nsp-examples
EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "nsp-examples"


def example(name: str) -> str:
    return (EXAMPLES / name).read_text()


def errors_of(text: str) -> list[tuple[str, str]]:
    with pytest.raises(RuleValidationError) as caught:
        parse_nsp(text)
    return [(e.path, e.message) for e in caught.value.errors]


def test_every_example_file_is_covered_here():
    names = {p.name for p in EXAMPLES.iterdir() if p.name != "SOURCE.txt"}
    assert names == {
        "80s_top_songs.nsp",
        "complex_criteria.test.json",
        "global_smart_playlist.nsp",
        "private_playlist.nsp",
        "public_playlist.nsp",
        "recently_played.nsp",
    }


@pytest.mark.parametrize(
    ("name", "title", "limit"),
    [
        ("global_smart_playlist.nsp", "Global Smart Playlist", None),
        ("private_playlist.nsp", "Private Playlist", 100),
    ],
)
def test_loved_playlists_import_as_liked(name, title, limit):
    assert parse_nsp(example(name)) == (
        title,
        Rule(Group("all", (Condition("is", "liked", True),)), (SortKey("title"),), limit),
    )


@pytest.mark.parametrize("name", ["public_playlist.nsp", "recently_played.nsp"])
def test_last_played_has_no_counterpart_in_the_criteria_or_the_sort(name):
    assert errors_of(example(name)) == [
        (
            "",
            "no TrackFlow counterpart for: lastPlayed (all[0].inTheLast.lastPlayed), "
            "lastPlayed (sort)",
        )
    ]


def test_rating_is_named_with_its_path():
    assert errors_of(example("80s_top_songs.nsp")) == [
        ("", "no TrackFlow counterpart for: rating (all[0].any[1].gt.rating)")
    ]


def test_80s_top_songs_without_rating_keeps_range_sort_order_and_limit():
    text = example("80s_top_songs.nsp").replace('{"gt": {"rating": 3}}', '{"is": {"loved": true}}')
    name, rule = parse_nsp(text)
    assert name is None
    assert to_json(rule) == {
        "all": [
            {"any": [{"is": {"liked": True}}, {"is": {"liked": True}}]},
            {"inTheRange": {"year": [1981, 1990]}},
        ],
        "sort": "-year",
        "limit": 25,
    }


def test_complex_criteria_names_comment_albumrating_and_offset_in_one_error():
    assert errors_of(example("complex_criteria.test.json")) == [
        (
            "",
            "no TrackFlow counterpart for: comment (all[3].all[0].startsWith.comment), "
            "albumrating (all[3].all[3].gt.albumrating), offset 10 (offset)",
        )
    ]


def test_complex_criteria_minus_the_unsupported_parts_maps_the_rest():
    text = (
        example("complex_criteria.test.json")
        .replace('{ "startsWith": {"comment": "this"} },', "")
        .replace(',\n\t\t\t\t{ "gt": { "albumrating": 3 } }', "")
        .replace(',\n\t"offset": 10', "")
    )
    _, rule = parse_nsp(text)
    assert to_json(rule) == {
        "all": [
            {"contains": {"title": "love"}},
            {"notContains": {"title": "hate"}},
            {"any": [{"isNot": {"artist": "u2"}}, {"is": {"album": "best of"}}]},
            {"all": [{"inTheRange": {"year": [1980, 1990]}}, {"isNot": {"genre": "Rock"}}]},
        ],
        "sort": "title",
        "limit": 20,
    }


def test_comments_are_stripped_outside_strings_only():
    text = '/* a */ {"name": "a // b /* c */", // d\n "all": [{"is": {"title": "x\\"//"}}]}'
    assert (
        strip_comments(text)
        == ' {"name": "a // b /* c */", \n "all": [{"is": {"title": "x\\"//"}}]}'
    )
    name, rule = parse_nsp(text)
    assert name == "a // b /* c */"
    assert rule.root.children == (Condition("is", "title", 'x"//'),)


def test_block_comments_keep_line_numbers_for_json_errors():
    assert errors_of("/*\n\n*/ {\n,}") == [
        ("", "not valid JSON at line 4 column 1: Expecting property name enclosed in double quotes")
    ]
    assert errors_of('{"all": []} /* open') == [("", "unterminated /* comment")]


@pytest.mark.parametrize(
    ("navidrome", "trackflow"),
    [
        ({"is": {"loved": True}}, {"is": {"liked": True}}),
        ({"after": {"dateloved": "2024-01-01"}}, {"after": {"likedat": "2024-01-01"}}),
        ({"is": {"releaseyear": 2001}}, {"is": {"year": 2001}}),
        ({"before": {"releasedate": "2001-01-01"}}, {"before": {"releasedate": "2001-01-01"}}),
        ({"inTheLast": {"dateAdded": 30}}, {"inTheLast": {"dateadded": 30}}),
        ({"gt": {"bpm": 120}}, {"gt": {"audio.bpm": 120}}),
        ({"is": {"isrc": "X"}}, {"is": {"isrc": "X"}}),
        ({"contains": {"AlbumArtist": "x"}}, {"contains": {"albumartist": "x"}}),
        ({"lt": {"duration": 300}}, {"lt": {"duration": 300}}),
        ({"inPlaylist": {"name": "Gym"}}, {"inPlaylist": {"name": "Gym"}}),
    ],
)
def test_navidrome_names_map_where_the_meaning_is_the_same(navidrome, trackflow):
    _, rule = parse_nsp(f'{{"all": [{json.dumps(navidrome)}]}}')
    assert to_json(rule) == {"all": [trackflow]}


def test_the_known_playlist_hook_applies_to_nsp_too():
    text = '{"all": [{"inPlaylist": {"name": "Gym"}}]}'
    assert errors_of_known(text) == [("all[0].inPlaylist.name", "unknown playlist 'Gym'")]


def errors_of_known(text: str) -> list[tuple[str, str]]:
    with pytest.raises(RuleValidationError) as caught:
        parse_nsp(text, known_playlist=lambda ref: False)
    return [(e.path, e.message) for e in caught.value.errors]


def test_sort_lists_and_order_desc_reverse_each_key():
    _, rule = parse_nsp('{"all": [], "sort": "-year,+title,album", "order": "DESC"}')
    assert to_json(rule)["sort"] == "year,-title,-album"
    _, rule = parse_nsp('{"all": [], "sort": "random", "limit": 0}')
    assert (rule.sort, rule.limit) == ("random", None)


def test_every_field_without_counterpart_is_named_once_with_the_rest_of_the_errors():
    text = (
        '{"all": [{"gt": {"playcount": 3}}, {"is": {"loved": "yes"}},'
        ' {"inPlaylist": {"id": "b2f4"}}, {"any": [{"isPresent": {"lyrics": true}}]}],'
        ' "sort": "rating,year", "order": "up", "ownerId": "x"}'
    )
    assert errors_of(text) == [
        (
            "",
            "no TrackFlow counterpart for: playcount (all[0].gt.playcount), "
            "Navidrome playlist id (all[2].inPlaylist.id), "
            "lyrics (all[3].any[0].isPresent.lyrics), rating (sort)",
        ),
        ("order", "expected 'asc' or 'desc'"),
        ("ownerId", "unknown key 'ownerId'"),
        ("all[1].is.loved", "expected true or false, got text 'yes'"),
    ]


def nested(levels: int) -> str:
    deep = '{"is": {"loved": true}}'
    for _ in range(levels):
        deep = f'{{"all": [{deep}]}}'
    return deep


def test_absurd_nesting_is_an_error_not_a_crash():
    assert errors_of("[" * 100_000) == [("", "nested deeper than 100 levels")]
    assert errors_of(nested(500)) == [("", "nested deeper than 100 levels")]
    [(path, message)] = errors_of(nested(40))
    assert message == "groups nested deeper than 20 levels"


@pytest.mark.parametrize("text", ["[]", '"x"', "3"])
def test_the_file_must_hold_an_object(text):
    assert errors_of(text) == [("", "expected a JSON object")]
