"""gunicorn with production settings on a loopback port, as the benchmark's pages and load see it."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def collectstatic(env):
    """Production's hashed and compressed static files, collected again only when a source file has changed."""
    manifest = Path(env["STATIC_ROOT"]) / "staticfiles.json"
    if manifest.exists() and newest_static_source() < manifest.stat().st_mtime:
        return
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)


def newest_static_source():
    from django.contrib.staticfiles import finders

    newest = 0.0
    for finder in finders.get_finders():
        for path, storage in finder.list([]):
            newest = max(newest, os.stat(storage.path(path)).st_mtime)
    return newest


class Server:
    """`with Server(env) as server:` collects static files, starts gunicorn and waits for the minimal page."""

    def __init__(self, env, *, workers=3, timeout=120, log_path=None):
        self.env = env
        self.workers = workers
        self.timeout = timeout
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.process = None

    def __enter__(self):
        collectstatic(self.env)
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "pastoral.wsgi:application",
                "--workers", str(self.workers),
                "--bind", f"127.0.0.1:{self.port}",
                "--timeout", str(self.timeout),
                # Trust the X-Forwarded-* headers the benchmark sends as the TLS proxy would.
                "--forwarded-allow-ips", "127.0.0.1",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            self.wait_until_up()
        except BaseException:
            self.stop()
            raise
        return self

    def wait_until_up(self, seconds=90):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}; see {self.log_path}")
            try:
                response = requests.get(f"{self.base}/bench/minimal/", timeout=30, headers=proxy_headers())
                if response.status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer within {seconds} s; see {self.log_path}")

    def __exit__(self, *exc):
        self.stop()
        return False

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def worker_pids(self):
        out = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(self.process.pid)], capture_output=True, text=True, check=False
        ).stdout
        return [int(pid) for pid in out.split()]


def proxy_headers():
    """What the TLS-terminating proxy in front of the app adds to every request."""
    return {"X-Forwarded-Proto": "https", "X-Forwarded-For": "10.20.0.9"}


def base_env(overrides):
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(overrides)
    env["PYTHONPATH"] = str(ROOT)
    return env
