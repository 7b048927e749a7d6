"""Sensitive behaviour categories: the pastoral and DSL teams read those events; other staff only the ones they
logged. The rule lives in events_visible_to, so every list, export, chronology and figure inherits it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from behaviour.analytics.selectors import Filters, events_for, figures_for, per_pupil
from behaviour.events.chronology import events_for_chronology
from behaviour.events.selectors import events_visible_to
from conftest import make_staff
from pastoral.accounts import access
from pastoral.accounts.roles import Role
from pastoral.models import AuditEntry
from pastoral.tests.export_helpers import export_csv

from .factories import BehaviourCategoryFactory, BehaviourEventFactory

TEAM = ["headteacher", "dsl", "deputy_dsl", "pastoral_lead", "pastoral_staff", "senco"]


@pytest.fixture
def sensitive(school):
    return BehaviourCategoryFactory(school=school, name="Sexualised behaviour", kind="negative", sensitive=True)


@pytest.fixture
def events(pupil, dsl, teacher, sensitive, disruption):
    return {
        "theirs": BehaviourEventFactory(
            pupil=pupil, category=sensitive, recorded_by=dsl, description="Sensitive, logged by the DSL"
        ),
        "mine": BehaviourEventFactory(
            pupil=pupil, category=sensitive, recorded_by=teacher, description="Sensitive, logged by the teacher"
        ),
        "plain": BehaviourEventFactory(
            pupil=pupil, category=disruption, recorded_by=dsl, description="Talking over the teacher"
        ),
    }


@pytest.mark.parametrize("role", TEAM)
def test_the_pastoral_and_dsl_teams_hold_the_permission(request, school, role):
    user = request.getfixturevalue(role)
    assert access.has_school_perm(user, school, "behaviour.view_sensitive_event")


def test_teachers_and_other_roles_do_not(teacher, trust_leader, school):
    medical = make_staff(school, Role.MEDICAL_LEAD, "firstaider")
    for user in (teacher, trust_leader, medical):
        assert not access.has_school_perm(user, school, "behaviour.view_sensitive_event")


@pytest.mark.parametrize("role", TEAM)
def test_the_team_reads_every_sensitive_event(request, events, role):
    user = request.getfixturevalue(role)
    assert set(events_visible_to(user)) == set(events.values())


def test_a_teacher_reads_only_the_sensitive_event_they_logged(client, as_user, teacher, pupil, events):
    assert set(events_visible_to(teacher)) == {events["mine"], events["plain"]}
    as_user(teacher)
    listing = client.get(reverse("behaviour:event_list")).content.decode()
    assert str(events["mine"].code) in listing and str(events["plain"].code) in listing
    assert str(events["theirs"].code) not in listing
    # Not "forbidden" but not found: the event is absent for them, as on the list.
    assert client.get(reverse("behaviour:event_detail", args=[events["theirs"].code])).status_code == 404
    assert client.get(reverse("behaviour:event_edit", args=[events["theirs"].code])).status_code == 404
    detail = client.get(reverse("behaviour:event_detail", args=[events["mine"].code]))
    assert detail.status_code == 200 and "A sensitive category" in detail.content.decode()
    titles = [item.summary for item in events_for_chronology(teacher, pupil, 200)]
    assert len(titles) == 2 and not any("logged by the DSL" in title for title in titles)
    profile = client.get(reverse("pastoral:pupil_detail", args=[pupil.code])).content.decode()
    assert "Sensitive, logged by the teacher" in profile and "Sensitive, logged by the DSL" not in profile


def test_a_linked_sensitive_event_is_not_named_on_the_teachers_copy(client, as_user, teacher, school, events):
    other = BehaviourEventFactory(
        pupil__school=school, category=events["theirs"].category, recorded_by=events["theirs"].recorded_by
    )
    other.group = events["plain"].group
    other.save()
    as_user(teacher)
    page = client.get(reverse("behaviour:event_detail", args=[events["plain"].code])).content.decode()
    assert str(other.code) not in page


def test_pastoral_staff_read_the_sensitive_events_on_the_profile(client, as_user, pastoral_staff, pupil, events):
    as_user(pastoral_staff)
    profile = client.get(reverse("pastoral:pupil_detail", args=[pupil.code])).content.decode()
    assert "Sensitive, logged by the teacher" in profile and "Sensitive, logged by the DSL" in profile
    assert client.get(reverse("behaviour:event_detail", args=[events["theirs"].code])).status_code == 200


def test_the_csv_follows_the_same_rule(
    client, as_user, teacher, pastoral_staff, events, django_capture_on_commit_callbacks
):
    as_user(teacher)
    rows = export_csv(client, django_capture_on_commit_callbacks, teacher, "behaviour.events_csv")
    descriptions = {row[9] for row in rows[1:]}
    assert descriptions == {"Sensitive, logged by the teacher", "Talking over the teacher"}
    as_user(pastoral_staff)
    rows = export_csv(client, django_capture_on_commit_callbacks, pastoral_staff, "behaviour.events_csv")
    assert len(rows) == 4


def test_analytics_breakdowns_leave_it_out_and_the_daily_totals_count_it(trust_leader, school, events):
    """A trust leader reads figures but not sensitive events: per-pupil breakdowns come from the events and
    leave them out; totals from the daily counts (no pupil in them) still count every live event."""
    today = timezone.localdate()
    filters = Filters(school_ids=[school.pk], start=today - datetime.timedelta(days=1), end=today)
    assert set(events_for(trust_leader, filters)) == {events["plain"]}
    assert sum(row["negative"] for row in per_pupil(events_for(trust_leader, filters))) == 1
    assert figures_for(trust_leader, filters).totals()["negative"] == 3


def test_a_lead_marks_a_category_sensitive_and_it_is_audited(client, as_user, pastoral_lead, disruption):
    as_user(pastoral_lead)
    data = {"name": disruption.name, "kind": "negative", "points": 2, "severity": 2, "sensitive": "on"}
    response = client.post(
        reverse("behaviour:category_edit", args=[disruption.code]), {**data, "active": "on", "order": 0}
    )
    assert response.status_code == 302
    disruption.refresh_from_db()
    assert disruption.sensitive
    assert AuditEntry.objects.get(action="behaviour.category.changed").data == {"sensitive": True}
    assert "Sensitive" in client.get(reverse("behaviour:category_list")).content.decode()


def test_the_teachers_list_costs_no_more_queries_than_the_teams(
    client, as_user, teacher, pastoral_staff, school, sensitive, django_assert_max_num_queries
):
    for n in range(5):
        BehaviourEventFactory(
            pupil__school=school, category=sensitive, recorded_by=teacher if n % 2 else pastoral_staff
        )
    counts, rows = {}, {}
    for role, user in (("pastoral_staff", pastoral_staff), ("teacher", teacher)):
        as_user(user)
        client.get(reverse("behaviour:event_list"))
        with django_assert_max_num_queries(20) as captured:
            response = client.get(reverse("behaviour:event_list"))
        counts[role] = len(captured.captured_queries)
        rows[role] = len(response.context["page"])
    assert counts["teacher"] == counts["pastoral_staff"]
    assert rows == {"pastoral_staff": 5, "teacher": 2}  # the teacher's own two
