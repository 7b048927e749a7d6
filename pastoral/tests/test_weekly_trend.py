"""The weekly trend email: last week against the four before, counts and links only, rights re-checked."""

import datetime
import re
import uuid

import pytest
from django.core import mail
from django.utils import timezone

from behaviour.models import FollowUpAction, GovernorTask, Incident, Suspension
from behaviour.tests.factories import BehaviourCategoryFactory, BehaviourEventFactory, RemovalFactory
from behaviour.tests.interventions_helpers import make_intervention
from conftest import make_staff
from pastoral.accounts.roles import Role
from pastoral.celery import app
from pastoral.files import weekly_trend
from pastoral.models import Membership
from pastoral.tasks import send_weekly_trend_task, weekly_trend_task
from pastoral.tests.factories import PupilFactory
from safeguarding.models import CaseAction, Concern, ConcernCategory


def at(day, hour=11):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def weeks():
    return weekly_trend.weeks_ending(timezone.localdate())


@pytest.fixture
def school_week(school, pupil, other_school_pupil, pastoral_lead, teacher, weeks):
    """A week of behaviour at Northfield (and some at the sister school, which must never count)."""
    last_week, before = weeks[0][0], [start for start, _end in weeks[1:]]
    merit = BehaviourCategoryFactory(school=school, name="Merit", kind="positive", points=1)
    rude = BehaviourCategoryFactory(school=school, name="Rudeness", kind="negative", points=1)
    riser = PupilFactory(school=school, legal_first_name="Rhiannon", legal_last_name="Rising")
    for offset in range(3):  # three negative events in a fortnight, none before: a rising pupil
        BehaviourEventFactory(pupil=riser, category=rude, occurred_at=at(last_week + datetime.timedelta(days=offset)))
    BehaviourEventFactory(pupil=pupil, category=merit, occurred_at=at(last_week))
    BehaviourEventFactory(pupil=pupil, category=merit, occurred_at=at(last_week), voided_at=timezone.now())
    for _ in range(2):
        BehaviourEventFactory(pupil=pupil, category=merit, occurred_at=at(before[0]))
    BehaviourEventFactory(pupil=pupil, category=merit, occurred_at=at(before[3]))
    far = BehaviourCategoryFactory(school=other_school_pupil.school, kind="negative")
    BehaviourEventFactory(pupil=other_school_pupil, category=far, occurred_at=at(last_week))
    RemovalFactory(pupil=pupil, removed_at=at(before[1]), recorded_by=teacher)
    suspension = Suspension.objects.create(
        school=school,
        pupil=pupil,
        status=Suspension.Status.FINALISED,
        start_date=last_week + datetime.timedelta(days=1),
        length_units=2,
        summary="Fighting",
        recorded_by=pastoral_lead,
    )
    GovernorTask.objects.create(
        school=school,
        suspension=suspension,
        kind="notify",
        reason="Test",
        due_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    make_intervention(school, pupil, teacher, occurred_on=last_week)
    event = BehaviourEventFactory(pupil=pupil, category=rude, occurred_at=at(before[2]))
    incident = Incident.objects.create(
        school=school,
        group=event.group,
        antecedent="a",
        behaviour="b",
        dysregulated="no",
        recorded_by=teacher,
        submission_key=uuid.uuid4(),
    )
    FollowUpAction.objects.create(
        incident=incident,
        description="Call home",
        owner=teacher,
        due_on=timezone.localdate() - datetime.timedelta(days=3),
        created_by=teacher,
        submission_key=uuid.uuid4(),
    )
    return {"riser": riser}


def _line(body, label):
    match = re.search(rf"^- {re.escape(label)}: (.*)$", body, re.M)
    assert match, (label, body)
    return match.group(1)


def test_a_pastoral_lead_gets_the_figures_with_no_child_named(
    school, pupil, other_school_pupil, pastoral_lead, school_week, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://pastoral.example"
    with django_capture_on_commit_callbacks(execute=True):
        weekly_trend_task.delay()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [pastoral_lead.email] and school.name in message.subject
    body, html = message.body, message.alternatives[0][0]
    assert _line(body, "Positive events") == "1 (four weeks before: 2, 0, 0, 1; average 0.8), up"
    assert _line(body, "Negative events") == "3 (four weeks before: 0, 0, 1, 0; average 0.2), up"
    assert _line(body, "Removals from class") == "0 (four weeks before: 0, 1, 0, 0; average 0.2), down"
    assert _line(body, "Suspensions and exclusions starting").startswith("1 (four weeks before: 0, 0, 0, 0;")
    assert _line(body, "Physical interventions").startswith("1 (")
    assert "Pupils with rising negative behaviour: 1" in body
    assert _line(body, "Incident follow-up actions overdue").startswith("1 (https://pastoral.example/behaviour/")
    assert _line(body, "Governors' tasks overdue").startswith("1 (")
    assert _line(body, "Physical interventions: parents not yet told").startswith("1 (")
    assert _line(body, "Physical interventions: awaiting sign-off").startswith("1 (")
    assert "Safeguarding" not in body  # a pastoral lead does not read safeguarding
    assert "https://pastoral.example/behaviour/analytics/" in body and 'href="https://pastoral.example/' in html
    for person in (pupil, other_school_pupil, school_week["riser"]):
        for name in (person.legal_first_name, person.legal_last_name, person.display_name):
            assert name not in body and name not in html and name not in message.subject


def test_safeguarding_counts_only_for_a_lead_who_may_see_safeguarding(school, pupil, pastoral_lead, dsl, school_week):
    pastoral_lead.memberships.create(trust=school.trust, school=school, role=Role.DSL)
    category, _ = ConcernCategory.objects.get_or_create(school=school, name="Neglect")
    concern = Concern.objects.create(
        school=school,
        reporter=dsl,
        category=category,
        occurred_at=timezone.now(),
        account="Secret account of the disclosure",
        submission_key=uuid.uuid4(),
    )
    concern.pupils.set([pupil])
    CaseAction.objects.create(
        concern=concern,
        description="Ring social care",
        owner=dsl,
        due_on=timezone.localdate() - datetime.timedelta(days=2),
        created_by=dsl,
    )
    assert send_weekly_trend_task.delay(school.pk, pastoral_lead.pk).get() == "sent"
    body = mail.outbox[0].body
    assert _line(body, "Safeguarding actions overdue").startswith("1 (")
    assert "Secret account" not in body and "Ring social care" not in body and pupil.last_name not in body


def test_the_rights_are_checked_again_when_sending(school, pastoral_lead, teacher, school_week):
    assert send_weekly_trend_task.delay(school.pk, teacher.pk).get() == "skipped"
    Membership.objects.filter(user=pastoral_lead).update(ends_on=timezone.localdate() - datetime.timedelta(days=1))
    make_staff(school, Role.HEADTEACHER, "stillhere")
    assert send_weekly_trend_task.delay(school.pk, pastoral_lead.pk).get() == "skipped"
    assert mail.outbox == []


def test_only_the_given_schools_are_sent(school, sister_school, pastoral_lead, django_capture_on_commit_callbacks):
    other_lead = make_staff(sister_school, Role.PASTORAL_LEAD, "otherlead")
    with django_capture_on_commit_callbacks(execute=True):
        weekly_trend_task.delay([sister_school.pk])
    assert [message.to for message in mail.outbox] == [[other_lead.email]]


def test_it_is_scheduled_for_monday_morning():
    entry = app.conf.beat_schedule["weekly-trend-email"]
    assert entry["task"] == "pastoral.tasks.weekly_trend_task"
    schedule = entry["schedule"]
    assert schedule.hour == {7} and schedule.minute == {15} and schedule.day_of_week == {1}


def test_the_weeks_are_the_last_full_week_and_the_four_before():
    monday = datetime.date(2026, 11, 23)
    weeks = weekly_trend.weeks_ending(monday)
    assert weeks[0] == (datetime.date(2026, 11, 16), datetime.date(2026, 11, 23))
    assert weeks[-1] == (datetime.date(2026, 10, 19), datetime.date(2026, 10, 26))
    assert weekly_trend.weeks_ending(datetime.date(2026, 11, 25)) == weeks


def test_the_figures_take_a_fixed_number_of_queries(school, pupil, pastoral_lead, teacher, school_week, weeks):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        weekly_trend.build(pastoral_lead, school)
    rude = BehaviourCategoryFactory(school=school, kind="negative")
    for n in range(30):
        other = PupilFactory(school=school)
        BehaviourEventFactory(pupil=other, category=rude, occurred_at=at(weeks[n % 5][0]))
        RemovalFactory(pupil=other, removed_at=at(weeks[n % 5][0]), recorded_by=teacher)
        make_intervention(school, other, teacher, occurred_on=weeks[n % 5][0])
    with CaptureQueriesContext(connection) as many:
        weekly_trend.build(pastoral_lead, school)
    # 22: the behaviour lines read the school's "behaviour rising" rule for their figures, and count the earlier
    # weeks of the pupils with enough recent events in a second query.
    assert len(many.captured_queries) <= len(few.captured_queries) <= 22
