"""Suspensions and permanent exclusions: the statutory rules at their boundaries, and the pages."""

import datetime
import importlib
import uuid
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.urls import reverse
from django.utils import timezone

from behaviour.models import ExclusionReasonCode, GovernorTask, Suspension, SuspensionNotification
from behaviour.suspensions import school_days, services
from behaviour.suspensions.chronology import suspensions_for_chronology
from behaviour.suspensions.panels import governor_tasks_panel
from behaviour.suspensions.selectors import assess, terms_of
from pastoral.dates import uk_date
from pastoral.demo import term_dates
from pastoral.exceptions import PastoralError
from pastoral.models import AcademicYear, AuditEntry, Term
from pastoral.tests.factories import PupilFactory

from .factories import BehaviourEventFactory

G = GovernorTask.Kind
REASON_CODES = importlib.import_module("behaviour.migrations.0006_reason_codes_data")


@pytest.fixture(autouse=True)
def reason_codes(db):
    """The data migration's rows (a transactional test elsewhere may have flushed them from a reused database)."""
    REASON_CODES.add_codes(django_apps, None)


@pytest.fixture
def calendar(school):
    """This academic year and the next, with the demo's term dates."""
    today = timezone.localdate()
    first = today.year if today.month >= 9 else today.year - 1
    for start_year in (first, first + 1):
        year = AcademicYear.objects.create(
            school=school,
            name=f"{start_year}/{(start_year + 1) % 100:02d}",
            start=datetime.date(start_year, 9, 1),
            end=datetime.date(start_year + 1, 8, 31),
        )
        for name, start, end in term_dates(start_year):
            Term.objects.create(academic_year=year, name=name, start=start, end=end)
    return terms_of(school)


@pytest.fixture
def autumn(calendar):
    """The school days of this year's autumn term."""
    return list(school_days.school_days_from(calendar[0].start, calendar[:1]))


def codes(*names):
    return list(ExclusionReasonCode.objects.filter(confirmed=True, census_code__in=names or ["DB"]))


def draft(actor, pupil, start, units, kind=Suspension.Kind.SUSPENSION, reasons=None, **values):
    values.setdefault("summary", "Repeated disruption")
    values.setdefault("work_set", "Work on the learning platform")
    values.setdefault("start_session", Suspension.Session.AM)
    return services.suspension_save_draft(
        actor=actor,
        school=pupil.school,
        pupil=pupil,
        reasons=reasons or codes(),
        kind=kind,
        start_date=start,
        length_units=units,
        **values,
    )


def finalised(headteacher, pupil, start, units, kind=Suspension.Kind.SUSPENSION, **values):
    suspension = draft(headteacher, pupil, start, units, kind, **values)
    return services.suspension_finalise(actor=headteacher, suspension=suspension)


def task_kinds(suspension):
    return set(suspension.governor_tasks.values_list("kind", flat=True))


def test_the_dfe_census_reasons_are_seeded_as_versioned_data(db):
    current = ExclusionReasonCode.active_on(datetime.date(2026, 9, 1))
    assert current.count() == 16
    assert set(current.values_list("list_version", flat=True)) == {"DfE census 2020/21"}
    assert current.get(census_code="PA").label == "Physical assault against an adult"
    assert not ExclusionReasonCode.active_on(datetime.date(2019, 9, 1)).exists()


# -- the 45-day limit ---------------------------------------------------------


def test_exactly_45_days_in_the_year_is_allowed_and_half_a_day_more_is_refused(headteacher, pupil, autumn):
    finalised(headteacher, pupil, autumn[0], 80, provision="Off-site unit", provision_by="LA")
    last = finalised(headteacher, pupil, autumn[45], 10)
    assert assess(last).year_days == Decimal("45")
    with pytest.raises(services.SuspensionRefused, match="legal maximum is 45 school days"):
        draft(headteacher, pupil, autumn[55], 1)
    # Lunchtimes count too: one lunchtime is half a day.
    with pytest.raises(services.SuspensionRefused, match="45.5 school days"):
        draft(headteacher, pupil, autumn[55], 1, kind=Suspension.Kind.LUNCHTIME)
    assert Suspension.objects.count() == 2


def test_finalising_rechecks_the_limit_against_decisions_made_since_the_draft(headteacher, pupil, autumn):
    waiting = draft(headteacher, pupil, autumn[50], 10)
    finalised(headteacher, pupil, autumn[0], 82, provision="Off-site unit")
    with pytest.raises(services.SuspensionRefused, match="46 school days"):
        services.suspension_finalise(actor=headteacher, suspension=waiting)
    waiting.refresh_from_db()
    assert waiting.is_draft


def test_a_permanent_exclusion_does_not_count_towards_the_45_days(headteacher, pupil, autumn):
    finalised(headteacher, pupil, autumn[0], 90, provision="Off-site unit")
    pex = finalised(headteacher, pupil, autumn[50], None, kind=Suspension.Kind.PERMANENT)
    assert pex.status == Suspension.Status.FINALISED and pex.length_units is None


# -- governors' thresholds ----------------------------------------------------


def test_five_days_in_a_term_needs_no_governors_task_but_five_and_a_half_does(headteacher, pupil, autumn):
    first = finalised(headteacher, pupil, autumn[2], 6)
    second = finalised(headteacher, pupil, autumn[10], 4)
    assert task_kinds(first) == task_kinds(second) == set()
    third = finalised(headteacher, pupil, autumn[20], 1)
    assert task_kinds(third) == {G.NOTIFY, G.REPRESENTATIONS}
    terms = terms_of(pupil.school)
    today = timezone.localdate()
    representations = third.governor_tasks.get(kind=G.REPRESENTATIONS)
    assert representations.due_on == school_days.add_school_days(today, 50, terms)
    assert "5.5 school days" in representations.reason
    assert third.governor_tasks.get(kind=G.NOTIFY).due_on == today


def test_ten_lunchtimes_in_a_term_needs_no_task_and_eleven_do(headteacher, pupil, autumn):
    ten = finalised(headteacher, pupil, autumn[2], 10, kind=Suspension.Kind.LUNCHTIME, work_set="")
    assert task_kinds(ten) == set()
    assert assess(ten).year_days == Decimal("5")
    eleventh = finalised(headteacher, pupil, autumn[20], 1, kind=Suspension.Kind.LUNCHTIME, work_set="")
    assert task_kinds(eleventh) == {G.NOTIFY, G.REPRESENTATIONS}


def test_over_15_days_in_a_term_needs_a_governors_meeting_within_15_school_days(headteacher, pupil, autumn):
    first = finalised(headteacher, pupil, autumn[0], 30, provision="Off-site unit", provision_by="School")
    assert task_kinds(first) == {G.NOTIFY, G.REPRESENTATIONS}
    second = finalised(headteacher, pupil, autumn[30], 1)
    assert task_kinds(second) == {G.NOTIFY, G.REINSTATEMENT_MEETING}
    meeting = second.governor_tasks.get(kind=G.REINSTATEMENT_MEETING)
    assert meeting.due_on == school_days.add_school_days(timezone.localdate(), 15, terms_of(pupil.school))
    assert not second.governor_tasks.filter(kind=G.REPRESENTATIONS).exists()


def test_a_permanent_exclusion_or_a_missed_exam_needs_a_governors_meeting(headteacher, pupil, autumn):
    pex = finalised(headteacher, pupil, autumn[3], None, kind=Suspension.Kind.PERMANENT)
    assert task_kinds(pex) == {G.NOTIFY, G.REINSTATEMENT_MEETING}
    other = PupilFactory(school=pupil.school)
    exam = finalised(headteacher, other, autumn[3], 2, misses_public_exam=True, exam_details="GCSE mock, 3 Dec")
    assert task_kinds(exam) == {G.NOTIFY, G.REINSTATEMENT_MEETING}
    assert "public exam" in exam.governor_tasks.get(kind=G.NOTIFY).reason


def test_the_term_totals_ignore_drafts_voided_records_and_other_terms(headteacher, pupil, autumn, calendar):
    draft(headteacher, pupil, autumn[2], 10)
    voided = finalised(headteacher, pupil, autumn[4], 10)
    services.suspension_void(actor=headteacher, suspension=voided, reason="Wrong pupil")
    spring = list(school_days.school_days_from(calendar[1].start, calendar))
    finalised(headteacher, pupil, spring[0], 10)
    assert task_kinds(finalised(headteacher, pupil, autumn[20], 2)) == set()


# -- day 1-5 work and day 6 provision ----------------------------------------


def test_more_than_five_days_needs_provision_from_day_six(headteacher, pupil, autumn):
    suspension = draft(headteacher, pupil, autumn[0], 12)
    with pytest.raises(services.SuspensionRefused, match=f"day 6 \\({uk_date(autumn[5])}\\)"):
        services.suspension_finalise(actor=headteacher, suspension=suspension)
    short = draft(headteacher, pupil, autumn[10], 10, work_set="")
    with pytest.raises(services.SuspensionRefused, match="work set for days 1–5"):
        services.suspension_finalise(actor=headteacher, suspension=short)


def test_five_days_from_an_afternoon_need_no_day_six_provision(headteacher, pupil, autumn):
    five = draft(headteacher, pupil, autumn[0], 10, start_session=Suspension.Session.PM)
    assessment = assess(five)
    assert assessment.end_date == autumn[5] and assessment.day6 is None
    services.suspension_finalise(actor=headteacher, suspension=five)
    longer = draft(headteacher, pupil, autumn[20], 11, start_session=Suspension.Session.PM)
    assert assess(longer).day6 == autumn[25]


# -- notifications ------------------------------------------------------------


def test_a_looked_after_pupil_cannot_be_finalised_until_social_worker_and_vsh_are_told(headteacher, school, autumn):
    pupil = PupilFactory(school=school, looked_after=True)
    suspension = draft(headteacher, pupil, autumn[2], 2)
    with pytest.raises(services.SuspensionRefused) as refused:
        services.suspension_finalise(actor=headteacher, suspension=suspension)
    assert any("social worker" in p for p in refused.value.problems)
    assert any("virtual school head" in p for p in refused.value.problems)
    now = timezone.now()
    for recipient in ("social_worker", "virtual_school"):
        services.notification_record(
            actor=headteacher, suspension=suspension, recipient=recipient, notified_at=now, method="email"
        )
    services.suspension_finalise(actor=headteacher, suspension=suspension)
    suspension.refresh_from_db()
    assert suspension.status == Suspension.Status.FINALISED and suspension.decided_by == headteacher


def test_a_pupil_with_a_social_worker_needs_that_notification_only(headteacher, pupil, autumn):
    from pastoral.tests.factories import ProfessionalFactory

    ProfessionalFactory(pupil=pupil, kind="social_worker")
    suspension = draft(headteacher, pupil, autumn[2], 2)
    required = [who for who, _why, _done in assess(suspension).required]
    assert required == ["parents", "la", "social_worker"]
    with pytest.raises(services.SuspensionRefused, match="social worker"):
        services.suspension_finalise(actor=headteacher, suspension=suspension)


def test_parents_and_la_are_always_required_but_do_not_block_the_decision(headteacher, pupil, autumn):
    suspension = finalised(headteacher, pupil, autumn[2], 2)
    assert [(who, done) for who, _why, done in assess(suspension).required] == [("parents", False), ("la", False)]


# -- who may do what ----------------------------------------------------------


def test_only_the_headteacher_decides(dsl, headteacher, pupil, autumn):
    suspension = draft(dsl, pupil, autumn[2], 2)
    with pytest.raises(PastoralError, match="permission"):
        services.suspension_finalise(actor=dsl, suspension=suspension)
    decided = services.suspension_finalise(actor=headteacher, suspension=suspension)
    assert decided.decided_by == headteacher
    with pytest.raises(PastoralError, match="permission"):
        services.suspension_void(actor=dsl, suspension=decided, reason="Changed my mind")
    with pytest.raises(PastoralError, match="Only a draft"):
        draft(dsl, pupil, autumn[3], 2, suspension=decided)


def test_reasons_must_be_one_to_three_from_the_active_list(headteacher, pupil, autumn):
    with pytest.raises(PastoralError, match="one to three"):
        draft(headteacher, pupil, autumn[2], 2, reasons=codes("PP", "PA", "VP", "VA"))
    retired = ExclusionReasonCode.objects.create(
        census_code="OT",
        label="Other",
        list_version="old",
        valid_from=datetime.date(2010, 1, 1),
        valid_to=datetime.date(2020, 8, 31),
    )
    with pytest.raises(PastoralError, match="DfE list in use"):
        draft(headteacher, pupil, autumn[2], 2, reasons=[retired])


# -- pages --------------------------------------------------------------------


def _form(pupil, start, **overrides):
    data = {
        "pupil": pupil.code,
        "kind": "suspension",
        "start_date": start.isoformat(),
        "start_session": "am",
        "length_days": "2.5",
        "reasons": [r.pk for r in codes("VA", "DB")],
        "summary": "Swore at a teacher",
        "work_set": "Maths and English packs",
        "submission_key": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


def test_a_lead_drafts_once_however_often_the_form_is_sent(client, dsl, pupil, autumn, as_user):
    event = BehaviourEventFactory(pupil=pupil)
    as_user(dsl)
    data = _form(pupil, autumn[2], incidents=[event.code])
    first = client.post(reverse("behaviour:suspension_create"), data)
    second = client.post(reverse("behaviour:suspension_create"), data)
    suspension = Suspension.objects.get()
    assert first.url == second.url == reverse("behaviour:suspension_detail", args=[suspension.code])
    assert suspension.length_units == 5 and suspension.is_draft and suspension.end_date == autumn[4]
    assert list(suspension.incidents.all()) == [event]
    assert AuditEntry.objects.filter(action="behaviour.suspension.drafted", pupil=pupil).count() == 1
    page = client.get(first.url).content.decode()
    assert "2.5 school days" in page and "Finalise the decision" not in page


def test_the_form_keeps_what_was_typed_and_explains_each_problem(client, dsl, pupil, autumn, as_user):
    as_user(dsl)
    four = [r.pk for r in codes("PP", "PA", "VP", "VA")]
    response = client.post(
        reverse("behaviour:suspension_create"), _form(pupil, autumn[2], reasons=four, length_days="2.25")
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Choose no more than three reasons." in page
    assert "Swore at a teacher" in page
    saturday = autumn[2] + datetime.timedelta(days=5 - autumn[2].weekday())
    response = client.post(reverse("behaviour:suspension_create"), _form(pupil, saturday))
    assert "not a school day" in response.content.decode()
    assert not Suspension.objects.exists()


def test_the_headteacher_finalises_and_sees_why_when_refused(client, headteacher, school, autumn, as_user):
    pupil = PupilFactory(school=school, looked_after=True)
    suspension = draft(headteacher, pupil, autumn[2], 2)
    as_user(headteacher)
    url = reverse("behaviour:suspension_finalise", args=[suspension.code])
    response = client.post(url)
    assert response.status_code == 400
    assert "Record the notification to the social worker first" in response.content.decode()
    notify = reverse("behaviour:suspension_notification_add", args=[suspension.code])
    for recipient in ("social_worker", "virtual_school", "parents", "la"):
        response = client.post(
            notify,
            {
                "notify-recipient": recipient,
                "notify-notified_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
                "notify-method": "email",
            },
        )
        assert response.status_code == 302
    assert client.post(url).status_code == 302
    suspension.refresh_from_db()
    assert suspension.status == "finalised"
    assert AuditEntry.objects.filter(action="behaviour.suspension.finalised").exists()


def test_a_lead_cannot_finalise_or_complete_governors_tasks(client, dsl, headteacher, pupil, autumn, as_user):
    suspension = finalised(headteacher, pupil, autumn[2], None, kind=Suspension.Kind.PERMANENT)
    task = suspension.governor_tasks.first()
    as_user(dsl)
    assert client.post(reverse("behaviour:suspension_finalise", args=[suspension.code])).status_code == 403
    done = reverse("behaviour:governor_task_complete", args=[task.code])
    assert client.post(done, {f"task-{task.code}-note": "Met"}).status_code == 403
    # Drafting and voiding someone else's decision: the lead may void drafts, not decisions.
    response = client.post(reverse("behaviour:suspension_void", args=[suspension.code]), {"reason": "Wrong"})
    assert response.status_code == 400 and "permission" in response.content.decode()
    assert Suspension.objects.get(pk=suspension.pk).voided_at is None


def test_the_headteacher_completes_a_governors_task_with_a_note(client, headteacher, pupil, autumn, as_user):
    suspension = finalised(headteacher, pupil, autumn[2], None, kind=Suspension.Kind.PERMANENT)
    task = suspension.governor_tasks.get(kind=G.REINSTATEMENT_MEETING)
    as_user(headteacher)
    done = reverse("behaviour:governor_task_complete", args=[task.code])
    assert client.post(done, {f"task-{task.code}-note": ""}).status_code == 400
    assert client.post(done, {f"task-{task.code}-note": "Met 4 Dec; exclusion upheld"}).status_code == 302
    task.refresh_from_db()
    assert task.done_by == headteacher and task.done_note == "Met 4 Dec; exclusion upheld"


def test_other_schools_cannot_reach_a_suspension(client, headteacher, other_school_dsl, pupil, autumn, as_user):
    suspension = finalised(headteacher, pupil, autumn[2], None, kind=Suspension.Kind.PERMANENT)
    task = suspension.governor_tasks.first()
    as_user(other_school_dsl)
    assert client.get(reverse("behaviour:suspension_detail", args=[suspension.code])).status_code == 404
    assert client.post(reverse("behaviour:governor_task_complete", args=[task.code])).status_code == 404
    assert client.post(reverse("behaviour:suspension_void", args=[suspension.code])).status_code == 404


def test_a_draft_is_voided_by_a_lead_and_stays_on_the_record(client, dsl, pupil, autumn, as_user):
    suspension = draft(dsl, pupil, autumn[2], 2)
    as_user(dsl)
    url = reverse("behaviour:suspension_void", args=[suspension.code])
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "Entered for the wrong pupil"}).status_code == 302
    suspension.refresh_from_db()
    assert suspension.voided_at and suspension.void_reason == "Entered for the wrong pupil"
    assert client.get(reverse("behaviour:suspension_edit", args=[suspension.code])).status_code == 302


def test_a_reintegration_meeting_is_recorded_on_return(client, dsl, headteacher, pupil, autumn, as_user):
    suspension = finalised(headteacher, pupil, autumn[2], 2)
    as_user(dsl)
    url = reverse("behaviour:suspension_reintegration_add", args=[suspension.code])
    data = {
        "reint-held_on": autumn[4].isoformat(),
        "reint-attendees": "Pupil, mother, head of year",
        "reint-agreed_support": "Daily check-in",
        "reint-plan_reference": "Shared drive: plans/2026",
    }
    if autumn[4] > timezone.localdate():
        data["reint-held_on"] = timezone.localdate().isoformat()
    assert client.post(url, data).status_code == 302
    meeting = suspension.reintegration_meetings.get()
    assert meeting.agreed_support == "Daily check-in" and meeting.plan_reference == "Shared drive: plans/2026"
    page = client.get(reverse("behaviour:suspension_detail", args=[suspension.code])).content.decode()
    assert "Daily check-in" in page


def test_staff_who_may_not_see_child_protection_flags_are_not_told_of_a_social_worker(
    client, headteacher, pastoral_staff, school, autumn, as_user
):
    pupil = PupilFactory(school=school, child_protection_plan=True)
    suspension = draft(headteacher, pupil, autumn[2], 2)
    url = reverse("behaviour:suspension_detail", args=[suspension.code])
    as_user(headteacher)
    assert "The pupil has a social worker" in client.get(url).content.decode()
    as_user(pastoral_staff)
    page = client.get(url).content.decode()
    assert "social worker" not in page.lower() and "Local authority" in page


def test_the_list_filters_and_does_not_query_per_row(
    client, headteacher, school, autumn, calendar, as_user, django_assert_max_num_queries
):
    for index in range(12):
        pupil = PupilFactory(school=school)
        kind = Suspension.Kind.LUNCHTIME if index % 3 == 0 else Suspension.Kind.SUSPENSION
        suspension = draft(headteacher, pupil, autumn[index], 2, kind=kind, reasons=codes("PP", "DB"))
        if index % 2:
            services.suspension_finalise(actor=headteacher, suspension=suspension)
    spring = list(school_days.school_days_from(calendar[1].start, calendar))
    draft(headteacher, PupilFactory(school=school, legal_first_name="Springer"), spring[3], 2)
    as_user(headteacher)
    url = reverse("behaviour:suspension_list")
    with django_assert_max_num_queries(14):
        page = client.get(url).content.decode()
    assert page.count("PP</abbr>") == 12
    assert client.get(url, {"kind": "lunchtime"}).content.decode().count("<tr>") == 4 + 1
    autumn_only = client.get(url, {"term": calendar[0].code}).content.decode()
    assert "Springer" not in autumn_only
    assert "Springer" in client.get(url, {"term": calendar[1].code}).content.decode()
    assert client.get(url, {"status": "finalised"}).content.decode().count("<tr>") == 6 + 1


def test_suspensions_are_on_the_chronology_and_tasks_on_the_heads_dashboard(
    rf, headteacher, dsl, pupil, autumn, teacher
):
    suspension = finalised(headteacher, pupil, autumn[2], None, kind=Suspension.Kind.PERMANENT)
    items = suspensions_for_chronology(headteacher, pupil, 200)
    assert [item.title for item in items] == [str(suspension)]
    assert suspensions_for_chronology(teacher, pupil, 200) == []
    request = rf.get("/")
    request.user = headteacher
    panel = governor_tasks_panel(request, pupil.school)
    assert [task.kind for task in panel.context["tasks"]] == [G.NOTIFY, G.REINSTATEMENT_MEETING]
    request.user = dsl
    assert governor_tasks_panel(request, pupil.school) is None


def test_home_shows_the_governors_panel_to_the_headteacher(client, headteacher, pupil, autumn, as_user):
    finalised(headteacher, pupil, autumn[2], None, kind=Suspension.Kind.PERMANENT)
    as_user(headteacher)
    page = client.get(reverse("pastoral:home")).content.decode()
    assert "Governors&#x27; tasks after suspensions" in page or "Governors' tasks after suspensions" in page


def test_notification_records_say_who_when_and_how(headteacher, pupil, autumn):
    suspension = draft(headteacher, pupil, autumn[2], 2)
    later = timezone.now() + datetime.timedelta(hours=2)
    with pytest.raises(PastoralError, match="future"):
        services.notification_record(
            actor=headteacher, suspension=suspension, recipient="parents", notified_at=later, method="phone"
        )
    services.notification_record(
        actor=headteacher,
        suspension=suspension,
        recipient="parents",
        notified_at=timezone.now(),
        method="phone",
        recipient_name="Mrs Khan",
    )
    assert SuspensionNotification.objects.get().recipient_name == "Mrs Khan"


def test_the_demo_has_suspensions_for_northfield_one_with_governors_tasks(db):
    from pastoral import demo
    from pastoral.models import School

    demo.seed_demo()
    school = School.objects.get(name="Northfield Academy")
    suspensions = Suspension.objects.filter(school=school)
    assert suspensions.filter(status="finalised").count() >= 4
    assert suspensions.filter(status="draft").count() == 1
    assert GovernorTask.objects.filter(school=school, kind=G.REPRESENTATIONS).count() == 1
    assert not Suspension.objects.exclude(pupil__school=school).filter(school=school).exists()
    assert not AuditEntry.objects.filter(action__startswith="behaviour.suspension").exists()


def test_a_draft_is_changed_and_the_change_audited(client, dsl, pupil, autumn, as_user):
    suspension = draft(dsl, pupil, autumn[2], 2)
    as_user(dsl)
    url = reverse("behaviour:suspension_edit", args=[suspension.code])
    page = client.get(url).content.decode()
    assert "Repeated disruption" in page
    response = client.post(url, _form(pupil, autumn[3], kind="lunchtime", lunchtimes="3", length_days=""))
    assert response.status_code == 302
    suspension.refresh_from_db()
    assert (suspension.kind, suspension.length_units, suspension.start_session) == ("lunchtime", 3, "pm")
    assert suspension.end_date == autumn[5]
    changed = AuditEntry.objects.get(action="behaviour.suspension.changed")
    assert changed.data["kind"] == "lunchtime" and "summary" in changed.data


def test_staff_without_drafting_rights_do_not_see_voided_records(client, pastoral_staff, dsl, pupil, autumn, as_user):
    suspension = draft(dsl, pupil, autumn[2], 2, summary="Visible while it stands")
    services.suspension_void(actor=dsl, suspension=suspension, reason="Duplicate")
    as_user(pastoral_staff)
    assert "Visible while it stands" not in client.get(reverse("behaviour:suspension_list")).content.decode()
    assert client.get(reverse("behaviour:suspension_detail", args=[suspension.code])).status_code == 403


def test_the_detail_page_does_not_query_per_notification_or_task(
    client, headteacher, pupil, autumn, as_user, django_assert_max_num_queries
):
    suspension = finalised(
        headteacher, pupil, autumn[2], None, kind=Suspension.Kind.PERMANENT, reasons=codes("PP", "PA")
    )
    for recipient in ("parents", "la", "governors", "parents"):
        services.notification_record(
            actor=headteacher, suspension=suspension, recipient=recipient, notified_at=timezone.now(), method="email"
        )
    for event in BehaviourEventFactory.create_batch(3, pupil=pupil):
        suspension.incidents.add(event)
    as_user(headteacher)
    with django_assert_max_num_queries(20):  # 18 + the school closures of the calendar + the board's review
        page = client.get(reverse("behaviour:suspension_detail", args=[suspension.code])).content.decode()
    assert "Governors must meet to consider reinstatement" in page
    assert "E (suspended or excluded" in page and page.count("Mark done") == 2


# -- closures: half term, INSET days and bank holidays are not school days ------


def test_a_suspension_across_half_term_counts_school_days_only(
    client, headteacher, pupil, calendar, autumn, as_user, django_assert_max_num_queries
):
    from pastoral.models import SchoolClosure

    monday = next(day for day in autumn[30:] if day.weekday() == 0)
    SchoolClosure.objects.create(
        school=pupil.school,
        kind=SchoolClosure.Kind.HALF_TERM,
        name="Autumn half term",
        start=monday,
        end=monday + datetime.timedelta(days=4),
    )
    thursday = monday - datetime.timedelta(days=4)
    # Thursday, Friday, then half term, then Monday and Tuesday of the following week: 4 school days.
    suspension = finalised(headteacher, pupil, thursday, 8)
    assert suspension.end_date == monday + datetime.timedelta(days=8)
    assessment = assess(suspension)
    assert [total.after for total in assessment.terms] == [8]
    assert assessment.year_days == Decimal("4")
    with pytest.raises(services.SuspensionRefused, match="not a school day"):
        draft(headteacher, PupilFactory(school=pupil.school), monday + datetime.timedelta(days=1), 2)
    # Governors' deadlines skip the half term too.
    calendar_now = terms_of(pupil.school)
    assert len(calendar_now.closures) == 1
    assert calendar_now.add_school_days(thursday, 2) == monday + datetime.timedelta(days=7)
    as_user(headteacher)
    with django_assert_max_num_queries(14):
        page = client.get(reverse("behaviour:suspension_list")).content.decode()
    assert pupil.display_name in page


# -- the headteacher's cancellation ---------------------------------------------------------------------------


@pytest.fixture
def later(calendar):
    """School days of next year's first term: always in the future, whatever day the tests run."""
    firsts = [term for term in calendar if term.start > timezone.localdate()]
    return list(school_days.school_days_from(firsts[0].start, [firsts[0]]))


def test_a_cancelled_suspension_counts_only_the_days_before_the_pupil_came_back(headteacher, pupil, later):
    suspension = finalised(headteacher, pupil, later[0], 10)  # five days
    other = finalised(headteacher, pupil, later[20], 2)
    assert assess(other).year_days == Decimal("6")
    with pytest.raises(PastoralError, match="reason"):
        services.suspension_cancel(actor=headteacher, suspension=suspension, reason=" ", returns_on=later[2])
    services.suspension_cancel(
        actor=headteacher,
        suspension=suspension,
        reason="New evidence from CCTV",
        returns_on=later[2],
        returns_session="pm",
    )
    suspension.refresh_from_db()
    assert suspension.cancelled_at and suspension.cancel_reason == "New evidence from CCTV"
    # Days 1 and 2 and the morning of day 3 were served: 2.5 days count, with the other decision's one.
    assert assess(other).year_days == Decimal("3.5")
    assert AuditEntry.objects.filter(action="behaviour.suspension.cancelled", pupil=pupil).count() == 1
    with pytest.raises(PastoralError, match="already been cancelled"):
        services.suspension_cancel(actor=headteacher, suspension=suspension, reason="Again", returns_on=later[3])


def test_cancelled_before_it_starts_no_day_counts(headteacher, pupil, later):
    suspension = finalised(headteacher, pupil, later[5], 6)
    services.suspension_cancel(actor=headteacher, suspension=suspension, reason="Parents' appeal", returns_on=later[0])
    suspension.refresh_from_db()
    assert suspension.returns_on == later[5]  # back on the day it would have started
    assert assess(finalised(headteacher, pupil, later[20], 2)).year_days == Decimal("1")


def test_only_the_head_cancels_a_decision_the_board_has_not_reviewed(client, as_user, dsl, headteacher, pupil, later):
    suspension = finalised(headteacher, pupil, later[0], 2, kind=Suspension.Kind.PERMANENT)
    with pytest.raises(PastoralError, match="permission"):
        services.suspension_cancel(actor=dsl, suspension=suspension, reason="x", returns_on=later[0])
    with pytest.raises(PastoralError, match="already past"):
        services.suspension_cancel(
            actor=headteacher,
            suspension=suspension,
            reason="x",
            returns_on=timezone.localdate() - datetime.timedelta(days=1),
        )
    suspension.governor_tasks.filter(kind="meeting").update(done_at=timezone.now(), done_by=headteacher)
    with pytest.raises(PastoralError, match="governing board has reviewed"):
        services.suspension_cancel(actor=headteacher, suspension=suspension, reason="x", returns_on=later[0])


def test_the_page_cancels_and_lists_who_must_be_told(client, as_user, headteacher, dsl, pupil, later):
    suspension = finalised(headteacher, pupil, later[0], 4)
    url = reverse("behaviour:suspension_cancel", args=[suspension.code])
    as_user(dsl)
    page = client.get(reverse("behaviour:suspension_detail", args=[suspension.code])).content.decode()
    assert "Cancel this decision" not in page
    assert (
        client.post(url, {"reason": "x", "returns_on": later[1].isoformat(), "returns_session": "am"}).status_code
        == 403
    )
    as_user(headteacher)
    bad = client.post(url, {"reason": "", "returns_on": later[1].isoformat(), "returns_session": "am"})
    assert bad.status_code == 400 and "This field is required" in bad.content.decode()
    data = {"reason": "Mistaken identity", "returns_on": later[1].isoformat(), "returns_session": "am"}
    assert client.post(url, data).status_code == 302
    page = client.get(reverse("behaviour:suspension_detail", args=[suspension.code])).content.decode()
    assert "Cancelled by" in page and "Mistaken identity" in page
    assert 'Governing board: <span class="badge text-bg-warning">to be told, with the reason</span>' in page
    assert "Cancel this decision" not in page


# -- the governing board's consideration and the independent review panel -------------------------------------


@pytest.fixture
def last_year(school, calendar):
    """School days of last academic year's first term: always in the past, whatever day the tests run."""
    first = calendar[0].academic_year.start.year - 1
    year = AcademicYear.objects.create(
        school=school,
        name=f"{first}/{(first + 1) % 100:02d}",
        start=datetime.date(first, 9, 1),
        end=datetime.date(first + 1, 8, 31),
    )
    for name, start, end in term_dates(first):
        Term.objects.create(academic_year=year, name=name, start=start, end=end)
    term = year.terms.order_by("start").first()
    return list(school_days.school_days_from(term.start, [term]))


def test_the_boards_decision_completes_its_tasks_and_a_panel_follows_an_upheld_exclusion(
    client, as_user, headteacher, dsl, pupil, last_year
):
    from behaviour.models import GovernorsReview

    past = last_year
    exclusion = finalised(headteacher, pupil, past[0], 2, kind=Suspension.Kind.PERMANENT)
    assert exclusion.governor_tasks.filter(kind="meeting", done_at__isnull=True).exists()
    as_user(dsl)
    url = reverse("behaviour:suspension_governors_review", args=[exclusion.code])
    bad = client.post(url, {"gov-met_on": past[3].isoformat(), "gov-outcome": "reinstate", "gov-attended": "Chair"})
    assert bad.status_code == 400 and "Give the day the pupil was reinstated from" in bad.content.decode()
    assert "Chair" in bad.content.decode() and not GovernorsReview.objects.exists()
    data = {"gov-met_on": past[3].isoformat(), "gov-outcome": "uphold", "gov-decision_sent_on": past[4].isoformat()}
    assert client.post(url, data).status_code == 302
    review = GovernorsReview.objects.get()
    assert review.outcome == "uphold" and review.recorded_by == dsl
    assert not exclusion.governor_tasks.filter(kind="meeting", done_at__isnull=True).exists()
    assert AuditEntry.objects.filter(action="behaviour.suspension.governors_review", pupil=pupil).exists()
    page = client.get(reverse("behaviour:suspension_detail", args=[exclusion.code])).content.decode()
    assert "Decision upheld" in page and "Parents may ask for a review until" in page
    assert client.post(url, data).status_code == 400  # recorded once

    panel = reverse("behaviour:suspension_review_panel", args=[exclusion.code])
    wrong = {"irp-panel_requested_on": past[5].isoformat(), "irp-reconsidered_on": past[6].isoformat()}
    assert client.post(panel, wrong).status_code == 400  # no reconsideration without the panel asking for one
    ok = {
        "irp-panel_requested_on": past[5].isoformat(),
        "irp-panel_met_on": past[6].isoformat(),
        "irp-panel_outcome": "recommend",
        "irp-reconsidered_on": past[7].isoformat(),
        "irp-reconsidered_outcome": "uphold",
    }
    assert client.post(panel, ok).status_code == 302
    review.refresh_from_db()
    assert (review.panel_outcome, review.reconsidered_outcome) == ("recommend", "uphold")


def test_a_panel_is_only_for_an_upheld_permanent_exclusion(headteacher, pupil, last_year):
    past = last_year
    suspension = finalised(headteacher, pupil, past[0], 4)
    services.governors_review_record(actor=headteacher, suspension=suspension, met_on=past[2], outcome="uphold")
    with pytest.raises(PastoralError, match="permanent exclusion"):
        services.review_panel_record(actor=headteacher, suspension=suspension, panel_requested_on=past[3])
