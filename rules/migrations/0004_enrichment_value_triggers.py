"""rules.EnrichmentValue: enrichment data as typed, indexed rows, kept by triggers.

The triggers live in the database so no write to `library_trackenrichment` can miss them
(bulk_create, QuerySet.update, a shell). Existing enrichments are indexed on the way in.
"""

from django.db import migrations

# SQLite: one INSERT for an enrichment's values, written for the trigger row NEW.
# Text is folded like Python's str.lower(): SQLite's lower() is exact on ASCII, and
# tf_fold (registered on every connection by rules.apps) covers the rest.
SQLITE_FOLD = (
    "(CASE WHEN length({v}) = length(CAST({v} AS BLOB)) THEN lower({v}) ELSE tf_fold({v}) END)"
)
SQLITE_VALUES = f"""
    INSERT INTO rules_enrichmentvalue (track_id, provider, key, kind, number, text, folded)
    SELECT NEW.track_id, NEW.provider, j.key,
           CASE j.type WHEN 'text' THEN 's' WHEN 'true' THEN 'b' WHEN 'false' THEN 'b'
                ELSE 'n' END,
           CASE j.type WHEN 'true' THEN 1 WHEN 'false' THEN 0 WHEN 'text' THEN NULL
                ELSE j.value END,
           CASE j.type WHEN 'text' THEN j.value END,
           CASE j.type WHEN 'text' THEN {SQLITE_FOLD.format(v="j.value")} END
      FROM json_each(CASE json_type(NEW.data) WHEN 'object' THEN NEW.data ELSE '{{}}' END) AS j
     WHERE j.type IN ('integer', 'real', 'true', 'false') OR (j.type = 'text' AND j.value <> '');
    INSERT INTO rules_enrichmentvalue (track_id, provider, key, kind, number, text, folded)
    SELECT NEW.track_id, NEW.provider, 'genres', 'g', NULL, g.value,
           {SQLITE_FOLD.format(v="g.value")}
      FROM json_each(CASE json_type(NEW.data, '$.genres') WHEN 'array'
                     THEN json_extract(NEW.data, '$.genres') ELSE '[]' END) AS g
     WHERE g.type = 'text' AND g.value <> '';
"""
# `+provider`: look the rows up by track (rules_value_track), never by provider, which
# SQLite may otherwise choose without statistics, and then read every provider's row
SQLITE_FORGET = """
    DELETE FROM rules_enrichmentvalue
     WHERE track_id = OLD.track_id AND +provider = OLD.provider;
"""
SQLITE = [
    f"CREATE TRIGGER rules_enrichment_insert AFTER INSERT ON library_trackenrichment "
    f"BEGIN {SQLITE_VALUES} END",
    f"CREATE TRIGGER rules_enrichment_update AFTER UPDATE ON library_trackenrichment "
    f"BEGIN {SQLITE_FORGET} {SQLITE_VALUES} END",
    f"CREATE TRIGGER rules_enrichment_delete AFTER DELETE ON library_trackenrichment "
    f"BEGIN {SQLITE_FORGET} END",
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS rules_enrichment_{event}" for event in ("insert", "update", "delete")
]

POSTGRESQL = [
    """
    CREATE OR REPLACE FUNCTION rules_index_enrichment() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP <> 'INSERT' THEN
        DELETE FROM rules_enrichmentvalue
         WHERE track_id = OLD.track_id AND provider = OLD.provider;
      END IF;
      IF TG_OP <> 'DELETE' AND jsonb_typeof(NEW.data) = 'object' THEN
        INSERT INTO rules_enrichmentvalue (track_id, provider, key, kind, number, text, folded)
        SELECT NEW.track_id, NEW.provider, j.key,
               CASE jsonb_typeof(j.value) WHEN 'string' THEN 's' WHEN 'boolean' THEN 'b'
                    ELSE 'n' END,
               CASE jsonb_typeof(j.value) WHEN 'number' THEN j.value::numeric
                    WHEN 'boolean' THEN CASE WHEN j.value::boolean THEN 1 ELSE 0 END END,
               CASE jsonb_typeof(j.value) WHEN 'string' THEN j.value #>> '{}' END,
               CASE jsonb_typeof(j.value) WHEN 'string' THEN tf_fold(j.value #>> '{}') END
          FROM jsonb_each(NEW.data) AS j
         WHERE jsonb_typeof(j.value) IN ('number', 'boolean')
            OR (jsonb_typeof(j.value) = 'string' AND j.value #>> '{}' <> '');
        IF jsonb_typeof(NEW.data -> 'genres') = 'array' THEN
          INSERT INTO rules_enrichmentvalue
                 (track_id, provider, key, kind, number, text, folded)
          SELECT NEW.track_id, NEW.provider, 'genres', 'g', NULL, g #>> '{}',
                 tf_fold(g #>> '{}')
            FROM jsonb_array_elements(NEW.data -> 'genres') AS g
           WHERE jsonb_typeof(g) = 'string' AND g #>> '{}' <> '';
        END IF;
      END IF;
      RETURN NULL;
    END $$
    """,
    "CREATE TRIGGER rules_index_enrichment AFTER INSERT OR UPDATE OR DELETE "
    "ON library_trackenrichment FOR EACH ROW EXECUTE FUNCTION rules_index_enrichment()",
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS rules_index_enrichment ON library_trackenrichment",
    "DROP FUNCTION IF EXISTS rules_index_enrichment()",
]
# fires the update triggers once for every enrichment already stored
BACKFILL = "UPDATE library_trackenrichment SET provider = provider"


def create_triggers(apps, schema_editor):
    statements = {"sqlite": SQLITE, "postgresql": POSTGRESQL}.get(schema_editor.connection.vendor)
    if statements is None:
        raise NotImplementedError("rules index enrichments on SQLite and PostgreSQL only")
    for statement in [*statements, BACKFILL]:
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in {"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP}.get(vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    # a migration of its own: the indexes of 0003 must exist before the backfill runs
    # (a schema editor creates them only when it closes), or every trigger scans the table
    dependencies = [("rules", "0003_enrichment_values")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
