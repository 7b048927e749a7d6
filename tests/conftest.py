"""Browser fixtures: Playwright drives the system Chromium against pytest-django's live_server."""

import os
from pathlib import Path

import pytest

# Playwright's sync API keeps an event loop running in the test thread, so
# Django would otherwise refuse the ORM calls that tests make between steps.
# The loop lives as long as the session-scoped browser, so every later test
# in the same process (and xdist worker) needs this too, not just these.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

# Without the networking flags Chromium keeps trying to reach Google's
# services, which is slow and fails offline.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Playwright's own browser download is not used; the distribution's
    # Chromium is, and --browser-channel cannot point at it.
    if not Path(CHROMIUM).exists():
        # A missing browser must fail the run, not quietly drop the journey tests.
        pytest.fail(f"no Chromium at {CHROMIUM}: install Debian's chromium (bash .ci/run does) or set CHROMIUM_PATH")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [*browser_type_launch_args.get("args", []), *CHROMIUM_ARGS],
    }
