"""Bulk loading with PostgreSQL COPY: rows go straight into the app's tables, secondary indexes and foreign keys
are dropped for the load and rebuilt once at the end (one sort per index instead of millions of inserts)."""

import contextlib

from django.db.models import JSONField
from psycopg.types.json import Jsonb


class Table:
    """COPY rows into one model's table (or an M2M through table), naming only the columns that vary.

    Every other column gets its field's static default, computed once. A column that must differ per row (a
    unique field, an auto_now field, a callable default) has to be named, so a forgotten one fails loudly
    instead of writing the same uuid twice.
    """

    def __init__(self, model, fields):
        self.model = model
        self.table = model._meta.db_table
        concrete = {field.attname: field for field in model._meta.concrete_fields}
        named = []
        for name in fields:
            field = model._meta.get_field(name)
            named.append(field.column)
        self.json = [isinstance(model._meta.get_field(name), JSONField) for name in fields]
        rest, defaults = [], []
        given = {model._meta.get_field(name).attname for name in fields}
        for attname, field in concrete.items():
            if attname in given or field.primary_key:
                continue
            if field.unique or getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                raise ValueError(f"{self.table}.{field.column} must be given for every row")
            if field.has_default() and callable(field.default) and field.default not in (dict, list, str):
                raise ValueError(f"{self.table}.{field.column} has a per-row default; give it")
            value = field.get_default()
            if value is None and not field.null:
                raise ValueError(f"{self.table}.{field.column} is NOT NULL and has no default; give it")
            rest.append(field.column)
            defaults.append(Jsonb(value) if isinstance(field, JSONField) else value)
        self.columns = ["id", *named, *rest] if "id" not in named else [*named, *rest]
        self.defaults = tuple(defaults)
        self.rows = 0

    def copy(self, cursor, rows):
        """rows: tuples of (id, *named fields) in the order given to the constructor."""
        columns = ", ".join(f'"{column}"' for column in self.columns)
        defaults = self.defaults
        wrap = [i + 1 for i, is_json in enumerate(self.json) if is_json]
        count = 0
        with cursor.copy(f'COPY "{self.table}" ({columns}) FROM STDIN') as copy:
            for row in rows:
                if wrap:
                    row = list(row)
                    for index in wrap:
                        row[index] = Jsonb(row[index])
                copy.write_row((*row, *defaults))
                count += 1
        self.rows += count
        return count


def through(model, field_name):
    """The auto-created M2M table of `model.field_name` and its two id columns (this side, the other side)."""
    field = model._meta.get_field(field_name)
    through_model = field.remote_field.through
    return through_model._meta.db_table, field.m2m_column_name(), field.m2m_reverse_name()


def copy_pairs(cursor, table, left, right, pairs):
    count = 0
    with cursor.copy(f'COPY "{table}" ("{left}", "{right}") FROM STDIN') as copy:
        for pair in pairs:
            copy.write_row(pair)
            count += 1
    return count


def take_ids(cursor, table, count):
    """`count` ids drawn from the table's sequence (one round trip), as the ORM's own inserts would draw them."""
    if count == 0:
        return []
    cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count])
    return [row[0] for row in cursor.fetchall()]


@contextlib.contextmanager
def indexes_dropped(cursor, tables):
    """Drop the secondary indexes, unique constraints and foreign keys of `tables`; put them back on exit.

    Primary keys stay (ids are loaded in ascending order, so they only append). Runs in the caller's
    transaction: a failed load rolls the drops back with everything else.
    """
    restore = []
    # Checks deferred until commit (Django's foreign keys) would block ALTER TABLE: run them now.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for table in tables:
        cursor.execute(
            """
            SELECT con.conname, pg_get_constraintdef(con.oid)
              FROM pg_constraint con
             WHERE con.conrelid = %s::regclass AND con.contype IN ('f', 'u')
             ORDER BY con.contype DESC
            """,
            [table],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            """
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
              FROM pg_index i
             WHERE i.indrelid = %s::regclass AND NOT i.indisprimary
               AND NOT EXISTS (
                   SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid
               )
            """,
            [table],
        )
        indexes = cursor.fetchall()
        for name, _definition in constraints:
            cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
        restore.append((table, constraints, indexes))
    yield
    for table, constraints, indexes in restore:
        for _name, definition in indexes:
            cursor.execute(definition)
        # Unique constraints first: a foreign key of another table may need them.
        for name, definition in sorted(constraints, key=lambda row: not row[1].startswith("UNIQUE")):
            cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
