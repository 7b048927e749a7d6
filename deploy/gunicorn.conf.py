"""Gunicorn settings for the web service: `gunicorn -c deploy/gunicorn.conf.py` from the project directory.

Every value can be changed from the environment (the same env file as the app, see pastoral.env.example).
The app sits behind a reverse proxy (deploy/nginx-pastoral.conf) that terminates TLS, buffers uploads and
slow clients, and sets X-Forwarded-Proto, X-Forwarded-For and X-Request-ID.
"""

import os
from pathlib import Path

wsgi_app = "pastoral.wsgi:application"

# Loopback by default: only the proxy on this machine talks to gunicorn. A load balancer on another machine
# needs this machine's private address (and that address in FORWARDED_ALLOW_IPS).
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Sync workers: requests are short (exports and PDFs are built by Celery) and nginx buffers slow clients, so
# a worker is never tied up by a slow upload. Each worker keeps one PostgreSQL connection open (up to
# DATABASE_CONN_MAX_AGE seconds): count workers x web nodes against the server's max_connections.
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * (os.cpu_count() or 1) + 1))

# A request still running after this many seconds is killed, its worker replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
# On restart or reload, running requests get this long to finish.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", 30))
keepalive = 5

# Workers are replaced after about this many requests, which bounds any slow memory growth.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 1000))
max_requests_jitter = max_requests // 10

# Addresses whose X-Forwarded-Proto gunicorn believes (the proxy's). Django decides for itself, through
# SECURE_PROXY_SSL_HEADER_ENABLED; this keeps gunicorn's own idea of the scheme the same.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# No access log: the app writes one JSON line per request to stdout (pastoral/request_log.py) with the
# request id, user and school, and never the query string, which gunicorn's access log would include.
accesslog = None
# Gunicorn's own messages (start-up, worker restarts, timeouts) go to stderr; journald keeps both.
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# The workers' heartbeat files, in memory where there is a tmpfs, so a busy disk cannot stall them.
worker_tmp_dir = "/dev/shm" if Path("/dev/shm").is_dir() else None

# systemd starts, stops and reloads the service; gunicorn's control socket is not needed, and its default
# path in $HOME would be shared by every gunicorn the same user runs.
control_socket_disable = True

proc_name = "pastoral-web"
