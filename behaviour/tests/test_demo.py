import datetime

import pytest
from django.db import models
from django.db.models import Sum

from behaviour.models import BehaviourCategory, BehaviourEvent, Removal, RestorativeMeeting, RewardMilestone
from pastoral import demo
from pastoral.models import School


@pytest.mark.django_db
def test_it_seeds_a_term_of_behaviour_for_each_demo_school():
    demo.seed_demo()
    secondary = School.objects.get(name="Northfield Academy")
    primary = School.objects.get(name="Riverside Primary")
    assert BehaviourCategory.objects.filter(school=primary, name="Kindness", kind="positive").exists()
    events = BehaviourEvent.objects.filter(school=secondary)
    assert events.count() > BehaviourEvent.objects.filter(school=primary).count() > 0
    positive = events.filter(category__kind="positive").count()
    negative = events.filter(category__kind="negative").count()
    assert 2 <= positive / negative <= 4
    assert not BehaviourEvent.objects.exclude(pupil__school=secondary).filter(school=secondary).exists()


@pytest.mark.django_db
def test_it_seeds_milestones_that_some_demo_pupils_reach():
    demo.seed_demo()
    school = School.objects.get(name="Northfield Academy")
    thresholds = list(RewardMilestone.objects.filter(school=school).values_list("points", flat=True))
    assert len(thresholds) == 4 and thresholds == sorted(set(thresholds))
    totals = (
        BehaviourEvent.objects.filter(school=school, category__kind="positive")
        .values("pupil")
        .annotate(points=Sum("category__points"))
        .values_list("points", flat=True)
    )
    assert max(totals) >= thresholds[-1]


PLAN_STORY = "Left the lesson without permission and would not come back in."


@pytest.mark.django_db
def test_it_seeds_removals_and_restorative_meetings_after_negative_events():
    demo.seed_demo()
    school = School.objects.get(name="Northfield Academy")
    # The support plans seeder adds one pupil's own history afterwards (fewer incidents once their behaviour
    # support plan began), which the removals and meetings seeded before it do not draw on.
    negative = (
        BehaviourEvent.objects.filter(school=school, category__kind="negative").exclude(description=PLAN_STORY).count()
    )
    removals = Removal.objects.filter(school=school)
    assert removals.count() == negative // 20
    assert not removals.exclude(event__category__kind="negative").exists()
    assert not removals.exclude(pupil=models.F("event__pupil")).exists()
    meetings = RestorativeMeeting.objects.filter(school=school)
    assert meetings.count() == negative // 40
    assert not meetings.filter(incidents__isnull=True).exists()
    assert not meetings.exclude(incidents__school=school).exists()
    for meeting in meetings.prefetch_related("incidents", "pupils")[:10]:
        assert {event.pupil for event in meeting.incidents.all()} == set(meeting.pupils.all())


@pytest.mark.django_db
def test_it_clears_removals_and_meetings_when_the_demo_is_reset():
    demo.seed_demo()
    assert demo.reset_demo()
    assert not Removal.objects.exists() and not RestorativeMeeting.objects.exists()


@pytest.mark.django_db
def test_it_seeds_pupils_for_the_rising_behaviour_panel():
    from behaviour.analytics.selectors import rising_pupils
    from pastoral.models import User

    demo.seed_demo()
    school = School.objects.get(name="Northfield Academy")
    lead = User.objects.get(username="pastorallead.northfield")
    assert len(rising_pupils(lead, school)) >= 1


@pytest.mark.django_db
def test_the_demo_heat_map_columns_run_in_the_order_of_the_school_day():
    from behaviour.analytics.selectors import heat_map

    demo.seed_demo()
    school = School.objects.get(name="Northfield Academy")
    grid = heat_map(BehaviourEvent.objects.filter(school=school, voided_at__isnull=True))
    assert grid.mode == "period"
    assert grid.columns[:8] == ["Registration", "P1", "P2", "Break", "P3", "Lunch", "P4", "P5"], grid.columns


@pytest.mark.django_db
def test_it_seeds_events_and_incidents_with_a_mix_of_roles():
    from django.utils import timezone

    from behaviour.incidents.selectors import role_patterns
    from behaviour.models import IncidentPupil, PupilRole
    from pastoral.models import User

    demo.seed_demo()
    school = School.objects.get(name="Northfield Academy")
    events = BehaviourEvent.objects.filter(school=school)
    assert set(events.values_list("role", flat=True)) == set(PupilRole.values)
    # Roles come with events logged together: a shared fight has its instigator and its target.
    shared = events.filter(role=PupilRole.TARGET).first()
    assert events.filter(group=shared.group, role=PupilRole.INSTIGATOR).exists()
    assert len(set(IncidentPupil.objects.filter(incident__school=school).values_list("role", flat=True))) >= 2
    lead = User.objects.get(username="pastorallead.northfield")
    term_start = timezone.localdate() - datetime.timedelta(days=365)
    patterns = role_patterns(lead, school, term_start, timezone.localdate())
    assert patterns["instigators"] and patterns["targets"]


@pytest.mark.django_db
def test_it_seeds_behaviour_rules_in_each_state():
    from behaviour.models import BehaviourRule, BehaviourRuleHit, BehaviourRuleLetter, BehaviourRuleTask

    demo.seed_demo()
    school = School.objects.get(name="Northfield Academy")
    rules = {rule.name: rule for rule in BehaviourRule.objects.filter(school=school)}
    assert {name for name, rule in rules.items() if rule.active} == {
        "Two lates in a week",
        "Minus 10 points in a fortnight",
    }
    assert rules["Negative behaviour rising"].key == "rising" and not rules["Negative behaviour rising"].active
    tried = rules["First fight this year"]
    assert not tried.active and tried.trial_ran_at is not None and tried.trial_hits > 0
    hits = BehaviourRuleHit.objects.filter(school=school)
    assert hits.filter(rule=rules["Two lates in a week"]).exists()
    assert hits.filter(rule=rules["Minus 10 points in a fortnight"], detention_suggested=True).exists()
    letters = BehaviourRuleLetter.objects.filter(hit__school=school)
    assert letters.filter(sent_at__isnull=True).exists() and letters.filter(sent_at__isnull=False).count() == 1
    tasks = BehaviourRuleTask.objects.filter(hit__school=school)
    assert tasks.filter(done_at__isnull=True).exists() and tasks.filter(done_at__isnull=False).exists()
    assert hits.filter(recipients__isnull=False).exists()
