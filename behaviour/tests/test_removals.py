import datetime
import uuid

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from behaviour.models import Removal
from behaviour.removals.chronology import removals_for_chronology
from behaviour.tasks import removals_untold_task, send_removals_untold_task
from pastoral.celery import app as celery_app
from pastoral.models import AuditEntry
from pastoral.tests.factories import PupilFactory

from .factories import BehaviourEventFactory, RemovalFactory


def _form(pupil, **overrides):
    data = {
        "pupil": pupil.code,
        "removed_at": "2026-01-12T10:15",
        "lesson": "P3 Maths",
        "reason": "Threw a chair",
        "removed_to": "Reflection room",
        "duration_minutes": "45",
        "submission_key": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


def test_it_records_a_removal_linked_to_an_event(client, teacher, pupil, as_user):
    event = BehaviourEventFactory(pupil=pupil, period="P3")
    as_user(teacher)
    url = reverse("behaviour:removal_create") + f"?event={event.code}"
    page = client.get(url).content.decode()
    assert f'name="pupil" value="{pupil.code}"' in page
    response = client.post(
        url,
        _form(
            pupil,
            parents_told="on",
            parents_told_at="2026-01-12T12:00",
            parents_told_how="phone",
            parents_told_by=teacher.code,
        ),
    )
    removal = Removal.objects.get()
    assert response.status_code == 302 and response.url == reverse("behaviour:removal_detail", args=[removal.code])
    assert removal.event == event and removal.pupil == pupil and removal.school == pupil.school
    assert removal.duration_minutes == 45 and removal.removed_to == "Reflection room"
    assert removal.parents_told and removal.parents_told_how == "phone" and removal.parents_told_by == teacher
    assert removal.recorded_by == teacher
    assert AuditEntry.objects.filter(action="behaviour.removal.recorded", pupil=pupil).count() == 1
    detail = client.get(reverse("behaviour:event_detail", args=[event.code])).content.decode()
    assert reverse("behaviour:removal_detail", args=[removal.code]) in detail


def test_it_offers_a_removal_from_the_event_page(client, teacher, pupil, as_user):
    event = BehaviourEventFactory(pupil=pupil)
    as_user(teacher)
    page = client.get(reverse("behaviour:event_detail", args=[event.code])).content.decode()
    assert f"{reverse('behaviour:removal_create')}?event={event.code}" in page
    assert "Record a removal" in page


def test_it_requires_the_removal_fields_and_keeps_typed_values(client, teacher, pupil, as_user):
    as_user(teacher)
    response = client.post(
        reverse("behaviour:removal_create"), _form(pupil, reason="", removed_to="", duration_minutes="481")
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"reason", "removed_to", "duration_minutes"}
    page = response.content.decode()
    assert 'value="P3 Maths"' in page and 'value="481"' in page
    assert Removal.objects.count() == 0


def test_it_requires_when_and_how_once_parents_are_told(client, teacher, pupil, as_user):
    as_user(teacher)
    response = client.post(reverse("behaviour:removal_create"), _form(pupil, parents_told="on"))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"parents_told_at", "parents_told_how"}
    page = response.content.decode()
    # Each message sits beside its own field, tied to it for screen readers.
    assert '<span id="error_1_id_parents_told_at"><strong>Say when parents or carers were told.' in page
    assert '<span id="error_1_id_parents_told_how"><strong>Say how parents or carers were told.' in page
    assert "Threw a chair" in page and 'value="Reflection room"' in page
    assert Removal.objects.count() == 0


def test_it_hides_another_schools_removal(client, dsl, other_school_pupil, as_user):
    removal = RemovalFactory(pupil=other_school_pupil)
    event = BehaviourEventFactory(pupil=other_school_pupil)
    as_user(dsl)
    assert client.get(reverse("behaviour:removal_detail", args=[removal.code])).status_code == 404
    assert client.post(reverse("behaviour:removal_void", args=[removal.code]), {"reason": "x"}).status_code == 404
    assert client.get(reverse("behaviour:removal_create") + f"?event={event.code}").status_code == 404
    assert str(removal.code) not in client.get(reverse("behaviour:removal_list")).content.decode()


def test_it_refuses_a_pupil_from_another_school(client, dsl, pupil, other_school_pupil, as_user):
    as_user(dsl)
    response = client.post(reverse("behaviour:removal_create"), _form(other_school_pupil))
    assert "pupil" in response.context["form"].errors
    assert Removal.objects.count() == 0


def test_it_lets_a_teacher_record_but_not_void(client, teacher, pupil, as_user):
    removal = RemovalFactory(pupil=pupil)
    as_user(teacher)
    url = reverse("behaviour:removal_void", args=[removal.code])
    assert client.get(url).status_code == 405
    assert client.post(url, {"reason": "Wrong pupil"}).status_code == 403
    removal.refresh_from_db()
    assert removal.voided_at is None


def test_it_voids_a_removal_and_keeps_the_row(client, pastoral_lead, teacher, pupil, as_user):
    removal = RemovalFactory(pupil=pupil)
    as_user(pastoral_lead)
    url = reverse("behaviour:removal_void", args=[removal.code])
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "Recorded twice"}).status_code == 302
    removal.refresh_from_db()
    assert removal.voided_at is not None and removal.voided_by == pastoral_lead
    assert removal.void_reason == "Recorded twice"
    assert AuditEntry.objects.filter(action="behaviour.removal.voided", pupil=pupil).count() == 1
    assert "Voided by" in client.get(reverse("behaviour:removal_detail", args=[removal.code])).content.decode()
    assert removals_for_chronology(pastoral_lead, pupil, 200)[0].title.startswith("Voided – Removed from class")
    assert removals_for_chronology(teacher, pupil, 200) == []


def test_it_shows_removals_on_the_chronology(client, teacher, pupil, as_user):
    RemovalFactory(pupil=pupil, removed_to="Reflection room", duration_minutes=45)
    as_user(teacher)
    assert [item.title for item in removals_for_chronology(teacher, pupil, 200)] == [
        "Removed from class: Reflection room (45 min)"
    ]
    page = client.get(reverse("pastoral:pupil_detail", args=[pupil.code])).content.decode()
    assert "Removed from class: Reflection room (45 min)" in page


def test_it_lists_removals_in_the_same_queries_as_rows_grow(
    client, teacher, school, django_assert_max_num_queries, as_user
):
    as_user(teacher)
    RemovalFactory(pupil=PupilFactory(school=school), recorded_by=teacher)
    client.get(reverse("behaviour:removal_list"))
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("behaviour:removal_list"))
    for _ in range(30):
        RemovalFactory(pupil=PupilFactory(school=school))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("behaviour:removal_list"))
    assert response.content.decode().count("<tr") == 32


def test_it_refuses_a_removal_shorter_than_a_minute(client, teacher, pupil, as_user):
    as_user(teacher)
    response = client.post(reverse("behaviour:removal_create"), _form(pupil, duration_minutes="0"))
    assert set(response.context["form"].errors) == {"duration_minutes"}
    assert Removal.objects.count() == 0


def test_it_drops_details_of_telling_home_when_the_box_is_unticked(client, teacher, pupil, as_user):
    as_user(teacher)
    data = _form(pupil, parents_told_at="2026-01-12T12:00", parents_told_how="email", parents_told_by=teacher.code)
    assert client.post(reverse("behaviour:removal_create"), data).status_code == 302
    removal = Removal.objects.get()
    assert not removal.parents_told
    assert removal.parents_told_at is None and removal.parents_told_how == "" and removal.parents_told_by is None


# --- who supervised, telling home later, and the end-of-day reminder -------------------------------------------


def test_it_records_who_supervised_and_refuses_staff_of_another_school(
    client, teacher, pastoral_staff, other_school_dsl, pupil, as_user
):
    as_user(teacher)
    url = reverse("behaviour:removal_create")
    response = client.post(url, _form(pupil, supervised_by=other_school_dsl.code))
    assert response.status_code == 200 and "Choose a member of staff from this school" in response.content.decode()
    assert not Removal.objects.exists()
    client.post(url, _form(pupil, supervised_by=pastoral_staff.code))
    removal = Removal.objects.get()
    assert removal.supervised_by == pastoral_staff
    page = client.get(reverse("behaviour:removal_detail", args=[removal.code])).content.decode()
    assert "Supervised by" in page and str(pastoral_staff) in page


def test_home_told_later_is_recorded_once_with_who_told_them(client, teacher, pupil, as_user):
    removal = RemovalFactory(pupil=pupil, recorded_by=teacher, removed_at=timezone.now() - datetime.timedelta(hours=2))
    as_user(teacher)
    url = reverse("behaviour:removal_parents_told", args=[removal.code])
    future = (timezone.localtime() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, {"parents_told_at": future, "parents_told_how": "phone"})
    assert response.status_code == 400 and "cannot be in the future" in response.content.decode()
    removal.refresh_from_db()
    assert not removal.parents_told
    told_at = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    assert client.post(url, {"parents_told_at": told_at, "parents_told_how": "phone"}).status_code == 302
    removal.refresh_from_db()
    assert removal.parents_told and removal.parents_told_by == teacher and removal.parents_told_how == "phone"
    assert AuditEntry.objects.filter(action="behaviour.removal.parents_told", pupil=pupil).count() == 1
    again = client.post(url, {"parents_told_at": told_at, "parents_told_how": "email"})
    assert again.status_code == 400 and "already recorded as told" in again.content.decode()


def test_the_list_filters_removals_whose_parents_are_not_told(client, teacher, pupil, as_user):
    told = RemovalFactory(pupil=pupil, recorded_by=teacher, parents_told=True, parents_told_at=timezone.now())
    untold = RemovalFactory(pupil=pupil, recorded_by=teacher)
    as_user(teacher)
    page = client.get(reverse("behaviour:removal_list"), {"parents": "untold"}).content.decode()
    assert reverse("behaviour:removal_detail", args=[untold.code]) in page
    assert reverse("behaviour:removal_detail", args=[told.code]) not in page


WEDNESDAY = datetime.date(2026, 11, 25)


def _at(day, hour):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def test_the_end_of_day_task_tells_the_pastoral_lead_once_without_names(
    school, pupil, teacher, pastoral_lead, dsl, django_capture_on_commit_callbacks
):
    RemovalFactory(pupil=pupil, recorded_by=teacher, removed_at=_at(WEDNESDAY, 10))
    RemovalFactory(pupil=pupil, recorded_by=teacher, removed_at=_at(WEDNESDAY, 13))
    RemovalFactory(
        pupil=pupil,
        recorded_by=teacher,
        removed_at=_at(WEDNESDAY, 11),
        parents_told=True,
        parents_told_at=_at(WEDNESDAY, 12),
    )
    RemovalFactory(pupil=pupil, recorded_by=teacher, removed_at=_at(WEDNESDAY - datetime.timedelta(days=1), 10))
    with django_capture_on_commit_callbacks(execute=True):
        assert removals_untold_task.delay([school.pk], WEDNESDAY.isoformat()).get() == 1
    (message,) = mail.outbox
    assert message.to == [pastoral_lead.email]
    assert "2 removals from class" in message.subject
    assert pupil.legal_last_name not in message.body and pupil.legal_last_name not in message.subject
    with django_capture_on_commit_callbacks(execute=True):
        assert removals_untold_task.delay([school.pk], WEDNESDAY.isoformat()).get() == 0
    assert len(mail.outbox) == 1
    assert send_removals_untold_task.delay(school.pk, teacher.pk, WEDNESDAY.isoformat()).get() == "skipped"
    assert celery_app.conf.beat_schedule["removals-untold"]["task"] == "behaviour.tasks.removals_untold_task"


def test_the_home_page_lists_todays_untold_removals_for_the_pastoral_lead(
    client, as_user, pupil, teacher, pastoral_lead
):
    RemovalFactory(pupil=pupil, recorded_by=teacher, removed_at=timezone.now())
    as_user(pastoral_lead)
    page = client.get(reverse("pastoral:home")).content.decode()
    assert "Removals today: parents not told" in page and pupil.display_name in page
    as_user(teacher)
    assert "Removals today: parents not told" not in client.get(reverse("pastoral:home")).content.decode()


def test_who_supervised_and_who_told_home_can_be_typed_by_name(
    client, teacher, pastoral_staff, other_school_dsl, pupil, as_user
):
    as_user(teacher)
    url = reverse("behaviour:removal_create")
    page = client.get(url).content.decode()
    assert 'name="supervised_by_text"' in page and 'name="parents_told_by_text"' in page
    assert '<select name="supervised_by"' not in page and '<select name="parents_told_by"' not in page
    response = client.post(url, _form(pupil, supervised_by_text="Otherdsl Tester"))
    assert response.status_code == 200 and "No member of staff matches" in response.content.decode()
    assert not Removal.objects.exists()
    told = {"parents_told": "on", "parents_told_at": "2026-01-12T12:00", "parents_told_how": "phone"}
    client.post(url, _form(pupil, supervised_by_text="pastoral tester", parents_told_by_text="Teacher Tester", **told))
    removal = Removal.objects.get()
    assert removal.supervised_by == pastoral_staff and removal.parents_told_by == teacher
