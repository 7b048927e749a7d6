#!/usr/bin/env bash
# Make sure the PostgreSQL (127.0.0.1:5432, user postgres, no password) and
# Redis (127.0.0.1:6379) the test suite needs are up, starting the installed
# servers when they are down. It never installs anything: .ci/run does that.
#
#   scripts/services.sh          check, start when down
#   scripts/services.sh --ci     also allow password-less loopback logins for
#                                user postgres when a freshly installed
#                                cluster asks for a password (CI machines only)
#
# User postgres only creates the app's two roles (make db-roles); those sign
# in with their passwords, so password authentication is fine for them.
set -euo pipefail

PG_HOST=127.0.0.1
PG_PORT=${SERVICES_PG_PORT:-5432}
REDIS_HOST=127.0.0.1
REDIS_PORT=6379
FIX_AUTH=0
[[ "${1:-}" == "--ci" ]] && FIX_AUTH=1

log() { echo "services: $*" >&2; }

as_root() {
    if [[ $EUID -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null; then
        sudo -n "$@"
    else
        log "need root to run: $*"
        return 1
    fi
}

wait_for() {
    local what=$1 check=$2 tries=${3:-30}
    for ((i = 0; i < tries; i++)); do
        if $check; then return 0; fi
        sleep 1
    done
    log "$what did not come up within ${tries} s"
    return 1
}

# --- PostgreSQL --------------------------------------------------------------

pg_accepting() {
    if command -v pg_isready >/dev/null; then
        pg_isready -q -h "$PG_HOST" -p "$PG_PORT" -t 2
    else
        (exec 3<>"/dev/tcp/$PG_HOST/$PG_PORT") 2>/dev/null
    fi
}

pg_login_error() {
    # Prints nothing when user postgres gets in without a password: only
    # psql's error text is captured, its query output is dropped.
    # shellcheck disable=SC2069
    PGCONNECT_TIMEOUT=5 psql -X -w -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -Atc 'select 1' 2>&1 >/dev/null || true
}

allow_loopback_trust() {
    # Debian's default pg_hba.conf wants a password on 127.0.0.1; CI talks to
    # the cluster as postgres with none, like the developer machines.
    local hba
    hba=$(as_root runuser -u postgres -- psql -X -p "$PG_PORT" -Atc 'show hba_file')
    log "allowing password-less loopback logins for user postgres in $hba"
    as_root sed -i '1i host all postgres 127.0.0.1/32 trust\nhost all postgres ::1/128 trust' "$hba"
    as_root runuser -u postgres -- psql -X -p "$PG_PORT" -qAtc 'select pg_reload_conf()' >/dev/null
    sleep 1
}

ensure_postgres() {
    if ! pg_accepting; then
        if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
            log "PostgreSQL is not answering on $PG_HOST:$PG_PORT and no cluster is installed" \
                "(apt-get install --no-install-recommends postgresql-15)"
            return 1
        fi
        log "starting PostgreSQL"
        # Its failure is not final (e.g. "already running" while still
        # starting up); whether the port answers is.
        as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start ||
            log "pg_ctlcluster exited $?"
        wait_for "PostgreSQL" pg_accepting || return 1
    fi

    local err
    err=$(pg_login_error)
    if [[ -n $err && $FIX_AUTH -eq 1 && $err == *password* ]]; then
        allow_loopback_trust
        err=$(pg_login_error)
    fi
    if [[ -n $err ]]; then
        log "PostgreSQL on $PG_HOST:$PG_PORT refuses user postgres without a password: $err"
        return 1
    fi
    log "PostgreSQL ok on $PG_HOST:$PG_PORT"
}

# --- Redis -------------------------------------------------------------------

redis_ok() {
    if command -v redis-cli >/dev/null; then
        [[ $(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null) == PONG ]]
    else
        (exec 3<>"/dev/tcp/$REDIS_HOST/$REDIS_PORT" && printf 'PING\r\n' >&3 && read -r -t 2 reply <&3 &&
            [[ $reply == +PONG* ]]) 2>/dev/null
    fi
}

ensure_redis() {
    if ! redis_ok; then
        if ! command -v redis-server >/dev/null; then
            log "Redis is not answering on $REDIS_HOST:$REDIS_PORT and redis-server is not installed" \
                "(apt-get install --no-install-recommends redis-server)"
            return 1
        fi
        log "starting Redis"
        as_root mkdir -p /var/lib/redis /var/log/redis
        as_root redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
            --dir /var/lib/redis --logfile /var/log/redis/ci.log
        wait_for "Redis" redis_ok || return 1
    fi
    log "Redis ok on $REDIS_HOST:$REDIS_PORT"
}

status=0
ensure_postgres || status=1
ensure_redis || status=1
exit $status
