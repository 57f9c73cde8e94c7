"""A statement's budget of work: stopped past it on SQLite, nothing lost around it."""

import pytest
from django.db import DatabaseError, connection, transaction

from library.models import Artist
from trackflow.budget import OverBudget, step_budget

pytestmark = pytest.mark.django_db

# ~a million rows of arithmetic: millions of SQLite steps, and nothing to read
HEAVY = (
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000) "
    "SELECT count(*) FROM n"
)


def _run(sql: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def test_a_statement_past_its_budget_is_stopped_and_the_transaction_goes_on():
    with transaction.atomic():
        Artist.objects.create(name="Written before")
        stopped = False
        try:
            with step_budget(100_000):
                _run(HEAVY)
        except OverBudget:
            stopped = True
        assert stopped == (connection.vendor == "sqlite")  # PostgreSQL: no budget
        assert _run(HEAVY) == 1_000_000  # no budget outside the block
        Artist.objects.create(name="Written after")
    assert set(Artist.objects.values_list("name", flat=True)) == {"Written before", "Written after"}


def test_statements_within_their_budget_return_everything():
    with step_budget(1_000_000_000):
        assert _run("SELECT count(*) FROM (SELECT 1 UNION ALL SELECT 2) AS two") == 2
        assert _run(HEAVY) == 1_000_000


def test_other_database_errors_are_not_taken_for_a_spent_budget():
    with pytest.raises(DatabaseError), step_budget(1_000_000):  # not OverBudget
        _run("SELECT count(*) FROM no_such_table")
