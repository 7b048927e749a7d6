"""The daily counts behind analytics stay equal to counting the raw events, whatever writes them."""

import datetime
import random
import uuid

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from behaviour.analytics import selectors as analytics
from behaviour.models import BehaviourEvent, EventDayCount, PupilRole
from conftest import verified_client
from pastoral.tests.factories import PupilFactory

from .factories import BehaviourCategoryFactory, BehaviourEventFactory, LocationFactory

START = datetime.date(2026, 9, 1)
END = datetime.date(2026, 12, 18)
PERIODS = ["P1", " p1 ", "P2", "Break", "Lunch", "P5", "", "Registration"]


def local(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def raw_and_counted(user, filters):
    counted = analytics.figures_for(user, filters)
    assert counted.counts is not None
    raw = analytics.Figures(counted.events, filters)
    return raw, counted


def assert_same(raw, counted):
    assert counted.totals() == raw.totals()
    assert counted.weekly() == raw.weekly()
    assert counted.heat_map() == raw.heat_map()
    assert counted.by_location() == raw.by_location()
    assert counted.by_category() == raw.by_category()
    assert counted.by_role() == raw.by_role()
    assert counted.per_school() == raw.per_school()


def table():
    return sorted(
        EventDayCount.objects.filter(tally__gt=0).values_list(
            "school_id", "facet", "day", "category_id", "location_id", "period", "hour", "role", "tally"
        ),
        key=repr,
    )


@pytest.fixture
def busy_term(school, sister_school):
    """Three hundred events in two schools with every kind of write the app makes: single and bulk inserts,
    corrections of category, time, place, period and role, voids, and deletes; every role appears."""
    rng = random.Random(13)
    made = []
    for place in (school, sister_school):
        categories = [
            BehaviourCategoryFactory(school=place, name=f"Praise {n}", kind="positive", points=n + 1) for n in range(3)
        ] + [
            BehaviourCategoryFactory(school=place, name=f"Disruption {n}", kind="negative", points=n + 2)
            for n in range(3)
        ]
        locations = [LocationFactory(school=place, name=name) for name in ("Corridor", "Canteen", "Field")] + [None]
        pupils = [PupilFactory(school=place, year_group=7 + n % 5) for n in range(12)]
        for _ in range(120):
            day = START + datetime.timedelta(days=rng.randrange((END - START).days + 1))
            # Late evening events fall on the next UTC day in summer time: the count keeps the local day.
            hour = rng.choice([8, 9, 10, 12, 14, 23])
            made.append(
                BehaviourEventFactory(
                    school=place,
                    pupil=rng.choice(pupils),
                    category=rng.choice(categories),
                    location=rng.choice(locations),
                    period=rng.choice(PERIODS),
                    occurred_at=local(day, hour, rng.randrange(60)),
                    role=rng.choice(PupilRole.values),
                )
            )
        # A bulk insert (one statement, as a multi-pupil quick log makes).
        template, key = made[-1], uuid.uuid4()
        made += BehaviourEvent.objects.bulk_create(
            BehaviourEvent(
                school=place,
                pupil=pupil,
                category=categories[0],
                occurred_at=local(START + datetime.timedelta(days=20), 10),
                period="P2",
                description="Whole-class praise",
                recorded_by=template.recorded_by,
                submission_key=key,
                role=PupilRole.TARGET if index % 3 else PupilRole.INVOLVED,
            )
            for index, pupil in enumerate(pupils)
        )
        for event in rng.sample(made[-100:], 15):
            event.category = rng.choice(categories)
            event.occurred_at = event.occurred_at + datetime.timedelta(days=rng.choice([-3, 2, 40]))
            event.location = rng.choice(locations)
            event.period = rng.choice(PERIODS)
            event.role = rng.choice(PupilRole.values)
            event.save()
        # A change of role alone moves the event between the role facet's rows, and nothing else.
        for event in made[-30:-25]:
            BehaviourEvent.objects.filter(pk=event.pk).update(role=PupilRole.INSTIGATOR)
        voided = [event.pk for event in rng.sample(made[-100:], 10)]
        BehaviourEvent.objects.filter(pk__in=voided).update(voided_at=timezone.now())
    BehaviourEvent.objects.filter(pk__in=[event.pk for event in made[::37]]).delete()
    return made


def test_it_gives_the_same_figures_as_the_raw_events_for_one_school(headteacher, school, busy_term):
    for start, end in [(START, END), (START, START + datetime.timedelta(days=6)), (END, END)]:
        assert_same(*raw_and_counted(headteacher, analytics.Filters([school.pk], start, end)))


def test_it_gives_the_same_figures_as_the_raw_events_for_a_trust(trust_leader, school, sister_school, busy_term):
    raw, counted = raw_and_counted(trust_leader, analytics.Filters([school.pk, sister_school.pk], START, END))
    assert_same(raw, counted)
    in_range = BehaviourEvent.objects.filter(voided_at__isnull=True, occurred_at__date__range=(START, END))
    assert raw.totals()["events"] == in_range.count() > 200


def test_it_counts_only_the_schools_the_user_may_see(headteacher, school, sister_school, busy_term):
    counted = analytics.figures_for(headteacher, analytics.Filters([school.pk, sister_school.pk], START, END))
    mine = BehaviourEvent.objects.filter(
        school=school, voided_at__isnull=True, occurred_at__date__range=(START, END)
    ).count()
    assert counted.totals()["events"] == mine
    assert set(counted.per_school()) == {school.pk}


def test_it_reads_the_events_when_a_filter_is_not_in_the_counts(headteacher, school, busy_term):
    for extra in [{"year_group": 8}, {"kind": "negative"}, {"location": "Field"}, {"gender": "F"}]:
        figures = analytics.figures_for(headteacher, analytics.Filters([school.pk], START, END, **extra))
        assert figures.counts is None


def test_it_rebuilds_exactly_what_the_triggers_kept(busy_term):
    kept = table()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE behaviour_eventdaycount SET tally = tally + 5")
    call_command("rebuild_behaviour_counts")
    assert table() == kept
    assert kept


def test_it_keeps_late_evening_events_on_their_local_day(headteacher, school):
    category = BehaviourCategoryFactory(school=school, kind="negative")
    BehaviourEventFactory(school=school, category=category, occurred_at=local(datetime.date(2026, 10, 5), 23, 30))
    [row] = EventDayCount.objects.filter(facet=EventDayCount.Facet.CATEGORY)
    assert (row.day, row.tally) == (datetime.date(2026, 10, 5), 1)
    [slot] = EventDayCount.objects.filter(facet=EventDayCount.Facet.SLOT)
    assert slot.hour == 23


def test_it_takes_a_voided_event_out_of_the_counts(headteacher, school):
    category = BehaviourCategoryFactory(school=school, kind="negative")
    event = BehaviourEventFactory(school=school, category=category, occurred_at=local(START, 10))
    assert EventDayCount.objects.get(facet=EventDayCount.Facet.CATEGORY).tally == 1
    event.voided_at = timezone.now()
    event.save()
    assert EventDayCount.objects.get(facet=EventDayCount.Facet.CATEGORY).tally == 0
    figures = analytics.figures_for(headteacher, analytics.Filters([school.pk], START, END))
    assert figures.totals()["events"] == 0
    assert figures.by_category() == []


def test_the_analytics_page_shows_the_counted_figures(client, headteacher, school, busy_term):
    live = BehaviourEvent.objects.filter(school=school, voided_at__isnull=True, occurred_at__date__range=(START, END))
    response = verified_client(client, headteacher).get(
        reverse("behaviour:analytics"), {"start": START.isoformat(), "end": END.isoformat()}
    )
    assert response.status_code == 200
    assert response.context["totals"]["events"] == live.count()


def test_it_counts_roles_as_the_events_have_them(headteacher, school, busy_term):
    counted = analytics.figures_for(headteacher, analytics.Filters([school.pk], START, END))
    live = BehaviourEvent.objects.filter(school=school, voided_at__isnull=True, occurred_at__date__range=(START, END))
    by_role = {row["value"]: row for row in counted.by_role()}
    assert list(by_role) == PupilRole.values
    for role in PupilRole.values:
        assert by_role[role]["events"] == live.filter(role=role).count() > 0
        assert by_role[role]["negative"] == live.filter(role=role, category__kind="negative").count()
    assert sum(row["events"] for row in by_role.values()) == counted.totals()["events"]


def test_it_reads_the_events_for_one_role(headteacher, school, busy_term):
    filters = analytics.Filters([school.pk], START, END, role=PupilRole.TARGET)
    figures = analytics.figures_for(headteacher, filters)
    assert figures.counts is None
    live = BehaviourEvent.objects.filter(
        school=school, voided_at__isnull=True, occurred_at__date__range=(START, END), role=PupilRole.TARGET
    )
    assert figures.totals()["events"] == live.count() > 0
    assert [row["events"] for row in figures.by_role() if row["value"] != PupilRole.TARGET] == [0, 0, 0, 0]


def test_a_change_of_role_moves_the_count(headteacher, school):
    category = BehaviourCategoryFactory(school=school, kind="negative")
    event = BehaviourEventFactory(school=school, category=category, occurred_at=local(START, 10))
    [row] = EventDayCount.objects.filter(facet=EventDayCount.Facet.ROLE)
    assert (row.role, row.category_id, row.tally) == (PupilRole.INVOLVED, category.pk, 1)
    event.role = PupilRole.INSTIGATOR
    event.save()
    tallies = dict(EventDayCount.objects.filter(facet=EventDayCount.Facet.ROLE).values_list("role", "tally"))
    assert tallies == {PupilRole.INVOLVED: 0, PupilRole.INSTIGATOR: 1}
    assert EventDayCount.objects.get(facet=EventDayCount.Facet.CATEGORY).tally == 1
