from django.urls import reverse

from behaviour.events.chronology import events_for_chronology
from behaviour.models import BehaviourEvent, BehaviourEventRevision
from pastoral.models import AuditEntry
from pastoral.tests.factories import PupilFactory

from .factories import BehaviourCategoryFactory, BehaviourEventFactory


def test_it_hides_another_schools_event(client, dsl, other_school_pupil, as_user):
    event = BehaviourEventFactory(pupil=other_school_pupil)
    as_user(dsl)
    assert client.get(reverse("behaviour:event_detail", args=[event.code])).status_code == 404
    assert client.post(reverse("behaviour:event_void", args=[event.code]), {"reason": "x"}).status_code == 404


def test_a_teacher_can_log_but_not_void(client, teacher, pupil, as_user):
    event = BehaviourEventFactory(pupil=pupil, recorded_by=teacher)
    as_user(teacher)
    assert client.get(reverse("behaviour:quick_log")).status_code == 200
    response = client.post(reverse("behaviour:event_void", args=[event.code]), {"reason": "Wrong pupil"})
    assert response.status_code == 403
    event.refresh_from_db()
    assert event.voided_at is None


def test_it_voids_with_a_reason_and_keeps_the_row(client, pastoral_lead, pupil, as_user):
    event = BehaviourEventFactory(pupil=pupil)
    as_user(pastoral_lead)
    url = reverse("behaviour:event_void", args=[event.code])
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "Logged against the wrong pupil"}).status_code == 302
    event.refresh_from_db()
    assert event.voided_at is not None and event.voided_by == pastoral_lead
    assert event.void_reason == "Logged against the wrong pupil"
    assert AuditEntry.objects.filter(action="behaviour.event.voided", pupil=pupil).count() == 1
    page = client.get(reverse("behaviour:event_detail", args=[event.code])).content.decode()
    assert "Voided by" in page
    assert events_for_chronology(pastoral_lead, pupil, 200)[0].title.startswith("Voided – Negative:")


def test_it_hides_voided_events_from_teachers(client, teacher, pastoral_lead, pupil, as_user):
    event = BehaviourEventFactory(pupil=pupil)
    event.voided_at, event.voided_by, event.void_reason = event.created_at, pastoral_lead, "dup"
    event.save()
    as_user(teacher)
    assert client.get(reverse("behaviour:event_detail", args=[event.code])).status_code == 403
    assert str(event.code) not in client.get(reverse("behaviour:event_list")).content.decode()


def test_it_keeps_the_history_of_an_edit(client, teacher, pupil, as_user):
    event = BehaviourEventFactory(pupil=pupil, description="Shouting", period="P1", recorded_by=teacher)
    other = BehaviourCategoryFactory(school=pupil.school, name="Defiance", kind="negative")
    as_user(teacher)
    response = client.post(
        reverse("behaviour:event_edit", args=[event.code]),
        {
            "category": other.code,
            "occurred_at": event.occurred_at.strftime("%Y-%m-%dT%H:%M"),
            "description": "Shouting and swearing",
            "period": "P1",
            "change_reason": "The swearing was reported by the TA afterwards",
        },
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.description == "Shouting and swearing" and event.category == other
    revision = BehaviourEventRevision.objects.get(event=event)
    assert revision.changed_by == teacher
    assert revision.reason == "The swearing was reported by the TA afterwards"
    detail = client.get(reverse("behaviour:event_detail", args=[event.code])).content.decode()
    assert "Why: The swearing was reported by the TA afterwards" in detail
    assert revision.changes["description"] == ["Shouting", "Shouting and swearing"]
    assert "occurred_at" not in revision.changes
    assert AuditEntry.objects.filter(action="behaviour.event.changed").count() == 1
    page = client.get(reverse("behaviour:event_detail", args=[event.code])).content.decode()
    assert "Shouting and swearing" in page and "“Shouting”" in page


def test_it_filters_the_list(client, teacher, school, as_user):
    year7 = PupilFactory(school=school, year_group=7, legal_first_name="Seventh")
    year9 = PupilFactory(school=school, year_group=9, legal_first_name="Ninth")
    praise = BehaviourCategoryFactory(school=school, name="Kindness", kind="positive")
    BehaviourEventFactory(pupil=year7, category=praise)
    BehaviourEventFactory(pupil=year9)
    as_user(teacher)
    body = client.get(reverse("behaviour:event_list"), {"year_group": 7}).content.decode()
    assert "Seventh" in body and "Ninth" not in body
    body = client.get(reverse("behaviour:event_list"), {"kind": "negative"}).content.decode()
    assert "Ninth" in body and "Seventh" not in body


def test_the_list_costs_the_same_queries_as_rows_grow(client, teacher, school, django_assert_max_num_queries, as_user):
    as_user(teacher)
    pupil = PupilFactory(school=school)
    category = BehaviourCategoryFactory(school=school)
    BehaviourEventFactory(pupil=pupil, category=category).staff_involved.add(teacher)
    client.get(reverse("behaviour:event_list"))
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("behaviour:event_list"))
    for _ in range(30):
        event = BehaviourEventFactory(pupil=PupilFactory(school=school), category=category)
        event.staff_involved.add(teacher)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("behaviour:event_list"))
    assert response.content.decode().count("<tr") == 32
    assert BehaviourEvent.objects.count() == 31


def _edit(client, event, description):
    return client.post(
        reverse("behaviour:event_edit", args=[event.code]),
        {
            "category": event.category.code,
            "occurred_at": event.occurred_at.strftime("%Y-%m-%dT%H:%M"),
            "description": description,
            "period": event.period,
            "change_reason": "Corrected",
        },
    )


def test_it_refuses_a_colleague_editing_someone_elses_event(client, teacher, pastoral_staff, pupil, as_user):
    event = BehaviourEventFactory(pupil=pupil, description="Shouting", recorded_by=teacher)
    as_user(pastoral_staff)
    page = client.get(reverse("behaviour:event_detail", args=[event.code])).content.decode()
    assert "Correct this event" not in page and "Record a removal" in page  # still logs follow-ups
    assert client.get(reverse("behaviour:event_edit", args=[event.code])).status_code == 403
    assert _edit(client, event, "Nothing happened").status_code == 403
    event.refresh_from_db()
    assert event.description == "Shouting"
    assert not BehaviourEventRevision.objects.exists()
    assert not AuditEntry.objects.filter(action="behaviour.event.changed").exists()


def test_the_recorder_and_a_lead_may_edit_an_event(client, teacher, pastoral_lead, dsl, pupil, as_user):
    event = BehaviourEventFactory(pupil=pupil, description="Shouting", recorded_by=teacher)
    for user, text in ((teacher, "Shouting in P1"), (pastoral_lead, "Shouting in P2"), (dsl, "Shouting in P3")):
        as_user(user)
        assert "Correct this event" in client.get(reverse("behaviour:event_detail", args=[event.code])).content.decode()
        assert _edit(client, event, text).status_code == 302
        event.refresh_from_db()
        assert event.description == text
    assert BehaviourEventRevision.objects.filter(event=event).count() == 3


def test_an_edit_without_a_reason_is_refused_beside_the_field_and_keeps_what_was_typed(client, teacher, pupil, as_user):
    event = BehaviourEventFactory(pupil=pupil, description="Shouting", period="P1", recorded_by=teacher)
    as_user(teacher)
    response = client.post(
        reverse("behaviour:event_edit", args=[event.code]),
        {
            "category": event.category.code,
            "occurred_at": event.occurred_at.strftime("%Y-%m-%dT%H:%M"),
            "description": "Shouting at a peer",
            "period": "P1",
        },
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"change_reason"}
    assert "Shouting at a peer" in response.content.decode()
    event.refresh_from_db()
    assert event.description == "Shouting"
    assert not BehaviourEventRevision.objects.filter(event=event).exists()


def test_the_chronology_item_names_category_points_role_text_and_recorder(pastoral_lead, teacher, pupil):
    teacher.first_name, teacher.last_name = "Ruth", "Okafor"
    teacher.save()
    negative = BehaviourCategoryFactory(school=pupil.school, kind="negative", name="Off-task", points=2)
    positive = BehaviourCategoryFactory(school=pupil.school, kind="positive", name="Kindness", points=3)
    long_text = "Kept talking over the lesson " * 8
    bad = BehaviourEventFactory(
        pupil=pupil, category=negative, recorded_by=teacher, role="target", description=long_text
    )
    good = BehaviourEventFactory(
        pupil=pupil, category=positive, recorded_by=pastoral_lead, description="Helped a friend"
    )
    items = {item.url: item for item in events_for_chronology(pastoral_lead, pupil, 200)}

    item = items[reverse("behaviour:event_detail", args=[bad.code])]
    assert item.title == "Negative: Off-task (\u22122)"
    assert item.summary == f"Role: target. {long_text[:140]} — logged by Ruth Okafor"
    assert item.tone == "warning" and item.detail == long_text and item.when == bad.occurred_at
    item = items[reverse("behaviour:event_detail", args=[good.code])]
    assert item.title == "Positive: Kindness (+3)"
    assert item.summary == f"Role: involved. Helped a friend — logged by {pastoral_lead}"
    assert item.tone == "success" and item.detail == ""
