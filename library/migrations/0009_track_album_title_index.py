"""An index on a track's (album, title) in place of the foreign key's own index on album.

The foreign key's index is dropped by name, not by altering the field: on SQLite Django
alters a field by rebuilding the table, which would drop the triggers on library_track
(migration 0008) with it.
"""

import django.db.models.deletion
from django.db import migrations, models


def _album_index(schema_editor) -> str | None:
    """The name of library_track's one-column index on album_id, if it has one."""
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, "library_track")
    for name, details in found.items():
        if details["index"] and not details["unique"] and details["columns"] == ["album_id"]:
            return name
    return None


def drop_album_index(apps, schema_editor) -> None:
    name = _album_index(schema_editor)
    if name is not None:
        schema_editor.execute(f"DROP INDEX {schema_editor.quote_name(name)}")


def create_album_index(apps, schema_editor) -> None:
    if _album_index(schema_editor) is None:
        schema_editor.execute(
            'CREATE INDEX "library_track_album_id_a1641738" ON "library_track" ("album_id")'
        )


class Migration(migrations.Migration):
    dependencies = [
        ("library", "0008_library_track_triggers"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="track",
            index=models.Index(fields=["album", "title"], name="track_album_title_idx"),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="track",
                    name="album",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="tracks",
                        to="library.album",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(drop_album_index, create_album_index)],
        ),
    ]
