"""Each page timed with sequential requests beside the minimal page, in the same run, on the same server."""

import datetime
import statistics
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from django.utils import timezone

from behaviour.models import BehaviourCategory, BehaviourEvent
from pastoral.models import Pupil, School

from .client import Staff, quick_log_form, quick_log_saved

MINIMAL = "/bench/minimal/"
# Targets, as a multiple of the minimal page's median at one connection.
PAGE_TARGET, POST_TARGET, ANALYTICS_TARGET = 20, 10, 100


@dataclass
class Page:
    label: str
    user: str  # a key of the users dict, or "" for no session
    path: str
    params: dict = field(default_factory=dict)
    target: int = PAGE_TARGET
    method: str = "GET"
    expect: int = 200


def percentile(values, share):
    ordered = sorted(values)
    if not ordered:
        return None
    return ordered[min(len(ordered) - 1, max(0, int(round(share * len(ordered) + 0.5)) - 1))]


def pages_for(school, users):
    """The pages of the issue, measured at `school` (the one with the long pupil history)."""
    from django.urls import reverse

    today = timezone.localdate()
    year_ago = (today - datetime.timedelta(days=365)).isoformat()
    live = BehaviourEvent.objects.filter(school=school, voided_at__isnull=True).count()
    deep = max(1, live // 50 // 2)
    return [
        Page("minimal page, signed in", "head", MINIMAL),
        Page("home, as DSL", "dsl", reverse("pastoral:home")),
        Page("home, as headteacher", "head", reverse("pastoral:home")),
        Page("pupil profile (long history)", "dsl", reverse("pastoral:pupil_detail", args=[users["profile"]])),
        Page("safeguarding dashboard", "dsl", reverse("safeguarding:dashboard")),
        Page("behaviour analytics, this term", "head", reverse("behaviour:analytics"), target=ANALYTICS_TARGET),
        Page(
            "behaviour analytics, whole year",
            "head",
            reverse("behaviour:analytics"),
            {"start": year_ago},
            target=ANALYTICS_TARGET,
        ),
        Page(
            "analytics, trust leader, all schools, year",
            "leader",
            reverse("behaviour:analytics"),
            {"school": "all", "start": year_ago},
            target=ANALYTICS_TARGET,
        ),
        Page("event list, first page", "lead", reverse("behaviour:event_list")),
        Page(f"event list, page {deep}", "lead", reverse("behaviour:event_list"), {"page": deep}),
        Page("concern list", "dsl", reverse("safeguarding:concern_list")),
        Page(
            "quick-log POST", "teacher", reverse("behaviour:quick_log"), target=POST_TARGET, method="POST", expect=302
        ),
        Page("intervention oversight", "head", reverse("behaviour:intervention_oversight")),
        Page("intervention list", "head", reverse("behaviour:intervention_list")),
        Page("suspension list", "head", reverse("behaviour:suspension_list")),
        Page("incident list", "lead", reverse("behaviour:incident_list")),
        Page("removal list", "lead", reverse("behaviour:removal_list")),
        Page("bullying list", "head", reverse("behaviour:bullying_list")),
        Page("restorative list", "lead", reverse("behaviour:restorative_list")),
        Page("referral list", "dsl", reverse("safeguarding:referral_list")),
        Page("audit log", "head", reverse("pastoral:audit_log")),
        Page("pupil list", "lead", reverse("pastoral:pupil_list")),
        Page("home, trust leader", "leader", reverse("pastoral:home")),
    ]


def bench_users():
    """Usernames for each part, at the first school (the one with the long pupil history)."""
    suffix = ".s00"
    return {
        "dsl": f"dsl{suffix}",
        "head": f"head{suffix}",
        "lead": f"pastorallead{suffix}",
        "teacher": f"teacher1{suffix}",
        "leader": "leader.trust",
    }


class Timer:
    def __init__(self, base, sessions, *, runs, warmup, budget_seconds, log):
        self.base = base
        self.clients = {name: Staff(base, key) for name, key in sessions.items()}
        self.anonymous = Staff(base)
        self.runs = runs
        self.warmup = warmup
        self.budget = budget_seconds
        self.log = log
        self.minimal = []

    def minimal_once(self):
        start = time.perf_counter()
        response = self.anonymous.get(MINIMAL)
        elapsed = (time.perf_counter() - start) * 1000
        assert response.status_code == 200, response.status_code
        self.minimal.append(elapsed)
        return elapsed

    def request(self, page, client, quick_log):
        if page.method == "POST":
            marker = f"bench-pages {uuid.uuid4()}"
            response = client.post(page.path, quick_log_form(*quick_log, marker))
            return response, quick_log_saved(response)
        response = client.get(page.path, page.params)
        return response, response.status_code == page.expect

    def measure(self, page, quick_log):
        """The page's requests alternate with the minimal page's, so both see the same moments of a noisy
        machine; the page's ratio is over the minimal requests made beside it."""
        client = self.clients[page.user] if page.user else self.anonymous
        timings, server, failures, last, beside = [], [], [], None, []
        for _ in range(self.warmup):
            self.request(page, client, quick_log)
        began = time.monotonic()
        while len(timings) < self.runs:
            beside.append(self.minimal_once())
            start = time.perf_counter()
            response, ok = self.request(page, client, quick_log)
            timings.append((time.perf_counter() - start) * 1000)
            server.append(float(response.headers.get("X-Bench-Server-Ms", "nan")))
            last = response
            if not ok:
                failures.append(response.status_code)
            if len(timings) >= 5 and time.monotonic() - began > self.budget:
                break
        row = {
            "label": page.label,
            "user": page.user,
            "method": page.method,
            "path": page.path,
            "params": page.params,
            "runs": len(timings),
            "median_ms": statistics.median(timings),
            "p99_ms": percentile(timings, 0.99),
            "min_ms": min(timings),
            "max_ms": max(timings),
            "server_median_ms": statistics.median(server),
            "queries": int(last.headers.get("X-Bench-Queries", -1)),
            "status": last.status_code,
            "bytes": len(last.content),
            "errors": len(failures),
            "error_statuses": sorted(set(failures)),
            "target_ratio": page.target,
            "minimal_beside_median_ms": statistics.median(beside),
            "ratio": statistics.median(timings) / statistics.median(beside),
        }
        self.log(
            f"  {page.label:<44} median {row['median_ms']:8.1f} ms  p99 {row['p99_ms']:8.1f} ms  "
            f"× {row['ratio']:6.1f}  "
            f"{row['queries']:4d} queries  status {row['status']}" + (f"  {len(failures)} FAILED" if failures else "")
        )
        return row

    def warm_workers(self, pages, workers=3):
        """Every gunicorn worker loads the URLconf, views and templates on its first requests: pay that first."""
        gets = [page for page in pages if page.method == "GET"]

        def walk(_n):
            self.anonymous.get(MINIMAL)
            for page in gets:
                (self.clients[page.user] if page.user else self.anonymous).get(page.path, page.params)

        with ThreadPoolExecutor(max_workers=workers * 2) as pool:
            list(pool.map(walk, range(workers * 2)))

    def run(self, pages, quick_log):
        rows = []
        self.warm_workers(pages)
        self.minimal = []
        for page in pages:
            rows.append(self.measure(page, quick_log))
        baseline = statistics.median(self.minimal)
        minimal_row = {
            "label": "minimal page (one indexed query)",
            "user": "",
            "method": "GET",
            "path": MINIMAL,
            "params": {},
            "runs": len(self.minimal),
            "median_ms": baseline,
            "p99_ms": percentile(self.minimal, 0.99),
            "min_ms": min(self.minimal),
            "max_ms": max(self.minimal),
            "server_median_ms": None,
            "queries": 1,
            "status": 200,
            "bytes": 0,
            "errors": 0,
            "error_statuses": [],
            "target_ratio": None,
        }
        minimal_row["ratio"] = 1.0
        minimal_row["minimal_beside_median_ms"] = baseline
        for row in [minimal_row, *rows]:
            row["ratio_to_run_minimal"] = row["median_ms"] / baseline
            row["meets_target"] = None if row["target_ratio"] is None else row["ratio"] <= row["target_ratio"]
        return [minimal_row, *rows]


def quick_log_choice(school):
    pupil = Pupil.objects.filter(school=school, leaving_date__isnull=True).order_by("pk").values_list("code", flat=True)
    category = BehaviourCategory.objects.filter(school=school, kind="positive").order_by("pk")
    return pupil[1], category.values_list("code", flat=True)[0]


def first_school():
    return School.objects.order_by("pk").first()


def table(rows):
    lines = [
        "| Page | Median ms | p99 ms | Minimal beside, ms | × minimal | Target | Queries | Status |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        target = "" if row["target_ratio"] is None else f"≤ {row['target_ratio']}×"
        mark = "" if row["meets_target"] is None else (" ✓" if row["meets_target"] else " ✗")
        status = str(row["status"]) + (f", {row['errors']} failed" if row["errors"] else "")
        lines.append(
            f"| {row['label']} | {row['median_ms']:.1f} | {row['p99_ms']:.1f} | {row['minimal_beside_median_ms']:.1f} "
            f"| {row['ratio']:.1f}{mark} | {target} "
            f"| {row['queries']} | {status} |"
        )
    return "\n".join(lines)
