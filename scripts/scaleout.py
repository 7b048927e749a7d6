"""`make scale-test`: the app as a small production deployment on one machine, under load, losing a node and a worker.

    nginx (TLS, round robin) -> two gunicorn web nodes -> one PostgreSQL, one Redis <- two Celery workers, one beat

Everything runs with production settings (DJANGO_DEBUG=0) from a throw-away directory and a throw-away database
made for the run: the owner role migrates it, the demo trust is seeded, and every process then connects as the
runtime role. Fifty members of staff sign in (password, then a real TOTP code from their own authenticator key)
and for 60 seconds open pages, log behaviour through the quick log and ask for exports. Part-way through, one web
node is stopped (SIGTERM, then SIGKILL) and one worker is killed outright (SIGKILL, while it is building an
export). Afterwards the run checks that:

- no request failed except ones in flight on the stopped node (nginx retries idempotent requests elsewhere);
- every quick log that got its success redirect is in the database exactly once (each carries its own marker);
- every export that was acknowledged finished exactly once: status done, one stored file, downloadable through
  nginx with the stored bytes; the one the killed worker was building too, built by the other worker;
- nothing is left in the outbox, and Redis holds no task that was delivered but never acknowledged.

It prints a summary table and exits non-zero if a check fails. Options: `--help`. Logs stay in the run directory
with `--keep` (which also keeps the database).
"""

import argparse
import base64
import collections
import hashlib
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import psycopg
import requests
import urllib3

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PASSWORD = "scale-test-Password-2026"
SCHOOL = "Northfield Academy"
DEFAULT_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/12"
OWNER_ROLE = "pastoral_scale_owner"
APP_ROLE = "pastoral_scale_app"
# The advisory lock a worker holds while it builds an export (pastoral/locks.py EXPORT_BUILD).
EXPORT_BUILD_LOCK = 7001

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def say(message):
    print(f"scale-test: {message}", flush=True)


# Set-up -------------------------------------------------------------------------------


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def nginx_binary():
    # Debian puts it in /usr/sbin, which is not on every user's PATH.
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    if found:
        return found
    if os.geteuid() != 0:
        raise SystemExit("scale-test: nginx is not installed; install Debian's nginx (apt-get install nginx)")
    say("installing nginx from Debian")
    apt = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "--no-install-recommends", "nginx"]
    if subprocess.run(install, env=apt, stdout=subprocess.DEVNULL).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], env=apt, stdout=subprocess.DEVNULL, check=True)
        subprocess.run(install, env=apt, stdout=subprocess.DEVNULL, check=True)
    return shutil.which("nginx", path="/usr/sbin:/usr/bin")


def redis_client(url):
    import redis

    client = redis.Redis.from_url(url, socket_timeout=5)
    client.ping()
    return client


class Deployment:
    """The processes of one run, their environment, and how to stop them."""

    def __init__(self, args):
        self.args = args
        self.run_id = uuid.uuid4().hex[:8]
        self.dir = Path(tempfile.mkdtemp(prefix="pastoral-scale-"))
        # nginx's workers run as nobody: they may pass through (not list) to their temporary folders.
        self.dir.chmod(0o711)
        self.logs = self.dir / "logs"
        self.logs.mkdir()
        self.database = args.database
        self.owner_password = secrets.token_urlsafe(18)
        self.app_password = secrets.token_urlsafe(18)
        server = urlparse(args.admin)
        host = f"{server.hostname or '127.0.0.1'}:{server.port or 5432}"
        self.app_url = f"postgres://{APP_ROLE}:{self.app_password}@{host}/{self.database}"
        self.owner_url = f"postgres://{OWNER_ROLE}:{self.owner_password}@{host}/{self.database}"
        self.nginx_port = free_port()
        self.node_ports = {"web-a": free_port(), "web-b": free_port()}
        self.base = f"https://127.0.0.1:{self.nginx_port}"
        self.processes = {}
        self.env = self._environment()
        self.load_before = os.getloadavg()

    def _environment(self):
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "DATABASE_", "CELERY_", "AWS_", "PASTORAL_", "EXPORT_", "OUTBOX_"))
        }
        env.update(
            DJANGO_SETTINGS_MODULE="pastoral.settings",
            DJANGO_DEBUG="0",
            DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
            PASTORAL_FILE_KEYS=base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
            DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
            SECURE_PROXY_SSL_HEADER_ENABLED="true",
            DATABASE_URL=self.app_url,
            CELERY_BROKER_URL=self.args.redis,
            STATIC_ROOT=str(self.dir / "static"),
            EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
            LOG_LEVEL="WARNING",
            # Short limits, so a build lost with its worker is handed out again within the run: a build may take
            # 60 s, Redis gives an unacknowledged task to another worker after 75 s, and a file is only called
            # stuck (and failed by the sweep) long after the run has ended.
            EXPORT_TIME_LIMIT_SECONDS="60",
            CELERY_VISIBILITY_TIMEOUT_SECONDS="75",
            EXPORT_STALE_MARGIN_SECONDS="900",
            OUTBOX_RETRY_SECONDS="15",
        )
        if self.args.storage == "filesystem":
            env.update(
                PASTORAL_STORAGE="filesystem",
                MEDIA_ROOT=str(self.dir / "shared" / "media"),
                GENERATED_FILES_ROOT=str(self.dir / "shared" / "generated"),
            )
        return env

    # Database ---------------------------------------------------------------------

    def drop_database(self):
        with psycopg.connect(self.args.admin, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
            for role in (APP_ROLE, OWNER_ROLE):
                conn.execute(f'DROP ROLE IF EXISTS "{role}"')

    def manage(self, *command, env=None, what=None):
        log = self.logs / f"{what or command[0]}.log"
        with open(log, "ab") as out:
            result = subprocess.run(
                [sys.executable, "manage.py", *command],
                cwd=ROOT,
                env={**self.env, **(env or {})},
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        if result.returncode != 0:
            raise SystemExit(f"scale-test: manage.py {' '.join(command)} failed; see {log}")

    def prepare_database(self):
        say(f"database {self.database}: roles, migrate as {OWNER_ROLE}, seed as {APP_ROLE}")
        self.drop_database()
        roles = {"DATABASE_URL": self.app_url, "DATABASE_OWNER_URL": self.owner_url}
        subprocess.run(
            [sys.executable, "-m", "pastoral.dbroles", "--admin", self.args.admin],
            cwd=ROOT,
            env={**self.env, **roles},
            check=True,
            stderr=subprocess.DEVNULL,
        )
        self.manage("migrate", "--no-input", env=roles)
        # seed_demo refuses to run with debug off: it prints passwords and TOTP secrets.
        self.manage("seed_demo", env={"DJANGO_DEBUG": "1"})

    # Files -------------------------------------------------------------------------

    def start_object_storage(self):
        """A real S3-compatible HTTP server on loopback, with one private bucket for the run."""
        import boto3

        port = free_port()
        self.spawn("s3", [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)])
        endpoint = f"http://127.0.0.1:{port}"
        wait_until(lambda: _answers(endpoint), "the S3 server", 30)
        bucket = f"pastoral-scale-{self.run_id}"
        keys = {"AWS_ACCESS_KEY_ID": "scale-test", "AWS_SECRET_ACCESS_KEY": secrets.token_urlsafe(24)}
        client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name="eu-west-2",
            aws_access_key_id=keys["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=keys["AWS_SECRET_ACCESS_KEY"],
        )
        client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
        self.env.update(
            PASTORAL_STORAGE="s3",
            AWS_STORAGE_BUCKET_NAME=bucket,
            AWS_S3_ENDPOINT_URL=endpoint,
            AWS_S3_REGION_NAME="eu-west-2",
            **keys,
        )

    def certificate(self):
        cert, key = self.dir / "tls.crt", self.dir / "tls.key"
        request = "req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1"
        names = "subjectAltName=IP:127.0.0.1,DNS:localhost"
        subprocess.run(
            ["openssl", *request.split(), "-addext", names, "-keyout", str(key), "-out", str(cert)],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return cert, key

    def nginx_config(self, cert, key):
        prefix = self.dir / "nginx"
        prefix.mkdir(mode=0o711)
        for folder in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (prefix / folder).mkdir(parents=True, exist_ok=True)
            if os.geteuid() == 0:
                shutil.chown(prefix / folder, "nobody", "nogroup")
        upstreams = "\n".join(
            f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=10s;" for port in self.node_ports.values()
        )
        config = f"""
worker_processes 1;
daemon off;
pid {prefix}/nginx.pid;
error_log {self.logs}/nginx-error.log warn;
{"user nobody nogroup;" if os.geteuid() == 0 else ""}
events {{ worker_connections 1024; }}
http {{
    log_format upstreams '$msec $request_method $uri $status "$upstream_addr" "$upstream_status" $request_time';
    access_log {self.logs}/nginx-access.log upstreams;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    upstream pastoral {{
{upstreams}
    }}
    server {{
        listen 127.0.0.1:{self.nginx_port} ssl;
        ssl_certificate {cert};
        ssl_certificate_key {key};
        client_max_body_size 11m;
        location / {{
            proxy_pass http://pastoral;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            # A node that refuses or drops the connection: the request goes to the other one. Only requests that
            # never reached a node are retried if they are POSTs (nginx's default), so nothing is saved twice.
            proxy_next_upstream error timeout;
            proxy_next_upstream_tries 2;
            proxy_connect_timeout 2s;
            proxy_read_timeout 90s;
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
"""
        path = prefix / "nginx.conf"
        path.write_text(config)
        return prefix, path

    # Processes ----------------------------------------------------------------------

    def spawn(self, name, command, env=None):
        out = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 - closed when the run ends
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**self.env, "PGAPPNAME": f"scale-{name}", **(env or {})},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopping it reaches its children too
        )
        self.processes[name] = process
        return process

    def start(self):
        self.manage("collectstatic", "--no-input", what="collectstatic")
        cert, key = self.certificate()
        # Two processes of four threads per node; no control socket, whose default path two nodes would share.
        gunicorn = "-k gthread --workers 2 --threads 4 --graceful-timeout 10 --timeout 90 --no-control-socket"
        for name, port in self.node_ports.items():
            command = [str(BIN / "gunicorn"), "pastoral.wsgi:application", "--bind", f"127.0.0.1:{port}"]
            self.spawn(name, command + gunicorn.split())
        for name in ("worker-1", "worker-2"):
            worker = f"-A pastoral worker --pool prefork --concurrency 2 --hostname {name}@%h --loglevel warning"
            self.spawn(name, [str(BIN / "celery"), *worker.split()])
        beat = "-A pastoral beat --loglevel warning --scheduler django_celery_beat.schedulers:DatabaseScheduler"
        self.spawn("beat", [str(BIN / "celery"), *beat.split(), "--pidfile", str(self.dir / "beat.pid")])
        prefix, config = self.nginx_config(cert, key)
        self.spawn("nginx", [nginx_binary(), "-p", str(prefix), "-c", str(config)])
        for name, port in self.node_ports.items():
            wait_until(lambda port=port: _node_answers(port), f"{name} to answer", 60)
        wait_until(lambda: _answers(self.base + "/accounts/login/", verify=str(cert)), "nginx to answer", 30)
        return cert

    def stop_node(self, name, grace):
        """SIGTERM (gunicorn finishes the requests it has), then SIGKILL whatever is left after `grace` seconds."""
        process = self.processes[name]
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=grace)
            return "exited after SIGTERM"
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
            return f"SIGKILL after {grace:g} s"

    def kill(self, name):
        process = self.processes[name]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)

    def stop_all(self):
        for process in reversed(list(self.processes.values())):
            if process.poll() is None:
                with _quiet():
                    os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for process in self.processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with _quiet():
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=30)


class _quiet:
    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        return kind is not None and issubclass(kind, ProcessLookupError)


def wait_until(check, what, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.25)
    raise SystemExit(f"scale-test: gave up waiting for {what}")


def _answers(url, verify=True):
    try:
        return requests.get(url, timeout=3, verify=verify).status_code < 500
    except requests.RequestException:
        return False


def _node_answers(port):
    # Straight to the node, as the proxy would ask (it says the client used HTTPS).
    try:
        response = requests.get(
            f"http://127.0.0.1:{port}/accounts/login/",
            headers={"X-Forwarded-Proto": "https", "Host": "127.0.0.1"},
            timeout=3,
        )
        return response.status_code == 200
    except requests.RequestException:
        return False


# Django, for set-up and checks ------------------------------------------------------------------


def django_setup(env):
    os.environ.update(env)
    os.environ["PGAPPNAME"] = "scale-check"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def make_staff(count, run_id):
    """Members of staff for the run: pastoral staff at one school, each with their own authenticator key."""
    from django.contrib.auth.hashers import make_password
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from pastoral.accounts.roles import Role
    from pastoral.models import Membership, School, User

    school = School.objects.get(name=SCHOOL)
    password = make_password(PASSWORD)  # hashed once: the slow part of sign-in is the same for everyone
    staff = []
    for number in range(1, count + 1):
        user = User.objects.create(
            username=f"scale{number:02d}.{run_id}",
            email=f"scale{number:02d}.{run_id}@example.org",
            first_name="Scale",
            last_name=f"Tester {number}",
            password=password,
        )
        Membership.objects.create(user=user, school=school, trust=school.trust, role=Role.PASTORAL_STAFF)
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
        staff.append((user.username, device.key))
    return school, staff


def pupil_codes(school):
    from pastoral.models import Pupil
    from pastoral.selectors import on_roll

    return [str(code) for code in on_roll(Pupil.objects.filter(school=school)).values_list("code", flat=True)[:200]]


def export_build_lock_holders():
    """{application_name: file id} of the processes building an export right now."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.application_name, l.objid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.classid = %s AND l.granted",
            [EXPORT_BUILD_LOCK],
        )
        return dict(cursor.fetchall())


# Load ------------------------------------------------------------------------------------


@dataclass
class Sample:
    kind: str
    started: float
    seconds: float
    status: int  # 0: no HTTP response at all
    upstream: str
    error: str = ""


@dataclass
class Results:
    samples: list = field(default_factory=list)
    quick_logs_acknowledged: list = field(default_factory=list)
    quick_logs_unacknowledged: list = field(default_factory=list)
    quick_log_resubmits: int = 0
    exports_acknowledged: list = field(default_factory=list)  # (user, key)
    exports_unknown: list = field(default_factory=list)
    exports_limited: int = 0
    unexpected: list = field(default_factory=list)
    sessions: dict = field(default_factory=dict)  # username -> set of upstreams that served it


class Staff:
    """One simulated member of staff: a browser-like session, signed in with password and TOTP code."""

    def __init__(self, username, key, base, cert, results, clock):
        self.username = username
        self.key = key
        self.base = base
        self.results = results
        self.clock = clock
        self.http = requests.Session()
        # Only the run's own certificate is trusted, whatever REQUESTS_CA_BUNDLE or a proxy variable says.
        self.http.trust_env = False
        self.http.verify = str(cert)
        self.count = 0
        self.signed_in = False

    def call(self, kind, method, path, **kwargs):
        started = time.monotonic()
        kwargs.setdefault("timeout", 120)
        kwargs.setdefault("allow_redirects", False)
        headers = kwargs.pop("headers", {})
        if method == "POST":
            # As a browser does: Django checks the Referer of HTTPS POSTs.
            headers.setdefault("Referer", self.base + path)
        try:
            response = self.http.request(method, self.base + path, headers=headers, **kwargs)
        except requests.RequestException as exc:
            self._record(kind, started, 0, "", f"{type(exc).__name__}: {exc}"[:200])
            return None
        upstream = response.headers.get("X-Upstream", "")
        self._record(kind, started, response.status_code, upstream, "")
        if response.status_code < 500:
            self.results.sessions.setdefault(self.username, set()).add(upstream.split(",")[-1].strip())
        return response

    def _record(self, kind, started, status, upstream, error):
        now = time.monotonic()
        since_start = self.clock() - (now - started)
        self.results.samples.append(Sample(kind, since_start, now - started, status, upstream, error))

    def sign_in(self):
        from django_otp.oath import TOTP

        page = self.call("sign-in", "GET", "/accounts/login/")
        if page is None:
            raise RuntimeError(f"{self.username}: {self.results.samples[-1].error}")
        token = CSRF.search(page.text).group(1)
        form = {"csrfmiddlewaretoken": token, "username": self.username, "password": PASSWORD}
        response = self.call("sign-in", "POST", "/accounts/login/", data=form)
        if response is None or response.status_code != 302:
            raise RuntimeError(f"{self.username}: password step gave {getattr(response, 'status_code', None)}")
        # Signed in with the password only: every page sends the member to the two-factor step.
        page = self.call("sign-in", "GET", response.headers["Location"], allow_redirects=True)
        if page is None or not page.url.startswith(self.base + "/accounts/mfa/"):
            raise RuntimeError(f"{self.username}: no two-factor step after the password ({getattr(page, 'url', '')})")
        token = CSRF.search(page.text).group(1)
        code = f"{TOTP(bytes.fromhex(self.key)).token():06d}"
        response = self.call("sign-in", "POST", "/accounts/mfa/", data={"csrfmiddlewaretoken": token, "token": code})
        if response is None or response.status_code != 302:
            raise RuntimeError(f"{self.username}: two-factor step gave {getattr(response, 'status_code', None)}")
        home = self.call("sign-in", "GET", "/")
        if home is None or home.status_code != 200:
            raise RuntimeError(f"{self.username}: home page after signing in gave {getattr(home, 'status_code', None)}")
        self.signed_in = True

    def page(self, kind, path):
        response = self.call(kind, "GET", path)
        if response is not None and response.status_code != 200 and response.status_code < 500:
            self.results.unexpected.append((kind, path, response.status_code))
        return response

    def quick_log(self, pupil, run_id):
        page = self.page("quick log form", f"/behaviour/log/?pupil={pupil}")
        if page is None or page.status_code != 200:
            return
        html = page.text
        self.count += 1
        marker = f"scale-{run_id}-{self.username}-{self.count}"
        form = {
            "csrfmiddlewaretoken": CSRF.search(html).group(1),
            "pupils": pupil,
            "category": re.search(r'name="category" value="([^"]+)"', html).group(1),
            "occurred_at": re.search(r'name="occurred_at" value="([^"]+)"', html).group(1),
            "description": marker,
            "submission_key": re.search(r'name="submission_key" value="([^"]+)"', html).group(1),
        }
        # Sent again with the same submission key when no answer came, as someone would press "Save" again.
        for attempt in range(3):
            response = self.call("quick log POST", "POST", "/behaviour/log/", data=form)
            if response is not None and response.status_code == 302:
                if "/behaviour/events/" in response.headers["Location"]:
                    self.results.quick_logs_acknowledged.append(marker)
                    self.results.quick_log_resubmits += attempt
                    return
            if response is not None and response.status_code < 500:
                self.results.unexpected.append(("quick log POST", marker, response.status_code))
                break
            time.sleep(0.5)
        self.results.quick_logs_unacknowledged.append(marker)

    def export(self, pupil, pdf):
        key = str(uuid.uuid4())
        kind, query = ("pastoral.chronology_pdf", f"pupil={pupil}") if pdf else ("pastoral.pupils_csv", "")
        form = {"csrfmiddlewaretoken": self.http.cookies.get("csrftoken"), "kind": kind, "query": query, "key": key}
        for _attempt in range(3):
            response = self.call("export POST", "POST", "/exports/new/", data=form)
            if response is not None and response.status_code == 302:
                break
            if response is not None and response.status_code < 500:
                self.results.unexpected.append(("export POST", kind, response.status_code))
                return
            time.sleep(0.5)
        else:
            self.results.exports_unknown.append((self.username, key))
            return
        listing = self.page("export list", "/exports/")
        if listing is None or listing.status_code != 200:
            self.results.exports_unknown.append((self.username, key))
        elif "is being prepared" in listing.text:
            self.results.exports_acknowledged.append((self.username, key))
        elif "exports being prepared" in listing.text:
            self.results.exports_limited += 1
        else:
            self.results.unexpected.append(("export POST", kind, "no message"))


def browse(staff, pupils, run_id, stop_at, clock, rng):
    """Page views, quick logs and exports in a fixed mix until the run's end."""
    while clock() < stop_at:
        try:
            step(staff, pupils, run_id, rng)
        except Exception as exc:  # a page without the form it should have: reported, and the member goes on
            staff.results.unexpected.append(("browsing", type(exc).__name__, str(exc)[:120]))
        time.sleep(rng.uniform(0.1, 0.5))  # a moment to read the page


def step(staff, pupils, run_id, rng):
    pupil = rng.choice(pupils)
    roll = rng.random()
    if roll < 0.18:
        staff.page("home", "/")
    elif roll < 0.36:
        staff.page("pupil list", "/pupils/")
    elif roll < 0.54:
        staff.page("event list", "/behaviour/")
    elif roll < 0.72:
        staff.page("pupil profile", f"/pupils/{pupil}/")
    elif roll < 0.96:
        staff.quick_log(pupil, run_id)
    else:
        staff.export(pupil, pdf=rng.random() < 0.4)


# Checks ---------------------------------------------------------------------------------


def wait_for_exports(usernames, seconds):
    from pastoral.models import GeneratedFile

    deadline = time.monotonic() + seconds
    waiting = GeneratedFile.objects.filter(owner__username__in=usernames, status__in=["queued", "running"])
    while time.monotonic() < deadline and waiting.exists():
        time.sleep(2)
    return waiting.count()


def check_quick_logs(results, run_id):
    from django.db.models import Count

    from behaviour.models import BehaviourEvent

    counts = dict(
        BehaviourEvent.objects.filter(description__startswith=f"scale-{run_id}-")
        .values_list("description")
        .annotate(n=Count("id"))
    )
    acknowledged = results.quick_logs_acknowledged
    return {
        "acknowledged": len(acknowledged),
        "acknowledged, in the database once": sum(1 for marker in acknowledged if counts.get(marker) == 1),
        "acknowledged, missing": sum(1 for marker in acknowledged if marker not in counts),
        "any marker saved more than once": sum(1 for n in counts.values() if n > 1),
        "unacknowledged": len(results.quick_logs_unacknowledged),
        "unacknowledged but saved": sum(1 for marker in results.quick_logs_unacknowledged if marker in counts),
    }


def check_exports(results, staff_by_name):
    from pastoral.files import exports
    from pastoral.models import GeneratedFile

    summary = collections.Counter()
    keys = [key for _user, key in results.exports_acknowledged]
    files = {str(f.submission_key): f for f in GeneratedFile.objects.filter(submission_key__in=keys)}
    for username, key in results.exports_acknowledged:
        summary["acknowledged"] += 1
        generated = files.get(key)
        if generated is None:
            summary["acknowledged, no row"] += 1
            continue
        if generated.status != "done":
            summary[f"acknowledged, {generated.status}"] += 1
            continue
        stored = exports.storage()
        folder = str(generated.school.code)
        copies = [name for name in stored.listdir(folder)[1] if name.startswith(str(generated.code))]
        if len(copies) != 1 or not exports.is_stored(generated):
            summary["acknowledged, done, not exactly one file"] += 1
            continue
        summary["done with one file"] += 1
        with exports.open_stored(generated) as handle:
            digest = hashlib.sha256(handle.read()).hexdigest()
        staff = staff_by_name[username]
        response = staff.call("export download", "GET", f"/exports/{generated.code}/download/")
        served = response.content if response is not None and response.status_code == 200 else None
        if served is not None and hashlib.sha256(served).hexdigest() == digest:
            summary["downloaded through nginx, bytes match"] += 1
    for _username, key in results.exports_unknown:
        generated = GeneratedFile.objects.filter(submission_key=key).first()
        summary["answer lost (node stopped)"] += 1
        if generated is not None and generated.status != "done":
            summary["answer lost, row not done"] += 1
    return summary


def lost_build(file_id, killed_at):
    """What became of the export worker-1 was building when it was killed."""
    from pastoral.files import exports
    from pastoral.models import GeneratedFile

    generated = GeneratedFile.objects.filter(pk=file_id).first() if file_id else None
    if generated is None:
        return None
    finished = generated.finished_at.timestamp() - killed_at if generated.finished_at else None
    return {
        "status": generated.status,
        "stored": generated.status == "done" and exports.is_stored(generated),
        "finished after the kill": f"{finished:.0f} s" if finished is not None else "-",
    }


def nginx_retries(log):
    """Requests nginx passed to a second node after the first failed (two upstream addresses in its log)."""
    retried, statuses = 0, collections.Counter()
    for line in log.read_text().splitlines():
        match = re.match(r'\S+ (\S+) (\S+) (\d+) "([^"]*)" "([^"]*)"', line)
        if match and "," in match.group(4):
            retried += 1
            statuses[(match.group(1), match.group(5), match.group(3))] += 1
    return retried, statuses


def percentile(values, share):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * share))] if values else 0.0


def table(rows, headings):
    widths = [max(len(str(row[i])) for row in [headings, *rows]) for i in range(len(headings))]
    line = "+".join("-" * (width + 2) for width in widths)
    print(f"+{line}+")
    print("| " + " | ".join(str(h).ljust(w) for h, w in zip(headings, widths, strict=True)) + " |")
    print(f"+{line}+")
    for row in rows:
        print("| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) + " |")
    print(f"+{line}+")


# The run -------------------------------------------------------------------------------------


def run(args):
    import random

    urllib3.disable_warnings()
    redis = redis_client(args.redis)
    if redis.dbsize():
        say(f"emptying Redis database {args.redis} for the run")
        redis.flushdb()
    deployment = Deployment(args)
    ok = False
    try:
        if args.storage == "s3":
            deployment.start_object_storage()
        deployment.prepare_database()
        django_setup(deployment.env)
        school, accounts = make_staff(args.users, deployment.run_id)
        pupils = pupil_codes(school)
        cert = deployment.start()
        say(
            f"up: nginx https://127.0.0.1:{deployment.nginx_port} -> web-a :{deployment.node_ports['web-a']}, "
            f"web-b :{deployment.node_ports['web-b']}; 2 workers, 1 beat; storage {args.storage}; "
            f"logs in {deployment.logs}"
        )

        results = Results()
        start = time.monotonic()

        def clock():
            return time.monotonic() - start

        staff = [Staff(name, key, deployment.base, cert, results, clock) for name, key in accounts]
        say(f"signing in {len(staff)} members of staff (password, then TOTP)")
        signers = [threading.Thread(target=member.sign_in) for member in staff]
        for thread in signers:
            thread.start()
        for thread in signers:
            thread.join()
        signed_in = sum(1 for member in staff if member.signed_in)
        if signed_in != len(staff):
            raise SystemExit(f"scale-test: only {signed_in} of {len(staff)} signed in")

        say(f"load: {len(staff)} staff for {args.duration} s; stopping web-a at {args.stop_node_at} s, "
            f"killing worker-1 at {args.kill_worker_at} s")  # fmt: skip
        start = time.monotonic()
        results.samples.clear()
        results.sessions.clear()
        events = {}
        threads = [
            threading.Thread(target=browse, args=(m, pupils, deployment.run_id, args.duration, clock, random.Random(i)))
            for i, m in enumerate(staff)
        ]
        for thread in threads:
            thread.start()

        time.sleep(max(0.0, args.stop_node_at - clock()))
        events["web-a stopped"] = clock()
        events["web-a stop"] = deployment.stop_node("web-a", args.grace)
        events["web-a gone"] = clock()

        time.sleep(max(0.0, args.kill_worker_at - clock()))
        building = None
        while clock() < args.kill_worker_at + 20:
            holders = export_build_lock_holders()
            if "scale-worker-1" in holders:
                building = holders["scale-worker-1"]
                break
            time.sleep(0.1)
        deployment.kill("worker-1")
        events["worker-1 killed"] = clock()
        killed_at = time.time()
        events["worker-1 was building"] = f"export file #{building}" if building else "nothing (no build seen in 20 s)"

        for thread in threads:
            thread.join()
        events["load ended"] = clock()
        say("load over; waiting for every export to finish")
        usernames = [member.username for member in staff]
        left = wait_for_exports(usernames, args.drain)
        events["exports drained"] = clock()
        lost = lost_build(building, killed_at)
        ok = report(args, deployment, staff, results, events, left, lost, redis.hlen("unacked"))
    finally:
        deployment.stop_all()
        if args.keep:
            say(f"kept {deployment.dir} and database {deployment.database}")
        else:
            try:
                from django.db import connections

                connections.close_all()
            except Exception:  # Django was never set up: nothing to close
                pass
            deployment.drop_database()
            shutil.rmtree(deployment.dir, ignore_errors=True)
            redis.flushdb()
    return ok


def report(args, deployment, staff, results, events, exports_left, lost, unacked):
    from pastoral.outbox import pending

    samples = results.samples
    stop, gone = events["web-a stopped"], events["web-a gone"]
    stopped_port = str(deployment.node_ports["web-a"])

    print()
    load = ", ".join(f"{value:.1f}" for value in deployment.load_before)
    print(f"Requests through nginx ({len(staff)} staff, {args.duration:g} s, storage {args.storage}; "
          f"{os.cpu_count()} CPUs, load average before the run {load})")  # fmt: skip
    rows = []
    for kind in sorted({s.kind for s in samples}):
        these = [s for s in samples if s.kind == kind]
        times = [s.seconds * 1000 for s in these]
        failed = [s for s in these if s.status == 0 or s.status >= 500]
        rows.append(
            (
                kind,
                len(these),
                len(failed),
                f"{statistics.median(times):.0f}",
                f"{percentile(times, 0.95):.0f}",
                f"{max(times):.0f}",
            )
        )
    ok_samples = [s for s in samples if 0 < s.status < 500]
    rows.append(("all", len(samples), len(samples) - len(ok_samples), "", "", ""))
    table(rows, ("request", "count", "failed", "p50 ms", "p95 ms", "max ms"))
    under_load = [sample for sample in samples if sample.started <= args.duration]
    print(f"Throughput: {len(under_load) / args.duration:.1f} requests/s")

    by_node = collections.Counter(s.upstream.split(",")[-1].strip() or "(none)" for s in ok_samples)
    both = sum(1 for served in results.sessions.values() if len({u for u in served if u}) >= 2)
    retried, retry_statuses = nginx_retries(deployment.logs / "nginx-access.log")

    failures = [s for s in samples if s.status == 0 or s.status >= 500]
    in_flight = [s for s in failures if stopped_port in s.upstream and stop - 1 <= s.started + s.seconds <= gone + 2]
    stray = [s for s in failures if s not in in_flight]

    print()
    print("Failures")
    table(
        [
            (f"{s.started:.1f} s", s.kind, s.status or s.error, s.upstream or "-", f"{s.seconds * 1000:.0f} ms")
            for s in failures
        ]
        or [("-", "none", "", "", "")],
        ("sent at", "request", "status", "upstream", "took"),
    )

    quick = check_quick_logs(results, deployment.run_id)
    exported = check_exports(results, {member.username: member for member in staff})
    outbox_left = pending().count()

    print()
    print("Events")
    table([(name, value if isinstance(value, str) else f"{value:.1f} s") for name, value in events.items()],
          ("event", "when / what"))  # fmt: skip
    print()
    print("Results")
    rows = [
        ("requests served by node", ", ".join(f"{node}: {n}" for node, n in sorted(by_node.items()))),
        ("sessions served by both nodes", f"{both} of {len(results.sessions)}"),
        ("requests nginx passed to the other node", f"{retried} {dict(retry_statuses) if retry_statuses else ''}"),
        ("failed requests, in flight on the stopped node", len(in_flight)),
        ("failed requests, any other", len(stray)),
        ("unexpected answers (4xx, wrong page)", len(results.unexpected)),
        ("quick logs resubmitted after no answer", results.quick_log_resubmits),
        *((f"quick logs: {name}", value) for name, value in quick.items()),
        *((f"exports: {name}", value) for name, value in sorted(exported.items())),
        ("exports refused by the per-person limit", results.exports_limited),
        ("exports still queued or running at the end", exports_left),
        ("outbox messages still pending", outbox_left),
        ("Redis: tasks delivered but never acknowledged", unacked),
        (
            "the build worker-1 was killed in",
            ", ".join(f"{key}: {value}" for key, value in lost.items()) if lost else "-",
        ),
    ]
    table(rows, ("check", "value"))

    checks = {
        "no failures except in flight on the stopped node": not stray,
        "no unexpected answers": not results.unexpected,
        "sessions work on either node (nobody sent back to sign in)": both > 0 and not results.unexpected,
        "every acknowledged quick log saved exactly once": quick["acknowledged, in the database once"]
        == quick["acknowledged"]
        and quick["any marker saved more than once"] == 0,
        "every acknowledged export done, one file, downloadable": exported["acknowledged"]
        == exported["done with one file"]
        == exported["downloaded through nginx, bytes match"]
        and exported["acknowledged"] > 0
        and exported["answer lost, row not done"] == 0,
        "no export left queued or running": exports_left == 0,
        "outbox empty, nothing unacknowledged in Redis": outbox_left == 0 and unacked == 0,
        "the export the killed worker was building was built by the other": bool(lost and lost["stored"]),
    }
    print()
    table([(name, "PASS" if passed else "FAIL") for name, passed in checks.items()], ("check", "result"))
    if results.unexpected:
        print("Unexpected answers:", results.unexpected[:10])
    return all(checks.values())


def main(argv=None):
    parser = argparse.ArgumentParser(prog="scripts/scaleout.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60, help="seconds of load (default 60)")
    parser.add_argument("--stop-node-at", type=float, default=20, help="when web-a gets SIGTERM (s)")
    parser.add_argument("--grace", type=float, default=5, help="seconds between SIGTERM and SIGKILL for web-a")
    parser.add_argument("--kill-worker-at", type=float, default=30, help="when worker-1 gets SIGKILL (s)")
    parser.add_argument("--drain", type=float, default=240, help="longest wait for exports after the load (s)")
    parser.add_argument("--storage", choices=("filesystem", "s3"), default="filesystem")
    parser.add_argument("--database", default="pastoral_scaletest", help="dropped and made again for the run")
    parser.add_argument("--admin", default=os.environ.get("SCALE_ADMIN_URL", DEFAULT_ADMIN_URL))
    parser.add_argument("--redis", default=os.environ.get("SCALE_REDIS_URL", DEFAULT_REDIS_URL))
    parser.add_argument("--keep", action="store_true", help="keep the run directory, its logs and the database")
    args = parser.parse_args(argv)
    return 0 if run(args) else 1


if __name__ == "__main__":
    sys.exit(main())
