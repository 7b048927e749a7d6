"""The owner and runtime database roles, seen from Django.

The app connects as the runtime role (DATABASE_URL). Schema changes run as
the owner role (DATABASE_OWNER_URL) through ``as_owner``, and after every
migrate the owner grants the runtime role its privileges, so a deploy's
``manage.py migrate`` re-grants them for any new table.
"""

from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, transaction

AUDIT_TABLE = "pastoral_auditentry"


@contextmanager
def as_owner(using="default"):
    """Run the block on a connection opened with the owner role's credentials.

    Only this thread's connection changes; threads serving requests (a live
    server, a Celery worker thread) keep the runtime role.
    """
    connection = connections[using]
    owner = settings.DATABASE_OWNER
    if using != "default" or not owner or connection.settings_dict["USER"] == owner["USER"]:
        yield connection
        return
    shared = connection.settings_dict
    connection.close()
    connection.settings_dict = {**shared, **owner}
    try:
        yield connection
    finally:
        connection.close()
        connection.settings_dict = shared


def connect_every_thread_as(credentials, using="default"):
    """Point the shared settings at other credentials, e.g. the owner's while a test database is built.

    Every connection opened afterwards, in any thread, uses them; this
    thread's open connection is closed so that it reconnects.
    """
    connections[using].close()
    connections[using].settings_dict.update(credentials)


def grant_runtime_privileges(using="default", **kwargs):
    """post_migrate: give the runtime role what the app needs and no more.

    No TRUNCATE, REFERENCES or TRIGGER anywhere, and only SELECT and INSERT on
    the audit log. One transaction, so a running app never sees the moment
    between the revoke and the grant. It may not create tables, temporary ones
    included: a table it created would be its own, out of reach of these grants.
    """
    role = settings.DATABASE_APP_ROLE
    connection = connections[using]
    if not role or using != "default" or connection.settings_dict["USER"] == role:
        return
    with transaction.atomic(using=using), connection.cursor() as cursor:
        quoted = connection.ops.quote_name(role)
        cursor.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {quoted}")
        cursor.execute(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {quoted}")
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {quoted}")
        cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quoted}")
        cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quoted}")
        cursor.execute(f"REVOKE UPDATE, DELETE ON {AUDIT_TABLE} FROM {quoted}")
        # PUBLIC gets CREATE on schema public before PostgreSQL 15, and TEMPORARY on every new database.
        cursor.execute("SELECT current_database()")
        database = connection.ops.quote_name(cursor.fetchone()[0])
        cursor.execute(f"REVOKE CREATE ON SCHEMA public FROM PUBLIC, {quoted}")
        cursor.execute(f"REVOKE TEMPORARY ON DATABASE {database} FROM PUBLIC, {quoted}")


def refuse_superuser(sender, connection, **kwargs):
    """connection_created: in production (started with debug off), refuse a database superuser.

    A superuser can empty the append-only audit log. The server reports
    is_superuser when the connection opens, so this costs no query.
    """
    if not settings.DATABASE_REFUSE_SUPERUSER or connection.vendor != "postgresql":
        return
    if connection.connection.info.parameter_status("is_superuser") == "on":
        user = connection.settings_dict["USER"]
        connection.close()
        raise ImproperlyConfigured(
            f"DATABASE_URL connects as {user!r}, a PostgreSQL superuser, which could empty the audit log. "
            "Connect as the runtime role (python -m pastoral.dbroles creates it)."
        )
