"""Reading enrichment JSON in SQL, once per database: a typed value under a key, the
strings of a `genres` list, and a cheap look at the stored text before parsing it.

JSON keys are whitelisted identifiers (rules.dsl.fields) and bound as parameters anyway.
"""

from django.db import NotSupportedError
from django.db.models import BooleanField, Expression, FloatField, TextField

from .expressions import FOLD

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
            f"(json_type({data}, '$.genres') = 'array'"
            f" AND EXISTS (SELECT 1 FROM json_each({data}, '$.genres') AS tf_genre"
            f" WHERE tf_genre.type = 'text' AND tf_genre.value <> ''{test}))"
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
        return sql, [*params, *params, *test_params]


class RawTextHas(Expression):
    """A cheap first look at an enrichment's stored JSON text, before parsing it (SQLite).

    True when the text holds one of `texts` (`folded`: compared case-folded), or holds a
    backslash. Exact as a prefilter: a key or string value appears verbatim in
    JSON text unless it is written with an escape, which needs a backslash. SQLite parses
    JSON on every call (a microsecond a row); this skips most rows that cannot match.
    PostgreSQL's jsonb is parsed already: there it is TRUE.
    """

    output_field = BooleanField()

    def __init__(self, data, texts: tuple[str, ...], folded: bool = False):
        super().__init__()
        self.data, self.texts, self.folded = data, texts, folded

    def get_source_expressions(self):
        return [self.data]

    def set_source_expressions(self, exprs):
        (self.data,) = exprs

    def as_sql(self, compiler, connection):
        return "TRUE", []

    def as_sqlite(self, compiler, connection):
        data, params = compiler.compile(self.data)
        if not self.texts:
            return "1", []
        text, text_params = data, list(params)
        if self.folded:
            text = f"(CASE WHEN length({data}) = length(CAST({data} AS BLOB))"
            text += f" THEN lower({data}) ELSE {FOLD}({data}) END)"
            text_params = [*params, *params, *params, *params]
        found = " OR ".join(f"instr({text}, %s) > 0" for _ in self.texts)
        found_params = [p for needle in self.texts for p in [*text_params, needle]]
        return f"(instr({data}, '\\') > 0 OR ({found}))", [*params, *found_params]
