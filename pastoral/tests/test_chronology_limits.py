"""The pupil profile's chronology costs the same for a pupil of any history: each provider cuts in SQL."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from behaviour.tests.factories import BehaviourEventFactory, RemovalFactory
from pastoral.chronology import chronology_for


def _history(pupil, events, removals):
    start = timezone.now() - datetime.timedelta(days=400)
    for n in range(events):
        BehaviourEventFactory(pupil=pupil, occurred_at=start + datetime.timedelta(hours=n))
    for n in range(removals):
        RemovalFactory(pupil=pupil, removed_at=start + datetime.timedelta(hours=n, minutes=30))


def test_it_keeps_the_newest_items_across_providers(dsl, pupil):
    _history(pupil, events=40, removals=40)
    items = chronology_for(dsl, pupil, limit=30)
    assert len(items) == 30
    whens = [item.when for item in items]
    assert whens == sorted(whens, reverse=True)
    # Interleaved by time: the newest 30 of 80 are 15 events and 15 removals.
    assert sum("Removed from class" in item.title for item in items) == 15


def test_every_provider_query_is_limited_and_the_count_is_flat(dsl, pupil, school):
    from pastoral.tests.factories import PupilFactory

    quiet = PupilFactory(school=school)
    _history(quiet, events=2, removals=1)
    _history(pupil, events=120, removals=60)
    chronology_for(dsl, quiet, limit=25)  # the viewer's roles are read once and kept for the request
    with CaptureQueriesContext(connection) as few:
        chronology_for(dsl, quiet, limit=25)
    with CaptureQueriesContext(connection) as many:
        items = chronology_for(dsl, pupil, limit=25)
    assert len(items) == 25
    assert len(many) == len(few)
    for table in ("behaviour_behaviourevent", "behaviour_removal"):
        reads = [q["sql"] for q in many if f'FROM "{table}"' in q["sql"] and not q["sql"].startswith("SELECT EXISTS")]
        assert reads and all("LIMIT 25" in sql for sql in reads), table


def test_the_profile_shows_the_newest_fifty_and_pages_older(client, as_user, dsl, pupil):
    from django.urls import reverse

    _history(pupil, events=60, removals=0)
    as_user(dsl)
    url = reverse("pastoral:pupil_detail", args=[pupil.code])
    first = client.get(url)
    assert first.status_code == 200
    assert len(first.context["chronology"]) == 50
    older = client.get(f"{url}?{first.context['chronology_older_query']}")
    # The other ten events and the admission.
    assert len(older.context["chronology"]) == 11
    assert not older.context["chronology_older_query"]
