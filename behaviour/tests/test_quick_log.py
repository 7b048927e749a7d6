import uuid

import pytest
from django.urls import reverse

from behaviour.events import services
from behaviour.events.chronology import events_for_chronology
from behaviour.models import BehaviourEvent
from pastoral.exceptions import PastoralError
from pastoral.models import AuditEntry


def _post(client, pupils, category, **extra):
    data = {
        "pupils": [str(p.code) for p in pupils],
        "category": category.code,
        "occurred_at": "2026-11-20T10:15",
        "description": "Shouting across the room",
        "period": "P3",
        "submission_key": str(uuid.uuid4()),
        **extra,
    }
    return client.post(reverse("behaviour:quick_log"), data), data


def test_it_logs_three_pupils_as_three_linked_events(client, teacher, classmates, disruption, corridor, as_user):
    as_user(teacher)
    response, _ = _post(client, classmates, disruption, location=corridor.code, staff_involved=[teacher.code])
    assert response.status_code == 302
    events = list(BehaviourEvent.objects.all())
    assert {e.pupil for e in events} == set(classmates)
    assert len({e.group for e in events}) == 1
    assert all(e.recorded_by == teacher and e.location == corridor and e.period == "P3" for e in events)
    assert all(list(e.staff_involved.all()) == [teacher] for e in events)
    assert AuditEntry.objects.filter(action="behaviour.event.recorded").count() == 3


def test_it_creates_one_set_when_the_form_is_submitted_twice(client, teacher, classmates, disruption, as_user):
    as_user(teacher)
    _, data = _post(client, classmates, disruption)
    second = client.post(reverse("behaviour:quick_log"), data)
    assert second.status_code == 302
    assert BehaviourEvent.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_it_saves_all_pupils_or_none(teacher, classmates, disruption, other_school_pupil):
    """A pupil of another school part-way through the list stops the whole set, before anything is written."""
    with pytest.raises(PastoralError):
        services.event_record_many(
            actor=teacher,
            school=disruption.school,
            pupils=[*classmates, other_school_pupil],
            category=disruption,
            occurred_at=classmates[0].created_at,
            description="x",
            submission_key=uuid.uuid4(),
        )
    assert not BehaviourEvent.objects.exists()
    assert not AuditEntry.objects.filter(action="behaviour.event.recorded").exists()


def test_it_keeps_typed_values_and_chosen_pupils_when_invalid(client, teacher, classmates, disruption, as_user):
    as_user(teacher)
    response, _ = _post(client, classmates, disruption, description="", witnesses="Mr Patel saw it", period="P5")
    body = response.content.decode()
    assert response.status_code == 200
    assert "a negative event needs a description" in body
    assert 'value="Mr Patel saw it"' in body and 'value="P5"' in body
    for pupil in classmates:
        assert f'name="pupils" value="{pupil.code}"' in body
    assert not BehaviourEvent.objects.exists()


def test_it_rejects_a_pupil_of_another_school(client, teacher, pupil, other_school_pupil, disruption, as_user):
    as_user(teacher)
    response, _ = _post(client, [pupil, other_school_pupil], disruption)
    assert response.status_code == 200
    assert "not on roll at this school" in response.content.decode()
    assert not BehaviourEvent.objects.exists()


def test_it_preselects_the_pupil_from_the_profile(client, teacher, pupil, disruption, as_user):
    as_user(teacher)
    profile = client.get(reverse("pastoral:pupil_detail", args=[pupil.code])).content.decode()
    assert f"{reverse('behaviour:quick_log')}?pupil={pupil.code}" in profile
    body = client.get(reverse("behaviour:quick_log"), {"pupil": pupil.code}).content.decode()
    assert f'name="pupils" value="{pupil.code}"' in body


def test_it_finds_pupils_for_the_picker_in_the_current_school_only(client, teacher, pupil, other_school_pupil, as_user):
    as_user(teacher)
    body = client.get(reverse("behaviour:pupil_picker"), {"q": "Ainsworth"}).content.decode()
    assert f'data-code="{pupil.code}"' in body
    body = client.get(reverse("behaviour:pupil_picker"), {"q": "Outside"}).content.decode()
    assert str(other_school_pupil.code) not in body


def test_it_gives_the_chronology_the_event(client, teacher, pupil, other_school_dsl, disruption, as_user):
    as_user(teacher)
    _post(client, [pupil], disruption)
    [item] = events_for_chronology(teacher, pupil, 200)
    assert item.title == "Negative: Disruption in lesson (\u22122)"
    assert item.url == reverse("behaviour:event_detail", args=[BehaviourEvent.objects.get().code])
    assert events_for_chronology(other_school_dsl, pupil, 200) == []


def test_it_refuses_a_time_in_the_future(client, teacher, pupil, disruption, as_user):
    as_user(teacher)
    response, _ = _post(client, [pupil], disruption, occurred_at="2099-01-01T09:00")
    assert "cannot be in the future" in response.content.decode()
    assert not BehaviourEvent.objects.exists()


def test_it_takes_typed_upns_when_the_search_cannot_run(client, teacher, classmates, disruption, as_user):
    as_user(teacher)
    upns = f"{classmates[0].upn.lower()}\n{classmates[1].upn}"
    response, _ = _post(client, [classmates[1]], disruption, pupils_text=upns)
    assert response.status_code == 302
    assert set(BehaviourEvent.objects.values_list("pupil", flat=True)) == {classmates[0].pk, classmates[1].pk}


def test_it_names_a_upn_it_cannot_find(client, teacher, pupil, other_school_pupil, disruption, as_user):
    as_user(teacher)
    response, _ = _post(client, [], disruption, pupils_text=other_school_pupil.upn)
    assert f"No pupil matches “{other_school_pupil.upn}”." in response.content.decode()
    assert not BehaviourEvent.objects.exists()


def test_it_asks_for_a_pupil(client, teacher, disruption, as_user):
    as_user(teacher)
    response, _ = _post(client, [], disruption)
    assert "Choose at least one pupil." in response.content.decode()


def test_a_positive_point_needs_no_description_but_a_negative_event_does(client, teacher, pupil, disruption, as_user):
    from behaviour.tests.factories import BehaviourCategoryFactory

    kindness = BehaviourCategoryFactory(school=pupil.school, name="Kindness", kind="positive", points=1)
    as_user(teacher)
    response, _ = _post(client, [pupil], kindness, description="")
    assert response.status_code == 302
    assert BehaviourEvent.objects.get().description == ""
    response, _ = _post(client, [pupil], disruption, description="  ")
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"description"}
    assert "a negative event needs a description" in response.content.decode()
    assert BehaviourEvent.objects.count() == 1


def test_the_next_log_starts_where_the_last_one_was(client, teacher, pupil, disruption, corridor, as_user):
    as_user(teacher)
    form = client.get(reverse("behaviour:quick_log")).context["form"]
    assert not form.initial.get("period")
    response, _ = _post(client, [pupil], disruption, location=corridor.code, period="P4")
    assert response.status_code == 302
    page = client.get(reverse("behaviour:quick_log"))
    assert page.context["form"].initial["period"] == "P4"
    assert page.context["form"].initial["location"] == str(corridor.code)
    assert f'value="{corridor.code}" selected' in page.content.decode()
