"""Statement sizes for bulk work: as few statements as the database's parameter limit allows.

Django 5.2 assumes SQLite accepts 999 parameters per statement and splits every bulk insert to
fit, so 500 tracks become a dozen INSERTs. Builds since SQLite 3.32 accept 32,766 (Debian's,
250,000); Django 6.0 reads the real limit (ticket #36143). `real_sqlite_limit` does the same
for the duration of a block, and `param_limit` tells callers how many values an IN (...) may
hold, so that a batch costs the same few statements whatever its size.
"""

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TypeVar

from django.db import connection

T = TypeVar("T")

POSTGRES_MAX_PARAMS = 65_535  # the wire protocol's 16-bit parameter count


def param_limit() -> int:
    """How many parameters one statement may carry on the current connection."""
    if connection.vendor != "sqlite":
        return POSTGRES_MAX_PARAMS
    connection.ensure_connection()
    return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)


@contextmanager
def real_sqlite_limit() -> Iterator[None]:
    """Inside the block, bulk_create batches by SQLite's real parameter limit, not 999."""
    if connection.vendor != "sqlite":
        yield
        return
    features = connection.features
    shadowed = "max_query_params" in vars(features)
    previous = features.max_query_params
    features.max_query_params = max(previous, param_limit())
    try:
        yield
    finally:
        if shadowed:
            features.max_query_params = previous
        else:
            del features.max_query_params


def batches(values: Iterable[T], size: int) -> Iterator[list[T]]:
    """`values` in lists of at most `size`."""
    batch: list[T] = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def values_by(model, key: str, wanted: Sequence, value: str = "id") -> dict:
    """{key: value} for rows whose `key` is in `wanted`: one query unless it overflows a
    statement's parameters, then one per full statement."""
    found: dict = {}
    for batch in batches(wanted, param_limit() - 10):
        found.update(model.objects.filter(**{f"{key}__in": batch}).values_list(key, value))
    return found
