"""The SQL pieces Django has no word for, written once per database: case folding, text
sort order and `matches`. Every value a rule supplies is a bound parameter.
"""

from dataclasses import dataclass

from django.db import NotSupportedError
from django.db.models import BooleanField, Expression, F, Func, TextField

from rules.dsl.regex import like_patterns, postgres_pattern, python_pattern

# SQLite gets `tf_fold` from rules.apps (Python's str.lower); PostgreSQL from migration 0002.
FOLD = "tf_fold"


class Fold(Func):
    """`fold(text)`: the one case folding of the DSL (`semantics.fold`), in SQL."""

    function = FOLD
    output_field = TextField()
    ascii_fold = "lower({})"  # SQLite, for a text that is all ASCII

    def as_sqlite(self, compiler, connection, **extra):
        # Calling Python costs a microsecond a row; SQLite's own LOWER() is Python's on
        # ASCII, and a text is ASCII when it has as many bytes as characters.
        sql, params = compiler.compile(self.source_expressions[0])
        ascii_only = f"length({sql}) = length(CAST({sql} AS BLOB))"
        folded = self.ascii_fold.format(sql)
        return f"(CASE WHEN {ascii_only} THEN {folded} ELSE {FOLD}({sql}) END)", list(params) * 4


# The only characters beyond ASCII that fold (str.lower) to ASCII ones: "İ" to "i" and a
# combining dot, the Kelvin sign to "k". A needle without these letters can't meet them.
FOLDS_INTO_ASCII = frozenset("ik")


class LikeFold(Fold):
    """`fold(text)` as the left side of LIKE (contains, startsWith, endsWith). SQLite's LIKE
    already ignores the case of ASCII letters, so an ASCII text is compared as it is,
    without lower() copying it (half the time of a scan of titles).

    With the (folded) `needle` known to be ASCII without "i" or "k", no text is folded at
    all: LIKE alone matches exactly the texts whose fold holds the needle, since no other
    character folds into ASCII. Texts beyond ASCII (a fifth of the artists of bench/rules.py,
    every title of a library in Cyrillic) then cost no call to Python each."""

    ascii_fold = "{}"

    def __init__(self, expression, needle: str | None = None):
        super().__init__(expression)
        self.needle = needle

    def as_sqlite(self, compiler, connection, **extra):
        needle = self.needle
        if needle is not None and needle.isascii() and not FOLDS_INTO_ASCII & set(needle):
            return compiler.compile(self.source_expressions[0])
        return super().as_sqlite(compiler, connection, **extra)


@dataclass(frozen=True)
class StoredText:
    """A text column stored beside its case-folded copy (rules.EnrichmentValue): text
    tests read the copy, with nothing to fold per row; `matches` reads the text."""

    text: F
    folded: F


def folded(value, *, like: str | None = None) -> Func | F:
    """A text value case-folded: its stored copy, or folded in SQL (`like`: the folded
    needle, for the left side of LIKE, which may leave case to LIKE)."""
    if isinstance(value, StoredText):
        return value.folded
    return LikeFold(value, like) if like is not None else Fold(value)


class SortText(Func):
    """Folded text for ORDER BY, NULL when missing; code point order on both databases."""

    output_field = TextField()

    def __init__(self, expression):
        super().__init__(Fold(expression))

    def as_sqlite(self, compiler, connection, **extra):
        # BINARY collation compares UTF-8 bytes, which is code point order
        return self.as_sql(compiler, connection, template="NULLIF(%(expressions)s, '')")

    def as_postgresql(self, compiler, connection, **extra):
        template = "(NULLIF(%(expressions)s, '') COLLATE \"C\")"
        return self.as_sql(compiler, connection, template=template)


class CodePoints(Func):
    """A text as ORDER BY compares it: code point by code point on both databases."""

    template = "%(expressions)s"
    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template='(%(expressions)s COLLATE "C")')


class Matches(Expression):
    """`value matches pattern`: the portable regex (rules.dsl.regex), ignoring case."""

    output_field = BooleanField()

    def __init__(self, value, pattern: str):
        super().__init__()
        self.value, self.pattern = value, pattern

    def get_source_expressions(self):
        return [self.value]

    def set_source_expressions(self, exprs):
        (self.value,) = exprs

    def as_sql(self, compiler, connection):
        raise NotSupportedError(f"matches is not written for {connection.vendor}")

    def as_sqlite(self, compiler, connection):
        # REGEXP calls Python for every row (microseconds each); LIKE first rules out, in
        # C, the values that lack a beginning or a text the pattern needs
        sql, params = compiler.compile(self.value)
        regexp = f"{sql} REGEXP %s"
        likes = like_patterns(self.pattern)
        if not likes:
            return f"({regexp})", [*params, python_pattern(self.pattern)]
        needed = " OR ".join(f"{sql} LIKE %s ESCAPE '\\'" for _ in likes)
        found = [p for like in likes for p in (*params, like)]
        if any(like.startswith("%") for like in likes):
            # LIKE stops reading at a NUL character: a text after one is left to REGEXP
            needed, found = f"{needed} OR instr({sql}, char(0)) > 0", [*found, *params]
        return f"(({needed}) AND {regexp})", [*found, *params, python_pattern(self.pattern)]

    def as_postgresql(self, compiler, connection):
        sql, params = compiler.compile(self.value)
        return f"({sql} ~* %s)", [*params, postgres_pattern(self.pattern)]
