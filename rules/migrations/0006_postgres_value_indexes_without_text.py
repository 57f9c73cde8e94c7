"""PostgreSQL: the enrichment value indexes leave out `folded`, so long strings fit.

A B-tree row on PostgreSQL holds at most 2,704 bytes: an enrichment string of about 2.7 KB
(lyrics, an annotation) could not be stored, its trigger failing the whole write. Without
`folded`, a string comparison seeks (key, kind) and reads that key's rows, which is what
`contains` does anyway. SQLite has no such limit and keeps the covering indexes (its
previews scan them instead of the table). Django's model state is unchanged.
"""

from django.db import migrations

WITHOUT_TEXT = {
    "rules_value_text": "(key, kind, provider, track_id)",
    "rules_value_track": "(track_id, key, kind, provider, number)",
}
WITH_TEXT = {
    "rules_value_text": "(key, kind, folded, provider, track_id)",
    "rules_value_track": "(track_id, key, kind, provider, number, folded)",
}


def recreate(columns: dict[str, str]):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for name, spec in columns.items():
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
            schema_editor.execute(f"CREATE INDEX {name} ON rules_enrichmentvalue {spec}")

    return run


class Migration(migrations.Migration):
    dependencies = [("rules", "0005_auto_sync_at_most_a_year")]

    operations = [migrations.RunPython(recreate(WITHOUT_TEXT), recreate(WITH_TEXT))]
