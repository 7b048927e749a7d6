import uuid

import factory
from django.utils import timezone

from behaviour.models import BehaviourCategory, BehaviourEvent, Location, Removal
from pastoral.tests.factories import PupilFactory, SchoolFactory, UserFactory


class BehaviourCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BehaviourCategory

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"Category {n}")
    kind = BehaviourCategory.Kind.NEGATIVE
    points = 2
    severity = 2


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"Room {n}")


class BehaviourEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BehaviourEvent

    pupil = factory.SubFactory(PupilFactory)
    school = factory.LazyAttribute(lambda o: o.pupil.school)
    category = factory.LazyAttribute(lambda o: BehaviourCategoryFactory(school=o.school))
    occurred_at = factory.LazyFunction(timezone.now)
    description = "Talking over the teacher"
    recorded_by = factory.SubFactory(UserFactory)
    submission_key = factory.LazyFunction(uuid.uuid4)


class RemovalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Removal

    pupil = factory.SubFactory(PupilFactory)
    school = factory.LazyAttribute(lambda o: o.pupil.school)
    removed_at = factory.LazyFunction(timezone.now)
    reason = "Refused to stop shouting after two warnings"
    removed_to = "Reflection room"
    duration_minutes = 30
    recorded_by = factory.SubFactory(UserFactory)
