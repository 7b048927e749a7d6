"""PostgreSQL session advisory locks that say "this work is running in a live process".

PostgreSQL drops a session lock the moment its connection closes, so a process that finds work marked as
running but can take the lock knows the earlier run died (its worker was killed) and may take over at once,
while one that cannot take it knows the run is alive elsewhere. Nothing is guessed from clocks.
"""

import logging
import time

from django.db import connection

log = logging.getLogger(__name__)

# Namespaces (the first key); the second key is the row's id. Listed here so no two kinds of work share one.
EXPORT_BUILD = 7001
OUTBOX_RUN = 7002
SIGN_IN_ATTEMPT = 7003
SCHOOL_SETUP = 7004  # transaction-level: one trust or school set-up at a time (second key 0)
SAR_PACK_BUILD = 7005


class SessionLock:
    """`with SessionLock(namespace, row_id, wait_seconds=...) as held:` — held is False if another session has it."""

    def __init__(self, namespace, row_id, *, wait_seconds=0):
        self.keys = (namespace, int(row_id) & 0x7FFFFFFF)
        self.wait_seconds = wait_seconds
        self.held = False

    def __enter__(self):
        # A killed worker's connection takes PostgreSQL a moment to notice: a caller may wait a little.
        deadline = time.monotonic() + self.wait_seconds
        while True:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", self.keys)
                self.held = cursor.fetchone()[0]
            if self.held or time.monotonic() >= deadline:
                return self.held
            time.sleep(0.25)

    def __exit__(self, *exc_info):
        if not self.held:
            return
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", self.keys)
        except Exception:  # a broken connection has already released it
            log.warning("could not release advisory lock %s", self.keys, exc_info=True)
