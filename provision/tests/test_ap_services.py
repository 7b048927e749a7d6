"""Alternative provision: the register, due diligence, the start rules, the lifecycle, returns and alerts."""

import datetime

import pytest
from django.utils import timezone

from conftest import make_staff
from pastoral.accounts.roles import Role
from pastoral.exceptions import PastoralError
from pastoral.models import AuditEntry, OutboxMessage
from pastoral.tests.factories import PupilFactory
from provision.ap import selectors, services
from provision.ap.models import (
    APSchoolSettings,
    AttendanceReturn,
    DueDiligenceCheck,
    MissingReturnAlert,
    Placement,
    PlacementReview,
)

from .ap_factories import (
    ALL_COVERED,
    coordinator,
    make_placement,
    make_provider,
    make_provider_account,
    pdf_upload,
    png_upload,
)

TODAY = timezone.localdate()


@pytest.fixture
def apco(school):
    return coordinator(school)


@pytest.fixture
def provider(apco, school):
    return make_provider(apco, school)


# Register and due diligence ---------------------------------------------------------------------------------------


def test_a_registered_provider_needs_a_urn(apco, school):
    from provision.ap.models import Provider

    with pytest.raises(Exception, match="URN"):
        services.provider_save(
            actor=apco, provider=Provider(name="X", registration=Provider.Registration.REGISTERED), school=school
        )


def test_only_the_coordinator_keeps_the_register(teacher, school):
    with pytest.raises(PastoralError):
        make_provider(teacher, school)


def test_the_safeguarding_confirmation_is_a_checked_document_covering_every_check(apco, provider):
    kind = DueDiligenceCheck.Kind.SAFEGUARDING
    with pytest.raises(PastoralError, match="Upload"):
        services.check_record(actor=apco, provider=provider, kind=kind, checked_on=TODAY, covers=ALL_COVERED)
    with pytest.raises(PastoralError, match="every check"):
        services.check_record(
            actor=apco, provider=provider, kind=kind, checked_on=TODAY, covers=["dbs"], document=pdf_upload()
        )
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(PastoralError, match="PDF, PNG or JPEG"):
        services.check_record(
            actor=apco,
            provider=provider,
            kind=kind,
            checked_on=TODAY,
            covers=ALL_COVERED,
            document=SimpleUploadedFile("a.pdf", b"MZ not a pdf at all", "application/pdf"),
        )
    check = provider.checks.get()
    assert check.document_type == "application/pdf"
    assert check.expires_on == selectors.add_months(TODAY, 12)


def test_checks_expire_after_the_trusts_interval(apco, school, provider):
    services.trust_settings_save(actor=apco, trust=school.trust, check_valid_months=3)
    check = services.check_record(
        actor=apco,
        provider=provider,
        kind=DueDiligenceCheck.Kind.INSURANCE,
        checked_on=datetime.date(2026, 1, 31),
    )
    assert check.expires_on == datetime.date(2026, 4, 30)


def test_an_expired_check_blocks_new_placements_until_renewed(apco, school, pupil, provider):
    services.check_record(
        actor=apco,
        provider=provider,
        kind=DueDiligenceCheck.Kind.INSURANCE,
        checked_on=TODAY - datetime.timedelta(days=400),
    )
    with pytest.raises(PastoralError, match="expired"):
        make_placement(apco, pupil, provider)
    services.check_record(actor=apco, provider=provider, kind=DueDiligenceCheck.Kind.INSURANCE, checked_on=TODAY)
    assert make_placement(apco, pupil, provider).status == Placement.Status.ACTIVE


def test_the_registration_warning(apco, school, provider):
    pupils = [PupilFactory(school=school, year_group=9) for _ in range(5)]
    for pupil in pupils[:4]:
        make_placement(apco, pupil, provider)
    providers = selectors.providers_visible_to(apco)
    assert selectors.registration_warnings(providers) == []
    part_time = make_placement(apco, pupils[4], provider, full_time=False, sessions=["1AM"])
    assert selectors.registration_warnings(providers) == []
    services.placement_end(
        actor=apco, placement=part_time, end_kind="planned", ended_on=TODAY, exit_plan="Back to school"
    )
    make_placement(apco, pupils[4], provider)
    [(flagged, count, reason)] = selectors.registration_warnings(providers)
    assert flagged == provider and count == 5 and "5 pupils" in reason


def test_one_looked_after_pupil_is_enough_for_the_warning(apco, school, provider):
    make_placement(apco, PupilFactory(school=school, year_group=10, looked_after=True), provider)
    [(flagged, _, reason)] = selectors.registration_warnings(selectors.providers_visible_to(apco))
    assert "looked after or have an EHCP" in reason


def test_a_registered_provider_is_never_warned(apco, school):
    provider = make_provider(apco, school, registered=True, name="Northfield PRU")
    make_placement(apco, PupilFactory(school=school, year_group=10, sen_status="E"), provider)
    assert selectors.registration_warnings(selectors.providers_visible_to(apco)) == []


# Placements -------------------------------------------------------------------------------------------------------


def test_the_start_rules(apco, school, pupil):
    provider = make_provider(apco, school, checked=False)
    provider.address = ""
    provider.save()
    placement = make_placement(apco, pupil, provider, active=False, attendance_code="", full_time=False)
    placement.objectives.all().delete()
    placement = Placement.objects.get(pk=placement.pk)
    placement.planned_end = None
    placement.save()
    services.placement_agree(actor=apco, placement=placement, agreed_on=TODAY)
    problems = services.start_problems(placement)
    assert len(problems) == 5
    with pytest.raises(PastoralError, match="safeguarding confirmation"):
        services.placement_start(actor=apco, placement=placement)


def test_the_lifecycle_and_the_exit_plan(apco, pupil, provider, dsl):
    from provision.tests.factories import make_plan

    placement = make_placement(apco, pupil, provider)
    assert placement.status == Placement.Status.ACTIVE
    assert placement.next_review is not None
    with pytest.raises(PastoralError, match="early"):
        services.placement_end(actor=apco, placement=placement, end_kind="early", ended_on=TODAY, exit_plan="x")
    with pytest.raises(PastoralError, match="exit plan"):
        services.placement_end(actor=apco, placement=placement, end_kind="planned", ended_on=TODAY)
    plan = make_plan(dsl, pupil)
    ended = services.placement_end(
        actor=apco, placement=placement, end_kind="early", ended_on=TODAY, reason="Not working", reintegration_plan=plan
    )
    assert ended.status == Placement.Status.ENDED and ended.reintegration_plan == plan
    actions = set(AuditEntry.objects.filter(pupil=pupil).values_list("action", flat=True))
    assert {
        "provision.ap.placement_proposed",
        "provision.ap.placement_started",
        "provision.ap.placement_ended",
    } <= actions


def test_sessions_are_expected_on_the_register(apco, school, pupil, provider):
    from pastoral.attendance import expectations

    placement = make_placement(apco, pupil, provider, sessions=["1AM", "3PM"])
    monday = TODAY - datetime.timedelta(days=TODAY.weekday())
    found = [
        e
        for e in expectations.expectations_for(apco, school, monday, monday + datetime.timedelta(days=6))
        if e.pupil_id == pupil.pk
    ]
    expected = {
        (d, s) for d, s in ((monday, "AM"), (monday + datetime.timedelta(days=2), "PM")) if d >= placement.start
    }
    assert {(e.first, e.session) for e in found} == expected
    assert all(e.codes == ("B",) for e in found)


# Returns and alerts ---------------------------------------------------------------------------------------------


def _weekday():
    day = TODAY
    while day.weekday() >= 5:
        day -= datetime.timedelta(days=1)
    return day


def test_the_provider_sends_returns_for_timetabled_sessions_only(apco, school, pupil, provider):
    placement = make_placement(apco, pupil, provider)
    user = make_provider_account(apco, provider, school)
    day = _weekday()
    services.returns_submit(
        actor=user, placement=placement, date=day, marks={"AM": ("present", "", None), "PM": ("late", "", 10)}
    )
    with pytest.raises(PastoralError, match="reason"):
        services.returns_submit(actor=user, placement=placement, date=day, marks={"AM": ("absent", "", None)})
    services.returns_submit(actor=user, placement=placement, date=day, marks={"AM": ("absent", "Ill", None)})
    assert AttendanceReturn.objects.filter(placement=placement).count() == 2
    saturday = day + datetime.timedelta(days=5 - day.weekday())
    with pytest.raises(PastoralError):
        services.returns_submit(actor=user, placement=placement, date=saturday, marks={"AM": ("present", "", None)})


def test_another_providers_contact_cannot_send_returns(apco, school, pupil, provider):
    placement = make_placement(apco, pupil, provider)
    other = make_provider(apco, school, name="Other Place")
    stranger = make_provider_account(apco, other, school, username="stranger")
    with pytest.raises(PastoralError):
        services.returns_submit(
            actor=stranger, placement=placement, date=_weekday(), marks={"AM": ("present", "", None)}
        )


def test_a_missing_return_alerts_the_coordinator_and_dsl_once(apco, dsl, school, pupil, provider, teacher):
    day = _weekday()
    placement = make_placement(apco, pupil, provider, start=day - datetime.timedelta(days=7))
    before = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))
    after = timezone.make_aware(datetime.datetime.combine(day, datetime.time(11, 0)))
    assert services.missing_returns_raise(school=school, now=before) == []
    [alert] = services.missing_returns_raise(school=school, now=after)
    assert alert.placement == placement and alert.sessions == "AM,PM"
    assert services.missing_returns_raise(school=school, now=after) == []
    messages = OutboxMessage.objects.filter(task_name="provision.tasks.send_missing_return_task")
    assert sorted(m.args[1] for m in messages) == sorted([apco.pk, dsl.pk])
    APSchoolSettings.objects.create(school=school, return_cutoff=datetime.time(12, 0))


def test_returning_every_session_resolves_the_alert(apco, school, pupil, provider):
    day = _weekday()
    placement = make_placement(apco, pupil, provider, start=day - datetime.timedelta(days=7))
    services.missing_returns_raise(
        school=school, now=timezone.make_aware(datetime.datetime.combine(day, datetime.time(15)))
    )
    services.returns_submit(
        actor=apco, placement=placement, date=day, marks={"AM": ("present", "", None), "PM": ("present", "", None)}
    )
    assert MissingReturnAlert.objects.get().resolved_at is not None


# Reviews and reports --------------------------------------------------------------------------------------------


def test_a_review_scores_objectives_and_counts_attendance(apco, pupil, provider):
    day = _weekday()
    placement = make_placement(apco, pupil, provider, start=day - datetime.timedelta(days=14))
    services.returns_submit(
        actor=apco, placement=placement, date=day, marks={"AM": ("present", "", None), "PM": ("absent", "Ill", None)}
    )
    objective = placement.objectives.get()
    with pytest.raises(PastoralError, match="−2 to \\+2"):
        services.review_record(
            actor=apco,
            placement=placement,
            held_on=day,
            attendees="A",
            decision="continue",
            progress=[(objective, 3, "")],
        )
    review = services.review_record(
        actor=apco,
        placement=placement,
        held_on=day,
        attendees="Mum, provider, AP coordinator",
        decision=PlacementReview.Decision.CONTINUE,
        progress=[(objective, 2, "Attending every day")],
    )
    assert (review.sessions_attended, review.sessions_returned) == (1, 2)
    objective.refresh_from_db()
    assert objective.met
    placement.refresh_from_db()
    assert placement.next_review == day + datetime.timedelta(weeks=placement.review_weeks)


def test_overdue_reviews_are_found(apco, pupil, provider):
    placement = make_placement(apco, pupil, provider)
    Placement.objects.filter(pk=placement.pk).update(next_review=TODAY - datetime.timedelta(days=1))
    assert list(selectors.overdue_reviews(selectors.placements_visible_to(apco))) == [placement]


def test_a_progress_report_typed_or_uploaded(apco, school, pupil, provider):
    placement = make_placement(apco, pupil, provider)
    user = make_provider_account(apco, provider, school)
    with pytest.raises(PastoralError, match="Type the report"):
        services.report_submit(actor=user, placement=placement, dated=TODAY)
    report = services.report_submit(actor=user, placement=placement, dated=TODAY, document=png_upload())
    assert report.document_type == "image/png"


def test_the_provider_account_holds_only_the_provider_role(apco, school, provider):
    user = make_provider_account(apco, provider, school)
    membership = user.memberships.get()
    assert membership.role == Role.AP_PROVIDER and membership.school is None and membership.approved_at
    assert selectors.is_provider_account(user)
    assert not selectors.is_provider_account(make_staff(school, Role.TEACHER, "plain"))


def test_the_provider_account_waits_for_a_headteachers_approval(apco, headteacher, school, provider):
    from pastoral import services as core
    from pastoral.accounts import access

    account = services.provider_account_create(
        actor=apco,
        provider=provider,
        school=school,
        username="waiting",
        email="w@p.example",
        first_name="W",
        last_name="P",
    )
    membership = account.user.memberships.get()
    assert membership.awaiting_approval
    assert OutboxMessage.objects.filter(task_name="pastoral.tasks.notify_role_approvers_task").exists()
    assert not selectors.is_provider_account(account.user)  # no current role yet: nothing to see
    assert access.can_approve(headteacher, membership)
    core.membership_approve(actor=headteacher, membership=membership)
    access.forget(account.user)
    assert selectors.is_provider_account(account.user)


def test_once_approved_the_contact_is_sent_the_password_link(apco, school, provider, mailoutbox):
    from provision.tasks import send_provider_welcome_task

    user = make_provider_account(apco, provider, school)
    services.account_send_link(actor=apco, account=user.ap_provider_account)
    assert OutboxMessage.objects.filter(task_name="provision.tasks.send_provider_welcome_task").exists()
    assert send_provider_welcome_task(user.ap_provider_account.pk, apco.pk) == "sent"
    assert mailoutbox[-1].to == [user.email]
