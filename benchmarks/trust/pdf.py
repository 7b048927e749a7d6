"""The termly report PDF built as the Celery worker builds it (exports.generate), for one school and the trust."""

import statistics
import time

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pastoral.files import exports, reports
from pastoral.models import GeneratedFile, School, User


def build(owner, school, parameters, runs, label, log):
    timings, queries, size = [], 0, 0
    for _ in range(runs):
        generated = GeneratedFile.objects.create(
            owner=owner,
            school=school,
            kind="pastoral.termly_report",
            parameters=parameters,
            expires_at=timezone.now() + timezone.timedelta(days=1),
        )
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            outcome = exports.generate(generated.pk)
            timings.append((time.perf_counter() - start) * 1000)
        generated.refresh_from_db()
        if outcome != "done":
            log(f"  {label}: {outcome} ({generated.error})")
            return {"label": label, "outcome": outcome, "error": generated.error}
        queries = len(captured.captured_queries)
        size = generated.size
    row = {
        "label": label,
        "outcome": "done",
        "runs": runs,
        "median_ms": statistics.median(timings),
        "max_ms": max(timings),
        "queries": queries,
        "kib": size // 1024,
    }
    log(f"  {label:<44} median {row['median_ms']:8.1f} ms  worst {row['max_ms']:8.1f} ms  {queries} queries")
    return row


def termly(runs, log=print):
    school = School.objects.order_by("pk").first()
    head = User.objects.get(username="head.s00")
    leader = User.objects.get(username="leader.trust")
    start, end = reports.default_period(school)
    period = f"{start:%-d %b %Y} to {end:%-d %b %Y}"
    log(f"  last finished term: {period}")
    # The first build in a process loads WeasyPrint's fonts; a worker that has built one report has done that.
    build(head, school, {"school": str(school.code)}, 1, "termly PDF, warm-up build", lambda _message: None)
    rows = [
        build(head, school, {"school": str(school.code)}, runs, "termly PDF, one school, last term", log),
        build(leader, school, {"school": reports.TRUST}, runs, "termly PDF, trust roll-up, last term", log),
    ]
    for row in rows:
        row["period"] = period
    return rows
