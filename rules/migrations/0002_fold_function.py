"""`tf_fold(text)` on PostgreSQL: the case folding rules compare text with.

Rules fold text like Python's str.lower() (rules.dsl.semantics.fold). ICU's full Unicode
lowercasing matches it (İ, final sigma and all) whatever the database's own locale; without
ICU, or on a database not encoded in UTF-8, LOWER() is the closest there is. SQLite gets the
function from rules.apps on each connection instead.
"""

from django.db import migrations

ICU_AVAILABLE = """
    SELECT EXISTS (SELECT 1 FROM pg_collation WHERE collname = 'und-x-icu')
       AND pg_encoding_to_char(encoding) = 'UTF8'
      FROM pg_database WHERE datname = current_database()
"""
CREATE = """
    CREATE OR REPLACE FUNCTION tf_fold(text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT lower($1{collate}) $$
"""


def create_fold(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(ICU_AVAILABLE)
        icu = cursor.fetchone()[0]
    schema_editor.execute(CREATE.format(collate=' COLLATE "und-x-icu"' if icu else ""))


def drop_fold(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS tf_fold(text)")


class Migration(migrations.Migration):
    dependencies = [("rules", "0001_initial")]

    operations = [migrations.RunPython(create_fold, drop_fold)]
