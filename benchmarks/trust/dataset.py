"""The benchmark's data set: generated once per database, found again through a marker row.

The marker lives in a table of the owner role's own (the app never reads it): the generator's version, the
plan it was built from and what it made. A database whose marker matches is reused as it is.
"""

import json
import time

from django.core.management import call_command
from django.db import connection

from pastoral.database import as_owner
from pastoral.models import Trust

from .generate import VERSION, Generator, Plan

MARKER_TABLE = "bench_trust_dataset"


def marker():
    with as_owner() as db, db.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [MARKER_TABLE])
        if cursor.fetchone()[0] is None:
            return None
        cursor.execute(f"SELECT version, plan, stats, built_at FROM {MARKER_TABLE} ORDER BY built_at DESC LIMIT 1")
        row = cursor.fetchone()
    if row is None:
        return None
    version, plan, stats, built_at = row
    return {"version": version, "plan": _json(plan), "stats": _json(stats), "built_at": built_at.isoformat()}


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


def ensure(scale, log=print):
    """Migrate, then reuse the data set for `scale` or generate it; returns the marker."""
    plan = Plan.at_scale(scale)
    call_command("migrate", verbosity=0, interactive=False)
    found = marker()
    if found and found["version"] == VERSION and found["plan"] == plan.describe():
        log(f"reusing the data set built {found['built_at']}")
        return found
    if found or Trust.objects.exists():
        raise SystemExit(
            "The benchmark database holds another data set (older generator or another scale): "
            "run again with --rebuild (BENCH_TRUST_REBUILD=1)."
        )
    log(f"generating {plan.schools} schools, {plan.events:,} behaviour events, {plan.audit:,} audit entries")
    started = time.perf_counter()
    with as_owner() as db:
        stats = Generator(plan, log=log).run()
        stats["seconds"] = round(time.perf_counter() - started)
        with db.cursor() as cursor:
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} "
                "(version integer NOT NULL, plan jsonb NOT NULL, stats jsonb NOT NULL, built_at timestamptz NOT NULL)"
            )
            cursor.execute(
                f"INSERT INTO {MARKER_TABLE} VALUES (%s, %s, %s, now())",
                [VERSION, json.dumps(plan.describe()), json.dumps(stats, default=str)],
            )
            # As autovacuum would have by now: planner statistics, and the visibility map index-only scans need.
            log("VACUUM ANALYZE")
            cursor.execute("VACUUM ANALYZE")
    connection.close()
    log(f"generated in {time.perf_counter() - started:.0f} s")
    return marker()
