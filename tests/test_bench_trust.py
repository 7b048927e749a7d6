"""The trust-scale benchmark's harness on a tiny trust: the generator's counts and shapes, and that a session it
mints signs a member of staff in for the pages and the quick log the benchmark measures."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from behaviour.models import BehaviourEvent, Incident, Removal, RestrictiveIntervention, Suspension
from benchmarks.trust import client as bench_client
from benchmarks.trust import sessions
from benchmarks.trust.generate import Generator, Plan
from benchmarks.trust.load import load_users
from pastoral.models import AuditEntry, Membership, Pupil, School, User
from safeguarding.models import Concern

TINY = Plan(
    schools=1,
    secondary_pupils=60,
    staff_per_school=8,
    events=600,
    concerns=24,
    interventions=6,
    audit=800,
    profile_events=60,
)


@pytest.fixture
def tiny_trust(db):
    return Generator(TINY, log=lambda _message: None, drop_indexes=False).run()


def test_generator_makes_the_planned_records(tiny_trust):
    school = School.objects.get()
    assert tiny_trust["schools"] == 1
    assert BehaviourEvent.objects.filter(school=school).count() == 600
    assert Concern.objects.filter(school=school).count() == 24
    assert RestrictiveIntervention.objects.filter(school=school).count() == 6
    assert AuditEntry.objects.filter(school=school).count() == 800
    assert Removal.objects.filter(school=school).exists()
    assert Incident.objects.filter(school=school).exists()
    assert Pupil.objects.filter(school=school).count() == tiny_trust["pupils"] > 50
    # Eight school staff with the roles the pages need, and the two trust-wide accounts.
    roles = set(Membership.objects.filter(school=school).values_list("role", flat=True))
    assert {"headteacher", "dsl", "pastoral_lead", "pastoral_staff", "teacher"} <= roles
    assert User.objects.count() == 10
    assert Suspension.objects.filter(school=school).count() == tiny_trust["suspensions"]


def test_events_fall_on_school_days_with_one_long_history(tiny_trust):
    profile = Pupil.objects.get(code=tiny_trust["profile_pupil"])
    assert profile.behaviour_events.count() == 60
    counts = sorted(
        (pupil.behaviour_events.count() for pupil in Pupil.objects.all()),
        reverse=True,
    )
    # Skewed: the busiest pupils have several times the typical count.
    assert counts[0] >= 60 and counts[len(counts) // 2] < 20
    now = timezone.now()
    for occurred_at in BehaviourEvent.objects.values_list("occurred_at", flat=True):
        assert occurred_at <= now
        assert timezone.localtime(occurred_at).weekday() < 5


def test_minted_session_signs_in_for_home_and_the_quick_log(tiny_trust):
    keys = sessions.mint(["dsl.s00", "teacher1.s00"])
    browser = Client(enforce_csrf_checks=True)
    browser.cookies["sessionid"] = keys["dsl.s00"]
    response = browser.get(reverse("pastoral:home"))
    assert response.status_code == 200
    assert response.context["user"].username == "dsl.s00"

    teacher = Client(enforce_csrf_checks=True)
    teacher.cookies["sessionid"] = keys["teacher1.s00"]
    teacher.cookies["csrftoken"] = bench_client.CSRF_SECRET
    school = School.objects.get()
    pupil = Pupil.objects.filter(school=school, leaving_date__isnull=True).first()
    category = school.behaviour_categories.filter(kind="positive").first()
    form = bench_client.quick_log_form(pupil.code, category.code, "bench-test quick log")
    response = teacher.post(reverse("behaviour:quick_log"), {**form, "csrfmiddlewaretoken": bench_client.CSRF_SECRET})
    assert bench_client.quick_log_saved(response)
    assert BehaviourEvent.objects.filter(description="bench-test quick log", pupil=pupil).count() == 1

    sessions.forget(keys.values())
    assert browser.get(reverse("pastoral:home")).status_code == 302


def test_load_users_spread_over_schools_with_their_kind(tiny_trust):
    users = load_users(5)
    assert len(users) == 5
    kinds = {username: kind for username, _school, kind in load_users(100)}
    assert kinds["dsl.s00"] == "dsl" and kinds["head.s00"] == "lead" and kinds["teacher1.s00"] == "classroom"
    assert "leader.trust" not in kinds


def test_events_carry_roles_and_each_school_has_its_rising_rule_detentions_and_alerts(tiny_trust):
    from behaviour.detentions.models import Detention, DetentionSession
    from behaviour.rules.models import BehaviourRule, BehaviourRuleHit

    school = School.objects.get()
    negative_roles = set(BehaviourEvent.objects.filter(category__kind="negative").values_list("role", flat=True))
    assert {"involved", "instigator", "target"} <= negative_roles
    assert set(BehaviourEvent.objects.filter(category__kind="positive").values_list("role", flat=True)) == {"involved"}
    rising = BehaviourRule.objects.get(school=school, key="rising")
    # Two detention types, Monday to Thursday, on the school days of the last ten weeks.
    sessions_made = DetentionSession.objects.filter(school=school)
    assert sessions_made.count() >= 2 * 20
    assert all(session.date.weekday() < 4 for session in sessions_made)
    for detention in Detention.objects.filter(school=school).select_related("session", "event"):
        assert detention.pupil_id == detention.event.pupil_id
        assert detention.session.date >= timezone.localtime(detention.event.occurred_at).date()
        assert (detention.status == "set") == (detention.starts_at > timezone.now())
    for hit in BehaviourRuleHit.objects.filter(school=school).prefetch_related("events", "recipients"):
        assert hit.rule_id == rising.pk
        assert [event.pupil_id for event in hit.events.all()] == [hit.pupil_id]
        assert hit.recipients.exists()
