"""The pupil profile at a glance: the summary header, and the chronology filtered by area, dates and text and
paged by keyset, each filter pushed into every area's query."""

import datetime
import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from behaviour.tests.factories import BehaviourCategoryFactory, BehaviourEventFactory, RemovalFactory
from conftest import make_staff
from pastoral import chronology
from pastoral.accounts.roles import Role
from pastoral.models import AuditEntry, PupilNote

NOW = timezone.now()


def _events(pupil, count, *, start=None, kind="negative", points=2, step=datetime.timedelta(hours=5), text="Event"):
    category = BehaviourCategoryFactory(school=pupil.school, kind=kind, points=points)
    start = start or NOW - datetime.timedelta(days=300)
    return [
        BehaviourEventFactory(
            pupil=pupil, category=category, occurred_at=start + n * step, description=f"{text} {n:03d}"
        )
        for n in range(count)
    ]


def _profile(client, pupil, **params):
    response = client.get(reverse("pastoral:pupil_detail", args=[pupil.code]), params)
    assert response.status_code == 200
    return response


def _titles(response):
    return [item.title for item in response.context["chronology"]]


def _follow(client, pupil, query):
    response = client.get(reverse("pastoral:pupil_detail", args=[pupil.code]) + "?" + query)
    assert response.status_code == 200
    return response


# --- filters ------------------------------------------------------------------------------------------------------


def test_it_filters_the_chronology_by_area(client, as_user, pastoral_lead, pupil):
    _events(pupil, 3)
    PupilNote.objects.create(pupil=pupil, kind="observation", summary="Rang home about lunch", author=pastoral_lead)
    as_user(pastoral_lead)
    everything = _profile(client, pupil)
    assert {item.area for item in everything.context["chronology"]} >= {"behaviour", "contact log"}

    behaviour = _profile(client, pupil, area="behaviour")
    assert {item.area for item in behaviour.context["chronology"]} == {"behaviour"}
    assert len(behaviour.context["chronology"]) == 3
    pastoral = _profile(client, pupil, area="pastoral")
    assert "Rang home about lunch" in " ".join(_titles(pastoral))
    assert not any(item.area == "behaviour" for item in pastoral.context["chronology"])


def test_it_filters_the_chronology_by_dates(client, as_user, pastoral_lead, pupil):
    start = timezone.make_aware(datetime.datetime(2026, 3, 1, 10))
    _events(pupil, 10, start=start, step=datetime.timedelta(days=1))  # 1 to 10 March
    as_user(pastoral_lead)
    response = _profile(client, pupil, area="behaviour", **{"from": "2026-03-03", "to": "2026-03-05"})
    days = sorted(item.when.day for item in response.context["chronology"])
    assert days == [3, 4, 5]
    refused = _profile(client, pupil, **{"from": "2026-03-05", "to": "2026-03-03"})
    assert "on or after its start" in refused.content.decode()


def test_it_filters_the_chronology_by_text_in_every_area(client, as_user, pastoral_lead, pupil):
    _events(pupil, 4, text="Threw a chair")
    _events(pupil, 4, text="Talking")
    RemovalFactory(pupil=pupil, removed_at=NOW - datetime.timedelta(days=1), reason="Threw a chair again")
    PupilNote.objects.create(pupil=pupil, kind="observation", summary="Chair repaired", author=pastoral_lead)
    as_user(pastoral_lead)
    response = _profile(client, pupil, q="chair")
    items = response.context["chronology"]
    assert len(items) == 4 + 1 + 1
    assert all("chair" in (item.title + item.summary).lower() for item in items)
    assert "Nothing matches these filters" in _profile(client, pupil, q="zebra").content.decode()


def test_each_filter_is_pushed_into_the_providers_sql(dsl, pupil):
    _events(pupil, 5)
    window = chronology.Window(limit=3, text="Event", date_from=datetime.date(2020, 1, 1))
    with CaptureQueriesContext(connection) as captured:
        chronology.chronology_for(dsl, pupil, areas=["behaviour"], window=window)
    [sql] = [q["sql"] for q in captured if 'FROM "behaviour_behaviourevent"' in q["sql"] and "EXISTS (" not in q["sql"]]
    assert "LIKE" in sql.upper() and "LIMIT 3" in sql and '"occurred_at" >=' in sql


# --- keyset pages -------------------------------------------------------------------------------------------------


def test_it_pages_older_and_newer_by_keyset_without_gaps_or_repeats(client, as_user, pastoral_lead, pupil):
    # Two streams at the same moments: the cursor must order ties by stream and key.
    events = _events(pupil, 60, step=datetime.timedelta(hours=1))
    for event in events[::3]:
        RemovalFactory(pupil=pupil, removed_at=event.occurred_at)
    PupilNote.objects.create(pupil=pupil, kind="observation", summary="Admitted note", author=pastoral_lead)
    expected = [(item.when, item.key) for item in chronology.chronology_for(pastoral_lead, pupil, limit=500)]
    as_user(pastoral_lead)
    seen, pages, response = [], [], _profile(client, pupil)
    while True:
        pages.append(response)
        seen.extend((item.when, item.key) for item in response.context["chronology"])
        older = response.context["chronology_older_query"]
        if not older:
            break
        response = _follow(client, pupil, older)
    assert seen == expected
    assert len(pages) == 2 and len(pages[0].context["chronology"]) == 50
    assert not pages[0].context["chronology_newer_query"]
    # Back from the last page: the newer page is exactly the first one.
    newer = _follow(client, pupil, pages[-1].context["chronology_newer_query"])
    assert [(i.when, i.key) for i in newer.context["chronology"]] == expected[:50]
    assert not newer.context["chronology_newer_query"]


def test_a_page_deep_in_a_long_history_costs_what_the_first_costs(client, as_user, pastoral_lead, pupil):
    _events(pupil, 240, step=datetime.timedelta(hours=2))
    as_user(pastoral_lead)
    _profile(client, pupil)
    with CaptureQueriesContext(connection) as first:
        response = _profile(client, pupil)
    for _ in range(3):
        response = _follow(client, pupil, response.context["chronology_older_query"])
    with CaptureQueriesContext(connection) as deep:
        deeper = _follow(client, pupil, response.context["chronology_older_query"])
    assert len(deeper.context["chronology"]) == 41  # 240 events and the admission
    assert len(deep) == len(first)
    reads = [q["sql"] for q in deep if 'FROM "behaviour_behaviourevent"' in q["sql"] and "LIMIT" in q["sql"]]
    assert reads and all("LIMIT 51" in sql and "OFFSET" not in sql for sql in reads)


def test_a_tampered_cursor_starts_again_from_the_newest(client, as_user, pastoral_lead, pupil):
    _events(pupil, 3)
    as_user(pastoral_lead)
    response = _profile(client, pupil, older="not-a-cursor")
    assert len(response.context["chronology"]) == 4  # the three events and the admission


# --- the summary header -------------------------------------------------------------------------------------------


def test_the_cp_flag_is_shown_only_to_those_allowed(client, as_user, dsl, teacher, pupil):
    pupil.child_protection_plan = True
    pupil.child_in_need = True
    pupil.pupil_premium = True
    pupil.looked_after = True
    pupil.save()
    teacher_page = as_user(teacher).get(reverse("pastoral:pupil_detail", args=[pupil.code])).content.decode()
    assert "CP plan" not in teacher_page and ">CIN<" not in teacher_page
    assert ">CLA<" in teacher_page and ">PP<" in teacher_page
    dsl_page = as_user(dsl).get(reverse("pastoral:pupil_detail", args=[pupil.code])).content.decode()
    assert "CP plan" in dsl_page and ">CIN<" in dsl_page


def test_the_sparkline_numbers_are_the_raw_event_counts(client, as_user, pastoral_lead, pupil, school):
    negative = BehaviourCategoryFactory(school=school, kind="negative", points=3)
    positive = BehaviourCategoryFactory(school=school, kind="positive", points=2)
    # Weeks oldest first: 1, 0, 2, 3 negative events; 2 positive points in the newest week; one voided and one
    # older than four weeks, neither counted.
    for days_ago, category in [
        (25, negative),
        (10, negative),
        (9, negative),
        (1, negative),
        (2, negative),
        (3, negative),
        (1, positive),
        (40, negative),
    ]:
        BehaviourEventFactory(pupil=pupil, category=category, occurred_at=NOW - datetime.timedelta(days=days_ago))
    BehaviourEventFactory(pupil=pupil, category=negative, occurred_at=NOW - datetime.timedelta(days=1), voided_at=NOW)
    as_user(pastoral_lead)
    figures = {f.label: f for f in _profile(client, pupil).context["figures"].behaviour}
    negatives = figures["Negative events"]
    assert negatives.weeks == (1, 0, 2, 3) and negatives.value == 6
    assert figures["Behaviour points"].weeks == (-3, 0, -6, -9 + 2)
    page = _profile(client, pupil).content.decode()
    assert "Negative events by week, oldest first: 1, 0, 2, 3" in page
    [points] = re.findall(r'<svg class="sparkline"[^>]*>\s*<polyline points="([^"]+)"', page)[1:2] or [None]
    assert points is not None and len(points.split()) == 4


def test_the_summary_shows_keyworker_open_actions_and_attendance(client, as_user, pastoral_lead, pupil, school):
    from behaviour.incidents.models import FollowUpAction, Incident

    event = _events(pupil, 1)[0]
    incident = Incident.objects.create(
        school=school,
        group=uuid.uuid4(),
        antecedent="x",
        behaviour="Threw a chair",
        dysregulated="yes",
        recorded_by=pastoral_lead,
        submission_key=uuid.uuid4(),
    )
    incident.events.add(event)
    incident.pupils.add(pupil)
    for done in (None, None, NOW):
        FollowUpAction.objects.create(
            incident=incident,
            description="Call home",
            owner=pastoral_lead,
            due_on=timezone.localdate(),
            done_at=done,
            created_by=pastoral_lead,
            submission_key=uuid.uuid4(),
        )
    pupil.keyworker = pastoral_lead
    pupil.save()
    as_user(pastoral_lead)
    response = _profile(client, pupil)
    assert response.context["figures"].open_actions == 2
    page = response.content.decode()
    assert "Open actions" in page and "2 incident follow-up" in page
    assert str(pastoral_lead) in page


def test_a_teacher_sees_tabs_only_for_the_areas_they_may_read(client, as_user, teacher, dsl, pupil):
    teacher_tabs = [tab.area for tab in as_user(teacher).get(_url(pupil)).context["chronology_tabs"]]
    assert "safeguarding" not in teacher_tabs and "behaviour" in teacher_tabs
    dsl_page = as_user(dsl).get(_url(pupil), {"area": "safeguarding"})
    tabs = dsl_page.context["chronology_tabs"]
    assert [tab.current for tab in tabs if tab.area == "safeguarding"] == [True]
    assert 'aria-current="page">Safeguarding<' in dsl_page.content.decode()
    # An area the viewer may not read is no filter at all: an error beside the field, and nothing else shown.
    refused = as_user(teacher).get(_url(pupil), {"area": "safeguarding"})
    assert refused.status_code == 200 and refused.context["chronology_form"].errors


def _url(pupil):
    return reverse("pastoral:pupil_detail", args=[pupil.code])


# --- audit and query counts -------------------------------------------------------------------------------------


def test_the_read_is_audited_with_the_safeguarding_and_medical_entries_shown(client, as_user, school, pupil):
    from medical.tests.factories import ConditionFactory
    from safeguarding.models import Concern
    from safeguarding.services import categories_ensure

    dsl = make_staff(school, Role.DSL, "dsl2")
    category = categories_ensure(school)[0]
    for _ in range(2):
        concern = Concern.objects.create(
            school=school,
            reporter=dsl,
            category=category,
            occurred_at=NOW - datetime.timedelta(days=1),
            account="Seen",
            submission_key=uuid.uuid4(),
        )
        concern.pupils.set([pupil])
    medic = make_staff(school, Role.MEDICAL_LEAD, "medic2")
    ConditionFactory(pupil=pupil, recorded_by=medic)
    as_user(dsl)
    response = _profile(client, pupil, area="safeguarding")
    assert {item.area for item in response.context["chronology"]} == {"safeguarding"}
    entry = AuditEntry.objects.filter(action="pastoral.pupil.viewed", actor=dsl, pupil=pupil).latest("pk")
    assert entry.data == {"shown": {"safeguarding": 2}}
    as_user(medic)
    response = _profile(client, pupil, area="medical", q="asthma")
    assert [item.area for item in response.context["chronology"]] == ["medical"]
    entry = AuditEntry.objects.filter(action="pastoral.pupil.viewed", actor=medic, pupil=pupil).latest("pk")
    assert entry.data == {"shown": {"medical": 1}}
    # A page without them says nothing more than that the profile was read.
    _profile(client, pupil, area="behaviour")
    assert AuditEntry.objects.filter(action="pastoral.pupil.viewed", actor=medic).latest("pk").data == {}


def test_the_profile_costs_the_same_for_any_history(
    client, as_user, pastoral_lead, pupil, django_assert_max_num_queries
):
    as_user(pastoral_lead)
    # The same areas before and after (an area with no rows for the pupil is not asked at all): only the size of
    # the history grows.
    _events(pupil, 2)
    RemovalFactory(pupil=pupil)
    _profile(client, pupil)
    # The lead's profile is pinned at 60 with attendance (pastoral/tests/test_attendance_lists.py); the header
    # (behaviour figures, open actions) adds a fixed three.
    counts = {}
    for name, params in {"plain": {}, "filtered": {"q": "Event", "area": "behaviour"}}.items():
        with django_assert_max_num_queries(60) as short:
            _profile(client, pupil, **params)
        counts[name] = len(short.captured_queries)
    _events(pupil, 150)
    RemovalFactory.create_batch(30, pupil=pupil)
    for name, params in {"plain": {}, "filtered": {"q": "Event", "area": "behaviour"}}.items():
        with django_assert_max_num_queries(counts[name]):
            _profile(client, pupil, **params)


@pytest.mark.parametrize("area", ["behaviour", "pastoral", "medical", "provision", "safeguarding"])
def test_every_area_filter_opens(client, as_user, dsl, pupil, area):
    as_user(dsl)
    client.get(_url(pupil), {"area": area, "q": "x", "from": "2020-01-01", "to": "2030-01-01"})


def test_dated_entries_of_one_day_page_exactly_beside_timed_ones(client, as_user, pastoral_staff, pupil):
    """Pupil voice is dated by day (shown at 08:00); events logged at exactly that moment tie with it. Sixty of
    each over two days page through without a gap or a repeat, and back again."""
    from provision.tests.outcome_factories import voice

    for n in range(60):
        voice(pastoral_staff, pupil, said=f"Voice {n}", days_ago=n % 2)
    category = BehaviourCategoryFactory(school=pupil.school, kind="negative")
    for n in range(60):
        day = timezone.localdate() - datetime.timedelta(days=n % 2)
        BehaviourEventFactory(pupil=pupil, category=category, occurred_at=chronology.as_datetime(day))
    everything = chronology.chronology_for(pastoral_staff, pupil, limit=500)
    expected = [(item.when, item.key) for item in everything if item.area in ("voice", "behaviour")]
    assert len(expected) == 120
    as_user(pastoral_staff)
    seen, response, pages = [], _profile(client, pupil), []
    while True:
        pages.append(response)
        seen.extend((i.when, i.key) for i in response.context["chronology"] if i.area in ("voice", "behaviour"))
        if not response.context["chronology_older_query"]:
            break
        response = _follow(client, pupil, response.context["chronology_older_query"])
    assert seen == expected and len(pages) == 3
    back = _follow(client, pupil, pages[-1].context["chronology_newer_query"])
    assert [(i.when, i.key) for i in back.context["chronology"]] == [
        (i.when, i.key) for i in pages[1].context["chronology"]
    ]


def test_open_safeguarding_actions_count_only_for_readers_of_concerns(client, as_user, school, teacher, pupil):
    from safeguarding.models import CaseAction, Concern
    from safeguarding.services import categories_ensure

    dsl = make_staff(school, Role.DSL, "dsl3")
    concern = Concern.objects.create(
        school=school,
        reporter=dsl,
        category=categories_ensure(school)[0],
        occurred_at=NOW,
        account="Seen",
        submission_key=uuid.uuid4(),
    )
    concern.pupils.set([pupil])
    for done in (None, NOW):
        CaseAction.objects.create(
            concern=concern,
            description="Ring social care",
            owner=dsl,
            due_on=timezone.localdate(),
            created_by=dsl,
            done_at=done,
        )
    assert "1 safeguarding" in as_user(dsl).get(_url(pupil)).content.decode()
    teacher_page = as_user(teacher).get(_url(pupil))
    assert teacher_page.context["figures"].open_actions == 0 and "safeguarding)" not in teacher_page.content.decode()
