import pytest

from behaviour.models import BehaviourCategory, BehaviourEvent
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
