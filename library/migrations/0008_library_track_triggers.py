"""library.LibraryTrack kept by triggers: every write to a library source recomputes the
(owner, track) rows it touches, so no write can miss them (bulk_create, QuerySet.update,
Django's cascades, a shell). Existing libraries are computed on the way in.

A source is a like (library_savedtrack), an entry in one of the owner's playlists, a track
the owner added (library_track.added_by_id, at created_at), or one of the owner's completed
downloads; see library.services.scope.
"""

from django.db import migrations

TABLE = "library_librarytrack"
COLUMNS = "owner_id, track_id, added_at, first_playlist_id, added_at_otherwise, sole_playlist_id"


def sources(owner: str | None, tracks: str | None) -> str:
    """The sources as (owner_id, track_id, added_at, playlist_id) rows, for one owner (an
    SQL expression) and the tracks `tracks` picks (`= x` or `IN (...)`); None: all."""

    def where(owner_column: str, track_column: str) -> str:
        tests = [f"{owner_column} IS NOT NULL"]
        if owner is not None:
            tests.append(f"{owner_column} = {owner}")
        if tracks is not None:
            tests.append(f"{track_column} {tracks}")
        return " AND ".join(tests)

    return f"""
        SELECT ls.user_id AS owner_id, ls.track_id AS track_id, ls.added_at AS added_at,
               CAST(NULL AS BIGINT) AS playlist_id
          FROM library_savedtrack ls WHERE {where("ls.user_id", "ls.track_id")}
        UNION ALL
        SELECT lp.owner_id, le.track_id, le.added_at, le.playlist_id
          FROM library_playlistentry le JOIN library_playlist lp ON lp.id = le.playlist_id
         WHERE {where("lp.owner_id", "le.track_id")}
        UNION ALL
        SELECT lt.added_by_id, lt.id, lt.created_at, CAST(NULL AS BIGINT)
          FROM library_track lt WHERE {where("lt.added_by_id", "lt.id")}
        UNION ALL
        SELECT dj.owner_id, dj.track_id, dj.created_at, CAST(NULL AS BIGINT)
          FROM downloads_downloadjob dj
         WHERE dj.status = 'completed' AND {where("dj.owner_id", "dj.track_id")}
    """


def recompute(owner: str | None, tracks: str | None) -> str:
    """Forget, then compute again, the rows of `owner` for the tracks `tracks` picks
    (two statements: `DELETE ...; INSERT ...;`).

    `first_playlist_id`: the playlist of the earliest source when that is an entry (a like,
    upload or download wins a tie); `added_at_otherwise`: the earliest instant outside that
    playlist; `sole_playlist_id`: the playlist when every source is an entry of it."""
    forget = [f"owner_id = {owner}" if owner is not None else "1 = 1"]
    if tracks is not None:
        forget.append(f"track_id {tracks}")
    one = sources("grp.owner_id", "= grp.track_id")
    first = sources("agg.owner_id", "= agg.track_id")
    return f"""
        DELETE FROM {TABLE} WHERE {" AND ".join(forget)};
        INSERT INTO {TABLE} ({COLUMNS})
        SELECT grp.owner_id, grp.track_id, grp.added_at, grp.first_playlist_id,
               CASE WHEN grp.first_playlist_id IS NOT NULL THEN
                 (SELECT MIN(other.added_at) FROM ({one}) other
                   WHERE other.playlist_id IS NULL
                      OR other.playlist_id <> grp.first_playlist_id)
               END,
               grp.sole_playlist_id
          FROM (
            SELECT agg.owner_id AS owner_id, agg.track_id AS track_id,
                   MIN(agg.added_at) AS added_at,
                   (SELECT earliest.playlist_id FROM ({first}) earliest
                     WHERE earliest.added_at IS NOT NULL
                     ORDER BY earliest.added_at, earliest.playlist_id IS NOT NULL,
                              earliest.playlist_id
                     LIMIT 1) AS first_playlist_id,
                   CASE WHEN SUM(CASE WHEN agg.playlist_id IS NULL THEN 1 ELSE 0 END) = 0
                         AND MIN(agg.playlist_id) = MAX(agg.playlist_id)
                        THEN MIN(agg.playlist_id) END AS sole_playlist_id
              FROM ({sources(owner, tracks)}) agg
             GROUP BY agg.owner_id, agg.track_id
          ) grp;
    """


ENTRY_OWNER = "(SELECT owner_id FROM library_playlist WHERE id = {row}.playlist_id)"
PLAYLIST_TRACKS = "IN (SELECT track_id FROM library_playlistentry WHERE playlist_id = NEW.id)"

# (table, event, WHEN or None, statements for SQLite with NEW/OLD)
SQLITE_TRIGGERS = [
    ("library_savedtrack", "INSERT", None, recompute("NEW.user_id", "= NEW.track_id")),
    ("library_savedtrack", "DELETE", None, recompute("OLD.user_id", "= OLD.track_id")),
    (
        "library_savedtrack",
        "UPDATE",
        None,
        recompute("OLD.user_id", "= OLD.track_id") + recompute("NEW.user_id", "= NEW.track_id"),
    ),
    (
        "library_playlistentry",
        "INSERT",
        None,
        recompute(ENTRY_OWNER.format(row="NEW"), "= NEW.track_id"),
    ),
    (
        "library_playlistentry",
        "DELETE",
        None,
        recompute(ENTRY_OWNER.format(row="OLD"), "= OLD.track_id"),
    ),
    (
        "library_playlistentry",
        "UPDATE",
        "OLD.playlist_id IS NOT NEW.playlist_id OR OLD.track_id IS NOT NEW.track_id"
        " OR OLD.added_at IS NOT NEW.added_at",
        recompute(ENTRY_OWNER.format(row="OLD"), "= OLD.track_id")
        + recompute(ENTRY_OWNER.format(row="NEW"), "= NEW.track_id"),
    ),
    (
        "library_playlist",
        "UPDATE",
        "OLD.owner_id IS NOT NEW.owner_id",
        recompute("OLD.owner_id", PLAYLIST_TRACKS) + recompute("NEW.owner_id", PLAYLIST_TRACKS),
    ),
    (
        "library_track",
        "INSERT",
        "NEW.added_by_id IS NOT NULL",
        recompute("NEW.added_by_id", "= NEW.id"),
    ),
    (
        "library_track",
        "UPDATE",
        "OLD.added_by_id IS NOT NEW.added_by_id OR OLD.created_at IS NOT NEW.created_at",
        recompute("OLD.added_by_id", "= OLD.id") + recompute("NEW.added_by_id", "= NEW.id"),
    ),
    ("library_track", "DELETE", None, f"DELETE FROM {TABLE} WHERE track_id = OLD.id;"),
    (
        "downloads_downloadjob",
        "INSERT",
        "NEW.status = 'completed'",
        recompute("NEW.owner_id", "= NEW.track_id"),
    ),
    (
        "downloads_downloadjob",
        "UPDATE",
        "(OLD.status = 'completed' OR NEW.status = 'completed') AND ("
        "OLD.status IS NOT NEW.status OR OLD.owner_id IS NOT NEW.owner_id"
        " OR OLD.track_id IS NOT NEW.track_id OR OLD.created_at IS NOT NEW.created_at)",
        recompute("OLD.owner_id", "= OLD.track_id") + recompute("NEW.owner_id", "= NEW.track_id"),
    ),
    (
        "downloads_downloadjob",
        "DELETE",
        "OLD.status = 'completed'",
        recompute("OLD.owner_id", "= OLD.track_id"),
    ),
]


def trigger_name(table: str) -> str:
    """library_track_of_savedtrack, ...: a PostgreSQL function and trigger per table."""
    return f"library_track_of_{table.split('_', 1)[1]}"


def sqlite_name(table: str, event: str) -> str:
    return f"{trigger_name(table)}_{event.lower()}"


def sqlite_statements() -> list[str]:
    return [
        f"CREATE TRIGGER {sqlite_name(table, event)} AFTER {event} ON {table} FOR EACH ROW"
        + (f" WHEN {when}" if when else "")
        + f" BEGIN {body} END"
        for table, event, when, body in SQLITE_TRIGGERS
    ]


def sqlite_drop() -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {sqlite_name(table, event)}"
        for table, event, _, _ in SQLITE_TRIGGERS
    ]


def postgresql_statements() -> list[str]:
    """One function and trigger per table: the SQLite bodies under IF TG_OP (`IS NOT` reads
    `IS DISTINCT FROM` there)."""
    by_table: dict[str, list[tuple[str, str | None, str]]] = {}
    for table, event, when, body in SQLITE_TRIGGERS:
        by_table.setdefault(table, []).append((event, when, body))
    statements = []
    for table, events in by_table.items():
        function = trigger_name(table)
        branches = []
        for event, when, body in events:
            test = f"TG_OP = '{event}'"
            if when:
                test += f" AND ({when.replace(' IS NOT ', ' IS DISTINCT FROM ')})"
            branches.append(f"IF {test} THEN {body} END IF;")
        statements.append(
            f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {' '.join(branches)} RETURN NULL; END $$"
        )
        kinds = " OR ".join(dict.fromkeys(event for event, _, _ in events))
        statements.append(
            f"CREATE TRIGGER {function} AFTER {kinds} ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {function}()"
        )
    return statements


def postgresql_drop() -> list[str]:
    tables = dict.fromkeys(table for table, _, _, _ in SQLITE_TRIGGERS)
    statements = []
    for table in tables:
        function = trigger_name(table)
        statements.append(f"DROP TRIGGER IF EXISTS {function} ON {table}")
        statements.append(f"DROP FUNCTION IF EXISTS {function}()")
    return statements


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": sqlite_statements, "postgresql": postgresql_statements}.get(vendor)
    if statements is None:
        raise NotImplementedError("library tracks are kept on SQLite and PostgreSQL only")
    for statement in statements():
        schema_editor.execute(statement)
    for statement in recompute(None, None).split(";"):
        if statement.strip():
            schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in {"sqlite": sqlite_drop, "postgresql": postgresql_drop}.get(vendor, list)():
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    # a migration of its own: 0007's indexes must exist before the backfill runs
    dependencies = [
        ("library", "0007_library_track"),
        ("downloads", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
