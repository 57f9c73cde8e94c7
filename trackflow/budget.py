"""A bound on how much work one database statement may do, for plans that are cheap when a
guess holds and costly when it doesn't: past the bound the statement is abandoned and the
caller falls back to a plan that is never that costly.

SQLite counts the steps of its virtual machine (a deterministic measure of work, not time).
PostgreSQL has no such count and plans from statistics of its own: there the bound is none.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, OperationalError, connections, transaction

CHECK_EVERY = 1000  # virtual-machine steps between two looks at the count


class OverBudget(Exception):
    """The statement was abandoned: it had done more than the work it was allowed."""


@contextmanager
def step_budget(steps: int, using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Statements run inside may make about `steps` SQLite virtual-machine steps in all;
    past that the one running stops and `OverBudget` is raised (in a savepoint, so an
    enclosing transaction carries on)."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        yield
        return
    every = max(1, min(CHECK_EVERY, steps))
    looks, spent = 0, False

    def look() -> bool:
        """True stops the running statement: once, so what Django runs after it (its
        debug cursor quotes the parameters) is not stopped too."""
        nonlocal looks, spent
        if spent:
            return False
        looks += 1
        spent = looks * every > steps
        return spent

    try:
        with transaction.atomic(using=using):
            connection.connection.set_progress_handler(look, every)
            try:
                yield
            finally:
                connection.connection.set_progress_handler(None, 0)
    except OperationalError as error:
        if spent and "interrupt" in str(error):
            raise OverBudget(f"more than {steps:,} steps") from error
        raise
