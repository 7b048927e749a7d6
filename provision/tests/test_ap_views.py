"""Alternative provision pages: commissioning, the dashboard, the profile card, the chronology, exports, the
termly section, the demo, the beat task, and pinned query counts."""

import datetime
import random

import pytest
from django.urls import reverse
from django.utils import timezone

from pastoral.accounts.roles import Role
from pastoral.chronology import chronology_for
from pastoral.files.reports import sections
from pastoral.tests.export_helpers import export_csv
from pastoral.tests.factories import PupilFactory
from provision.ap import services
from provision.ap.demo import seed_ap
from provision.ap.models import DueDiligenceCheck, MissingReturnAlert, Placement, Provider
from provision.ap.report_sections import build_ap

from .ap_factories import coordinator, make_placement, make_provider, pdf_upload

TODAY = timezone.localdate()


def weekday():
    day = TODAY
    while day.weekday() >= 5:
        day -= datetime.timedelta(days=1)
    return day


@pytest.fixture
def apco(school):
    return coordinator(school)


@pytest.fixture
def provider(apco, school):
    return make_provider(apco, school)


def test_the_coordinator_commissions_agrees_and_starts_a_placement(client, as_user, apco, provider, pupil):
    as_user(apco)
    start = weekday()
    response = client.post(
        reverse("provision:ap_placement_create"),
        {
            "pupil": pupil.code,
            "provider": provider.pk,
            "commissioner": "school",
            "reason": "Re-engagement",
            "sessions": ["1AM", "2AM"],
            "full_time": "",
            "cost_per_session": "40",
            "start": start.isoformat(),
            "planned_end": "",
            "review_weeks": "6",
            "attendance_code": "B",
            "objective": "Attend",
            "target": "90%",
            "due_on": (start + datetime.timedelta(days=40)).isoformat(),
        },
    )
    placement = Placement.objects.get()
    assert response.status_code == 302 and placement.status == Placement.Status.PROPOSED
    detail = reverse("provision:ap_placement_detail", args=[placement.code])
    client.post(reverse("provision:ap_placement_agree", args=[placement.code]), {"agreed_on": start.isoformat()})
    page = client.get(detail).content.decode()
    assert "A part-time timetable is temporary" in page  # part-time, no end or review date: cannot start yet
    client.post(reverse("provision:ap_placement_start", args=[placement.code]))
    placement.refresh_from_db()
    assert placement.status == Placement.Status.AGREED
    services.placement_update(actor=apco, placement=placement, fields={"planned_end": start + datetime.timedelta(60)})
    client.post(reverse("provision:ap_placement_start", args=[placement.code]))
    placement.refresh_from_db()
    assert placement.status == Placement.Status.ACTIVE


def test_a_form_error_keeps_what_was_typed(client, as_user, apco, provider, pupil):
    as_user(apco)
    response = client.post(reverse("provision:ap_placement_create"), {"reason": "Kept reason", "provider": provider.pk})
    assert response.status_code == 200
    assert "Kept reason" in response.content.decode()


def test_the_safeguarding_confirmation_upload_is_checked(client, as_user, apco, provider):
    from django.core.files.uploadedfile import SimpleUploadedFile

    as_user(apco)
    url = reverse("provision:ap_check_create", args=[provider.code])
    data = {"kind": "safeguarding", "checked_on": TODAY.isoformat(), "covers": ["dbs", "barred", "identity"]}
    fake = SimpleUploadedFile("c.pdf", b"<html>not a pdf</html>", "application/pdf")
    response = client.post(url, {**data, "document": fake})
    assert response.status_code == 200 and "PDF, PNG or JPEG" in response.content.decode()
    response = client.post(url, {**data, "document": pdf_upload()})
    assert "every check" in response.content.decode()


def test_the_dashboard_shows_everything_due_in_fixed_queries(
    client, as_user, apco, school, provider, django_assert_max_num_queries
):
    day = weekday()
    for n in range(7):
        pupil = PupilFactory(school=school, year_group=9, looked_after=n == 0)
        placement = make_placement(apco, pupil, provider, start=day - datetime.timedelta(days=30))
    Placement.objects.filter(pk=placement.pk).update(next_review=TODAY - datetime.timedelta(days=3))
    services.missing_returns_raise(
        school=school, now=timezone.make_aware(datetime.datetime.combine(day, datetime.time(15)))
    )
    expired = make_provider(apco, school, name="Lapsed Ltd")
    DueDiligenceCheck.objects.filter(provider=expired).update(expires_on=TODAY - datetime.timedelta(days=1))
    as_user(apco)
    with django_assert_max_num_queries(24):
        page = client.get(reverse("provision:ap_dashboard")).content.decode()
    assert "Registration warnings" in page and "Lapsed Ltd" in page and "Overdue" in page
    if day == TODAY:
        assert 'id="missing-alerts"' in page
    with django_assert_max_num_queries(14):
        assert client.get(reverse("provision:ap_placement_list")).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("provision:ap_provider_list")).status_code == 200
    with django_assert_max_num_queries(22):
        assert client.get(reverse("provision:ap_placement_detail", args=[placement.code])).status_code == 200
    from django.test import RequestFactory

    from provision.ap.dashboard import ap_panel

    request = RequestFactory().get("/")
    request.user = apco
    with django_assert_max_num_queries(9):
        panel = ap_panel(request, school)
    assert panel.context["overdue"] == 1 and panel.context["warnings"] == 1
    assert client.get(reverse("pastoral:home")).status_code == 200


def test_the_profile_card_and_chronology(client, as_user, apco, dsl, pupil, provider):
    placement = make_placement(apco, pupil, provider)
    services.report_submit(actor=apco, placement=placement, dated=TODAY, text="Good week")
    as_user(dsl)
    page = client.get(reverse("pastoral:pupil_detail", args=[pupil.code])).content.decode()
    assert "Alternative provision" in page and provider.name in page
    titles = [item.title for item in chronology_for(dsl, pupil)]
    assert f"Started at {provider.name}" in titles and f"Progress report from {provider.name}" in titles


def test_the_exports(client, as_user, apco, pupil, provider, django_capture_on_commit_callbacks):
    placement = make_placement(apco, pupil, provider)
    day = weekday()
    services.returns_submit(
        actor=apco, placement=placement, date=day, marks={"AM": ("late", "", 5), "PM": ("absent", "Ill", None)}
    )
    as_user(apco)
    rows = export_csv(client, django_capture_on_commit_callbacks, apco, "provision.ap_mis_marks_csv")
    assert rows[0][:6] == ["UPN", "Surname", "Forename", "Date", "Session", "Code"]
    assert [(r[4], r[5]) for r in rows[1:]] == [("AM", "B"), ("PM", "O")]
    rows = export_csv(client, django_capture_on_commit_callbacks, apco, "provision.ap_placements_csv")
    assert rows[1][2] == provider.name


def test_the_termly_section_for_a_trust_leader(apco, trust_leader, school, pupil, provider):
    placement = make_placement(apco, pupil, provider, start=TODAY - datetime.timedelta(days=20))
    services.returns_submit(
        actor=apco,
        placement=placement,
        date=weekday(),
        marks={"AM": ("present", "", None), "PM": ("present", "", None)},
    )
    section = build_ap(trust_leader, [school], TODAY - datetime.timedelta(days=30), TODAY, None, None)
    headlines = dict(section.headlines)
    assert headlines["Pupils in alternative provision"] == 1
    assert headlines["Attendance at AP"] == "100.0%"
    assert headlines["Spend"] == "£90.00"
    assert "alternative_provision" in {spec.name for spec in sections()}


def test_the_trust_view_shows_spend(client, as_user, apco, trust_leader, pupil, provider):
    make_placement(apco, pupil, provider)
    as_user(trust_leader)
    page = client.get(reverse("provision:ap_trust")).content.decode()
    assert provider.name in page


def test_the_demo(school, apco):
    pupils = [PupilFactory(school=school, year_group=9, looked_after=n == 3) for n in range(10)]
    seed_ap(school, {Role.AP_COORDINATOR: [apco]}, pupils, random.Random(1), None)
    assert Provider.objects.filter(registration="registered").exists()
    assert Provider.objects.filter(registration="unregistered").count() == 2
    assert DueDiligenceCheck.objects.filter(expires_on__lt=TODAY).exists()
    assert Placement.objects.filter(next_review__lt=TODAY, status="active").exists()
    from provision.ap import selectors

    assert selectors.registration_warnings(Provider.objects.all())
    if TODAY.weekday() < 5:
        assert MissingReturnAlert.objects.filter(date=TODAY).exists()


def test_the_beat_task_runs_and_is_idempotent(apco, dsl, school, pupil, provider, settings):
    from pastoral.celery import app
    from provision.tasks import ap_missing_returns_task

    assert app.conf.beat_schedule["ap-missing-returns"]["task"] == "provision.tasks.ap_missing_returns_task"
    make_placement(apco, pupil, provider, start=TODAY - datetime.timedelta(days=10))
    first = ap_missing_returns_task()
    assert ap_missing_returns_task() == 0
    assert MissingReturnAlert.objects.count() == first


def test_the_coordinator_changes_the_terms_and_the_change_is_audited(client, as_user, apco, pupil, provider):
    from pastoral.models import AuditEntry

    placement = make_placement(apco, pupil, provider)
    as_user(apco)
    url = reverse("provision:ap_placement_edit", args=[placement.code])
    form = {
        "commissioner": placement.commissioner,
        "reason": placement.reason,
        "sessions": ["1AM", "2AM", "3AM"],
        "cost_per_session": "50.00",
        "start": placement.start.isoformat(),
        "planned_end": "",
        "review_weeks": "6",
        "attendance_code": "B",
    }
    refused = client.post(url, form)
    assert refused.status_code == 200
    assert "A part-time timetable is temporary: give the planned last day." in refused.content.decode()
    assert 'value="50.00"' in refused.content.decode()
    placement.refresh_from_db()
    assert placement.full_time and placement.cost_per_session != 50

    form["planned_end"] = (TODAY + datetime.timedelta(days=30)).isoformat()
    assert client.post(url, form).status_code == 302
    placement.refresh_from_db()
    assert (placement.full_time, placement.sessions, str(placement.cost_per_session)) == (
        False,
        ["1AM", "2AM", "3AM"],
        "50.00",
    )
    entry = AuditEntry.objects.filter(action="provision.ap.placement_changed").latest("pk")
    assert {"full_time", "sessions", "cost_per_session", "planned_end"} <= set(entry.data["changed"])
