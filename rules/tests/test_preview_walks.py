"""How a preview reads a limited rule that requires a year and sorts by it: one walk of the
year index for the ids and the count, or, when that walk would read too much, the other way
(the rule evaluated once, the count as a window function). Same tracks either way."""

from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rules import preview as preview_module
from rules.dsl import parse_rule
from rules.preview import preview_rule
from rules.query.ordering import year_walk

from . import builders as b

pytestmark = pytest.mark.django_db

NINETIES = {
    "all": [{"inTheRange": {"year": [1990, 1999]}}, {"contains": {"artist": "daft"}}],
    "sort": "-year,title",
    "limit": 3,
}


@pytest.fixture
def nineties(owner):
    """Two tracks a year, 1990-1999, every other one by Daft Punk: 10 the rule selects."""
    chosen = []
    for year in range(1990, 2000):
        record = b.album(f"Album {year}", year=year)
        for n, who in enumerate(["Daft Punk", "Air"]):
            made = b.track(owner, f"Song {n} {year}", artists=[who], album_=record)
            if who == "Daft Punk":
                chosen.append(made)
    b.track(owner, "Song 2000", artists=["Daft Punk"], album_=b.album("Later", year=2000))
    return [t.pk for t in reversed(chosen)]  # newest year first


def _statements(run) -> list[str]:
    return [q["sql"] for q in run.captured_queries if q["sql"].startswith("SELECT")]


def test_a_limited_rule_sorted_by_year_reads_ids_and_count_in_one_walk(owner, nineties):
    preview = preview_rule(owner, parse_rule(NINETIES))
    with CaptureQueriesContext(connection) as run:
        count, page = preview.page(0, 2)

    assert (count, [t.pk for t in page]) == (3, nineties[:2])
    ids, *fetch = _statements(run)
    assert "OVER" not in ids and "COUNT" not in ids.upper()
    assert "LIMIT 3" in ids  # the rule's limit: the walk stops there
    assert len(fetch) == 2  # the page's tracks, their artists


def test_a_walk_over_its_budget_is_read_the_other_way(owner, nineties):
    """SQLite gives the walk a budget of steps; past it the rule is read once with its count
    as a window function. PostgreSQL plans from its own statistics: no budget there."""
    preview = preview_rule(owner, parse_rule(NINETIES))
    with (
        mock.patch.object(preview_module, "WALK_STEPS", 1),
        CaptureQueriesContext(connection) as run,
    ):
        count, page = preview.page(1, 5)

    assert (count, [t.pk for t in page]) == (3, nineties[1:3])
    read_again = any("OVER" in sql for sql in _statements(run))
    assert read_again == (connection.vendor == "sqlite")


def test_only_a_limited_rule_that_requires_a_year_is_walked_by_year():
    """Reading the year index would leave out tracks without a year that the rule may
    select; an unlimited rule is counted whole, which sets found once do faster."""
    rule = {**NINETIES, "all": [{"contains": {"artist": "daft"}}]}
    rule_any = {**NINETIES, "all": [{"any": NINETIES["all"]}]}
    negated = {**NINETIES, "all": [{"notInTheRange": {"year": [1990, 1999]}}]}
    unlimited = {key: value for key, value in NINETIES.items() if key != "limit"}
    for definition in (rule, rule_any, negated, unlimited):
        assert not year_walk(parse_rule(definition)), definition
