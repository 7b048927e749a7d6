"""Pages that list many rows stay within a fixed number of queries however many rows there are."""

import pytest
from django.urls import reverse

from medical.tests.factories import AccidentFactory, AgreementFactory, ConditionFactory, PlanFactory
from pastoral.tests.factories import PupilFactory


@pytest.fixture
def busy(school, medical_lead):
    for _ in range(10):
        pupil = PupilFactory(school=school)
        ConditionFactory(pupil=pupil, recorded_by=medical_lead)
        PlanFactory(pupil=pupil, recorded_by=medical_lead)
        AgreementFactory(pupil=pupil, recorded_by=medical_lead, times="08:45, 12:30")
        AccidentFactory(pupil=pupil, recorded_by=medical_lead)
    return pupil


@pytest.mark.parametrize(
    "name,query",
    [
        ("medical:plan_list", "?status=active"),
        ("medical:overview", ""),
        ("medical:round", ""),
        ("medical:register", "?year_group=&form_name="),
        ("medical:kit", ""),
        ("medical:accident_trends", ""),
    ],
)
def test_it_pins_the_query_count(as_user, medical_lead, busy, name, query, django_assert_max_num_queries):
    client = as_user(medical_lead)
    with django_assert_max_num_queries(22):
        assert client.get(reverse(name) + query).status_code == 200


def test_it_pins_the_pupil_record_and_home_query_counts(as_user, medical_lead, busy, django_assert_max_num_queries):
    client = as_user(medical_lead)
    with django_assert_max_num_queries(26):
        assert client.get(reverse("medical:pupil_record", args=[busy.code])).status_code == 200
    with django_assert_max_num_queries(60):
        assert client.get(reverse("pastoral:home")).status_code == 200
