"""Signed-in staff each making one request every 30 seconds (open loop), then a check of every quick log.

Arrivals follow a fixed timetable whatever the server does, so a slow server builds a queue instead of
slowing the clients down; latency is counted from the moment a request was due, not from when a free
client thread sent it. Every request has a timeout and the run stops by itself.
"""

import collections
import random
import statistics
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import requests
from django.db.models import Count
from django.urls import reverse

from behaviour.models import BehaviourCategory, BehaviourEvent
from pastoral.accounts.roles import Role
from pastoral.models import Membership, Pupil

from .client import Staff, quick_log_form, quick_log_saved
from .pages import percentile

# What each kind of member of staff does, with weights.
MIXES = {
    "classroom": (("quick_log", 35), ("home", 25), ("pupil", 25), ("events", 10), ("pupils", 5)),
    "lead": (("home", 30), ("analytics", 15), ("events", 20), ("pupil", 20), ("quick_log", 10), ("suspensions", 5)),
    "dsl": (("home", 25), ("safeguarding", 25), ("concerns", 15), ("pupil", 25), ("quick_log", 10)),
}
KIND_OF_ROLE = {
    Role.HEADTEACHER: "lead",
    Role.PASTORAL_LEAD: "lead",
    Role.DSL: "dsl",
    Role.DEPUTY_DSL: "dsl",
}
NOT_SENT = "not sent: waited in the client queue past the timeout"
PATHS = {
    "home": "pastoral:home",
    "events": "behaviour:event_list",
    "pupils": "pastoral:pupil_list",
    "analytics": "behaviour:analytics",
    "suspensions": "behaviour:suspension_list",
    "safeguarding": "safeguarding:dashboard",
    "concerns": "safeguarding:concern_list",
}


def load_users(limit):
    """[(username, school id, kind)] for up to `limit` school staff with one role each, spread over schools."""
    memberships = (
        Membership.objects.filter(school__isnull=False, ends_on__isnull=True)
        .select_related("user")
        .order_by("school_id", "pk")
    )
    by_school = collections.defaultdict(list)
    for membership in memberships:
        by_school[membership.school_id].append(
            (membership.user.username, membership.school_id, KIND_OF_ROLE.get(membership.role, "classroom"))
        )
    chosen = []
    # Round-robin over schools so a smaller run still has every school busy.
    for group in zip(*[iter(rows) for rows in by_school.values()], strict=False):
        chosen.extend(group)
    taken = set(chosen)
    leftovers = [row for rows in by_school.values() for row in rows if row not in taken]
    return (chosen + leftovers)[:limit]


def school_choices(school_ids):
    choices = {}
    for school_id in school_ids:
        pupils = list(
            Pupil.objects.filter(school_id=school_id, leaving_date__isnull=True)
            .order_by("?")
            .values_list("code", flat=True)[:300]
        )
        categories = list(BehaviourCategory.objects.filter(school_id=school_id).values_list("code", flat=True))
        choices[school_id] = (pupils, categories)
    return choices


class Load:
    def __init__(self, base, users, sessions, *, period, seconds, threads, timeout, seed=2026, log=print):
        self.base = base
        self.users = users
        self.sessions = sessions
        self.period = period
        self.seconds = seconds
        self.threads = threads
        self.timeout = timeout
        self.rng = random.Random(seed)
        self.log = log
        self.run_id = uuid.uuid4().hex[:12]
        self.choices = school_choices({school for _name, school, _kind in users})
        self.local = threading.local()
        self.results = []
        self.lock = threading.Lock()

    def timetable(self):
        """[(due offset in seconds, user index)]: each user every `period` seconds, phases spread evenly."""
        plan = []
        count = len(self.users)
        for index in range(count):
            offset = index * self.period / count + self.rng.uniform(0, self.period / count)
            while offset < self.seconds:
                plan.append((offset, index))
                offset += self.period
        plan.sort()
        return plan

    def client(self, username):
        # One connection pool per thread; who is signed in travels in the cookie header of each request.
        http = getattr(self.local, "http", None)
        if http is None:
            http = self.local.http = requests.Session()
        return Staff(self.base, self.sessions[username], http=http)

    def one(self, due, index, action, rng_seed):
        username, school_id, _kind = self.users[index]
        rng = random.Random(rng_seed)
        pupils, categories = self.choices[school_id]
        client = self.client(username)
        marker = None
        sent = time.perf_counter()
        if sent - due > self.timeout:
            # A person would have given up by now: the request is counted as failed and never sent, which also
            # bounds how long an overloaded run takes to drain.
            with self.lock:
                self.results.append(
                    {"action": action, "due": due, "latency_ms": (sent - due) * 1000, "service_ms": 0.0,
                     "status": None, "ok": False, "error": NOT_SENT, "marker": None}
                )  # fmt: skip
            return
        try:
            if action == "quick_log":
                marker = f"bench-load {self.run_id} {uuid.uuid4()}"
                response = client.post(
                    reverse("behaviour:quick_log"),
                    quick_log_form(rng.choice(pupils), rng.choice(categories), marker),
                    timeout=self.timeout,
                )
                ok = quick_log_saved(response)
            elif action == "pupil":
                response = client.get(reverse("pastoral:pupil_detail", args=[rng.choice(pupils)]), timeout=self.timeout)
                ok = response.status_code == 200
            else:
                response = client.get(reverse(PATHS[action]), timeout=self.timeout)
                ok = response.status_code == 200
            status = response.status_code
            error = "" if ok else f"HTTP {status}"
        except requests.RequestException as exc:
            status, ok, error = None, False, type(exc).__name__
        done = time.perf_counter()
        with self.lock:
            self.results.append(
                {
                    "action": action,
                    "due": due,
                    "latency_ms": (done - due) * 1000,
                    "service_ms": (done - sent) * 1000,
                    "status": status,
                    "ok": ok,
                    "error": error,
                    "marker": marker,
                }
            )

    def warm(self, workers=3):
        """Before the clock starts, every gunicorn worker has served each kind of page once (the pages step does
        this when it runs first)."""
        firsts = {}
        for index, (_username, _school, kind) in enumerate(self.users):
            firsts.setdefault(kind, index)
        calls = [
            (index, action)
            for kind, index in firsts.items()
            for action, _weight in MIXES[kind]
            if action != "quick_log"
        ]

        def walk(_n):
            for index, action in calls:
                username, school_id, _kind = self.users[index]
                client = self.client(username)
                if action == "pupil":
                    client.get(reverse("pastoral:pupil_detail", args=[self.choices[school_id][0][0]]))
                else:
                    client.get(reverse(PATHS[action]))

        with ThreadPoolExecutor(max_workers=workers * 2) as pool:
            list(pool.map(walk, range(workers * 2)))

    def run(self):
        plan = self.timetable()
        self.warm()
        self.log(
            f"  {len(self.users)} signed-in staff, one request each every {self.period:g} s for {self.seconds:g} s: "
            f"{len(plan)} requests, {len(self.users) / self.period:.1f} per second"
        )
        executor = ThreadPoolExecutor(max_workers=self.threads)
        start = time.perf_counter()
        late = 0
        for offset, index in plan:
            due = start + offset
            wait = due - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            elif wait < -0.05:
                late += 1
            _username, _school, kind = self.users[index]
            actions, weights = zip(*MIXES[kind], strict=True)
            action = self.rng.choices(actions, weights)[0]
            executor.submit(self.one, due, index, action, self.rng.getrandbits(32))
        sent_all = time.perf_counter() - start
        executor.shutdown(wait=True)
        elapsed = time.perf_counter() - start
        return self.summary(len(plan), sent_all, elapsed, late)

    def summary(self, planned, sent_all, elapsed, late):
        results = self.results
        latencies = [row["latency_ms"] for row in results]
        by_action = {}
        for action in sorted({row["action"] for row in results}):
            values = [row["latency_ms"] for row in results if row["action"] == action]
            by_action[action] = {
                "requests": len(values),
                "p50_ms": statistics.median(values),
                "p95_ms": percentile(values, 0.95),
                "p99_ms": percentile(values, 0.99),
                "errors": sum(1 for row in results if row["action"] == action and not row["ok"]),
            }
        errors = collections.Counter(row["error"] for row in results if not row["ok"])
        answered = [row for row in results if row["status"] is not None]
        answered_latencies = [row["latency_ms"] for row in answered] or [0.0]
        return {
            "users": len(self.users),
            "period_seconds": self.period,
            "seconds": self.seconds,
            "planned_requests": planned,
            "completed_requests": len(results),
            "offered_rate_per_second": planned / self.seconds,
            "sent_requests": sum(1 for row in results if row["error"] != NOT_SENT),
            "answered_requests": len(answered),
            "ok_requests": sum(1 for row in results if row["ok"]),
            # What the server got through: answers (any status) and successful ones, per second of the run.
            "answered_per_second": len(answered) / elapsed,
            "ok_per_second": sum(1 for row in results if row["ok"]) / elapsed,
            "dispatch_seconds": sent_all,
            "elapsed_seconds": elapsed,
            "dispatched_late": late,
            "p50_ms": statistics.median(latencies),
            "p95_ms": percentile(latencies, 0.95),
            "p99_ms": percentile(latencies, 0.99),
            "max_ms": max(latencies),
            "answered_p50_ms": statistics.median(answered_latencies),
            "answered_p95_ms": percentile(answered_latencies, 0.95),
            "answered_p99_ms": percentile(answered_latencies, 0.99),
            "errors": sum(errors.values()),
            "error_kinds": dict(errors),
            "by_action": by_action,
            "quick_logs": self.check_quick_logs(),
        }

    def check_quick_logs(self):
        """Every acknowledged quick log saved exactly once; the unacknowledged ones saved at most once."""
        posted = [row for row in self.results if row["marker"]]
        saved = dict(
            BehaviourEvent.objects.filter(description__startswith=f"bench-load {self.run_id} ")
            .values_list("description")
            .annotate(n=Count("id"))
        )
        acknowledged = [row for row in posted if row["ok"]]
        missing = [row["marker"] for row in acknowledged if saved.get(row["marker"], 0) == 0]
        duplicated = [marker for marker, n in saved.items() if n > 1]
        unacknowledged_saved = sum(1 for row in posted if not row["ok"] and saved.get(row["marker"], 0) == 1)
        return {
            "posted": len(posted),
            "acknowledged": len(acknowledged),
            "saved": sum(saved.values()),
            "acknowledged_missing": len(missing),
            "duplicated": len(duplicated),
            "unacknowledged_but_saved": unacknowledged_saved,
            "exactly_once": not missing and not duplicated,
        }
