"""`icontains` and `iexact` that ignore the case of every letter on SQLite too.

SQLite's LIKE and LOWER() fold ASCII letters only, so `search=BJÖRK` found no Björk there
while PostgreSQL, which compares UPPER() of both sides, did. On SQLite, a value with letters
beyond ASCII is folded like the rules fold text (Python's str.lower()) and compared with the
column folded by the rules' own `tf_fold` SQL (rules.query.expressions.LikeFold, the
function registered on each SQLite connection by rules.apps). An ASCII value keeps Django's
LIKE, already right for it and fast on an index; PostgreSQL keeps Django's SQL.
"""

from django.db.models import CharField, Lookup, TextField
from django.db.models.lookups import IContains, IExact


class FoldOnSQLite:
    """Mixed into a LIKE lookup: `plain` is the Django lookup it extends."""

    plain: type[Lookup]

    def as_sqlite(self, compiler, connection):
        if not self.folds():
            return self.as_sql(compiler, connection)
        from rules.query.expressions import LikeFold  # the one SQL of case folding

        # LIKE escaping of % _ \ in the value stays Django's (the plain lookup's)
        return compiler.compile(self.plain(LikeFold(self.lhs), self.rhs.lower()))

    def folds(self) -> bool:
        rhs = self.rhs
        return isinstance(rhs, str) and not rhs.isascii() and not self.bilateral_transforms


class FoldedIContains(FoldOnSQLite, IContains):
    plain = IContains


class FoldedIExact(FoldOnSQLite, IExact):
    plain = IExact


def register_lookups() -> None:
    """Every text column's `icontains` and `iexact` (the API's filters, the admin's search)."""
    for field in (CharField, TextField):
        field.register_lookup(FoldedIContains)
        field.register_lookup(FoldedIExact)
