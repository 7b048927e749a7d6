import datetime
import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from behaviour.incidents import services
from behaviour.incidents.chronology import incidents_for_chronology
from behaviour.models import FollowUpAction, Incident, IncidentRevision
from pastoral.exceptions import PastoralError
from pastoral.models import AuditEntry
from pastoral.tests.factories import PupilFactory

from .factories import BehaviourCategoryFactory, BehaviourEventFactory


def _form(**overrides):
    data = {
        "submission_key": str(uuid.uuid4()),
        "antecedent": "Asked to put his phone away after a difficult break",
        "behaviour": "Threw a chair towards the wall and left the room",
        "consequence": "Time in the inclusion base",
        "deescalation": "Calm voice, offered a movement break",
        "dysregulated": "yes",
    }
    data.update(overrides)
    return data


def _incident(actor, event, **fields):
    data = {"antecedent": "Before", "behaviour": "During", "dysregulated": "no", **fields}
    return services.incident_record(actor=actor, event=event, submission_key=uuid.uuid4(), **data)


@pytest.fixture
def pair(school, pupil):
    """Two pupils' events logged together, as the quick log does for a fight."""
    fighting = BehaviourCategoryFactory(school=school, name="Fighting", kind="negative", points=5)
    first = BehaviourEventFactory(pupil=pupil, category=fighting)
    second = BehaviourEventFactory(
        pupil=PupilFactory(school=school, legal_first_name="Bilal"), category=fighting, group=first.group
    )
    return first, second


def test_it_adds_detail_to_every_event_logged_together(client, teacher, school, pair, as_user):
    first, second = pair
    bystander = PupilFactory(school=school, legal_first_name="Chloe")
    as_user(teacher)
    page = client.get(reverse("behaviour:event_detail", args=[first.code])).content.decode()
    assert reverse("behaviour:incident_create", args=[first.code]) in page and "Add incident detail" in page
    response = client.post(
        reverse("behaviour:incident_create", args=[first.code]),
        _form(
            injuries="on",
            injury_details="Bruised arm; ice pack from the first aider",
            parents_informed="on",
            parents_informed_at="2026-01-12T15:00",
            parents_informed_how="phone",
            parents_informed_by=teacher.code,
            other_pupils=[bystander.code],
        ),
    )
    incident = Incident.objects.get()
    assert response.status_code == 302 and response.url == reverse("behaviour:incident_detail", args=[incident.code])
    assert set(incident.events.all()) == {first, second}
    assert set(incident.pupils.all()) == {first.pupil, second.pupil, bystander}
    assert incident.dysregulated == "yes" and incident.injuries and "Bruised arm" in incident.injury_details
    assert incident.parents_informed_how == "phone" and incident.parents_informed_by == teacher
    assert incident.recorded_by == teacher and incident.school == school
    assert AuditEntry.objects.filter(action="behaviour.incident.recorded", pupil=first.pupil).count() == 1
    # Both events now lead to the detail instead of offering a second one.
    for event in pair:
        page = client.get(reverse("behaviour:event_detail", args=[event.code])).content.decode()
        assert reverse("behaviour:incident_detail", args=[incident.code]) in page
        assert "Add incident detail" not in page
    again = client.get(reverse("behaviour:incident_create", args=[second.code]))
    assert again.status_code == 302 and again.url == reverse("behaviour:incident_detail", args=[incident.code])
    detail = client.get(response.url).content.decode()
    assert "Threw a chair" in detail and "Bruised arm" in detail and "Chloe" in detail


def test_it_creates_one_incident_when_the_form_is_sent_twice(client, teacher, pair, as_user):
    as_user(teacher)
    url = reverse("behaviour:incident_create", args=[pair[0].code])
    data = _form()
    first = client.post(url, data)
    second = client.post(url, data)
    assert Incident.objects.count() == 1
    assert first.status_code == second.status_code == 302 and first.url == second.url


def test_it_keeps_every_typed_value_when_invalid(client, teacher, school, pair, as_user):
    other = PupilFactory(school=school, legal_first_name="Dev")
    as_user(teacher)
    response = client.post(
        reverse("behaviour:incident_create", args=[pair[0].code]),
        _form(
            behaviour="",
            injuries="on",
            parents_informed="on",
            parents_informed_by=teacher.code,
            other_pupils=[other.code],
        ),
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {
        "behaviour",
        "injury_details",
        "parents_informed_at",
        "parents_informed_how",
    }
    page = response.content.decode()
    assert "Asked to put his phone away after a difficult break" in page
    assert "Calm voice, offered a movement break" in page and "Time in the inclusion base" in page
    assert re.search(r'name="dysregulated" value="yes"\s+id="id_dysregulated_0" required checked', page)
    assert 'name="injuries" class="checkboxinput form-check-input" id="id_injuries" checked' in page
    assert 'name="parents_informed" class="checkboxinput form-check-input" id="id_parents_informed" checked' in page
    assert f'name="parents_informed_by" value="{teacher.code}"' in page
    assert f'name="other_pupils" value="{other.code}" checked' in page
    assert 'href="#id_behaviour"' in page  # the summary links to the field
    assert not Incident.objects.exists()


def test_it_keeps_history_of_edits(client, pastoral_staff, pair, as_user):
    incident = _incident(pastoral_staff, pair[0], consequence="Detention")
    as_user(pastoral_staff)
    url = reverse("behaviour:incident_edit", args=[incident.code])
    page = client.get(url).content.decode()
    assert "Detention" in page
    data = _form(antecedent="Before", behaviour="During", consequence="Internal exclusion", dysregulated="unsure")
    refused = client.post(url, data)
    assert refused.status_code == 200 and "change_reason" in refused.context["form"].errors
    data["change_reason"] = "Head of year changed the sanction"
    response = client.post(url, data)
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.consequence == "Internal exclusion" and incident.dysregulated == "unsure"
    revision = IncidentRevision.objects.get(incident=incident)
    assert revision.changed_by == pastoral_staff
    assert revision.changes["consequence"] == ["Detention", "Internal exclusion"]
    assert revision.changes["dysregulated"] == ["No", "Not sure"]
    assert revision.reason == "Head of year changed the sanction"
    assert AuditEntry.objects.filter(action="behaviour.incident.changed").count() == 1
    detail = client.get(reverse("behaviour:incident_detail", args=[incident.code])).content.decode()
    assert "“Detention” → “Internal exclusion”" in detail
    # Saving again unchanged adds no revision.
    client.post(url, data)
    assert IncidentRevision.objects.filter(incident=incident).count() == 1


def test_it_voids_with_a_reason_and_hides_it_from_teachers(client, pastoral_lead, teacher, pair, as_user):
    incident = _incident(teacher, pair[0])
    as_user(teacher)
    url = reverse("behaviour:incident_void", args=[incident.code])
    assert client.get(url).status_code == 405
    assert client.post(url, {"reason": "Wrong"}).status_code == 403
    as_user(pastoral_lead)
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "Logged against the wrong events"}).status_code == 302
    incident.refresh_from_db()
    assert incident.voided_by == pastoral_lead and incident.void_reason == "Logged against the wrong events"
    assert AuditEntry.objects.filter(action="behaviour.incident.voided").count() == 1
    assert incidents_for_chronology(pastoral_lead, pair[0].pupil, 200)[0].title.startswith("Voided – ")
    assert incidents_for_chronology(teacher, pair[0].pupil, 200) == []
    as_user(teacher)
    assert client.get(reverse("behaviour:incident_detail", args=[incident.code])).status_code == 403
    # With the old detail voided, the events can be given detail again.
    assert client.get(reverse("behaviour:incident_create", args=[pair[0].code])).status_code == 200


def test_it_shows_the_incident_on_each_pupils_chronology(client, teacher, pair, as_user):
    incident = _incident(teacher, pair[0], behaviour="Punched another pupil")
    as_user(teacher)
    for event in pair:
        titles = [item.title for item in incidents_for_chronology(teacher, event.pupil, 200)]
        assert titles == ["Incident detail: Punched another pupil"]
    page = client.get(reverse("pastoral:pupil_detail", args=[pair[1].pupil.code])).content.decode()
    assert reverse("behaviour:incident_detail", args=[incident.code]) in page


def test_it_offers_detail_only_for_current_negative_events(client, teacher, school, pupil, as_user):
    praise = BehaviourEventFactory(pupil=pupil, category=BehaviourCategoryFactory(school=school, kind="positive"))
    voided = BehaviourEventFactory(pupil=pupil, voided_at=timezone.now())
    as_user(teacher)
    assert (
        "Add incident detail" not in client.get(reverse("behaviour:event_detail", args=[praise.code])).content.decode()
    )
    assert client.get(reverse("behaviour:incident_create", args=[praise.code])).status_code == 404
    assert client.get(reverse("behaviour:incident_create", args=[voided.code])).status_code == 404
    with pytest.raises(PastoralError):
        _incident(teacher, praise)


def test_it_hides_another_schools_incident(client, dsl, other_school_dsl, other_school_pupil, as_user):
    event = BehaviourEventFactory(pupil=other_school_pupil)
    incident = _incident(other_school_dsl, event)
    action = services.follow_up_add(
        actor=other_school_dsl,
        incident=incident,
        description="Call home",
        owner=other_school_dsl,
        due_on=timezone.localdate(),
        submission_key=uuid.uuid4(),
    )
    as_user(dsl)
    assert client.get(reverse("behaviour:incident_create", args=[event.code])).status_code == 404
    assert client.get(reverse("behaviour:incident_detail", args=[incident.code])).status_code == 404
    assert client.get(reverse("behaviour:incident_edit", args=[incident.code])).status_code == 404
    assert client.post(reverse("behaviour:follow_up_done", args=[action.code])).status_code == 404
    assert client.post(reverse("behaviour:incident_void", args=[incident.code]), {"reason": "x"}).status_code == 404
    assert str(incident.code) not in client.get(reverse("behaviour:incident_list")).content.decode()


def test_services_refuse_staff_of_another_school_as_informer(teacher, other_school_dsl, pair):
    with pytest.raises(PastoralError):
        _incident(
            teacher,
            pair[0],
            parents_informed=True,
            parents_informed_at=timezone.now(),
            parents_informed_how="phone",
            parents_informed_by=other_school_dsl,
        )
    with pytest.raises(PastoralError):
        _incident(other_school_dsl, pair[0])
    assert not Incident.objects.exists()


def test_it_adds_follow_up_actions_flags_overdue_and_marks_done(client, teacher, pastoral_staff, pair, as_user):
    incident = _incident(teacher, pair[0])
    as_user(teacher)
    url = reverse("behaviour:follow_up_create", args=[incident.code])
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    data = {
        "action-description": "Call home about the meeting",
        "action-owner": pastoral_staff.code,
        "action-due_on": yesterday,
        "action-submission_key": str(uuid.uuid4()),
    }
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # sent twice: still one action
    action = FollowUpAction.objects.get()
    assert action.owner == pastoral_staff and action.created_by == teacher and action.overdue
    assert AuditEntry.objects.filter(action="behaviour.follow_up.added").count() == 1
    detail = client.get(reverse("behaviour:incident_detail", args=[incident.code])).content.decode()
    assert "Call home about the meeting" in detail and "Overdue" in detail
    listing = client.get(reverse("behaviour:incident_list") + "?overdue=1").content.decode()
    assert "1 overdue" in listing
    assert client.get(reverse("behaviour:follow_up_done", args=[action.code])).status_code == 405
    as_user(pastoral_staff)  # the action's owner closes it
    assert client.post(reverse("behaviour:follow_up_done", args=[action.code])).status_code == 302
    action.refresh_from_db()
    assert action.done_by == pastoral_staff and action.done_at is not None and not action.overdue
    assert AuditEntry.objects.filter(action="behaviour.follow_up.completed").count() == 1
    listing = client.get(reverse("behaviour:incident_list") + "?overdue=1").content.decode()
    assert reverse("behaviour:incident_detail", args=[incident.code]) not in listing


def test_it_keeps_a_follow_up_that_fails_validation(client, teacher, pair, as_user):
    incident = _incident(teacher, pair[0])
    as_user(teacher)
    data = {
        "action-description": "Check in on Monday",
        "action-owner": "",
        "action-due_on": "2026-12-01",
        "action-submission_key": str(uuid.uuid4()),
    }
    response = client.post(reverse("behaviour:follow_up_create", args=[incident.code]), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="Check in on Monday"' in page and 'value="2026-12-01"' in page
    assert 'href="#id_action-owner"' in page
    assert not FollowUpAction.objects.exists()


def test_it_lists_incidents_in_the_same_queries_as_rows_grow(
    client, teacher, school, django_assert_max_num_queries, as_user
):
    def make():
        event = BehaviourEventFactory(pupil=PupilFactory(school=school))
        incident = _incident(teacher, event)
        services.follow_up_add(
            actor=teacher,
            incident=incident,
            description="Call",
            owner=teacher,
            due_on=timezone.localdate(),
            submission_key=uuid.uuid4(),
        )

    as_user(teacher)
    make()
    client.get(reverse("behaviour:incident_list"))
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("behaviour:incident_list"))
    for _ in range(15):
        make()
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("behaviour:incident_list"))
    assert response.content.decode().count("<tr") == 17


def test_the_home_page_lists_my_open_actions_overdue_first(client, teacher, pastoral_staff, pair, as_user):
    incident = _incident(teacher, pair[0])
    today = timezone.localdate()
    for description, owner, due in (
        ("Ring home", teacher, today + datetime.timedelta(days=3)),
        ("Check the CCTV", teacher, today - datetime.timedelta(days=2)),
        ("Not mine", pastoral_staff, today),
    ):
        services.follow_up_add(
            actor=teacher,
            incident=incident,
            description=description,
            owner=owner,
            due_on=due,
            submission_key=uuid.uuid4(),
        )
    as_user(teacher)
    page = client.get(reverse("pastoral:home")).content.decode()
    assert "My incident follow-up actions" in page
    assert page.index("Check the CCTV") < page.index("Ring home") and "Not mine" not in page
    assert "Overdue" in page


def _action(incident, owner, created_by):
    return FollowUpAction.objects.create(
        incident=incident,
        description="Call home",
        owner=owner,
        due_on=timezone.localdate() + datetime.timedelta(days=2),
        created_by=created_by,
        submission_key=uuid.uuid4(),
    )


def test_a_colleague_cannot_change_an_incident_or_close_its_actions(
    client, teacher, pastoral_staff, senco, pair, as_user
):
    incident = _incident(teacher, pair[0], consequence="Detention")
    action = _action(incident, owner=senco, created_by=teacher)
    as_user(pastoral_staff)
    detail = client.get(reverse("behaviour:incident_detail", args=[incident.code])).content.decode()
    assert "Change incident detail" not in detail and "Mark done" not in detail
    url = reverse("behaviour:incident_edit", args=[incident.code])
    assert client.get(url).status_code == 403
    data = _form(antecedent="Before", behaviour="During", consequence="Nothing", dysregulated="no")
    assert client.post(url, data).status_code == 403
    assert client.post(reverse("behaviour:follow_up_done", args=[action.code])).status_code == 403
    as_user(teacher)  # the recorder of the incident does not close the SENCo's action either
    assert client.post(reverse("behaviour:follow_up_done", args=[action.code])).status_code == 403
    incident.refresh_from_db()
    action.refresh_from_db()
    assert incident.consequence == "Detention" and not IncidentRevision.objects.exists()
    assert action.done_at is None and action.done_by is None
    assert not AuditEntry.objects.filter(action__in=["behaviour.incident.changed", "behaviour.follow_up.completed"])
    with pytest.raises(PastoralError, match="action's owner"):
        services.follow_up_complete(actor=pastoral_staff, action=action)
    with pytest.raises(PastoralError, match="whoever recorded this incident"):
        services.incident_update(actor=pastoral_staff, incident=incident, changes={"consequence": "x"})


def test_the_recorder_edits_and_the_owner_or_a_lead_closes_actions(
    client, teacher, pastoral_staff, pastoral_lead, pair, as_user
):
    incident = _incident(teacher, pair[0], consequence="Detention")
    own = _action(incident, owner=pastoral_staff, created_by=teacher)
    other = _action(incident, owner=teacher, created_by=teacher)
    as_user(teacher)
    assert (
        "Change incident detail"
        in client.get(reverse("behaviour:incident_detail", args=[incident.code])).content.decode()
    )
    data = _form(antecedent="Before", behaviour="During", consequence="Internal exclusion", dysregulated="no")
    data["change_reason"] = "Sanction changed"
    assert client.post(reverse("behaviour:incident_edit", args=[incident.code]), data).status_code == 302
    as_user(pastoral_staff)
    detail = client.get(reverse("behaviour:incident_detail", args=[incident.code])).content.decode()
    assert detail.count("Mark done") == 1  # their own action only
    assert client.post(reverse("behaviour:follow_up_done", args=[own.code])).status_code == 302
    as_user(pastoral_lead)
    assert client.post(reverse("behaviour:follow_up_done", args=[other.code])).status_code == 302
    incident.refresh_from_db()
    own.refresh_from_db()
    other.refresh_from_db()
    assert incident.consequence == "Internal exclusion"
    assert own.done_by == pastoral_staff and other.done_by == pastoral_lead


def test_the_follow_up_owner_is_a_colleague_typed_by_name_or_chosen_by_code(
    school, teacher, pastoral_staff, other_school_dsl
):
    from behaviour.incidents.forms import FollowUpForm

    base = {
        "action-description": "Call home",
        "action-due_on": "2026-12-01",
        "action-submission_key": str(uuid.uuid4()),
    }
    typed = FollowUpForm({**base, "action-owner_text": "pastoral tester"}, school=school)
    assert typed.is_valid() and typed.cleaned_data["owner"] == pastoral_staff
    chosen = FollowUpForm({**base, "action-owner": str(pastoral_staff.code)}, school=school)
    assert chosen.is_valid() and chosen.cleaned_data["owner"] == pastoral_staff
    outsider = FollowUpForm({**base, "action-owner": str(other_school_dsl.code)}, school=school)
    assert not outsider.is_valid() and "owner" in outsider.errors
    typed_outsider = FollowUpForm({**base, "action-owner_text": "otherdsl tester"}, school=school)
    assert not typed_outsider.is_valid() and "No member of staff matches" in typed_outsider.errors["owner"][0]
    rendered = str(FollowUpForm(school=school)["owner"])
    assert "<select" not in rendered and 'name="action-owner_text"' in rendered
