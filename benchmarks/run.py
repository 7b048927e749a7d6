"""Page timings on a realistic trust: `make bench`.

Builds a throw-away database (test_pastoral_bench), seeds the demo trust
(~600 pupils, two schools) plus extra pupils to reach a large secondary, then
times the busiest pages through Django's test client and prints the median and
worst of several runs with their query counts.
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


def signed_in_client(username):
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from pastoral.models import User

    user = User.objects.get(username=username)
    client = Client()
    client.force_login(user, backend="pastoral.auth_backends.UsernameOrEmailBackend")
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


def measure(client, label, url, params=None, headers=None):
    timings = []
    queries = 0
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url, params or {}, headers=headers or {})
            timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (label, response.status_code)
        queries = len(captured.captured_queries)
    print(
        f"{label:<38} median {statistics.median(timings):7.1f} ms   worst {max(timings):7.1f} ms   {queries:3d} queries"
    )


def main():
    setup_test_environment()
    settings.DEBUG = False
    settings.DATABASES["default"]["TEST"]["NAME"] = "test_pastoral_bench"
    old = setup_databases(verbosity=0, interactive=False, keepdb=False, aliases={"default"})
    try:
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
        measure(
            client, "type-ahead search 'zoe'", reverse("pastoral:pupil_search"), {"q": "zoe"}, {"HX-Request": "true"}
        )
        measure(client, "pupil profile", reverse("pastoral:pupil_detail", args=[pupil.code]))
        measure(client, "home", reverse("pastoral:home"))
    finally:
        from django.test.utils import teardown_databases

        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
