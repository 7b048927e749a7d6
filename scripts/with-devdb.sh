#!/usr/bin/env bash
# Run a command with DATABASE_URL (the runtime role) and DATABASE_OWNER_URL
# (the owner role, used by manage.py migrate) pointing at the development
# database, so the web server, Celery and manage.py all use the same one (the
# machine's PostgreSQL, or the embedded server in var/pgdata when there is none).
set -euo pipefail
cd "$(dirname "$0")/.."

settings=$(.venv/bin/python -m pastoral.devdb)
eval "$settings"
exec "$@"
