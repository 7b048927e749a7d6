"""The pupil profile asks a chronology provider, a card or a summary figure only when the pupil has a row in one of
its declared sources (pastoral.presence). A source list that missed a table would hide a record from the profile,
so every declared list is checked against the demo data: a pupil with no row in a provider's sources gets nothing
from it, whoever looks, and a pupil with rows does get something (so the check has something to find)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pastoral import chronology, demo, presence, profile_summary, pupil_cards, request_cache
from pastoral.accounts.roles import Role
from pastoral.chronology import Window
from pastoral.models import Membership, Pupil, School

VIEWERS = [Role.HEADTEACHER, Role.DSL, Role.SENCO, Role.MEDICAL_LEAD, Role.PASTORAL_LEAD, Role.AP_COORDINATOR]


def _pupils_with_rows(keys):
    ids = set()
    with connection.cursor() as cursor:
        for key in keys:
            cursor.execute(presence.pupil_ids_sql(key))
            ids.update(row[0] for row in cursor.fetchall())
    return ids


def _declared():
    """(kind, name, ask(viewer, pupil) -> what it shows, source keys) for every provider that declares sources."""
    window = Window(limit=50)
    for name, provider in chronology.providers().items():
        if chronology.sources_of(name):
            yield name, (lambda v, p, f=provider, n=name: f(v, p, window.for_provider(n))), chronology.sources_of(name)
    for name, provider in pupil_cards.providers().items():
        if pupil_cards.sources_of(name):
            yield f"card {name}", provider, pupil_cards.sources_of(name)
    weeks = profile_summary.last_weeks()
    for name, provider in profile_summary.providers().items():
        if profile_summary.sources_of(name):
            yield f"figure {name}", (lambda v, p, f=provider: f(v, p, weeks)), profile_summary.sources_of(name)


@pytest.mark.django_db
def test_a_pupil_without_rows_in_a_providers_sources_gets_nothing_from_it_and_one_with_rows_does():
    demo.seed_demo()
    school = School.objects.get(name="Northfield Academy")
    viewers = [
        membership.user
        for role in VIEWERS
        if (membership := Membership.objects.filter(school=school, role=role).select_related("user").first())
    ]
    assert len(viewers) == len(VIEWERS)
    checked = []
    for name, ask, keys in _declared():
        with_rows = _pupils_with_rows(keys)
        without = list(Pupil.objects.filter(school=school).exclude(pk__in=with_rows).order_by("pk")[:25])
        assert without, name
        for pupil in without:
            for viewer in viewers:
                assert not ask(viewer, pupil), (name, pupil.pk, viewer.username)
        candidates = Pupil.objects.filter(school=school, pk__in=with_rows).order_by("pk")[:40]
        assert any(ask(viewer, pupil) for pupil in candidates for viewer in viewers), (
            f"the demo data shows nothing for {name}: the check would prove nothing"
        )
        checked.append(name)
    assert len(checked) >= 22, checked


@pytest.mark.django_db
def test_a_pupil_with_no_records_costs_one_query_for_every_declared_area(school, headteacher, pupil):
    def untouched(read, keys):
        with CaptureQueriesContext(connection) as queries:
            result = read()
        touched = " ".join(query["sql"] for query in queries.captured_queries if "EXISTS (" not in query["sql"])
        assert keys and not [key[0] for key in keys if f'FROM "{key[0]}"' in touched]
        return result

    chronology_keys = {key for name in chronology.providers() for key in chronology.sources_of(name)}
    page = untouched(lambda: chronology.chronology_page(headteacher, pupil, Window(limit=50)), chronology_keys)
    assert all(item.pinned or item.area == "pastoral" for item in page.items)
    card_keys = {key for name in pupil_cards.providers() for key in pupil_cards.sources_of(name)}
    untouched(lambda: pupil_cards.cards_for(headteacher, pupil), card_keys)
    figure_keys = {key for name in profile_summary.providers() for key in profile_summary.sources_of(name)}
    untouched(lambda: profile_summary.figures_for(headteacher, pupil), figure_keys)


@pytest.mark.django_db
def test_presence_is_asked_once_per_request_and_a_write_in_it_is_seen(school, headteacher, pupil):
    from behaviour.tests.factories import BehaviourEventFactory

    token = request_cache.begin()
    try:
        with CaptureQueriesContext(connection) as queries:
            chronology.chronology_page(headteacher, pupil, Window(limit=50))
            pupil_cards.cards_for(headteacher, pupil)
            profile_summary.figures_for(headteacher, pupil)
        assert sum("EXISTS (" in query["sql"] for query in queries.captured_queries) == 1
        assert not [item for item in chronology.chronology_for(headteacher, pupil) if item.area == "behaviour"]
        BehaviourEventFactory(pupil=pupil, school=school)
        assert [item for item in chronology.chronology_for(headteacher, pupil) if item.area == "behaviour"]
    finally:
        request_cache.end(token)
