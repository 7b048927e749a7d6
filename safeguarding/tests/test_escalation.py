"""Urgent concerns left unopened escalate themselves on the school-day clock; unassigned ones turn red."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from pastoral.calendar.school_days import SchoolCalendar
from pastoral.models import AuditEntry
from safeguarding import escalation, services
from safeguarding.models import Concern, EscalationPolicy, Notification

# A Friday and the Monday after it (no terms set up: every weekday is a school day).
FRIDAY = datetime.date(2026, 11, 27)
MONDAY = datetime.date(2026, 11, 30)


def at(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def test_the_clock_counts_only_school_hours_on_school_days():
    calendar = SchoolCalendar([], [], weekdays_without_terms=True)
    policy = EscalationPolicy()  # 08:30 to 16:00
    # Friday 15:30 to Monday 09:00: 30 minutes on Friday, 30 on Monday; the weekend and the night count nothing.
    assert escalation.school_minutes_between(calendar, policy, at(FRIDAY, 15, 30), at(MONDAY, 9, 0)) == 60
    # Raised before school opens: the clock starts at 08:30.
    assert escalation.school_minutes_between(calendar, policy, at(MONDAY, 7, 0), at(MONDAY, 8, 45)) == 15
    assert escalation.school_minutes_between(calendar, policy, at(FRIDAY, 17, 0), at(MONDAY, 8, 0)) == 0


@pytest.mark.django_db
def test_an_urgent_concern_unopened_past_the_time_is_escalated_once_to_deputies_and_head(
    make_concern, dsl, deputy_dsl, headteacher, reporter, django_capture_on_commit_callbacks
):
    concern = make_concern(urgent=True, reported_at=at(MONDAY, 9, 0))
    with django_capture_on_commit_callbacks(execute=True):
        assert escalation.escalate_due(now=at(MONDAY, 9, 59)) == []
        assert escalation.escalate_due(now=at(MONDAY, 10, 0)) == [concern.pk]
        assert escalation.escalate_due(now=at(MONDAY, 10, 5)) == []
    concern.refresh_from_db()
    assert concern.escalated_at == at(MONDAY, 10, 0)
    told = set(Notification.objects.filter(concern=concern).values_list("recipient__username", flat=True))
    assert told == {deputy_dsl.username, headteacher.username}
    assert sorted(message.to[0] for message in mail.outbox) == sorted([deputy_dsl.email, headteacher.email])
    for message in mail.outbox:
        assert message.subject.startswith("URGENT")
        assert concern.reference in message.body
        for pupil in concern.pupils.all():
            assert pupil.legal_last_name not in message.body and pupil.legal_first_name not in message.body
    entry = AuditEntry.objects.get(action="safeguarding.concern.escalated")
    assert entry.data["told"] == 2 and entry.object_id == str(concern.pk)


@pytest.mark.django_db
def test_the_clock_waits_overnight_and_stops_when_a_dsl_opens_the_concern(
    client, as_user, make_concern, dsl, deputy_dsl, headteacher
):
    overnight = make_concern(urgent=True, reported_at=at(FRIDAY, 15, 30))
    assert escalation.escalate_due(now=at(MONDAY, 8, 55)) == []
    assert escalation.escalate_due(now=at(MONDAY, 9, 0)) == [overnight.pk]

    opened = make_concern(urgent=True, reported_at=at(MONDAY, 9, 0))
    as_user(headteacher)
    client.get(reverse("safeguarding:concern_detail", args=[opened.code]))
    opened.refresh_from_db()
    assert opened.first_opened_at is None  # a head reading it does not stop the clock
    as_user(dsl)
    assert client.get(reverse("safeguarding:concern_detail", args=[opened.code])).status_code == 200
    opened.refresh_from_db()
    assert opened.first_opened_at is not None
    not_urgent = make_concern(urgent=False, reported_at=at(MONDAY, 9, 0))
    assert escalation.escalate_due(now=at(MONDAY, 15, 0)) == []
    assert not Concern.objects.filter(pk__in=[opened.pk, not_urgent.pk], escalated_at__isnull=False).exists()


@pytest.mark.django_db
def test_the_school_sets_its_own_time_and_hours(client, as_user, make_concern, dsl, deputy_dsl, school):
    as_user(dsl)
    url = reverse("safeguarding:escalation_settings")
    bad = client.post(url, {"urgent_unopened_minutes": "30", "day_starts": "16:00", "day_ends": "08:00"})
    assert bad.status_code == 200
    assert "The school day must end after it starts." in bad.content.decode()
    assert 'value="30"' in bad.content.decode()
    assert not EscalationPolicy.objects.exists()
    response = client.post(url, {"urgent_unopened_minutes": "30", "day_starts": "08:00", "day_ends": "15:30"})
    assert response.status_code == 302
    policy = EscalationPolicy.objects.get(school=school)
    assert (policy.urgent_unopened_minutes, policy.day_starts) == (30, datetime.time(8, 0))
    assert AuditEntry.objects.get(action="safeguarding.escalation.changed").data["to"]["minutes"] == 30
    concern = make_concern(urgent=True, reported_at=at(MONDAY, 8, 0))
    assert escalation.escalate_due(now=at(MONDAY, 8, 29)) == []
    assert escalation.escalate_due(now=at(MONDAY, 8, 30)) == [concern.pk]


@pytest.mark.django_db
def test_a_concern_unassigned_a_school_day_after_it_was_raised_is_red_with_its_age(
    client, as_user, make_concern, dsl, school
):
    now = timezone.now()
    waiting = make_concern(reported_at=now - datetime.timedelta(days=4))
    fresh = make_concern(reported_at=now)
    services.concern_opened(actor=dsl, concern=waiting)
    as_user(dsl)
    page = client.get(reverse("safeguarding:dashboard")).content.decode()
    assert page.count("Unassigned over a school day") == 1
    row = page[page.index(waiting.reference) :]
    assert "4 days" in row[: row.index("</tr>")]
    from safeguarding.dashboard import overdue_counts

    assert overdue_counts(dsl, school)["unassigned"] == 1
    assert fresh.owner_id is None


@pytest.mark.django_db
def test_the_sweep_is_on_the_beat_schedule():
    from pastoral.celery import app

    entry = app.conf.beat_schedule["safeguarding-escalation"]
    assert entry["task"] == "safeguarding.tasks.escalate_unopened_urgent_task"
