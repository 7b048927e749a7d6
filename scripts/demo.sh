#!/usr/bin/env bash
# Bring up a demo: database, migrations, demo data, Celery worker and beat
# (when Redis answers), then the development server in the foreground.
# Stopping the server (Ctrl-C) also stops the worker and beat.
set -euo pipefail
cd "$(dirname "$0")/.."

BIND=${BIND:-127.0.0.1}
PORT=${PORT:-8000}
PY=.venv/bin/python
BROKER=${CELERY_BROKER_URL:-redis://127.0.0.1:6379/0}

# DATABASE_URL is the runtime role, DATABASE_OWNER_URL the owner that migrates.
settings=$($PY -m pastoral.devdb)
eval "$settings"
echo "demo: database $(sed -E 's#(://[^:@/]+):[^@/]*@#\1:***@#' <<<"$DATABASE_URL")"

$PY manage.py migrate --noinput
# As in production, only the migration step holds the owner's password: the
# server, worker and beat connect as the runtime role alone.
unset DATABASE_OWNER_URL

if $PY manage.py help seed_demo >/dev/null 2>&1; then
    $PY manage.py seed_demo
else
    echo "demo: no seed_demo command yet; starting with an empty database" >&2
fi

# Bound beyond loopback, the server must also answer to this machine's names and addresses (Django
# refuses other Host headers with 400). Listed, not `*`: see pastoral/demo_hosts.py.
if [[ -z ${DJANGO_ALLOWED_HOSTS:-} ]]; then
    hosts=$($PY -m pastoral.demo_hosts "$BIND")
    if [[ -n $hosts ]]; then
        export DJANGO_ALLOWED_HOSTS=$hosts
        echo "demo: answering to $hosts (set DJANGO_ALLOWED_HOSTS to choose)"
    fi
fi

redis_ok() {
    $PY - "$BROKER" <<'PY'
import socket
import sys
from urllib.parse import urlparse

url = urlparse(sys.argv[1])
try:
    with socket.create_connection((url.hostname or "127.0.0.1", url.port or 6379), timeout=2) as s:
        s.sendall(b"PING\r\n")
        sys.exit(0 if s.recv(16).startswith(b"+PONG") else 1)
except OSError:
    sys.exit(1)
PY
}

pids=()
stop_background() {
    if ((${#pids[@]})); then
        echo "demo: stopping Celery (${pids[*]})" >&2
        kill -TERM "${pids[@]}" 2>/dev/null || true
        wait "${pids[@]}" 2>/dev/null || true
    fi
}
trap stop_background EXIT
# Ctrl-C reaches the whole foreground group; exit so the EXIT trap runs once.
trap 'exit 130' INT TERM

if redis_ok; then
    mkdir -p var/log
    .venv/bin/celery -A pastoral worker -l info >var/log/celery-worker.log 2>&1 &
    pids+=($!)
    .venv/bin/celery -A pastoral beat -l info --scheduler django_celery_beat.schedulers:DatabaseScheduler \
        >var/log/celery-beat.log 2>&1 &
    pids+=($!)
    echo "demo: Celery worker and beat running (logs in var/log/celery-worker.log, var/log/celery-beat.log)"
else
    echo "demo: Redis is unreachable at $BROKER; tasks run in-process (CELERY_TASK_ALWAYS_EAGER=true)" >&2
    export CELERY_TASK_ALWAYS_EAGER=true
fi

echo "demo: http://$BIND:$PORT/"
$PY manage.py runserver "$BIND:$PORT"
