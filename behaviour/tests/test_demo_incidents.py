import pytest
from django.db.models import Count
from django.utils import timezone

from behaviour.incidents.selectors import bullying_patterns
from behaviour.models import BullyingIncident, BullyingInvolvement, FollowUpAction, Incident
from pastoral import demo
from pastoral.models import School


@pytest.mark.django_db
def test_it_seeds_detailed_incidents_actions_and_a_repeat_victim():
    demo.seed_demo()
    school = School.objects.get(name="Northfield Academy")
    incidents = Incident.objects.filter(school=school)
    assert incidents.count() == 3
    assert not incidents.filter(events__isnull=True).exists()
    assert not incidents.exclude(events__category__kind="negative").exists()
    assert incidents.filter(injuries=True).exists() and incidents.filter(parents_informed=False).exists()
    actions = FollowUpAction.objects.filter(incident__school=school)
    assert actions.filter(done_at__isnull=False).exists()
    assert any(action.overdue for action in actions)
    records = BullyingIncident.objects.filter(school=school)
    assert records.count() == 5
    repeat = (
        BullyingInvolvement.objects.filter(bullying__school=school, role="victim")
        .values("pupil")
        .annotate(times=Count("bullying"))
        .filter(times__gte=2)
    )
    assert [row["times"] for row in repeat] == [3]
    assert not BullyingInvolvement.objects.filter(bullying__school=school).exclude(pupil__school=school).exists()


@pytest.mark.django_db
def test_the_demo_patterns_page_has_something_to_show():
    demo.seed_demo()
    school = School.objects.get(name="Northfield Academy")
    lead = school.memberships.filter(role="pastoral_lead").first().user
    start = min(BullyingIncident.objects.filter(school=school).values_list("occurred_on", flat=True))
    patterns = bullying_patterns(lead, school, start, timezone.localdate())
    assert patterns["victims"] and patterns["perpetrators"]
