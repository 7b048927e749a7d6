"""Create the two database roles the app runs with; run it with superuser access.

    python -m pastoral.dbroles [--admin postgres://postgres@127.0.0.1:5432/postgres]

- The owner role (user of ``DATABASE_OWNER_URL``, LOGIN CREATEDB) owns the
  database and every table and runs ``manage.py migrate``.
- The runtime role (user of ``DATABASE_URL``, LOGIN and nothing else) is what
  the web server and Celery connect as. It owns nothing, so it cannot
  TRUNCATE the append-only audit log, disable its trigger or drop anything,
  and as a non-superuser it cannot switch triggers off with
  ``session_replication_role``. Its table privileges are granted by the owner
  after every migrate (``pastoral.database.grant_runtime_privileges``).

Both URLs default to the development ones in pastoral/settings.py, whose
passwords are for development only. Running it again is harmless: roles get
their attributes and passwords reset, the database named in the URLs is
created when missing, and a database or tables left owned by another role
(an older set-up that ran everything as ``postgres``) are handed to the owner
role, as are that database's leftover test databases. Every run also takes
CREATE on schema public and TEMPORARY on those databases away from PUBLIC.

Like pastoral/devdb.py this module does not import Django settings: it runs
before the database it prepares exists.
"""

import argparse
import os
import re
import sys
from urllib.parse import unquote, urlparse

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

# Keep in step with pastoral/settings.py.
DEV_APP_URL = "postgres://pastoral_app:pastoral-app-dev@127.0.0.1:5432/pastoral"
DEV_OWNER_URL = "postgres://pastoral_owner:pastoral-owner-dev@127.0.0.1:5432/pastoral"


def say(message):
    print(f"dbroles: {message}", file=sys.stderr)


def parse(url):
    parsed = urlparse(url)
    return {
        "user": unquote(parsed.username or "postgres"),
        "password": unquote(parsed.password or ""),
        "host": parsed.hostname or "127.0.0.1",
        "port": parsed.port or 5432,
        "dbname": unquote(parsed.path.lstrip("/")) or "pastoral",
    }


def with_credentials(url, user, password, dbname=None):
    """url's host and port with another user, password (and database)."""
    params = parse(url)
    return f"postgres://{user}:{password}@{params['host']}:{params['port']}/{dbname or params['dbname']}"


def admin_url_for(url):
    params = parse(url)
    return f"postgres://postgres@{params['host']}:{params['port']}/postgres"


def urls_from_env():
    """The (runtime, owner) URLs, from the environment or the development defaults together."""
    app = os.environ.get("DATABASE_URL")
    owner = os.environ.get("DATABASE_OWNER_URL")
    if not app and not owner:
        return DEV_APP_URL, DEV_OWNER_URL
    if not app:
        raise SystemExit("dbroles: DATABASE_OWNER_URL is set but DATABASE_URL (the runtime role) is not")
    return app, owner


def upsert_role(conn, name, password, attributes):
    exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [name]).fetchone()
    verb = "ALTER" if exists else "CREATE"
    conn.execute(
        sql.SQL(verb + " ROLE {} WITH " + attributes + " PASSWORD {}").format(
            sql.Identifier(name), sql.Literal(password or None)
        )
    )
    if not exists:
        say(f"created role {name!r}")


def adopt(admin_url, dbname, owner):
    """Hand tables, sequences, views and functions in schema public to the owner role."""
    with psycopg.connect(make_conninfo(admin_url, dbname=dbname), autocommit=True) as conn:
        rows = conn.execute(
            """
            SELECT 'TABLE', format('%%I.%%I', n.nspname, c.relname)
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
               AND pg_get_userbyid(c.relowner) <> %(owner)s
            UNION ALL
            SELECT 'SEQUENCE', format('%%I.%%I', n.nspname, c.relname)
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'public' AND c.relkind = 'S' AND pg_get_userbyid(c.relowner) <> %(owner)s
               AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i'))
            UNION ALL
            SELECT 'FUNCTION', p.oid::regprocedure::text
              FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE n.nspname = 'public' AND pg_get_userbyid(p.proowner) <> %(owner)s
            """,
            {"owner": owner},
        ).fetchall()
        for kind, name in rows:
            # A table's owned sequences follow it; names come from the catalogue, already quoted.
            conn.execute(sql.SQL(f"ALTER {kind} {name} OWNER TO {{}}").format(sql.Identifier(owner)))
        if rows:
            say(f"handed {len(rows)} objects in {dbname!r} to {owner!r}")


def forbid_creating_tables(admin_url, dbname, owner):
    """Only the owner may create tables, temporary ones included: the runtime role must own nothing.

    Before PostgreSQL 15 every role may create tables in schema public, and every
    new database lets every role create temporary tables. The owner keeps TEMPORARY
    as the database's owner, and is granted CREATE because before PostgreSQL 15
    schema public belongs to the superuser, not to the database's owner.
    """
    with psycopg.connect(make_conninfo(admin_url, dbname=dbname), autocommit=True) as conn:
        conn.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
        conn.execute(sql.SQL("GRANT USAGE, CREATE ON SCHEMA public TO {}").format(sql.Identifier(owner)))
        conn.execute(sql.SQL("REVOKE TEMPORARY ON DATABASE {} FROM PUBLIC").format(sql.Identifier(dbname)))


def ensure(admin_url, app_url, owner_url):
    app, owner = parse(app_url), parse(owner_url)
    if (app["host"], app["port"], app["dbname"]) != (owner["host"], owner["port"], owner["dbname"]):
        raise SystemExit("dbroles: DATABASE_URL and DATABASE_OWNER_URL must name the same server and database")
    if app["user"] == owner["user"]:
        raise SystemExit("dbroles: the runtime role and the owner role must be different users")
    dbname = owner["dbname"]
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
        is_super = conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()[0]
        if not is_super:
            raise SystemExit("dbroles: the --admin connection must be a superuser (it creates roles)")
        upsert_role(conn, owner["user"], owner["password"], "LOGIN CREATEDB NOSUPERUSER NOCREATEROLE NOREPLICATION")
        upsert_role(
            conn,
            app["user"],
            app["password"],
            "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS",
        )
        databases = conn.execute(
            # Its pytest databases (one per xdist worker) and the benchmark's, not other databases' ones.
            "SELECT datname, pg_get_userbyid(datdba) FROM pg_database WHERE datname = %s OR datname ~ %s",
            [dbname, f"^test_{re.escape(dbname)}(_gw[0-9]+|_bench)?$"],
        ).fetchall()
        owners = dict(databases)
        if dbname not in owners:
            say(f"creating database {dbname!r} owned by {owner['user']!r}")
            try:
                conn.execute(
                    sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(dbname), sql.Identifier(owner["user"]))
                )
            except psycopg.errors.DuplicateDatabase:
                pass  # another process won the race
            owners[dbname] = owner["user"]
        for name, current in owners.items():
            if current != owner["user"]:
                say(f"database {name!r} now belongs to {owner['user']!r} (was {current!r})")
                conn.execute(
                    sql.SQL("ALTER DATABASE {} OWNER TO {}").format(sql.Identifier(name), sql.Identifier(owner["user"]))
                )
                adopt(admin_url, name, owner["user"])
            forbid_creating_tables(admin_url, name, owner["user"])


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m pastoral.dbroles",
        description="Create or update the owner and runtime database roles named in DATABASE_OWNER_URL and "
        "DATABASE_URL (development defaults when neither is set), and the database they name.",
    )
    parser.add_argument(
        "--admin",
        help="superuser connection URL (default: user postgres, no password, on the server in DATABASE_URL)",
    )
    args = parser.parse_args(argv)
    app_url, owner_url = urls_from_env()
    if not owner_url:
        say("DATABASE_URL is set without DATABASE_OWNER_URL: one role does everything, so there are no roles to create")
        return 0
    ensure(args.admin or admin_url_for(app_url), app_url, owner_url)
    say(f"roles {parse(owner_url)['user']!r} (owner) and {parse(app_url)['user']!r} (runtime) are ready")
    return 0


if __name__ == "__main__":
    sys.exit(main())
