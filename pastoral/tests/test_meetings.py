"""Multi-agency meetings: attendees, report upload, actions; child protection kinds for the DSL team only."""

import datetime

from django.urls import reverse

from pastoral.meetings.models import Meeting, MeetingAction
from pastoral.models import AuditEntry
from pastoral.tests.factories import ProfessionalFactory
from pastoral.tests.upload_files import MINIMAL_PDF as PDF_BYTES
from pastoral.tests.upload_files import upload


def _post(client, pupil, **extra):
    data = {"kind": "tac", "held_on": "2025-10-01", "contribution": "Attendance and behaviour summary", **extra}
    return client.post(reverse("pastoral:meeting_create", args=[pupil.code]), data)


def test_it_records_a_meeting_with_attendees_report_and_actions(school, pupil, pastoral_lead, teacher, as_user):
    nurse = ProfessionalFactory(pupil=pupil, kind="school_nurse", name="Nina Nurse")
    client = as_user(pastoral_lead)
    next_week = datetime.date.today() + datetime.timedelta(days=7)

    response = _post(
        client,
        pupil,
        staff=[teacher.code],
        professionals=[nurse.pk],
        report=upload("minutes.pdf", PDF_BYTES),
        next_meeting_on=next_week.isoformat(),
        action_1="Share attendance weekly",
        owner_1=pastoral_lead.code,
        due_1="2025-10-08",
        action_2="Arrange CAMHS referral",
        owner_name_2="Sam, Early Help",
        due_2="2025-10-15",
    )

    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert (meeting.kind, meeting.recorded_by, meeting.report_type) == ("tac", pastoral_lead, "application/pdf")
    assert list(meeting.staff.all()) == [teacher] and list(meeting.professionals.all()) == [nurse]
    assert list(meeting.actions.values_list("action", "owner", "owner_name")) == [
        ("Share attendance weekly", pastoral_lead.pk, ""),
        ("Arrange CAMHS referral", None, "Sam, Early Help"),
    ]
    detail = client.get(reverse("pastoral:meeting_detail", args=[meeting.code])).content.decode()
    assert "Nina Nurse" in detail and "Share attendance weekly" in detail
    download = client.get(reverse("pastoral:meeting_report", args=[meeting.code]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert AuditEntry.objects.filter(action="pastoral.meeting.report_downloaded", pupil=pupil).exists()
    home = client.get(reverse("pastoral:home")).content.decode()
    assert "Multi-agency meetings" in home and "Your overdue actions" in home


def test_a_report_that_is_not_what_it_claims_is_refused(school, pupil, pastoral_lead, as_user):
    response = _post(as_user(pastoral_lead), pupil, report=upload("minutes.pdf", b"MZ\x90\x00 not a pdf"))

    assert response.status_code == 200
    assert not Meeting.objects.exists()


def test_an_action_needs_an_owner_and_a_due_date(school, pupil, pastoral_lead, as_user):
    response = _post(as_user(pastoral_lead), pupil, action_1="Do something")

    body = response.content.decode()
    assert "An action needs a due date." in body and "An action needs an owner." in body
    assert not Meeting.objects.exists()


def test_child_protection_meetings_are_for_the_dsl_team_and_reads_are_audited(
    school, pupil, dsl, pastoral_lead, headteacher, as_user
):
    dsl_client = as_user(dsl)
    _post(dsl_client, pupil, kind="cp_conference")
    meeting = Meeting.objects.get()
    url = reverse("pastoral:meeting_detail", args=[meeting.code])

    assert dsl_client.get(url).status_code == 200
    assert AuditEntry.objects.filter(action="pastoral.meeting.viewed", actor=dsl, pupil=pupil).count() == 1

    lead = as_user(pastoral_lead)
    assert lead.get(url).status_code == 403
    assert AuditEntry.objects.filter(action="pastoral.meeting.refused", actor=pastoral_lead).count() == 1
    listing = lead.get(reverse("pastoral:pupil_meetings", args=[pupil.code])).content.decode()
    assert str(meeting.code) not in listing
    # Nor can they record one.
    form = lead.get(reverse("pastoral:meeting_create", args=[pupil.code])).content.decode()
    assert 'value="cp_conference"' not in form
    assert _post(lead, pupil, kind="cp_conference").status_code == 200
    assert Meeting.objects.count() == 1
    assert as_user(headteacher).get(url).status_code == 403


def test_other_schools_meetings_are_404(school, pupil, pastoral_lead, other_school_dsl, as_user):
    _post(as_user(pastoral_lead), pupil)
    meeting = Meeting.objects.get()

    assert as_user(other_school_dsl).get(reverse("pastoral:meeting_detail", args=[meeting.code])).status_code == 404


def test_an_action_is_marked_done(school, pupil, pastoral_lead, as_user):
    client = as_user(pastoral_lead)
    _post(client, pupil, action_1="Call mum", owner_1=pastoral_lead.code, due_1="2025-10-08")
    action = MeetingAction.objects.get()

    response = client.post(reverse("pastoral:meeting_action_done", args=[action.code]))

    action.refresh_from_db()
    assert response.status_code == 302 and action.done_by == pastoral_lead
    assert client.get(reverse("pastoral:meeting_action_done", args=[action.code])).status_code == 405


def test_an_action_owner_in_school_is_typed_by_name_and_an_outsider_is_refused(
    school, pupil, pastoral_lead, teacher, other_school_dsl, as_user
):
    client = as_user(pastoral_lead)
    page = client.get(reverse("pastoral:meeting_create", args=[pupil.code])).content.decode()
    assert '<select name="owner_1"' not in page and 'name="owner_1_text"' in page
    response = _post(client, pupil, action_1="Call mum", owner_1=other_school_dsl.code, due_1="2025-10-08")
    assert response.status_code == 200 and "Choose a member of staff from this school" in response.content.decode()
    assert not Meeting.objects.exists()
    _post(client, pupil, action_1="Call mum", owner_1_text="Teacher Tester", due_1="2025-10-08")
    assert list(MeetingAction.objects.values_list("action", "owner")) == [("Call mum", teacher.pk)]
