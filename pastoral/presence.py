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

_TABLES = {}


def declare(sources):
    """Remember the sources' tables (so one query covers every registry) and give them back as keys."""
    keys = []
    for model, field_name in sources:
        key = (model._meta.db_table, model._meta.get_field(field_name).column)
        _TABLES[key] = True
        keys.append(key)
    return tuple(keys)


def _exists(pupil_id):
    keys = list(_TABLES)
    if not keys:
        return {}
    quote = connection.ops.quote_name
    checks = [f"EXISTS (SELECT 1 FROM {quote(table)} WHERE {quote(column)} = %s)" for table, column in keys]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(checks), [pupil_id] * len(keys))
        return dict(zip(keys, cursor.fetchone(), strict=True))


def present(pupil, sources_by_name):
    """The names whose declared source keys (from `declare`) have a row about the pupil; a name with no sources
    is always present."""
    found = request_cache.remember(("presence", pupil.pk), lambda: _exists(pupil.pk))
    return {name for name, keys in sources_by_name.items() if not keys or any(found.get(key) for key in keys)}


def _forget(sender, **kwargs):
    request_cache.forget("presence")


def connect():
    post_save.connect(_forget, dispatch_uid="pastoral-presence-save")
    post_delete.connect(_forget, dispatch_uid="pastoral-presence-delete")
    m2m_changed.connect(_forget, dispatch_uid="pastoral-presence-m2m")
