"""Which of a pupil's areas have any rows at all, in one query.

The pupil profile asks many duty areas for chronology items, cards and summary figures; for most pupils most
areas have nothing, and asking each one costs a query and the building of it. Each registry lets a provider
declare its sources, [(model, "pupil")]: the tables every row it shows comes from (a through model's for a
many-to-many). `present` answers EXISTS for every declared source in one SELECT, kept for the rest of the
request; any write in the request forgets it, so a page that writes and then reads sees its own row.
"""

from django.db import connection
from django.db.models.signals import m2m_changed, post_delete, post_save

from . import request_cache

# Every declared source's key, in the order of the one query's columns.
_TABLES = {}


def _key(model, path):
    """(table, column) for the model's own pupil field; along a path of foreign keys, (table, column, target, …,
    table, column): each table's column names a row of the next table by that table's target column."""
    key, hops = [], path.split("__")
    for hop in hops[:-1]:
        field = model._meta.get_field(hop)
        key += [model._meta.db_table, field.column, field.target_field.column]
        model = field.related_model
    return (*key, model._meta.db_table, model._meta.get_field(hops[-1]).column)


def rows_sql(key, select="1"):
    """SELECT `select` FROM the source's first table WHERE its rows name the pupil (%s), one IN per hop."""
    quote = connection.ops.quote_name
    table, column, rest = key[0], key[1], key[2:]
    if not rest:
        return f"SELECT {select} FROM {quote(table)} WHERE {quote(column)} = %s"
    target = rest[0]
    return f"SELECT {select} FROM {quote(table)} WHERE {quote(column)} IN ({rows_sql(rest[1:], quote(target))})"


def pupil_ids_sql(key):
    """SELECT DISTINCT pupil id FROM the source's rows (for tests that check a declared list against data)."""
    quote = connection.ops.quote_name
    sql, alias = f"FROM {quote(key[0])} t0", "t0"
    for index in range(0, len(key) - 2, 3):
        column, target, joined = key[index + 1], key[index + 2], f"t{index // 3 + 1}"
        sql += f" JOIN {quote(key[index + 3])} {joined} ON {joined}.{quote(target)} = {alias}.{quote(column)}"
        alias = joined
    pupil = f"{alias}.{quote(key[-1])}"
    return f"SELECT DISTINCT {pupil} {sql} WHERE {pupil} IS NOT NULL"


def declare(sources):
    """Remember the sources' tables (so one query covers every registry) and give them back as keys."""
    keys = []
    for model, path in sources:
        key = _key(model, path)
        _TABLES[key] = True
        keys.append(key)
    return tuple(keys)


def _exists(pupil_id):
    keys = list(_TABLES)
    if not keys:
        return {}
    checks = [f"EXISTS ({rows_sql(key)})" for key in keys]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(checks), [pupil_id] * len(keys))
        return dict(zip(keys, cursor.fetchone(), strict=True))


def _found(pupil):
    return request_cache.remember(("presence", pupil.pk), lambda: _exists(pupil.pk))


def present(pupil, sources_by_name):
    """The names whose declared source keys (from `declare`) have a row about the pupil; a name with no sources
    is always present."""
    found = _found(pupil)
    return {name for name, keys in sources_by_name.items() if not keys or any(found.get(key) for key in keys)}


def has(pupil, model, path):
    """Whether the pupil has a row in one source: a provider with several streams skips the empty ones. In a
    request it is the answer kept for the page; outside one (a subject access pack, a task) it asks that source
    alone."""
    key = _key(model, path)
    if request_cache.active():
        return _found(pupil).get(key, True)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT EXISTS ({rows_sql(key)})", [pupil.pk])
        return cursor.fetchone()[0]


def _forget(sender, **kwargs):
    request_cache.forget("presence")


def connect():
    post_save.connect(_forget, dispatch_uid="pastoral-presence-save")
    post_delete.connect(_forget, dispatch_uid="pastoral-presence-delete")
    m2m_changed.connect(_forget, dispatch_uid="pastoral-presence-m2m")
