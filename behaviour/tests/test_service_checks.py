"""Services re-check what forms offer, so a crafted call cannot write against another school's pupil."""

import uuid

import pytest
from django.utils import timezone

from behaviour.events import services
from behaviour.models import BehaviourEvent, Removal, RestorativeMeeting
from behaviour.removals import services as removal_services
from behaviour.restorative import services as restorative_services
from pastoral.exceptions import PastoralError
from pastoral.models import AuditEntry

from .factories import BehaviourEventFactory


def test_it_refuses_an_event_for_another_schools_pupil(teacher, school, pupil, other_school_pupil, disruption):
    with pytest.raises(PastoralError, match="this school's pupils"):
        services.event_record_many(
            actor=teacher,
            school=school,
            pupils=[pupil, other_school_pupil],
            category=disruption,
            occurred_at=timezone.now(),
            description="Shouting",
            submission_key=uuid.uuid4(),
        )
    assert not BehaviourEvent.objects.exists()


def test_it_refuses_a_removal_for_another_schools_pupil(teacher, school, other_school_pupil):
    with pytest.raises(PastoralError):
        removal_services.removal_record(
            actor=teacher,
            school=school,
            pupil=other_school_pupil,
            reason="x",
            removed_to="Reflection room",
            duration_minutes=20,
        )
    assert not Removal.objects.exists()


def test_it_refuses_a_removal_linked_to_another_pupils_event(teacher, school, pupil, classmates):
    event = BehaviourEventFactory(pupil=classmates[1])
    with pytest.raises(PastoralError, match="this pupil's"):
        removal_services.removal_record(
            actor=teacher, school=school, pupil=pupil, reason="x", removed_to="Office", duration_minutes=10, event=event
        )
    assert not Removal.objects.exists()


def test_it_refuses_a_meeting_naming_another_schools_pupil(teacher, school, pupil, other_school_pupil):
    event = BehaviourEventFactory(pupil=pupil)
    with pytest.raises(PastoralError):
        restorative_services.restorative_meeting_record(
            actor=teacher,
            school=school,
            incidents=[event],
            agreed="Apologise",
            repair_happened="yes",
            other_pupils=[other_school_pupil],
        )
    assert not RestorativeMeeting.objects.exists()


def test_voiding_needs_a_reason_and_happens_once(dsl, pupil):
    event = BehaviourEventFactory(pupil=pupil)
    with pytest.raises(PastoralError, match="Give a reason"):
        services.event_void(actor=dsl, event=event, reason="   ")
    services.event_void(actor=dsl, event=event, reason="Wrong pupil")
    with pytest.raises(PastoralError, match="already been voided"):
        services.event_void(actor=dsl, event=event, reason="Again")
    event.refresh_from_db()
    assert event.void_reason == "Wrong pupil"
    assert AuditEntry.objects.filter(action="behaviour.event.voided").count() == 1


def test_a_teacher_cannot_void_a_contact_log_entry_through_the_service(teacher, pastoral_staff, pupil):
    from pastoral.models import PupilNote
    from pastoral.services import note_void

    note = PupilNote.objects.create(pupil=pupil, kind="observation", summary="x", author=pastoral_staff)
    with pytest.raises(PastoralError):
        note_void(actor=teacher, note=note, reason="no")
    note.refresh_from_db()
    assert note.voided_at is None
