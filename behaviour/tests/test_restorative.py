import datetime
import uuid

from django.urls import reverse
from django.utils import timezone

from behaviour.models import RestorativeMeeting
from behaviour.restorative.chronology import restorative_for_chronology
from behaviour.restorative.services import restorative_meeting_record
from pastoral.models import AuditEntry
from pastoral.tests.factories import PupilFactory

from .factories import BehaviourEventFactory


def _form(*incidents, **overrides):
    data = {
        "incidents": [event.code for event in incidents],
        "held_on": timezone.localdate().isoformat(),
        "people_present": "Both pupils, Mr Khan (head of year)",
        "agreed": "Apologised to each other; will sit apart in science for two weeks",
        "repair_happened": "partly",
        "submission_key": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


def _meeting(actor, *incidents, **fields):
    fields = {"agreed": "Shook hands", "repair_happened": "yes", **fields}
    return restorative_meeting_record(actor=actor, school=incidents[0].school, incidents=incidents, **fields)


def test_it_records_a_meeting_for_the_incidents_pupils_and_others(client, teacher, school, pupil, as_user):
    first = BehaviourEventFactory(pupil=pupil)
    second = BehaviourEventFactory(pupil=PupilFactory(school=school, legal_first_name="Bilal"), group=first.group)
    bystander = PupilFactory(school=school, legal_first_name="Chloe")
    as_user(teacher)
    url = reverse("behaviour:restorative_create") + f"?event={first.code}"
    page = client.get(url).content.decode()
    # The event and the events logged with it come chosen, each a chip that can be removed.
    assert f'name="incidents" value="{first.code}" checked' in page
    assert f'name="incidents" value="{second.code}" checked' in page
    follow_up = (timezone.localdate() + datetime.timedelta(days=14)).isoformat()
    response = client.post(url, _form(first, second, other_pupils=[bystander.code], follow_up_on=follow_up))
    meeting = RestorativeMeeting.objects.get()
    assert response.status_code == 302 and response.url == reverse("behaviour:restorative_detail", args=[meeting.code])
    assert set(meeting.incidents.all()) == {first, second}
    assert set(meeting.pupils.all()) == {pupil, second.pupil, bystander}
    assert meeting.repair_happened == "partly" and meeting.recorded_by == teacher
    assert meeting.follow_up_on.isoformat() == follow_up
    assert AuditEntry.objects.filter(action="behaviour.restorative.recorded", school=school).count() == 1
    detail = client.get(reverse("behaviour:event_detail", args=[first.code])).content.decode()
    assert reverse("behaviour:restorative_detail", args=[meeting.code]) in detail


def test_it_offers_a_meeting_from_the_event_page(client, teacher, pupil, as_user):
    event = BehaviourEventFactory(pupil=pupil)
    as_user(teacher)
    page = client.get(reverse("behaviour:event_detail", args=[event.code])).content.decode()
    assert f"{reverse('behaviour:restorative_create')}?event={event.code}" in page


def test_it_requires_an_incident_and_what_was_agreed(client, teacher, pupil, as_user):
    as_user(teacher)
    response = client.post(reverse("behaviour:restorative_create"), _form(agreed="", repair_happened=""))
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"incidents", "agreed", "repair_happened"}
    assert "Both pupils, Mr Khan (head of year)" in response.content.decode()
    assert RestorativeMeeting.objects.count() == 0


def test_it_keeps_typed_values_when_the_follow_up_is_before_the_meeting(client, teacher, pupil, as_user):
    event = BehaviourEventFactory(pupil=pupil)
    as_user(teacher)
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    response = client.post(reverse("behaviour:restorative_create"), _form(event, follow_up_on=yesterday))
    assert set(response.context["form"].errors) == {"follow_up_on"}
    page = response.content.decode()
    assert "will sit apart in science" in page and f'value="{event.code}"' in page
    assert RestorativeMeeting.objects.count() == 0


def test_it_refuses_another_schools_incident(client, dsl, pupil, other_school_pupil, as_user):
    theirs = BehaviourEventFactory(pupil=other_school_pupil)
    ours = BehaviourEventFactory(pupil=pupil)
    as_user(dsl)
    response = client.post(reverse("behaviour:restorative_create"), _form(ours, theirs))
    assert "incidents" in response.context["form"].errors
    assert client.get(reverse("behaviour:restorative_create") + f"?event={theirs.code}").status_code == 404
    assert RestorativeMeeting.objects.count() == 0


def test_it_hides_another_schools_meeting(client, dsl, other_school_dsl, other_school_pupil, as_user):
    meeting = _meeting(other_school_dsl, BehaviourEventFactory(pupil=other_school_pupil))
    as_user(dsl)
    assert client.get(reverse("behaviour:restorative_detail", args=[meeting.code])).status_code == 404
    response = client.post(reverse("behaviour:restorative_void", args=[meeting.code]), {"reason": "x"})
    assert response.status_code == 404
    assert str(meeting.code) not in client.get(reverse("behaviour:restorative_list")).content.decode()


def test_it_lets_a_teacher_record_but_not_void(client, teacher, pupil, as_user):
    meeting = _meeting(teacher, BehaviourEventFactory(pupil=pupil))
    as_user(teacher)
    url = reverse("behaviour:restorative_void", args=[meeting.code])
    assert client.get(url).status_code == 405
    assert client.post(url, {"reason": "Wrong incident"}).status_code == 403
    meeting.refresh_from_db()
    assert meeting.voided_at is None


def test_it_voids_a_meeting_and_keeps_the_row(client, pastoral_lead, teacher, pupil, as_user):
    meeting = _meeting(teacher, BehaviourEventFactory(pupil=pupil))
    as_user(pastoral_lead)
    url = reverse("behaviour:restorative_void", args=[meeting.code])
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "Recorded against the wrong incident"}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.voided_at is not None and meeting.voided_by == pastoral_lead
    assert AuditEntry.objects.filter(action="behaviour.restorative.voided").count() == 1
    assert "Voided by" in client.get(reverse("behaviour:restorative_detail", args=[meeting.code])).content.decode()
    assert restorative_for_chronology(pastoral_lead, pupil, 200)[0].title.startswith("Voided – Restorative meeting")
    assert restorative_for_chronology(teacher, pupil, 200) == []


def test_it_shows_the_meeting_on_each_pupils_chronology(client, teacher, school, pupil, as_user):
    other = PupilFactory(school=school)
    _meeting(teacher, BehaviourEventFactory(pupil=pupil), BehaviourEventFactory(pupil=other), repair_happened="no")
    as_user(teacher)
    for someone in (pupil, other):
        assert [item.title for item in restorative_for_chronology(teacher, someone, 200)] == [
            "Restorative meeting (repair: no)"
        ]
        page = client.get(reverse("pastoral:pupil_detail", args=[someone.code])).content.decode()
        assert "Restorative meeting (repair: no)" in page


def test_it_lists_meetings_in_the_same_queries_as_rows_grow(
    client, teacher, school, django_assert_max_num_queries, as_user
):
    as_user(teacher)
    _meeting(teacher, BehaviourEventFactory(pupil=PupilFactory(school=school)))
    client.get(reverse("behaviour:restorative_list"))
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("behaviour:restorative_list"))
    for _ in range(30):
        _meeting(
            teacher,
            BehaviourEventFactory(pupil=PupilFactory(school=school)),
            BehaviourEventFactory(pupil=PupilFactory(school=school)),
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("behaviour:restorative_list"))
    assert response.content.decode().count("<tr") == 32
