"""A form sent twice (a double click, a refresh after POST, a retry on a slow connection) makes one record,
and a form that fails validation comes back with everything that was typed."""

import datetime
import re
import uuid

from django.urls import reverse
from django.utils import timezone

from behaviour.models import Removal, RestorativeMeeting
from behaviour.removals import services
from pastoral.tests.factories import PupilFactory

from .factories import BehaviourEventFactory


def _removal_form(pupil, teacher, **overrides):
    data = {
        "submission_key": str(uuid.uuid4()),
        "pupil": pupil.code,
        "removed_at": "2026-01-12T10:15",
        "lesson": "P3 Maths",
        "reason": "Threw a chair",
        "removed_to": "Reflection room",
        "duration_minutes": "45",
        "parents_told": "on",
        "parents_told_at": "2026-01-12T12:00",
        "parents_told_how": "email",
        "parents_told_by": teacher.code,
    }
    data.update(overrides)
    return data


def _meeting_form(*incidents, **overrides):
    data = {
        "submission_key": str(uuid.uuid4()),
        "incidents": [event.code for event in incidents],
        "held_on": timezone.localdate().isoformat(),
        "people_present": "Both pupils and Mr Khan",
        "agreed": "Will sit apart for two weeks",
        "repair_happened": "partly",
    }
    data.update(overrides)
    return data


def test_a_removal_sent_twice_is_recorded_once(client, teacher, pupil, as_user):
    as_user(teacher)
    data = _removal_form(pupil, teacher)
    first = client.post(reverse("behaviour:removal_create"), data)
    second = client.post(reverse("behaviour:removal_create"), data)
    removal = Removal.objects.get()
    assert first.status_code == second.status_code == 302
    assert first.url == second.url == reverse("behaviour:removal_detail", args=[removal.code])
    assert str(removal.submission_key) == data["submission_key"]
    # A new form carries a new key, so a second real removal is still possible.
    assert client.post(reverse("behaviour:removal_create"), _removal_form(pupil, teacher)).status_code == 302
    assert Removal.objects.count() == 2


def test_each_removal_form_gets_its_own_key(client, teacher, as_user):
    as_user(teacher)
    keys = [
        re.search(
            r'name="submission_key" value="([0-9a-f-]+)"',
            client.get(reverse("behaviour:removal_create")).content.decode(),
        ).group(1)
        for _ in range(2)
    ]
    assert keys[0] != keys[1]


def test_the_removal_service_returns_the_first_removal_for_a_repeated_key(teacher, pupil):
    key = uuid.uuid4()
    fields = {"reason": "Shouting", "removed_to": "Reflection room", "duration_minutes": 20}
    first = services.removal_record(actor=teacher, school=pupil.school, pupil=pupil, submission_key=key, **fields)
    second = services.removal_record(actor=teacher, school=pupil.school, pupil=pupil, submission_key=key, **fields)
    assert first == second and Removal.objects.count() == 1


def test_a_restorative_meeting_sent_twice_is_recorded_once(client, teacher, pupil, as_user):
    event = BehaviourEventFactory(pupil=pupil)
    as_user(teacher)
    data = _meeting_form(event)
    first = client.post(reverse("behaviour:restorative_create"), data)
    second = client.post(reverse("behaviour:restorative_create"), data)
    meeting = RestorativeMeeting.objects.get()
    assert first.status_code == second.status_code == 302
    assert first.url == second.url == reverse("behaviour:restorative_detail", args=[meeting.code])
    assert meeting.incidents.count() == 1 and meeting.pupils.count() == 1


def test_the_removal_form_keeps_every_typed_value(client, teacher, pupil, as_user):
    as_user(teacher)
    data = _removal_form(pupil, teacher, duration_minutes="481")
    response = client.post(reverse("behaviour:removal_create"), data)
    assert response.status_code == 200 and set(response.context["form"].errors) == {"duration_minutes"}
    page = response.content.decode()
    assert f'name="pupil" value="{pupil.code}"' in page
    assert 'value="2026-01-12T10:15"' in page and 'value="2026-01-12T12:00"' in page
    assert 'value="P3 Maths"' in page and "Threw a chair" in page and 'value="Reflection room"' in page
    assert 'value="481"' in page
    assert 'name="parents_told" class="checkboxinput form-check-input" id="id_parents_told" checked' in page
    assert 'value="email" selected' in page and f'name="parents_told_by" value="{teacher.code}"' in page
    # The same key comes back, so correcting and sending again still makes one removal.
    assert f'value="{data["submission_key"]}"' in page
    assert not Removal.objects.exists()


def test_the_restorative_form_keeps_every_typed_value(client, teacher, school, pupil, as_user):
    event = BehaviourEventFactory(pupil=pupil)
    bystander = PupilFactory(school=school, legal_first_name="Chloe")
    as_user(teacher)
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    data = _meeting_form(event, other_pupils=[bystander.code], follow_up_on=yesterday)
    response = client.post(reverse("behaviour:restorative_create"), data)
    assert response.status_code == 200 and set(response.context["form"].errors) == {"follow_up_on"}
    page = response.content.decode()
    assert f'name="incidents" value="{event.code}" checked' in page
    assert f'name="other_pupils" value="{bystander.code}" checked' in page
    assert f'value="{timezone.localdate().isoformat()}"' in page and f'value="{yesterday}"' in page
    assert "Both pupils and Mr Khan" in page and "Will sit apart for two weeks" in page
    assert re.search(r'value="partly"\s+id="id_repair_happened_\d+" required checked', page)
    assert f'value="{data["submission_key"]}"' in page
    assert not RestorativeMeeting.objects.exists()


def test_the_event_edit_form_keeps_every_typed_value(client, teacher, school, pupil, corridor, as_user):
    event = BehaviourEventFactory(pupil=pupil, recorded_by=teacher)
    as_user(teacher)
    data = {
        "category": event.category.code,
        "occurred_at": "2026-01-12T09:05",
        "location": corridor.code,
        "period": "P2",
        "description": "",
        "action_taken": "Moved seat",
        "staff_involved": [teacher.code],
        "witnesses": "Ms Lee",
        "change_reason": "Wrong period",
    }
    response = client.post(reverse("behaviour:event_edit", args=[event.code]), data)
    assert response.status_code == 200 and set(response.context["form"].errors) == {"description"}
    assert "Wrong period" in response.content.decode()
    page = response.content.decode()
    assert f'value="{corridor.code}" selected' in page
    assert f'name="staff_involved" value="{teacher.code}" checked' in page
    assert 'value="2026-01-12T09:05"' in page and 'value="P2"' in page
    assert "Moved seat" in page and "Ms Lee" in page
