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


def _returned_by_provider(monkeypatch):
    from pastoral import chronology

    returned = {}

    def counted(name, provider):
        def ask(user, pupil, window):
            items = provider(user, pupil, window)
            returned[name] = len(items)
            return items

        return ask

    providers = {name: counted(name, provider) for name, provider in chronology.providers().items()}
    monkeypatch.setattr(chronology, "_PROVIDERS", providers)
    return returned


def test_once_the_page_is_full_later_areas_read_only_what_can_still_make_it(dsl, pupil, monkeypatch):
    from pastoral.chronology import Window, chronology_page

    now = timezone.now()
    events = [BehaviourEventFactory(pupil=pupil, occurred_at=now - datetime.timedelta(hours=n + 1)) for n in range(40)]
    for n in range(30):
        RemovalFactory(pupil=pupil, removed_at=now - datetime.timedelta(days=300, hours=n))
    returned = _returned_by_provider(monkeypatch)

    page = chronology_page(dsl, pupil, Window(limit=25))

    assert [item.url.rstrip("/").rsplit("/", 1)[-1] for item in page.items] == [str(e.code) for e in events[:25]]
    assert page.has_older
    # Behaviour events (asked second, after the pupil's own milestones) fill the page and one more; the removals,
    # all older than the 26th newest event, are then not even read.
    assert returned["behaviour"] == 26
    assert returned["behaviour_removals"] == 0


def test_an_item_newer_than_the_full_page_still_takes_its_place(dsl, pupil, monkeypatch):
    from pastoral.chronology import Window, chronology_page

    now = timezone.now()
    for n in range(40):
        BehaviourEventFactory(pupil=pupil, occurred_at=now - datetime.timedelta(hours=n + 1))
    newest = RemovalFactory(pupil=pupil, removed_at=now - datetime.timedelta(minutes=10))
    between = RemovalFactory(pupil=pupil, removed_at=now - datetime.timedelta(hours=10, minutes=30))
    RemovalFactory(pupil=pupil, removed_at=now - datetime.timedelta(days=300))
    returned = _returned_by_provider(monkeypatch)

    first = chronology_page(dsl, pupil, Window(limit=25))
    titles = [item.title for item in first.items]

    assert returned["behaviour_removals"] == 2
    assert len(first.items) == 25
    # The newest removal, ten events of the last ten hours, then the removal of ten and a half hours ago.
    assert "Removed from class" in titles[0] and "Removed from class" in titles[11]
    assert first.items[0].when == newest.removed_at and first.items[11].when == between.removed_at
    # Every item of the history comes exactly once across the pages, newest first.
    from pastoral.chronology import Cursor

    seen, window = list(first.items), Window(limit=25, older_than=Cursor.parse(first.older_cursor))
    while True:
        page = chronology_page(dsl, pupil, window)
        seen += page.items
        if not page.has_older:
            break
        window = Window(limit=25, older_than=Cursor.parse(page.older_cursor))
    dated = [item for item in seen if not item.pinned]
    assert len(dated) == len({(item.when, item.key) for item in dated}) == 43 + 1  # and the admission
    assert [item.when for item in dated] == sorted((item.when for item in dated), reverse=True)
