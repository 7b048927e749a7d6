"""Leavers: once the leaving date has passed, only the DSL team and the headteacher change the pupil's records."""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from behaviour.events import services as event_services
from behaviour.tests.factories import BehaviourCategoryFactory
from conftest import make_staff, verified_client
from medical.conditions import services as condition_services
from pastoral import services
from pastoral.accounts.roles import Role
from pastoral.models import AuditEntry, PupilNote, RecordsSent
from pastoral.pupils.leavers import LeaverReadOnly, has_left, may_write
from pastoral.tests.factories import PupilFactory
from provision.keywork import services as keywork_services
from provision.plans.kinds import Kind
from provision.tests.factories import make_plan

TODAY = timezone.localdate()


@pytest.fixture
def leaver(school):
    return PupilFactory(
        school=school,
        legal_first_name="Lena",
        legal_last_name="Left",
        admission_date=TODAY - datetime.timedelta(days=900),
        leaving_date=TODAY - datetime.timedelta(days=3),
    )


def _note(pupil):
    return PupilNote(pupil=pupil, kind="phone_call", summary="Called the new school")


def test_a_pupil_leaving_today_is_still_writable_and_one_who_left_yesterday_is_not(school, pastoral_staff):
    pupil = PupilFactory(school=school, leaving_date=TODAY)
    assert not has_left(pupil) and may_write(pastoral_staff, pupil)
    pupil.leaving_date = TODAY - datetime.timedelta(days=1)
    assert has_left(pupil) and not may_write(pastoral_staff, pupil)


def test_a_leaver_note_is_refused_to_pastoral_staff_and_allowed_to_the_dsl(leaver, pastoral_staff, dsl):
    with pytest.raises(LeaverReadOnly, match="read-only"):
        services.note_record(actor=pastoral_staff, note=_note(leaver))
    assert not PupilNote.objects.exists()
    services.note_record(actor=dsl, note=_note(leaver))
    assert PupilNote.objects.filter(pupil=leaver, author=dsl).exists()


def test_duty_app_writes_are_refused_for_a_leaver(school, leaver, pastoral_staff, dsl, headteacher):
    category = BehaviourCategoryFactory(school=school)
    with pytest.raises(LeaverReadOnly):
        event_services.event_record_many(
            actor=pastoral_staff,
            school=school,
            pupils=[leaver],
            category=category,
            occurred_at=timezone.now(),
            description="Late",
            submission_key=uuid.uuid4(),
        )
    keywork_services.assignment_create(actor=dsl, pupil=leaver, keyworker=pastoral_staff)
    with pytest.raises(LeaverReadOnly):
        keywork_services.session_log(actor=pastoral_staff, pupil=leaver, held_on=TODAY, minutes=10, kind="check_in")
    keywork_services.session_log(actor=dsl, pupil=leaver, held_on=TODAY, minutes=10, kind="check_in")
    with pytest.raises(LeaverReadOnly):
        make_plan(pastoral_staff, leaver, Kind.BSP)
    assert make_plan(headteacher, leaver, Kind.BSP).pupil == leaver


def test_a_leaver_medical_record_is_refused_to_the_medical_lead(school, leaver):
    medical_lead = make_staff(school, Role.MEDICAL_LEAD, "nurse")
    with pytest.raises(LeaverReadOnly):
        condition_services.condition_record(
            actor=medical_lead, school=school, pupil=leaver, other_name="Asthma", severity="moderate"
        )


def test_the_profile_shows_the_banner_and_hides_the_edit_buttons(client, leaver, pastoral_staff, dsl):
    page = verified_client(client, pastoral_staff).get(reverse("pastoral:pupil_detail", args=[leaver.code]))
    body = page.content.decode()
    assert f"Left on {leaver.leaving_date:%-d %b %Y}: read-only." in body
    for hidden in (
        reverse("pastoral:pupil_edit", args=[leaver.code]),
        reverse("pastoral:note_create", args=[leaver.code]),
        reverse("pastoral:contact_create", args=[leaver.code]),
        f"/behaviour/log/?pupil={leaver.code}",
        "Log records sent",
    ):
        assert hidden not in body, hidden
    assert client.get(reverse("pastoral:note_create", args=[leaver.code])).status_code == 200
    response = client.post(
        reverse("pastoral:note_create", args=[leaver.code]),
        {"kind": "phone_call", "occurred_at": "2026-01-05T10:00", "summary": "Called"},
    )
    assert response.status_code == 403 and not PupilNote.objects.exists()
    body = verified_client(client, dsl).get(reverse("pastoral:pupil_detail", args=[leaver.code])).content.decode()
    assert reverse("pastoral:pupil_edit", args=[leaver.code]) in body and "Log records sent" in body


def test_the_dsl_logs_the_records_sent_to_the_new_school(client, leaver, dsl, pastoral_staff):
    url = reverse("pastoral:records_sent_create", args=[leaver.code])
    data = {
        "sent_on": TODAY.isoformat(),
        "new_school": "Hilltop Academy",
        "what": "Pupil file and support plans",
        "method": "secure_transfer",
    }
    assert verified_client(client, pastoral_staff).post(url, data).status_code == 403
    assert verified_client(client, dsl).get(url).status_code == 405
    response = client.post(url, data)
    assert response.status_code == 302
    sent = RecordsSent.objects.get()
    assert (sent.pupil, sent.new_school, sent.method, sent.sent_by) == (
        leaver,
        "Hilltop Academy",
        "secure_transfer",
        dsl,
    )
    assert AuditEntry.objects.filter(action="pastoral.records_sent.logged", pupil=leaver).exists()
    body = client.get(reverse("pastoral:pupil_detail", args=[leaver.code])).content.decode()
    assert "to Hilltop Academy: Pupil file and support plans" in body


def test_a_leaver_plan_page_hides_its_edit_link_from_pastoral_staff(client, leaver, headteacher, pastoral_staff, dsl):
    plan = make_plan(headteacher, leaver, Kind.BSP)
    edit = reverse("provision:plan_edit", args=[plan.code])
    page = verified_client(client, pastoral_staff).get(reverse("provision:plan_detail", args=[plan.code]))
    assert page.status_code == 200 and edit not in page.content.decode()
    page = verified_client(client, dsl).get(reverse("provision:plan_detail", args=[plan.code]))
    assert edit in page.content.decode()
