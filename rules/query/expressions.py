"""The few SQL pieces Django has no word for, written once per database.

Everything vendor-specific in the compiler lives here: case folding, text sort order,
`matches`, JSON values of enrichments and the `genres` lists inside them. Every value a
rule supplies is a bound parameter; the JSON keys are whitelisted identifiers and bound too.
"""

from django.db import NotSupportedError
from django.db.models import BooleanField, Expression, FloatField, Func, TextField

from rules.dsl.regex import postgres_pattern, python_pattern

# SQLite gets `tf_fold` from rules.apps (Python's str.lower); PostgreSQL from migration 0002.
FOLD = "tf_fold"


class Fold(Func):
    """`fold(text)`: the one case folding of the DSL (`semantics.fold`), in SQL."""

    function = FOLD
    output_field = TextField()


class SortText(Func):
    """Folded text for ORDER BY, NULL when missing; code point order on both databases."""

    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra):
        # BINARY collation compares UTF-8 bytes, which is code point order
        return self.as_sql(compiler, connection, template=f"NULLIF({FOLD}(%(expressions)s), '')")

    def as_postgresql(self, compiler, connection, **extra):
        template = f"(NULLIF({FOLD}(%(expressions)s), '') COLLATE \"C\")"
        return self.as_sql(compiler, connection, template=template)


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
        sql, params = compiler.compile(self.value)
        return f"({sql} REGEXP %s)", [*params, python_pattern(self.pattern)]

    def as_postgresql(self, compiler, connection):
        sql, params = compiler.compile(self.value)
        return f"({sql} ~* %s)", [*params, postgres_pattern(self.pattern)]


# JSON kinds of an enrichment value -> (SQLite json_type names, PostgreSQL jsonb_typeof name)
KINDS = {
    "number": ("'integer', 'real'", "number"),
    "string": ("'text'", "string"),
    "bool": ("'true', 'false'", "boolean"),
}
OUTPUT = {"number": FloatField(), "string": TextField(), "bool": BooleanField()}


class JsonValue(Expression):
    """`data[key]` when it is a JSON value of `kind`, else NULL (so it never mis-casts)."""

    def __init__(self, data, key: str, kind: str):
        super().__init__(output_field=OUTPUT[kind])
        self.data, self.key, self.kind = data, key, kind

    def get_source_expressions(self):
        return [self.data]

    def set_source_expressions(self, exprs):
        (self.data,) = exprs

    def as_sql(self, compiler, connection):
        raise NotSupportedError(f"enrichment values are not written for {connection.vendor}")

    def as_sqlite(self, compiler, connection):
        data, params = compiler.compile(self.data)
        path = f"$.{self.key}"
        kinds = KINDS[self.kind][0]
        if self.kind == "bool":
            sql = f"(CASE json_type({data}, %s) WHEN 'true' THEN 1 WHEN 'false' THEN 0 END)"
            return sql, [*params, path]
        sql = f"(CASE WHEN json_type({data}, %s) IN ({kinds}) THEN json_extract({data}, %s) END)"
        return sql, [*params, path, *params, path]

    def as_postgresql(self, compiler, connection):
        data, params = compiler.compile(self.data)
        value = {
            "number": f"({data} ->> %s)::numeric",
            "string": f"({data} ->> %s)",
            "bool": f"(({data} ->> %s) = 'true')",
        }[self.kind]
        kind = KINDS[self.kind][1]
        sql = f"(CASE WHEN jsonb_typeof({data} -> %s) = '{kind}' THEN {value} END)"
        return sql, [*params, self.key, *params, self.key]


class GenreElement(Expression):
    """One item of a `genres` list inside GenreAny: the text of a JSON string."""

    output_field = TextField()

    def as_sql(self, compiler, connection):
        raise NotSupportedError(f"genres are not written for {connection.vendor}")

    def as_sqlite(self, compiler, connection):
        return "tf_genre.value", []

    def as_postgresql(self, compiler, connection):
        return "(tf_genre.value #>> '{}')", []


class GenreAny(Expression):
    """Whether `data["genres"]` is a list holding a non-empty string for which `test` holds.

    `test` is a condition on GenreElement() (None: any such string will do).
    """

    output_field = BooleanField()

    def __init__(self, data, test=None):
        super().__init__()
        self.data, self.test = data, test

    def get_source_expressions(self):
        return [self.data, self.test]

    def set_source_expressions(self, exprs):
        self.data, self.test = exprs

    def _test(self, compiler) -> tuple[str, list]:
        if self.test is None:
            return "", []
        sql, params = compiler.compile(self.test)
        return f" AND ({sql})", list(params)

    def as_sql(self, compiler, connection):
        raise NotSupportedError(f"genres are not written for {connection.vendor}")

    def as_sqlite(self, compiler, connection):
        data, params = compiler.compile(self.data)
        test, test_params = self._test(compiler)
        sql = (
            f"EXISTS (SELECT 1 FROM json_each({data}, '$.genres') AS tf_genre"
            f" WHERE json_type({data}, '$.genres') = 'array' AND tf_genre.type = 'text'"
            f" AND tf_genre.value <> ''{test})"
        )
        return sql, [*params, *params, *test_params]

    def as_postgresql(self, compiler, connection):
        data, params = compiler.compile(self.data)
        test, test_params = self._test(compiler)
        array = (
            f"CASE WHEN jsonb_typeof({data} -> 'genres') = 'array'"
            f" THEN {data} -> 'genres' ELSE '[]'::jsonb END"
        )
        sql = (
            f"EXISTS (SELECT 1 FROM jsonb_array_elements({array}) AS tf_genre(value)"
            f" WHERE jsonb_typeof(tf_genre.value) = 'string'"
            f" AND (tf_genre.value #>> '{{}}') <> ''{test})"
        )
        return sql, [*params, *params, *params, *test_params]
