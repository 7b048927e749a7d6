import uuid

from django.urls import reverse

from behaviour.models import Removal
from behaviour.removals.chronology import removals_for_chronology
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
