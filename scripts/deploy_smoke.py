"""The requests scripts/deploy-check.sh makes of a freshly started gunicorn, as nginx and a load balancer would.

Standard library only. Exits non-zero, saying which expectation failed, at the first one that does.
"""

import argparse
import json
import os
import re
import secrets
import sys
import time
import urllib.error
import urllib.request

LOGIN = "/accounts/login/"
# CompressedManifestStaticFilesStorage names files name.<12 hex digits>.ext.
HASHED_STYLESHEET = re.compile(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"')


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


opener = urllib.request.build_opener(NoRedirect)


def fetch(base, path, headers=None):
    request = urllib.request.Request(base + path, headers=headers or {})
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def expect(condition, message):
    if not condition:
        print(f"deploy-check: FAILED: {message}", file=sys.stderr)
        sys.exit(1)
    print(f"deploy-check:   ok  {message}")


def wait_until_up(base, pid, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            expect(False, "gunicorn is running (it exited during start-up)")
        try:
            return fetch(base, "/healthz")
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.25)
    expect(False, f"gunicorn answers within {seconds} s")


def request_lines(log_path):
    lines = []
    with open(log_path, encoding="utf-8") as log:
        for line in log:
            try:
                entry = json.loads(line)
            except ValueError:
                continue  # gunicorn's own start-up messages are plain text on stderr
            if isinstance(entry, dict) and entry.get("logger") == "pastoral.request":
                lines.append(entry)
    return lines


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True, help="http://127.0.0.1:PORT")
    parser.add_argument("--host", required=True, help="a name in DJANGO_ALLOWED_HOSTS")
    parser.add_argument("--log", required=True, help="file holding gunicorn's stdout and stderr")
    parser.add_argument("--pid", required=True, type=int)
    args = parser.parse_args()
    base = args.base

    # A load balancer: plain HTTP, the server's address as Host, no cookies.
    status, headers, body = wait_until_up(base, args.pid)
    expect((status, body) == (200, b"ok"), f"/healthz over plain HTTP with Host {base[7:]} answers 200 ok")
    expect("Set-Cookie" not in headers, "/healthz sets no cookie")

    # nginx: the public host name, X-Forwarded-Proto https, its own request id.
    request_id = "deploycheck-" + secrets.token_hex(8)
    proxied = {"Host": args.host, "X-Forwarded-Proto": "https", "X-Request-ID": request_id}
    private = "Ainsworth" + secrets.token_hex(4)
    status, headers, body = fetch(base, f"{LOGIN}?next=/pupils/search/%3Fq%3D{private}", proxied)
    expect(status == 200, f"sign-in page through the proxy answers 200 (got {status})")
    expect(headers.get("X-Request-ID") == request_id, "the proxy's X-Request-ID is echoed back")
    expect(headers.get("Strict-Transport-Security", "").startswith("max-age="), "Django sends HSTS behind the proxy")
    stylesheets = HASHED_STYLESHEET.findall(body.decode("utf-8"))
    expect(bool(stylesheets), "the sign-in page links hashed stylesheet names (collectstatic's manifest)")
    for stylesheet in stylesheets:
        status, headers, css = fetch(base, stylesheet, proxied)
        expect(status == 200 and len(css) > 0, f"{stylesheet} answers 200")
        expect("immutable" in headers.get("Cache-Control", ""), f"{stylesheet} may be cached for good")

    status, headers, _ = fetch(base, LOGIN, {"Host": args.host})
    expect(
        status == 301 and headers.get("Location", "").startswith(f"https://{args.host}/"),
        "without X-Forwarded-Proto the app redirects to HTTPS",
    )

    status, _, _ = fetch(base, LOGIN, {"Host": "attacker.example", "X-Forwarded-Proto": "https"})
    expect(status == 400, "a Host not in DJANGO_ALLOWED_HOSTS is refused (400)")

    # The request log: gunicorn's stdout, one JSON object per request. Give the worker a moment to write.
    deadline = time.monotonic() + 5
    lines = []
    while time.monotonic() < deadline:
        lines = [
            line
            for line in request_lines(args.log)
            if line.get("request_id") == request_id and line.get("path") == LOGIN
        ]
        if lines:
            break
        time.sleep(0.2)
    expect(len(lines) == 1, "the sign-in request has one JSON request-log line, with the proxy's request id")
    line = lines[0]
    expect(
        (line.get("method"), line.get("path"), line.get("status")) == ("GET", LOGIN, 200),
        f"it records method, path and status: {json.dumps(line)}",
    )
    expect(isinstance(line.get("duration_ms"), int | float), "it records the duration in ms")
    with open(args.log, encoding="utf-8") as log:
        expect(private not in log.read(), "the query string is in no log line")


if __name__ == "__main__":
    main()
