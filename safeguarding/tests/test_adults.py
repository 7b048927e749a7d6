"""Concerns and allegations about adults: raising, the case manager's work, who may read, patterns, the report."""

import datetime
import random
import uuid

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from conftest import make_staff
from pastoral.accounts.roles import Role
from pastoral.exceptions import PastoralError
from pastoral.models import AuditEntry
from safeguarding.adults import selectors, services
from safeguarding.adults.demo import seed_adult_cases
from safeguarding.adults.models import AdultCase, AdultConcernReview
from safeguarding.adults.report_sections import build_adult_cases

ACCOUNT = "Held a pupil by the wrist hard enough to leave a mark"


def _raise(actor, school, *, kind="allegation", user=None, name="", days_ago=0, behaviour="physical", **extra):
    case = services.adult_case_raise(
        actor=actor,
        school=school,
        kind=kind,
        subject_user=user,
        subject_name=name,
        subject_category="staff" if user else "volunteer",
        behaviour=behaviour,
        occurred_on=timezone.localdate(),
        account=ACCOUNT,
        submission_key=uuid.uuid4(),
        **extra,
    )
    if days_ago:
        AdultCase.objects.filter(pk=case.pk).update(raised_at=timezone.now() - datetime.timedelta(days=days_ago))
        case.refresh_from_db()
    return case


@pytest.fixture
def colleague(school):
    return make_staff(school, Role.TEACHER, "colleague")


@pytest.fixture
def trust_dsl(trust, school):
    return make_staff(None, Role.TRUST_DSL, "trustdsl", trust=trust)


def _post_raise(client, subject, **extra):
    data = {
        "kind": "allegation",
        "subject_user": str(subject.code) if subject else "",
        "subject_name": "",
        "subject_category": "staff",
        "behaviour": "physical",
        "occurred_on": timezone.localdate().isoformat(),
        "account": ACCOUNT,
        "submission_key": str(uuid.uuid4()),
        **extra,
    }
    return client.post(reverse("safeguarding:adult_raise"), data), data


def test_it_lets_a_teacher_raise_an_allegation_and_see_only_a_receipt(as_user, teacher, colleague, headteacher):
    client = as_user(teacher)
    response, data = _post_raise(client, colleague)
    case = AdultCase.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("safeguarding:adult_receipt", args=[case.code])
    assert (case.raised_by, case.subject_user, case.subject_name, case.about_headteacher) == (
        teacher,
        colleague,
        "",
        False,
    )
    # The same form posted again makes no second case.
    again = client.post(reverse("safeguarding:adult_raise"), data)
    assert again.status_code == 302 and AdultCase.objects.count() == 1
    receipt = client.get(response.url)
    assert receipt.status_code == 200
    assert case.reference in receipt.content.decode() and ACCOUNT not in receipt.content.decode()
    assert client.get(reverse("safeguarding:adult_case_detail", args=[case.code])).status_code == 403
    assert client.get(reverse("safeguarding:adult_case_list")).status_code == 403
    assert AuditEntry.objects.filter(action="safeguarding.adult_case.raised", actor=teacher).count() == 1
    assert AuditEntry.objects.filter(action="safeguarding.adult_case.receipt_viewed", actor=teacher).exists()
    # The audit trail names the case by its reference, never the person.
    assert all(str(colleague) not in e.object_repr for e in AuditEntry.objects.all())


def test_it_refuses_a_name_less_case(as_user, teacher):
    response, _data = _post_raise(as_user(teacher), None)
    assert response.status_code == 400 and not AdultCase.objects.exists()


def test_it_lets_the_head_record_the_lado_referral_strategy_and_outcome(
    as_user, school, teacher, colleague, headteacher
):
    case = _raise(teacher, school, user=colleague)
    client = as_user(headteacher)
    detail = client.get(reverse("safeguarding:adult_case_detail", args=[case.code]))
    assert detail.status_code == 200 and ACCOUNT in detail.content.decode()
    assert AuditEntry.objects.filter(action="safeguarding.adult_case.viewed", actor=headteacher).count() == 1
    today = timezone.localdate().isoformat()
    client.post(
        reverse("safeguarding:adult_lado", args=[case.code]),
        {"lado-referred_on": today, "lado-advice": "Strategy discussion needed"},
    )
    client.post(
        reverse("safeguarding:adult_strategy", args=[case.code]),
        {"strategy-meeting_on": today, "strategy-notes": "Internal investigation"},
    )
    client.post(
        reverse("safeguarding:adult_suspension", args=[case.code]),
        {"suspension-suspended_from": today, "suspension-reason": "Risk to pupils while investigated"},
    )
    response = client.post(
        reverse("safeguarding:adult_conclude", args=[case.code]),
        {"conclude-outcome": "malicious", "conclude-conclusion": "The pupil admitted making it up"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.lado_referred_on == timezone.localdate() and case.lado_referred_by == headteacher
    assert case.lado_advice == "Strategy discussion needed" and not selectors.lado_late(case)
    assert case.strategy_notes == "Internal investigation" and case.suspended_from == timezone.localdate()
    assert case.status == "concluded" and case.outcome == "malicious"
    assert case.retention == AdultCase.Retention.REMOVE and case.retain_until is None
    # Concluded: nothing more is changed, and the record is still there.
    client.post(
        reverse("safeguarding:adult_strategy", args=[case.code]), {"strategy-meeting_on": today, "strategy-notes": "x"}
    )
    case.refresh_from_db()
    assert case.strategy_notes == "Internal investigation"


def test_it_keeps_a_substantiated_allegation_to_pension_age_or_ten_years(school, teacher, colleague, headteacher):
    case = _raise(teacher, school, user=colleague)
    raised = timezone.localdate(case.raised_at)
    services.adult_case_conclude(actor=headteacher, case=case, outcome="substantiated", conclusion="Found so")
    assert case.retention == AdultCase.Retention.KEEP and case.retain_until == raised.replace(year=raised.year + 10)
    later = _raise(teacher, school, user=colleague)
    pension = raised.replace(year=raised.year + 25)
    services.adult_case_conclude(
        actor=headteacher, case=later, outcome="unfounded", conclusion="No", pension_age_on=pension
    )
    assert later.retention == AdultCase.Retention.KEEP and later.retain_until == pension
    low = _raise(teacher, school, kind="low_level", name="Sam Whitby")
    services.adult_case_conclude(actor=headteacher, case=low, conclusion="Spoken to")
    assert low.retention == AdultCase.Retention.UNTIL_LEAVES and low.outcome == ""


def test_it_needs_a_reason_for_a_lado_referral_later_than_one_working_day(school, teacher, colleague, headteacher):
    case = _raise(teacher, school, user=colleague, days_ago=10)
    with pytest.raises(PastoralError):
        services.adult_case_refer_lado(actor=headteacher, case=case, referred_on=timezone.localdate(), advice="x")
    services.adult_case_refer_lado(
        actor=headteacher, case=case, referred_on=timezone.localdate(), advice="x", late_reason="LADO unavailable"
    )
    case.refresh_from_db()
    assert selectors.lado_late(case) and case.lado_late_reason == "LADO unavailable"


def test_it_counts_one_working_day_past_weekends_and_bank_holidays():
    case = AdultCase(kind="allegation")
    for raised, due in [
        (datetime.date(2026, 12, 4), datetime.date(2026, 12, 7)),  # Friday → Monday
        (datetime.date(2026, 12, 24), datetime.date(2026, 12, 29)),  # Christmas and Boxing Day (substitute)
        (datetime.date(2026, 10, 27), datetime.date(2026, 10, 28)),  # half term still counts for the LADO
    ]:
        case.raised_at = timezone.make_aware(datetime.datetime.combine(raised, datetime.time(10)))
        assert selectors.lado_due_by(case) == due


def test_it_gives_a_case_about_the_head_to_the_trust_named_person(
    as_user, school, teacher, headteacher, trust_dsl, dsl
):
    case = _raise(teacher, school, user=headteacher)
    assert case.about_headteacher
    services.adult_settings_save(actor=headteacher, school=school, dsl_shares_case_management=True)
    url = reverse("safeguarding:adult_case_detail", args=[case.code])
    assert as_user(headteacher).get(url).status_code == 403
    assert as_user(dsl).get(url).status_code == 403
    assert as_user(trust_dsl).get(url).status_code == 200
    assert list(selectors.cases_visible_to(headteacher)) == []
    assert AuditEntry.objects.filter(action="safeguarding.adult_case.refused", actor=headteacher).exists()


def test_it_shares_cases_with_the_dsl_only_when_the_school_chooses(
    as_user, school, teacher, colleague, headteacher, dsl
):
    case = _raise(teacher, school, user=colleague)
    about_dsl = _raise(teacher, school, user=dsl)
    url = reverse("safeguarding:adult_case_detail", args=[case.code])
    assert as_user(dsl).get(url).status_code == 403
    assert as_user(dsl).get(reverse("safeguarding:adult_settings")).status_code == 403
    response = as_user(headteacher).post(reverse("safeguarding:adult_settings"), {"dsl_shares_case_management": "on"})
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="safeguarding.adult_settings.changed").count() == 1
    client = as_user(dsl)
    assert client.get(url).status_code == 200
    # Never the case about themselves, whatever they manage.
    assert client.get(reverse("safeguarding:adult_case_detail", args=[about_dsl.code])).status_code == 403
    assert set(selectors.cases_visible_to(dsl)) == {case}


def test_it_refuses_the_it_admin_and_hides_cases_from_another_school(
    as_user, school, teacher, colleague, it_admin, other_school_dsl
):
    case = _raise(teacher, school, user=colleague)
    url = reverse("safeguarding:adult_case_detail", args=[case.code])
    assert as_user(it_admin).get(url).status_code == 403
    assert as_user(other_school_dsl).get(url).status_code == 404
    assert as_user(other_school_dsl).get(reverse("safeguarding:adult_receipt", args=[case.code])).status_code == 404


def test_it_shows_repeated_names_and_behaviours_and_records_the_termly_review(
    as_user, school, teacher, colleague, headteacher
):
    for name in ["Sam Whitby", "sam  whitby", "SAM WHITBY"]:
        _raise(teacher, school, kind="low_level", name=name, behaviour="communication")
    _raise(teacher, school, kind="low_level", user=colleague, behaviour="communication")
    _raise(teacher, school, kind="low_level", name="Ellis Dunn", behaviour="communication")
    _raise(teacher, school, kind="low_level", name="Old News", days_ago=400, behaviour="communication")
    client = as_user(headteacher)
    page = client.get(reverse("safeguarding:adult_patterns"))
    assert page.status_code == 200
    assert [n for _name, n in page.context["people"]] == [3]
    assert page.context["behaviours"] == [("Communication outside agreed channels (including online)", 5, 3)]
    assert AuditEntry.objects.filter(action="safeguarding.adult_patterns.viewed").count() == 1
    response = client.post(
        reverse("safeguarding:adult_review"),
        {"reviewed_on": timezone.localdate().isoformat(), "notes": "Spoke to the reading-club lead"},
    )
    assert response.status_code == 302
    review = AdultConcernReview.objects.get()
    assert review.reviewed_by == headteacher and review.notes == "Spoke to the reading-club lead"


def test_it_pages_the_case_list_by_keyset_in_a_fixed_number_of_queries(
    as_user, school, teacher, colleague, headteacher, django_assert_max_num_queries
):
    now = timezone.now()
    AdultCase.objects.bulk_create(
        AdultCase(
            school=school,
            kind="allegation" if i % 3 else "low_level",
            subject_user=colleague if i % 2 else None,
            subject_name="" if i % 2 else f"Visitor {i}",
            subject_category="staff",
            behaviour="conduct",
            occurred_on=now.date(),
            account=ACCOUNT,
            raised_by=teacher,
            raised_at=now - datetime.timedelta(hours=i),
        )
        for i in range(55)
    )
    client = as_user(headteacher)
    with django_assert_max_num_queries(14):
        first = client.get(reverse("safeguarding:adult_case_list"))
    shown = list(first.context["page"])
    assert first.status_code == 200 and first.context["page"].has_next
    second = client.get(reverse("safeguarding:adult_case_list") + "?" + first.context["page"].next_query)
    assert not set(shown) & set(second.context["page"]) and len(shown) + len(second.context["page"]) == 55


def test_it_counts_cases_in_the_report_for_the_head_but_never_one_about_the_reader(
    school, teacher, colleague, headteacher, trust_leader
):
    _raise(teacher, school, user=colleague)
    _raise(teacher, school, kind="low_level", name="Sam Whitby")
    _raise(teacher, school, user=headteacher)
    today = timezone.localdate()
    start, end = today - datetime.timedelta(days=30), today
    previous = (start - datetime.timedelta(days=31), start - datetime.timedelta(days=1))
    head = build_adult_cases(headteacher, [school], start, end, *previous)
    assert dict(head.headlines) == {"Allegations": 1, "Low-level concerns": 1}
    trust = build_adult_cases(trust_leader, [school], start, end, *previous)
    assert dict(trust.headlines) == {"Allegations": 2, "Low-level concerns": 1}
    assert build_adult_cases(teacher, [school], start, end, *previous) is None


def test_the_demo_has_cases_in_every_state(school, headteacher, teacher, colleague, pastoral_staff):
    third = make_staff(school, Role.TEACHER, "third")
    staff = {
        Role.HEADTEACHER: [headteacher],
        Role.TEACHER: [teacher, colleague, third],
        Role.PASTORAL_STAFF: [pastoral_staff],
    }
    seed_adult_cases(school, staff, [], random.Random(1), school.current_term(timezone.localdate()))
    cases = AdultCase.objects.filter(school=school)
    assert cases.filter(kind="allegation", status="open", lado_referred_on__isnull=False).exists()
    assert cases.filter(kind="allegation", status="open", lado_referred_on__isnull=True).exists()
    assert cases.filter(outcome="unfounded", retention="keep").exists()
    assert cases.filter(outcome="false", retention="remove").exists()
    since = timezone.localdate() - datetime.timedelta(days=365)
    assert selectors.repeated_people(cases, since) == [("Sam Whitby", 3)]
    assert selectors.repeated_behaviours(cases, since)[0][2] == 3
    assert AdultConcernReview.objects.filter(school=school).exists()
    for case in cases:
        case.full_clean()


def test_it_emails_the_case_manager_naming_nobody(
    as_user, school, teacher, colleague, headteacher, trust_dsl, django_capture_on_commit_callbacks
):
    client = as_user(teacher)
    with django_capture_on_commit_callbacks(execute=True):
        _post_raise(client, colleague)
    assert [m.to for m in mail.outbox] == [[headteacher.email]]
    message = mail.outbox[0]
    assert "allegation" in message.subject and str(colleague) not in message.body and ACCOUNT not in message.body
    assert AuditEntry.objects.filter(action="safeguarding.adult_case.emailed", actor=headteacher).exists()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _post_raise(client, headteacher)
    # About the head: the trust's named person is told, the head is not.
    assert [m.to for m in mail.outbox] == [[trust_dsl.email]]


def test_it_keeps_cases_off_the_school_audit_log_and_the_dsl_dashboard(
    as_user, school, teacher, colleague, headteacher, dsl
):
    case = _raise(teacher, school, user=colleague)
    url = reverse("safeguarding:adult_case_detail", args=[case.code])
    as_user(headteacher).get(url)
    client = as_user(dsl)
    log = client.get(reverse("pastoral:audit_log")).content.decode()
    assert case.reference not in log and "safeguarding.adult_case.raised</code>" not in log
    dashboard = client.get(reverse("safeguarding:dashboard")).content.decode()
    assert case.reference not in dashboard and "allegation about an adult" not in dashboard
    # The case manager reads the trail on the case itself.
    page = as_user(headteacher).get(url).content.decode()
    assert "raised a concern or allegation about an adult" in page and "read a case about an adult" in page
