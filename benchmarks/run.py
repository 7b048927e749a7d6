"""Page timings on a realistic trust: `make bench`.

Builds a throw-away database (test_pastoral_bench), seeds the demo trust
(~600 pupils, two schools) plus extra pupils to reach a large secondary, then
times the busiest pages through Django's test client and prints the median and
worst of several runs with their query counts.

Scenarios run in turn, each on a fresh database; `BENCH_SCENARIOS=analytics`
picks some. `analytics` seeds one school with ~1,000 pupils and a year of
behaviour (60,000 events) and times the analytics page, its CSV, the event
list and the dashboard. `termly` seeds the same year and times building the
termly report PDF (as the Celery worker does) for the last finished term, for
the whole year, and the trust roll-up. `attendance` seeds a year of session marks
for a 1,000-pupil school (about 380,000) and times the attendance lists, trends,
the pupil profile, the statutory alerts and the attendance CSV.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pastoral.settings_test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_databases, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "15"))
EXTRA_PUPILS = int(os.environ.get("BENCH_EXTRA_PUPILS", "1500"))
YEAR_OF_EVENTS = int(os.environ.get("BENCH_EVENTS", "60000"))
SCHOOL_SIZE = int(os.environ.get("BENCH_SCHOOL_SIZE", "1000"))


def signed_in_client(username):
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from pastoral.models import User

    user = User.objects.get(username=username)
    client = Client()
    client.force_login(user, backend="pastoral.accounts.auth_backends.UsernameOrEmailBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user, confirmed=True).persistent_id
    session.save()
    return client


def grow_school(extra):
    from pastoral.models import School
    from pastoral.tests.factories import PupilFactory

    school = School.objects.get(name="Northfield Academy")
    PupilFactory.reset_sequence(10_000)
    pupils = [PupilFactory.build(school=school, year_group=7 + n % 5, form=f"{7 + n % 5}X") for n in range(extra)]
    type(pupils[0]).objects.bulk_create(pupils)
    return school


def measure(client, label, url, params=None, headers=None, runs=None):
    timings = []
    queries = 0
    for _ in range(runs or RUNS):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url, params or {}, headers=headers or {})
            if response.streaming:
                # A streamed download is only done when its last row has been read.
                b"".join(response.streaming_content)
            timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (label, response.status_code)
        queries = len(captured.captured_queries)
    print(
        f"{label:<38} median {statistics.median(timings):7.1f} ms   worst {max(timings):7.1f} ms   {queries:3d} queries"
    )


def measure_export(username, label, kind_name, parameters, runs=None):
    """Time building an export in the worker (the request only queues it)."""
    from pastoral.files import exports
    from pastoral.models import GeneratedFile, User

    user = User.objects.get(username=username)
    school = user.memberships.first().school
    timings = []
    for _ in range(runs or max(RUNS // 5, 1)):
        generated_file = GeneratedFile.objects.create(
            owner=user, school=school, kind=kind_name, parameters=parameters, expires_at=exports._expiry()
        )
        start = time.perf_counter()
        assert exports.generate(generated_file.pk) == "done", label
        timings.append((time.perf_counter() - start) * 1000)
        exports._remove(GeneratedFile.objects.get(pk=generated_file.pk))
    print(f"{label:<38} median {statistics.median(timings):7.1f} ms   worst {max(timings):7.1f} ms   (worker)")


def pages_scenario():
    from pastoral.demo import seed_demo
    from pastoral.models import Pupil

    started = time.perf_counter()
    seed_demo()
    school = grow_school(EXTRA_PUPILS)
    print(
        f"seeded {Pupil.objects.count()} pupils ({school.pupils.count()} at {school.name}) "
        f"in {time.perf_counter() - started:.1f} s; {RUNS} runs per page\n"
    )
    client = signed_in_client("pastorallead.northfield")
    pupil = Pupil.objects.filter(school=school, contacts__isnull=False).first()
    measure(client, "pupil list, first page", reverse("pastoral:pupil_list"))
    measure(
        client,
        "pupil list, year 9 + EHCP filter",
        reverse("pastoral:pupil_list"),
        {"year_group": 9, "flag": "ehcp"},
    )
    measure(client, "pupil list, last page", reverse("pastoral:pupil_list"), {"page": 999})
    measure(client, "type-ahead search 'ma'", reverse("pastoral:pupil_search"), {"q": "ma"}, {"HX-Request": "true"})
    measure(client, "type-ahead search 'zoe'", reverse("pastoral:pupil_search"), {"q": "zoe"}, {"HX-Request": "true"})
    measure(client, "pupil profile", reverse("pastoral:pupil_detail", args=[pupil.code]))
    measure(client, "home", reverse("pastoral:home"))


def seed_year_of_behaviour(school, count, rng):
    """`count` behaviour events spread over the last year's school days, plus a removal for one in forty."""
    import datetime
    import uuid

    from django.utils import timezone

    from behaviour.models import BehaviourCategory, BehaviourEvent, Location, Removal
    from pastoral.database import as_owner
    from pastoral.models import Membership, User

    pupils = list(school.pupils.values_list("id", flat=True))
    frequent = rng.sample(pupils, k=len(pupils) // 20)
    categories = list(BehaviourCategory.objects.filter(school=school))
    positive = [category for category in categories if category.kind == "positive"]
    negative = [category for category in categories if category.kind == "negative"]
    locations = list(Location.objects.filter(school=school).values_list("id", flat=True))
    members = Membership.objects.filter(school=school).values("user_id")
    staff = list(User.objects.filter(id__in=members).values_list("id", flat=True))
    periods = ["Registration", "P1", "P2", "Break", "P3", "P4", "Lunch", "P5", "P6", "p1", "P1 ", "After school"]
    starts = {"Registration": 8, "P1": 9, "p1": 9, "P1 ": 9, "P2": 10, "Break": 10, "P3": 11, "P4": 12, "Lunch": 12}
    today = timezone.localdate()
    days = [today - datetime.timedelta(days=n) for n in range(365)]
    days = [day for day in days if day.weekday() < 5]
    now = timezone.now()
    events, removals = [], []
    for _ in range(count):
        is_positive = rng.random() < 0.7
        category = rng.choice(positive if is_positive else negative)
        pupil = rng.choice(frequent) if not is_positive and rng.random() < 0.4 else rng.choice(pupils)
        period = rng.choice(periods)
        hour = starts.get(period, 13 + rng.randrange(3))
        when = timezone.make_aware(datetime.datetime.combine(rng.choice(days), datetime.time(hour, rng.randrange(60))))
        event = BehaviourEvent(
            school=school,
            pupil_id=pupil,
            category=category,
            occurred_at=min(when, now),
            location_id=rng.choice(locations) if rng.random() < 0.9 else None,
            period=period if rng.random() < 0.85 else "",
            description="Benchmark event",
            recorded_by_id=rng.choice(staff),
            group=uuid.uuid4(),
            submission_key=uuid.uuid4(),
        )
        events.append(event)
    BehaviourEvent.objects.bulk_create(events, batch_size=5000)
    for event in events:
        if event.category.kind == "negative" and rng.random() < 0.08:
            removals.append(
                Removal(
                    school=school,
                    pupil_id=event.pupil_id,
                    event=event,
                    removed_at=event.occurred_at,
                    reason="Benchmark removal",
                    removed_to="Reflection room",
                    duration_minutes=30,
                    recorded_by_id=event.recorded_by_id,
                )
            )
    Removal.objects.bulk_create(removals, batch_size=5000)
    # As autovacuum would have done by the time a year of events is in: planner statistics and the
    # visibility map that index-only scans need. Only the tables' owner may vacuum them.
    with as_owner() as db, db.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return len(events), len(removals)


def analytics_scenario():
    import datetime
    import random

    from django.utils import timezone

    from pastoral.demo import seed_demo
    from pastoral.models import Pupil, School, User

    started = time.perf_counter()
    seed_demo()
    school = School.objects.get(name="Northfield Academy")
    grow_school(max(SCHOOL_SIZE - school.pupils.count(), 0))
    seeded = time.perf_counter()
    events, removals = seed_year_of_behaviour(school, YEAR_OF_EVENTS, random.Random(60_000))
    print(
        f"seeded {school.pupils.count()} pupils at {school.name} with {events} events and {removals} removals over "
        f"a year in {time.perf_counter() - started:.1f} s (events and removals {time.perf_counter() - seeded:.1f} s); "
        f"{RUNS} runs per page\n"
    )
    year_ago = (timezone.localdate() - datetime.timedelta(days=365)).isoformat()
    teacher = User.objects.filter(username="teacher.northfield").first()
    client = signed_in_client("pastorallead.northfield")
    page = reverse("behaviour:analytics")
    measure(client, "analytics, this term (default)", page)
    measure(client, "analytics, whole year", page, {"start": year_ago})
    measure(client, "analytics, year, Y9 negative", page, {"start": year_ago, "year_group": 9, "kind": "negative"})
    groups = {"start": year_ago, "sen": Pupil.SEN.SUPPORT, "pupil_premium": "yes"}
    measure(client, "analytics, year, SEN support + PP", page, groups)
    measure(client, "analytics, year, one staff member", page, {"start": year_ago, "staff": str(teacher.code)})
    place = {"start": year_ago, "location": "Corridor", "category": "Disruption"}
    measure(client, "analytics, year, Corridor, Disruption", page, place)
    measure_export("pastorallead.northfield", "analytics CSV, this term", "behaviour.analytics_csv", {})
    lead = "pastorallead.northfield"
    measure_export(lead, "analytics CSV, whole year (60k rows)", "behaviour.analytics_csv", {"start": year_ago})
    measure(client, "event list, first page", reverse("behaviour:event_list"))
    events = reverse("behaviour:event_list")
    measure(client, "event list, year 9 negative", events, {"year_group": 9, "kind": "negative"})
    measure(client, "event list, page 100", reverse("behaviour:event_list"), {"page": 100})
    measure(client, "home (with rising-behaviour panel)", reverse("pastoral:home"))
    leader = signed_in_client("leader.trust")
    measure(leader, "analytics, trust leader, all schools", page, {"school": "all", "start": year_ago})


def time_termly_pdf(owner, school, label, parameters, runs):
    """Build the termly report as the worker does (exports.generate) and print the median and worst."""
    from django.utils import timezone

    from pastoral.files import exports
    from pastoral.models import GeneratedFile

    timings, queries, size = [], 0, 0
    for _ in range(runs):
        generated_file = GeneratedFile.objects.create(
            owner=owner,
            school=school,
            kind="pastoral.termly_report",
            parameters=parameters,
            expires_at=timezone.now() + timezone.timedelta(days=1),
        )
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            outcome = exports.generate(generated_file.pk)
            timings.append((time.perf_counter() - start) * 1000)
        assert outcome == "done", (label, outcome, GeneratedFile.objects.get(pk=generated_file.pk).error)
        queries = len(captured.captured_queries)
        size = GeneratedFile.objects.get(pk=generated_file.pk).size
    print(
        f"{label:<38} median {statistics.median(timings):7.1f} ms   worst {max(timings):7.1f} ms   {queries:3d} queries"
        f"   {size // 1024} KiB"
    )


def termly_scenario():
    """The termly report PDF for a school with a year of behaviour (the analytics scenario's data)."""
    import datetime
    import random
    import tempfile
    from pathlib import Path

    from django.utils import timezone

    from pastoral.demo import seed_demo
    from pastoral.files import reports
    from pastoral.models import School, User

    settings.GENERATED_FILES_ROOT = Path(tempfile.mkdtemp(prefix="bench-generated-"))
    started = time.perf_counter()
    seed_demo()
    school = School.objects.get(name="Northfield Academy")
    grow_school(max(SCHOOL_SIZE - school.pupils.count(), 0))
    events, removals = seed_year_of_behaviour(school, YEAR_OF_EVENTS, random.Random(60_000))
    runs = max(RUNS // 3, 1)
    print(
        f"seeded {school.pupils.count()} pupils at {school.name} with {events} events and {removals} removals over "
        f"a year in {time.perf_counter() - started:.1f} s; {runs} runs per report\n"
    )
    head = User.objects.get(username="head.northfield")
    start, end = reports.default_period(school)
    print(f"default period: {start:%-d %b %Y} to {end:%-d %b %Y}")
    time_termly_pdf(head, school, "termly PDF, last finished term", {"school": str(school.code)}, runs)
    previous = reports.previous_period(school, start, end)
    figures = []
    for _ in range(runs):
        began = time.perf_counter()
        reports.build_context(head, [school], start, end, *previous)
        figures.append((time.perf_counter() - began) * 1000)
    print(f"{'  of which the figures (SQL), term':<38} median {statistics.median(figures):7.1f} ms")
    today = timezone.localdate()
    year = {"school": str(school.code), "start": (today - datetime.timedelta(days=364)).isoformat(), "end": str(today)}
    time_termly_pdf(head, school, "termly PDF, whole year (60k events)", year, runs)
    leader = User.objects.get(username="leader.trust")
    trust = {**year, "school": reports.TRUST}
    time_termly_pdf(leader, school, "trust roll-up PDF, whole year", trust, runs)


def seed_year_of_marks(school, rng):
    """Two marks a school day for a year for every pupil on roll (about 380,000 for 1,000 pupils)."""
    import datetime

    from django.utils import timezone

    from pastoral.attendance.demo import GOOD, PERSISTENT, SEVERE, _school_days
    from pastoral.attendance.models import AttendanceCode, AttendanceMark

    AttendanceMark.objects.filter(school=school).delete()
    counts = dict(AttendanceCode.objects.values_list("code", "counts"))
    today = timezone.localdate()
    days = _school_days(school, today - datetime.timedelta(days=365), today)
    pupils = list(school.pupils.values_list("pk", flat=True))
    pools = {pk: SEVERE if i % 40 == 0 else PERSISTENT if i % 7 == 0 else GOOD for i, pk in enumerate(pupils)}
    now = timezone.now()
    written = 0
    for start in range(0, len(days), 10):
        chunk = [
            AttendanceMark(
                school=school, pupil_id=pk, date=day, session=session, code=code, counts=counts[code], imported_at=now
            )
            for day in days[start : start + 10]
            for pk in pupils
            for session in ("AM", "PM")
            for code in [rng.choice(pools[pk])]
        ]
        AttendanceMark.objects.bulk_create(chunk, batch_size=10_000)
        written += len(chunk)
    # As autovacuum would have by then. ANALYZE by the runtime role is skipped with a warning (only the owner
    # may), which left the planner guessing two rows and choosing a nested loop over the year's marks.
    from pastoral.database import as_owner

    with as_owner() as db, db.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE pastoral_attendancemark")
        cursor.execute("VACUUM ANALYZE pastoral_pupil")
    return written


def attendance_scenario():
    """A year of marks for a 1,000-pupil school: the lists, trends, profile, alerts and CSV stay fast."""
    import random

    from pastoral.attendance.alerts import raise_alerts
    from pastoral.demo import seed_demo
    from pastoral.models import Pupil, School

    started = time.perf_counter()
    seed_demo()
    school = School.objects.get(name="Northfield Academy")
    if SCHOOL_SIZE > school.pupils.count():
        grow_school(SCHOOL_SIZE - school.pupils.count())
    marks = seed_year_of_marks(school, random.Random(380_000))
    print(
        f"seeded {school.pupils.count()} pupils at {school.name} with {marks} marks in "
        f"{time.perf_counter() - started:.1f} s; {RUNS} runs per page\n"
    )
    client = signed_in_client("pastorallead.northfield")
    lists = reverse("pastoral:attendance_lists")
    for kind in ("persistent", "severe", "crossing", "falling"):
        measure(client, f"attendance list, {kind}", lists, {"list": kind})
    measure(client, "persistent, year 9 + PP", lists, {"list": "persistent", "year_group": 9, "pupil_premium": "yes"})
    measure(client, "attendance trends, whole school", reverse("pastoral:attendance_trends"))
    measure(client, "attendance trends, SEN support", reverse("pastoral:attendance_trends"), {"sen": "K"})
    pupil = Pupil.objects.filter(school=school).order_by("pk").first()
    measure(client, "pupil profile (attendance panel)", reverse("pastoral:pupil_detail", args=[pupil.code]))
    measure(client, "home (attendance alerts panel)", reverse("pastoral:home"))
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        raise_alerts(school)
        timings.append((time.perf_counter() - start) * 1000)
    print(f"{'statutory alerts, whole school':<38} median {statistics.median(timings):7.1f} ms   (worker)")
    measure_export("pastorallead.northfield", "attendance CSV, whole school", "pastoral.attendance_csv", {})


SCENARIOS = {
    "pages": pages_scenario,
    "analytics": analytics_scenario,
    "termly": termly_scenario,
    "attendance": attendance_scenario,
}


def main():
    setup_test_environment()
    settings.DEBUG = False
    name = settings.DATABASES["default"]["NAME"]
    settings.DATABASES["default"]["TEST"]["NAME"] = os.environ.get("BENCH_DATABASE", f"test_{name}_bench")
    chosen = [key.strip() for key in os.environ.get("BENCH_SCENARIOS", ",".join(SCENARIOS)).split(",") if key.strip()]
    # As in the tests: the owner role builds and drops the database, the pages run as the runtime role.
    from pastoral.database import connect_every_thread_as

    runtime = {key: settings.DATABASES["default"][key] for key in ("USER", "PASSWORD")}
    owner = settings.DATABASE_OWNER or runtime
    for key in chosen:
        print(f"== {key} ==")
        connect_every_thread_as(owner)
        old = setup_databases(verbosity=0, interactive=False, keepdb=False, aliases={"default"})
        connect_every_thread_as(runtime)
        try:
            SCENARIOS[key]()
        finally:
            from django.test.utils import teardown_databases

            connect_every_thread_as(owner)
            teardown_databases(old, verbosity=0)
        print()


if __name__ == "__main__":
    main()
