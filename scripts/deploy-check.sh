#!/usr/bin/env bash
# `make deploy-check`: go through a production release on this machine and see the result answer.
#
# With production settings (debug off, a fresh random secret key) and STATIC_ROOT, MEDIA_ROOT and
# GENERATED_FILES_ROOT in a temporary directory, it
#   1. creates a throw-away database and its owner and runtime roles (python -m pastoral.dbroles),
#   2. runs collectstatic,
#   3. migrates as the owner role,
#   4. runs `check --deploy --fail-level WARNING`,
#   5. starts gunicorn with deploy/gunicorn.conf.py on a free loopback port, connected as the runtime role
#      alone, and makes the requests a proxy and a load balancer would (scripts/deploy_smoke.py),
#   6. stops gunicorn and drops the database, the roles and the temporary directory.
#
# Needs PostgreSQL with superuser access at DEPLOY_CHECK_ADMIN_URL (default: user postgres, no password, on
# 127.0.0.1:5432) and Redis at CELERY_BROKER_URL (default 127.0.0.1:6379), as `make test` does.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PY:-.venv/bin/python}
ADMIN_URL=${DEPLOY_CHECK_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}
HOST=pastoral.example.org

say() { echo "deploy-check: $*"; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/pastoral-deploy-check.XXXXXX")
# Unique names, so two checks on one server (CI jobs) never share a database or a role.
SUFFIX=$(tr -dc 'a-z0-9' </dev/urandom | head -c 10 || true)
DBNAME="pastoral_deploycheck_$SUFFIX"
APP_ROLE="pastoral_dc_app_$SUFFIX"
OWNER_ROLE="pastoral_dc_owner_$SUFFIX"
password() { "$PY" -c 'import secrets; print(secrets.token_hex(16))'; }
APP_PASSWORD=$(password)
OWNER_PASSWORD=$(password)
DB_HOST_PORT=$("$PY" - "$ADMIN_URL" <<'PY'
import sys
from urllib.parse import urlparse

url = urlparse(sys.argv[1])
print(f"{url.hostname or '127.0.0.1'}:{url.port or 5432}")
PY
)
RUNTIME_URL="postgres://$APP_ROLE:$APP_PASSWORD@$DB_HOST_PORT/$DBNAME"
OWNER_URL="postgres://$OWNER_ROLE:$OWNER_PASSWORD@$DB_HOST_PORT/$DBNAME"

GUNICORN_PID=
cleanup() {
    local rc=$?
    if [[ -n $GUNICORN_PID ]] && kill -0 "$GUNICORN_PID" 2>/dev/null; then
        kill -TERM "$GUNICORN_PID" 2>/dev/null || true
        wait "$GUNICORN_PID" 2>/dev/null || true
    fi
    if [[ $rc -ne 0 && -s $WORK/gunicorn.out ]]; then
        echo "deploy-check: gunicorn's output:" >&2
        sed 's/^/    /' "$WORK/gunicorn.out" >&2
    fi
    "$PY" - "$ADMIN_URL" "$DBNAME" "$APP_ROLE" "$OWNER_ROLE" <<'PY' || echo "deploy-check: could not drop $DBNAME and its roles" >&2
import sys

import psycopg
from psycopg import sql

admin, dbname, *roles = sys.argv[1:]
with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
    conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname)))
    for role in roles:
        conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))
PY
    rm -rf "$WORK"
    if [[ $rc -eq 0 ]]; then say "passed"; else say "FAILED" >&2; fi
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Production settings. Only what a real env file would set; .env or the caller's DATABASE_* do not leak in.
export DJANGO_SETTINGS_MODULE=pastoral.settings
export DJANGO_DEBUG=false
DJANGO_SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(64))')
export DJANGO_SECRET_KEY
PASTORAL_FILE_KEYS=$("$PY" -c 'import base64, secrets; print(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())')
export PASTORAL_FILE_KEYS
export DJANGO_ALLOWED_HOSTS=$HOST
export DJANGO_CSRF_TRUSTED_ORIGINS=https://$HOST
export SITE_URL=https://$HOST
export SECURE_PROXY_SSL_HEADER_ENABLED=true
export DJANGO_LOG_FORMAT=json
export STATIC_ROOT=$WORK/static MEDIA_ROOT=$WORK/media GENERATED_FILES_ROOT=$WORK/generated
unset CELERY_TASK_ALWAYS_EAGER DATABASE_CONN_MAX_AGE DJANGO_ADMINS

say "database $DBNAME, roles $OWNER_ROLE (owner) and $APP_ROLE (runtime); files in $WORK"
DATABASE_URL=$RUNTIME_URL DATABASE_OWNER_URL=$OWNER_URL "$PY" -m pastoral.dbroles --admin "$ADMIN_URL"

say "collectstatic"
DATABASE_URL=$RUNTIME_URL "$PY" manage.py collectstatic --noinput -v 0

say "migrate, as the owner role"
DATABASE_URL=$RUNTIME_URL DATABASE_OWNER_URL=$OWNER_URL "$PY" manage.py migrate --noinput -v 0

say "check --deploy"
DATABASE_URL=$RUNTIME_URL "$PY" manage.py check --deploy --fail-level WARNING

PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
say "gunicorn on 127.0.0.1:$PORT, as the runtime role"
# As a systemd unit runs it: the runtime role alone, nothing on standard input.
env -u DATABASE_OWNER_URL DATABASE_URL="$RUNTIME_URL" GUNICORN_BIND="127.0.0.1:$PORT" GUNICORN_WORKERS=2 \
    "$(dirname "$PY")/gunicorn" -c deploy/gunicorn.conf.py </dev/null >"$WORK/gunicorn.out" 2>&1 &
GUNICORN_PID=$!

say "smoke requests"
"$PY" scripts/deploy_smoke.py --base "http://127.0.0.1:$PORT" --host "$HOST" --log "$WORK/gunicorn.out" \
    --pid "$GUNICORN_PID"

say "stopping gunicorn"
kill -TERM "$GUNICORN_PID"
wait "$GUNICORN_PID" || { say "gunicorn exited with status $? on SIGTERM" >&2; exit 1; }
GUNICORN_PID=
