import pytest

from pastoral.tests.factories import PupilFactory

from .factories import BehaviourCategoryFactory, LocationFactory


@pytest.fixture
def disruption(school):
    return BehaviourCategoryFactory(school=school, name="Disruption in lesson", kind="negative", points=2)


@pytest.fixture
def corridor(school):
    return LocationFactory(school=school, name="Corridor")


@pytest.fixture
def classmates(school, pupil):
    return [pupil, PupilFactory(school=school, legal_first_name="Amir"), PupilFactory(school=school)]
