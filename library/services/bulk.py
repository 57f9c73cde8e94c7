"""Statement sizes for bulk work: as few statements as the database's parameter limit allows.

Django 5.2 assumes SQLite accepts 999 parameters per statement and splits every bulk insert to
fit, so 500 tracks became a dozen INSERTs. Builds since SQLite 3.32 accept 32,766 (Debian's,
250,000); Django 6.0 reads the real limit (ticket #36143). `param_limit` tells how many values
a statement may carry, `real_sqlite_limit` lets bulk_create use it, and `insert_rows` writes
plain rows with ON CONFLICT in statements of that size, so that a batch costs the same few
statements whatever its size.
"""

import contextlib
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from operator import itemgetter
from typing import TypeVar

from django.db import connection, models

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


def insert_rows(
    model,
    rows: Sequence[dict],
    *,
    update_on: str | tuple[str, ...] | None = None,
    update: Sequence[str] = (),
    ignore_conflicts: bool = False,
) -> dict | None:
    """INSERT the rows (the dicts' keys are the columns, alike in every row), one statement per
    parameter limit. On a clash of the unique field (or fields) `update_on`, UPDATE the
    `update` fields; with `ignore_conflicts`, skip rows that clash with any unique constraint.

    bulk_create(update_conflicts=True) writes every column of the model and prepares each value
    through its field, which made 1,000 tracks cost 0.6 s of Python; this writes only the
    given columns and adapts only dates, once per distinct value. ON CONFLICT ... DO UPDATE SET
    x = excluded.x reads the same on SQLite and PostgreSQL.

    With a single `update_on` field, returns {that field's value: id} of every row.
    """
    if not rows:
        return {} if isinstance(update_on, str) else None
    # Every writer takes row locks in the same order, so two imports upserting overlapping
    # tracks on PostgreSQL wait for each other instead of deadlocking.
    # The conflict key, else the first two columns (the link tables' unique pairs).
    with contextlib.suppress(TypeError):  # values that do not order keep their order
        if update_on:
            keys = (update_on,) if isinstance(update_on, str) else update_on
        else:
            keys = tuple(rows[0])[:2]
        rows = sorted(rows, key=itemgetter(*keys))
    names = list(rows[0])
    fields = [model._meta.get_field(name) for name in names]
    # dates and instants adapted by the backend itself (the field's layers above it cost
    # twice as much again, and an import adapts one instant per row)
    adapt = {
        i: connection.ops.adapt_datetimefield_value
        if isinstance(field, models.DateTimeField)
        else connection.ops.adapt_datefield_value
        for i, field in enumerate(fields)
        if isinstance(field, models.DateField)
    }
    sql = _insert_sql(model, fields, update_on, update, ignore_conflicts)
    # An upsert hands back {conflict key: id} of every row, inserted or updated, in the same
    # statement where the database can (SQLite 3.35+, PostgreSQL), sparing a SELECT.
    returning = isinstance(update_on, str) and connection.features.can_return_rows_from_bulk_insert
    if returning:
        quote = connection.ops.quote_name
        key_column = quote(model._meta.get_field(update_on).column)
        sql += f" RETURNING {key_column}, {quote(model._meta.pk.column)}"
    ids: dict = {}
    row_sql = "(" + ", ".join(["%s"] * len(names)) + ")"
    adapted: dict = {}
    with connection.cursor() as cursor:
        for batch in batches(rows, max(1, param_limit() // len(names))):
            params = []
            for row in batch:
                for i, name in enumerate(names):
                    value = row[name]
                    if i in adapt and value is not None:
                        if (i, value) not in adapted:
                            adapted[(i, value)] = adapt[i](value)
                        value = adapted[(i, value)]
                    params.append(value)
            cursor.execute(sql.format(values=", ".join([row_sql] * len(batch))), params)
            if returning:
                ids.update(cursor.fetchall())
    if not isinstance(update_on, str):
        return None
    if not returning:
        ids = values_by(model, update_on, [row[update_on] for row in rows])
    return ids


def _insert_sql(model, fields, update_on, update, ignore_conflicts: bool) -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES {{values}}"
    if ignore_conflicts:
        return f"{sql} ON CONFLICT DO NOTHING"
    if update_on is None:
        return sql
    unique = (update_on,) if isinstance(update_on, str) else update_on
    target = ", ".join(quote(model._meta.get_field(name).column) for name in unique)
    changes = ", ".join(
        f"{c} = excluded.{c}" for c in (quote(model._meta.get_field(n).column) for n in update)
    )
    return f"{sql} ON CONFLICT ({target}) DO UPDATE SET {changes}"
