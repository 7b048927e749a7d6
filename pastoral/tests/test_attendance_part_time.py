"""Part-time timetables and the cross-checks: C2 outside an agreed timetable, and suspended days not marked E."""

import datetime

from django.urls import reverse

from pastoral.attendance import checks, expectations
from pastoral.attendance.models import PartTimeTimetable
from pastoral.models import AuditEntry
from pastoral.tests.attendance_helpers import (
    add_marks,
    attendance_codes,  # noqa: F401
)
from pastoral.tests.factories import PupilFactory

MON = datetime.date(2025, 9, 8)


def _timetable(pupil, user, **values):
    defaults = dict(
        school=pupil.school,
        pupil=pupil,
        reason="Anxiety; building back up",
        attends=["1AM", "2AM", "3AM", "4AM", "5AM"],
        start=MON,
        review_on=MON + datetime.timedelta(days=14),
        end=MON + datetime.timedelta(days=41),
        agreed_with_parents=True,
        agreed_on=MON,
        created_by=user,
    )
    return PartTimeTimetable.objects.create(**{**defaults, **values})


def test_a_timetable_without_an_end_or_review_date_is_refused(school, pupil, pastoral_lead, as_user):
    client = as_user(pastoral_lead)
    url = reverse("pastoral:part_time_create", args=[pupil.code])
    data = {"reason": "Anxiety", "attends": ["1AM", "2AM"], "start": "2025-09-08"}

    response = client.post(url, data)

    assert response.status_code == 200
    assert "needs a review date" in response.content.decode()
    assert "needs an end date" in response.content.decode()
    assert not PartTimeTimetable.objects.exists()

    response = client.post(
        url,
        {
            **data,
            "review_on": "2025-09-22",
            "end": "2025-10-17",
            "agreed_with_parents": "on",
            "agreed_on": "2025-09-05",
        },
    )
    timetable = PartTimeTimetable.objects.get()
    assert response.status_code == 302
    assert (timetable.attends, timetable.end, timetable.created_by) == (
        ["1AM", "2AM"],
        datetime.date(2025, 10, 17),
        pastoral_lead,
    )
    assert AuditEntry.objects.filter(action="pastoral.attendance.part_time_created", pupil=pupil).exists()


def test_overdue_reviews_are_flagged_on_the_register_and_dashboard(school, pupil, pastoral_lead, as_user):
    today = datetime.date.today()
    _timetable(
        pupil,
        pastoral_lead,
        start=today - datetime.timedelta(days=30),
        review_on=today - datetime.timedelta(days=1),
        end=today + datetime.timedelta(days=10),
    )
    client = as_user(pastoral_lead)

    page = client.get(reverse("pastoral:part_time_list"), {"status": "review_overdue"}).content.decode()
    home = client.get(reverse("pastoral:home")).content.decode()

    assert pupil.display_name in page and "Overdue" in page
    assert "Part-time timetable reviews overdue" in home


def test_c2_outside_an_agreed_timetable_is_listed(school, pastoral_lead):
    covered = PupilFactory(school=school)
    in_session = PupilFactory(school=school)
    no_timetable = PupilFactory(school=school)
    for pupil in (covered, in_session):
        _timetable(pupil, pastoral_lead)
    add_marks(covered, ["/", "C2"], start=MON)  # Monday afternoon: not in school by the timetable
    add_marks(in_session, ["C2", "/"], start=MON)  # Monday morning: the timetable has the pupil in school
    add_marks(no_timetable, ["/", "C2"], start=MON)

    found = checks.c2_outside_timetable(school, MON, MON + datetime.timedelta(days=7))

    assert [(mark.pupil_id, why[:10]) for mark, why in found] == [
        (in_session.pk, "The agreed"),
        (no_timetable.pk, "No agreed "),
    ]


def test_a_suspended_day_should_be_e_or_the_provision_code(school, headteacher, dsl, as_user):
    from behaviour.models import Suspension

    right = PupilFactory(school=school)
    wrong = PupilFactory(school=school)
    late_provision = PupilFactory(school=school)
    for pupil, provision in ((right, None), (wrong, None), (late_provision, MON + datetime.timedelta(days=1))):
        Suspension.objects.create(
            school=school,
            pupil=pupil,
            start_date=MON,
            end_date=MON + datetime.timedelta(days=1),
            length_units=4,
            summary="Assault",
            status=Suspension.Status.FINALISED,
            recorded_by=headteacher,
            provision_start=provision,
        )
    add_marks(right, ["E"] * 4, start=MON)
    add_marks(wrong, ["E", "E", "O", "O"], start=MON)
    add_marks(late_provision, ["E", "E", "E", "B"], start=MON, note="Provision at the PRU")

    found = expectations.mismatches(headteacher, school, MON, MON + datetime.timedelta(days=6))

    assert [(m.mark.pupil_id, m.mark.date, m.mark.session, m.expectation.codes) for m in found] == [
        (wrong.pk, MON + datetime.timedelta(days=1), "AM", ("E",)),
        (late_provision.pk, MON + datetime.timedelta(days=1), "AM", ("B", "D", "K")),
        (wrong.pk, MON + datetime.timedelta(days=1), "PM", ("E",)),
    ]
    page = as_user(dsl).get(reverse("pastoral:attendance_checks"))
    assert page.status_code == 200


def test_the_profile_shows_a_current_timetable_and_open_alerts_and_nothing_of_them_without(
    school, pupil, pastoral_lead, as_user
):
    from pastoral.attendance.models import AttendanceAlert

    url = reverse("pastoral:pupil_detail", args=[pupil.code])
    client = as_user(pastoral_lead)
    body = client.get(url).content.decode()
    assert "Part-time timetable" not in body and "consider a penalty notice" not in body

    today = datetime.date.today()
    _timetable(
        pupil,
        pastoral_lead,
        start=today,
        review_on=today + datetime.timedelta(days=14),
        end=today + datetime.timedelta(days=30),
    )
    AttendanceAlert.objects.create(school=school, pupil=pupil, kind=AttendanceAlert.Kind.PENALTY, raised_on=today)
    body = client.get(url).content.decode()
    assert "Part-time timetable" in body
    assert "consider a penalty notice" in body
