"""The incident picker: its search endpoint and the restorative and suspension forms that use it."""

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from behaviour.models import RestorativeMeeting
from behaviour.restorative.forms import RestorativeMeetingForm
from pastoral.tests.factories import PupilFactory

from .factories import BehaviourCategoryFactory, BehaviourEventFactory

pytestmark = pytest.mark.django_db


def _at(days_ago, hour=11):
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 15)))


@pytest.fixture
def events(school, pupil):
    disruption = BehaviourCategoryFactory(school=school, name="Disruption")
    other = PupilFactory(school=school, legal_first_name="Bilal", legal_last_name="Ahmed")
    return [
        BehaviourEventFactory(pupil=pupil, category=disruption, occurred_at=_at(1)),
        BehaviourEventFactory(pupil=pupil, category=disruption, occurred_at=_at(3)),
        BehaviourEventFactory(pupil=other, category=disruption, occurred_at=_at(1)),
    ]


def _search(client, text):
    response = client.get(reverse("behaviour:incident_picker"), {"q": text})
    assert response.status_code == 200
    return response.content.decode()


def test_it_finds_this_schools_current_incidents_by_pupil_and_date(as_user, teacher, school, events, sister_school):
    elsewhere = BehaviourEventFactory(
        pupil=PupilFactory(school=sister_school, legal_first_name="Zoë", legal_last_name="Ainsworth-Else")
    )
    events[1].voided_at = timezone.now()
    events[1].save()
    client = as_user(teacher)

    body = _search(client, "ainsworth")
    assert body.count('role="option"') == 1
    assert f'data-code="{events[0].code}"' in body
    assert "Zoë Ainsworth" in body and "Disruption" in body
    assert f"{timezone.localtime(events[0].occurred_at):%-d %b %Y}" in body
    assert str(elsewhere.code) not in body and str(events[1].code) not in body

    body = _search(client, f"{_at(1):%d/%m/%Y}")
    assert body.count('role="option"') == 2  # both pupils' events that day
    assert _search(client, "nobody").count('role="option"') == 0


def test_it_is_refused_to_staff_who_record_no_behaviour(as_user, it_admin, events):
    assert as_user(it_admin).get(reverse("behaviour:incident_picker"), {"q": "ains"}).status_code == 403


def test_it_runs_a_fixed_number_of_queries(as_user, teacher, school, pupil, events):
    for days in range(5):
        BehaviourEventFactory(pupil=pupil, category=events[0].category, occurred_at=_at(days + 5))
    client = as_user(teacher)
    counts = []
    _search(client, "warm")  # the first request of a session loads more
    for text in ("bilal", "ainsworth"):
        with CaptureQueriesContext(connection) as queries:
            _search(client, text)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def _form(**overrides):
    data = {
        "held_on": timezone.localdate().isoformat(),
        "agreed": "Apologised",
        "repair_happened": "yes",
        "submission_key": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


def test_without_javascript_an_incident_is_named_by_pupil_and_date(teacher, school, pupil, events):
    when = f"{_at(3):%d/%m/%Y}"
    form = RestorativeMeetingForm(_form(incidents_text=f"Zoe Ainsworth {when}"), user=teacher, school=school)
    assert form.is_valid(), form.errors
    assert list(form.cleaned_data["incidents"]) == [events[1]]

    form = RestorativeMeetingForm(_form(incidents_text="Zoe Ainsworth"), user=teacher, school=school)
    assert form.errors["incidents"] == [
        "2 incidents match “Zoe Ainsworth”. Add the date (e.g. 3/12/2026), or more of the name."
    ]


def test_another_schools_incident_is_refused(client, as_user, teacher, school, events, other_school_pupil):
    elsewhere = BehaviourEventFactory(pupil=other_school_pupil)
    as_user(teacher)
    response = client.post(reverse("behaviour:restorative_create"), _form(incidents=[str(elsewhere.code)]))
    assert response.status_code == 200
    assert response.context["form"].errors["incidents"] == [
        "One of the chosen incidents is not a current event at this school."
    ]
    assert "Outside" not in response.content.decode()
    assert not RestorativeMeeting.objects.exists()


def test_the_forms_offer_the_picker_not_a_long_list(as_user, client, teacher, school, pupil, events):
    as_user(teacher)
    page = client.get(reverse("behaviour:restorative_create")).content.decode()
    assert f'data-search-url="{reverse("behaviour:incident_picker")}"' in page
    assert 'type="checkbox" name="incidents"' not in page and "<select" not in page.split('name="held_on"')[0]
