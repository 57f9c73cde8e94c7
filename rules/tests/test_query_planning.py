"""The compiler's shortcuts change no result (test_sql_equals_python holds them to the
evaluator); these say when each applies."""

import pytest

from rules.dsl import parse_rule
from rules.query import implies_library


@pytest.mark.parametrize(
    ("definition", "implied"),
    [
        ({"all": [{"is": {"liked": True}}]}, True),
        ({"all": [{"is": {"liked": False}}]}, False),
        ({"all": [{"gt": {"year": 1990}}, {"inPlaylist": {"name": "Road Trip"}}]}, True),
        ({"all": [{"notInPlaylist": {"name": "Road Trip"}}]}, False),
        ({"all": [{"inTheLast": {"dateadded": 30}}]}, True),
        ({"all": [{"isMissing": {"likedat": True}}]}, False),
        ({"all": [{"isPresent": {"likedat": True}}]}, True),
        ({"any": [{"is": {"liked": True}}, {"gt": {"year": 1990}}]}, False),
        ({"any": [{"is": {"liked": True}}, {"inPlaylist": {"name": "Mix"}}]}, True),
        ({"all": [{"all": [{"is": {"liked": True}}, {"gt": {"year": 1}}]}]}, True),
        ({"all": [{"contains": {"title": "love"}}]}, False),
        ({"all": []}, False),
    ],
)
def test_the_library_filter_is_left_out_only_when_the_rule_implies_it(definition, implied):
    assert implies_library(parse_rule(definition).root) is implied
