"""The SQL that keeps `EventDayCount` equal to the live events: trigger functions and the rebuild.

The triggers are statement-level with transition tables, so a bulk insert or a COPY of a million events is one
grouped upsert, and an edit that changes nothing counted (a description, a witness) writes nothing. Days and
hours are local (the TIME_ZONE setting, read when the triggers are installed), as the analytics filters are.
"""

from django.conf import settings
from django.db import connection, transaction

EVENTS = "behaviour_behaviourevent"
COUNTS = "behaviour_eventdaycount"
# The columns of the unique index behaviour_daycount_key (an index, so ON CONFLICT names its columns).
KEY_COLUMNS = "school_id, facet, day, category_id, location_id, period, hour, role"
OPERATIONS = ("insert", "update", "delete")

# Migration 0013 installed the triggers before events had a role (0023 added it and the "role" facet); it calls
# these functions with roles=False, so a fresh database migrates through both steps.


def _grouped(rows_sql, tz, roles=True):
    """Rows (school_id, day, facet, category_id, location_id, period, hour, role, tally) from `rows_sql`, which
    yields (school_id, category_id, location_id, period, role, occurred_at, n) for each event counted +n."""
    role, no_role = (", role", ", NULL") if roles else ("", "")
    by_role = (
        """
            UNION ALL
            SELECT school_id, day, 'role', category_id, NULL, NULL, NULL, role, sum(n)::integer
            FROM here GROUP BY school_id, day, category_id, role"""
        if roles
        else ""
    )
    return f"""
        WITH changed AS ({rows_sql}),
        here AS (
            SELECT school_id, category_id, location_id, period{role},
                   (occurred_at AT TIME ZONE '{tz}')::date AS day,
                   extract(hour FROM occurred_at AT TIME ZONE '{tz}')::smallint AS hour, n
            FROM changed
        ),
        grouped AS (
            SELECT school_id, day, 'category'::varchar AS facet, category_id, NULL::bigint AS location_id,
                   NULL::varchar AS period, NULL::smallint AS hour{", NULL::varchar AS role" if roles else ""},
                   sum(n)::integer AS tally
            FROM here GROUP BY school_id, day, category_id
            UNION ALL
            SELECT school_id, day, 'location', NULL, location_id, NULL, NULL{no_role}, sum(n)::integer
            FROM here GROUP BY school_id, day, location_id
            UNION ALL
            SELECT school_id, day, 'slot', NULL, NULL, period, hour{no_role}, sum(n)::integer
            FROM here GROUP BY school_id, day, period, hour{by_role}
        )
        SELECT * FROM grouped WHERE tally <> 0
        -- One order for every writer, so two statements never take the same rows' locks the other way round.
        ORDER BY school_id, facet, day, category_id, location_id, period, hour{role}
    """


def _columns(roles):
    return f"school_id, day, facet, category_id, location_id, period, hour{', role' if roles else ''}, tally"


def _upsert(rows_sql, tz, roles=True):
    key = KEY_COLUMNS if roles else KEY_COLUMNS.removesuffix(", role")
    return f"""
        INSERT INTO {COUNTS} AS c ({_columns(roles)})
        {_grouped(rows_sql, tz, roles)}
        ON CONFLICT ({key}) DO UPDATE SET tally = c.tally + EXCLUDED.tally
    """


def _live(table, sign, roles=True):
    return (
        f"SELECT school_id, category_id, location_id, period{', role' if roles else ''}, occurred_at, {sign} AS n "
        f"FROM {table} WHERE voided_at IS NULL"
    )


def _changes(operation, roles=True):
    if operation == "insert":
        return _live("new_rows", 1, roles)
    if operation == "delete":
        return _live("old_rows", -1, roles)
    return f"{_live('new_rows', 1, roles)} UNION ALL {_live('old_rows', -1, roles)}"


def _referencing(operation):
    return {
        "insert": "REFERENCING NEW TABLE AS new_rows",
        "update": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "delete": "REFERENCING OLD TABLE AS old_rows",
    }[operation]


def install_sql(tz=None, roles=True):
    """CREATE OR REPLACE the three trigger functions and (re)create their triggers."""
    tz = (tz or settings.TIME_ZONE).replace("'", "")
    statements = []
    for operation in OPERATIONS:
        name = f"{COUNTS}_{operation}"
        statements.append(
            f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $body$\n"
            f"BEGIN\n{_upsert(_changes(operation, roles), tz, roles)};\nRETURN NULL;\nEND\n$body$"
        )
        statements.append(f"DROP TRIGGER IF EXISTS {name} ON {EVENTS}")
        statements.append(
            f"CREATE TRIGGER {name} AFTER {operation.upper()} ON {EVENTS} {_referencing(operation)} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
        )
    return statements


def uninstall_sql():
    statements = []
    for operation in OPERATIONS:
        name = f"{COUNTS}_{operation}"
        statements.append(f"DROP TRIGGER IF EXISTS {name} ON {EVENTS}")
        statements.append(f"DROP FUNCTION IF EXISTS {name}()")
    return statements


def rebuild_sql(tz=None, roles=True):
    tz = (tz or settings.TIME_ZONE).replace("'", "")
    return [
        # Writers wait while the counts are rebuilt, so none is counted twice or lost.
        f"LOCK TABLE {EVENTS} IN SHARE MODE",
        f"DELETE FROM {COUNTS}",
        f"INSERT INTO {COUNTS} ({_columns(roles)}) {_grouped(_live(EVENTS, 1, roles), tz, roles)}",
    ]


def role_facet_from_categories_sql():
    """The "role" facet while every event has the default role: a copy of the "category" rows with the role
    "involved". Adding the facet this way reads the few thousand count rows, not the millions of events."""
    return (
        f"INSERT INTO {COUNTS} ({_columns(True)}) "
        f"SELECT school_id, day, 'role', category_id, NULL, NULL, NULL, 'involved', tally FROM {COUNTS} "
        f"WHERE facet = 'category' AND tally <> 0 ORDER BY school_id, day, category_id"
    )


def rebuild():
    """Recompute every count from the events; returns the number of count rows."""
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in rebuild_sql():
            cursor.execute(statement)
        cursor.execute(f"SELECT count(*) FROM {COUNTS}")
        return cursor.fetchone()[0]
