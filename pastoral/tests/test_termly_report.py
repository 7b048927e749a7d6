"""The termly report: the PDF's figures equal the database's, from the requester's own rows only."""

import datetime
import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Sum
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from behaviour.models import BehaviourCategory, BehaviourEvent, Removal, RestrictiveIntervention, Suspension
from behaviour.tests.factories import BehaviourCategoryFactory, BehaviourEventFactory
from conftest import make_staff
from pastoral.accounts.roles import Role
from pastoral.files import exports, reports, scheduled_reports
from pastoral.models import AuditEntry, GeneratedFile, Pupil, ScheduledReport
from pastoral.tests.factories import PupilFactory
from pastoral.tests.pdftext import pdf_pages, pdf_text
from pastoral.tests.termly_helpers import SPRING, SUMMER, at, calendar, seed, summer, termly_pdf
from safeguarding.models import Concern, Referral


@pytest.fixture(autouse=True)
def generated_root(settings, tmp_path):
    settings.GENERATED_FILES_ROOT = tmp_path / "generated"


@pytest.fixture
def seeded(school, sister_school, headteacher, pastoral_lead):
    calendar(school)
    pupils = seed(school, pastoral_lead, headteacher)
    # Another school of the same trust: never counted in Northfield's report.
    other_pupil = PupilFactory(school=sister_school, child_protection_plan=True)
    other_category = BehaviourCategoryFactory(school=sister_school, name="Disruption")
    for _ in range(4):
        BehaviourEventFactory(pupil=other_pupil, category=other_category, occurred_at=at(SUMMER[0]))
    return pupils


def squashed(text):
    """The text without spaces or line breaks: a long row label wraps inside its cell, and the PDF's text has no
    space where it wrapped."""
    return re.sub(r"\s+", "", text)


def in_range(field, start, end):
    low, high = reports.bounds(start, end)
    return {f"{field}__gte": low, f"{field}__lt": high}


def live_events(school, start, end):
    return BehaviourEvent.objects.filter(school=school, voided_at__isnull=True, **in_range("occurred_at", start, end))


def test_it_puts_the_database_counts_in_the_pdf(headteacher, school, seeded):
    generated_file, text = termly_pdf(headteacher, school, summer(school))

    assert generated_file.filename == "termly-report-northfield-academy-20260413-20260722.pdf"
    assert "Termly report: Northfield Academy" in text
    assert "Period: 13 Apr 2026 to 22 Jul 2026" in text
    assert "Summer term 2025/26. Compared with 5 Jan 2026 to 27 Mar 2026." in text
    assert "Not included for your role" not in text
    # Safeguarding is in the report, so every page is OFFICIAL-SENSITIVE.
    pages = pdf_pages(exports.read_stored(generated_file))
    assert len(pages) > 1 and all("OFFICIAL-SENSITIVE" in page for page in pages)

    now, before = live_events(school, *SUMMER), live_events(school, *SPRING)
    negative = Q(category__kind=BehaviourCategory.Kind.NEGATIVE)
    positive = Q(category__kind=BehaviourCategory.Kind.POSITIVE)
    assert f"All events{now.count()}{before.count()}" in text
    assert f"Negative events{now.filter(negative).count()}{before.filter(negative).count()}" in text
    assert f"Positive events{now.filter(positive).count()}{before.filter(positive).count()}" in text
    assert f"Disruption (negative){now.filter(category__name='Disruption').count()}" in text
    assert f"Corridor{now.filter(location__name='Corridor').count()}" in text
    points = now.filter(positive).aggregate(points=Sum("category__points"))["points"]
    assert f"Reward points{points}0" in text

    removals = Removal.objects.filter(school=school, **in_range("removed_at", *SUMMER))
    assert f"Removals{removals.count()}0" in text

    decided = Suspension.objects.filter(
        school=school, status="finalised", voided_at__isnull=True, start_date__range=SUMMER
    )
    fixed = decided.exclude(kind="permanent")
    units = fixed.aggregate(units=Sum("length_units"))["units"]
    repeat = fixed.values("pupil").annotate(n=Count("pk")).filter(n__gte=2).count()
    assert (fixed.count(), fixed.values("pupil").distinct().count(), units, repeat) == (3, 2, 6, 1)
    assert f"Suspensions{fixed.count()}1" in text
    assert f"Pupils suspended{fixed.values('pupil').distinct().count()}1" in text
    assert f"School days lost{units // 2}1" in text
    assert f"Pupilswithrepeatsuspensions{repeat}0" in squashed(text)
    assert f"Permanent exclusions{decided.filter(kind='permanent').count()}0" in text
    assert "Suspensions and exclusions: disproportionality (3 of 4 pupils suspended or excluded)" in text

    interventions = RestrictiveIntervention.objects.filter(school=school, occurred_on__range=SUMMER)
    minutes = interventions.aggregate(minutes=Sum("duration_minutes"))["minutes"]
    assert f"Interventions{interventions.count()}0" in text
    assert f"Minutes in total{minutes}0" in text
    assert f"With an injury{interventions.filter(injuries=True).count()}0" in text
    reported = interventions.filter(parent_reported_at__isnull=False).count()
    assert f"Reported to parents{reported}0" in text
    assert f"Pupil debriefs done{interventions.filter(pupil_debrief_on__isnull=False).count()}0" in text
    assert "Interventionswhereeverymemberofstaffwastrained150%" in squashed(text)

    concerns = Concern.objects.filter(school=school, **in_range("reported_at", *SUMMER))
    assert f"Concerns raised{concerns.count()}0" in text
    assert f"Physical abuse{concerns.filter(category__name='Physical abuse').count()}" in text
    assert f"Referrals made{Referral.objects.filter(school=school, referred_on__range=SUMMER).count()}0" in text
    cp = Pupil.objects.filter(school=school, child_protection_plan=True).count()
    assert f"Child protection plan (CP){cp}" in text
    assert "Sent on time1" in text
    # Numbers only: no child's name and no words from a concern.
    for pupil in seeded.values():
        assert pupil.legal_last_name not in text
    assert "It was my brother" not in text and "Saw a mark" not in text
    assert AuditEntry.objects.filter(action="pastoral.termly_report.generated", actor=headteacher).count() == 1


def test_it_counts_no_other_school(headteacher, school, sister_school, seeded):
    _file, text = termly_pdf(headteacher, school, summer(school))
    other = BehaviourEvent.objects.filter(school=sister_school).count()
    mine = live_events(school, *SUMMER).count()
    assert other == 4
    assert f"All events{mine}" in text and f"All events{mine + other}" not in text
    assert "Riverside Primary" not in text
    assert (
        f"Child protection plan (CP){Pupil.objects.filter(school=school, child_protection_plan=True).count()}" in text
    )


def test_the_trust_leader_gets_a_roll_up_per_school_without_safeguarding(trust_leader, school, sister_school, seeded):
    generated_file, text = termly_pdf(
        trust_leader, school, {"school": "trust", "start": SUMMER[0].isoformat(), "end": SUMMER[1].isoformat()}
    )
    assert generated_file.filename.startswith("termly-report-northfield-learning-trust-")
    assert "Trust termly report: Northfield Learning Trust" in text
    pages = pdf_pages(exports.read_stored(generated_file))
    assert all("Northfield Learning Trust\nOFFICIAL\n" in page for page in pages)
    assert re.search(r"Schools: Northfield Academy, ?Riverside Primary\.", text)
    mine = live_events(school, *SUMMER).count()
    theirs = live_events(sister_school, *SUMMER).count()
    assert f"All events{mine + theirs}" in text
    assert "Behaviour by school" in text
    # School, pupils on roll, events: one row per school.
    roll = {
        name: Pupil.objects.filter(school__name=name).count() for name in ("Northfield Academy", "Riverside Primary")
    }
    assert re.search(rf"Northfield ?Academy{roll['Northfield Academy']}{mine}", text)
    assert re.search(rf"Riverside ?Primary{roll['Riverside Primary']}{theirs}", text)
    # A trust leader reads no concerns: the section is left out and the PDF is OFFICIAL only.
    assert "Concerns raised" not in text and "Pupils on a CP plan" not in text
    assert re.search(r"Not included for your role: Restrictive ?interventions, ?Safeguarding ?in ?numbers\.", text)
    assert "OFFICIAL-SENSITIVE" not in text and "OFFICIAL" in text


def test_the_safeguarding_section_is_absent_without_safeguarding_rights(school, seeded):
    # Sections are chosen by the permissions the requester holds: a trust leader reads attendance, behaviour and
    # suspensions, and counts of support plans, keywork and interventions and medical care, but neither concerns
    # nor restrictive interventions.
    leader = make_staff(None, Role.TRUST_LEADER, "leader2", trust=school.trust)
    built, sensitivity = reports.build_context(leader, [school], *SUMMER, *SPRING)
    titles = [section.title for section in built]
    assert titles == [
        "Attendance",
        "Behaviour events",
        "Rewards",
        "Removals from class",
        "Suspensions and permanent exclusions",
        "Support plans",
        "Alternative provision",
        "Keywork and interventions",
        "Outcome measures",
        "Medical care",
    ]
    assert sensitivity == "OFFICIAL"


def test_only_headteachers_and_trust_leaders_may_ask(dsl, teacher, headteacher, school, sister_school, seeded):
    for user in (dsl, teacher):
        with pytest.raises(PermissionDenied):
            exports.request_export(actor=user, kind_name=reports.KIND, school=school, parameters=summer(school))
    with pytest.raises(PermissionDenied):
        exports.request_export(actor=headteacher, kind_name=reports.KIND, school=school, parameters={"school": "trust"})
    with pytest.raises(Http404):
        exports.request_export(
            actor=headteacher, kind_name=reports.KIND, school=school, parameters={"school": str(sister_school.code)}
        )
    assert not GeneratedFile.objects.exists()


def test_the_default_period_is_the_last_finished_term_against_the_term_before(school):
    spring, summer_term = calendar(school)
    assert reports.default_period(school, today=datetime.date(2026, 11, 23)) == SUMMER
    assert reports.default_period(school, today=datetime.date(2026, 5, 1)) == SPRING
    assert reports.previous_period(school, *SUMMER) == SPRING
    # Any other range is compared with the same number of days just before.
    assert reports.previous_period(school, datetime.date(2026, 5, 11), datetime.date(2026, 5, 15)) == (
        datetime.date(2026, 5, 6),
        datetime.date(2026, 5, 10),
    )


def test_without_dates_the_report_covers_the_last_finished_term(headteacher, school, seeded):
    _file, text = termly_pdf(headteacher, school, {"school": str(school.code)})
    start, end = reports.default_period(school)
    assert f"Period: {start:%-d %b %Y} to {end:%-d %b %Y}" in text


def test_headteachers_get_a_termly_schedule_and_a_report_three_days_after_term_end(
    headteacher, school, seeded, django_capture_on_commit_callbacks
):
    before_end = at(SUMMER[1] - datetime.timedelta(days=10))
    created = reports.ensure_termly_schedules(now=before_end)
    assert [(report.recipient, report.school, report.frequency) for report in created] == [
        (headteacher, school, "termly")
    ]
    assert reports.ensure_termly_schedules(now=before_end) == []  # once only
    report = ScheduledReport.objects.get(kind=reports.KIND)
    assert (report.period_start, report.period_end) == SUMMER
    assert timezone.localtime(report.next_run_at).date() == SUMMER[1] + datetime.timedelta(days=3)

    # Two days after the end of term nothing is due; on the third day the file is made and a link emailed.
    assert scheduled_reports.run_due(now=at(SUMMER[1] + datetime.timedelta(days=2), 12)) == []
    with django_capture_on_commit_callbacks(execute=True):
        results = scheduled_reports.run_due(now=at(SUMMER[1] + datetime.timedelta(days=3), 8))
    [(_report, generated_file)] = results
    generated_file.refresh_from_db()
    assert generated_file.owner == headteacher and generated_file.status == "done"
    text = pdf_text(exports.read_stored(generated_file))
    assert "Termly report: Northfield Academy" in text and "Period: 13 Apr 2026 to 22 Jul 2026" in text
    assert f"All events{live_events(school, *SUMMER).count()}" in text
    [email] = mail.outbox
    assert email.to == [headteacher.email]
    assert "All events" not in email.body and reverse("pastoral:export_list") in email.body


def test_a_headteacher_who_has_left_gets_no_schedule(headteacher, school):
    headteacher.memberships.update(ends_on=timezone.localdate() - datetime.timedelta(days=1))
    assert reports.ensure_termly_schedules() == []


def test_the_dashboard_panel_offers_the_latest_reports_and_a_date_range_form(
    client, headteacher, school, seeded, as_user, django_assert_max_num_queries
):
    done, _text = termly_pdf(headteacher, school, summer(school))
    as_user(headteacher)
    response = client.get(reverse("pastoral:home"))
    page = response.content.decode()
    assert "Termly reports" in page and done.filename in page
    assert reverse("pastoral:export_download", args=[done.code]) in page
    assert 'name="start"' in page and 'name="end"' in page
    with django_assert_max_num_queries(60):
        client.get(reverse("pastoral:home"))


def test_the_form_explains_bad_dates_beside_the_fields_and_keeps_them(client, headteacher, school, as_user):
    as_user(headteacher)
    response = client.post(reverse("pastoral:termly_report"), {"start": "2026-05-10", "end": "2026-05-01"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "The end date must be on or after the start date." in page
    assert 'value="2026-05-10"' in page and 'value="2026-05-01"' in page
    response = client.post(reverse("pastoral:termly_report"), {"start": "", "end": "nonsense"})
    assert response.status_code == 400 and page.count("is-invalid") >= 1
    assert not GeneratedFile.objects.exists()


def test_the_form_asks_for_the_report_once_however_often_it_is_sent(client, headteacher, school, as_user):
    as_user(headteacher)
    data = {"start": "2026-04-13", "end": "2026-07-22", "key": "5b0c3f4e-8a5b-4b8e-9d0e-1f2a3b4c5d6e"}
    for _ in range(2):
        response = client.post(reverse("pastoral:termly_report"), data)
        assert response.status_code == 302 and response.url == reverse("pastoral:export_list")
    generated_file = GeneratedFile.objects.get()
    assert generated_file.kind == reports.KIND and generated_file.owner == headteacher
    assert generated_file.parameters == {"school": str(school.code), "start": "2026-04-13", "end": "2026-07-22"}


def test_staff_without_the_permission_cannot_open_the_form(client, dsl, teacher, school, as_user):
    for user in (dsl, teacher):
        as_user(user)
        assert client.get(reverse("pastoral:termly_report")).status_code == 403
        assert "Termly reports" not in client.get(reverse("pastoral:home")).content.decode()


def test_the_figures_take_the_same_number_of_queries_however_many_rows(headteacher, pastoral_lead, school):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    calendar(school)
    seed(school, pastoral_lead, headteacher, events=3)
    reports.build_context(headteacher, [school], *SUMMER, *SPRING)  # reads the memberships once
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as captured:
            reports.build_context(headteacher, [school], *SUMMER, *SPRING)
        counts.append(len(captured.captured_queries))
        pupil = PupilFactory(school=school)
        for day in range(40):
            BehaviourEventFactory(pupil=pupil, occurred_at=at(SUMMER[0] + datetime.timedelta(days=day)))
    # A fixed few per section; the alternative provision, keywork and outcome-measure sections brought it to 68.
    assert counts[0] == counts[1] < 80


def test_a_trust_leader_may_ask_for_the_trust_roll_up_and_a_headteacher_may_not(
    client, trust_leader, headteacher, school, as_user
):
    data = {"start": "2026-04-13", "end": "2026-07-22", "scope": "trust"}
    as_user(headteacher)
    response = client.post(reverse("pastoral:termly_report"), data)
    assert response.status_code == 400 and not GeneratedFile.objects.exists()
    as_user(trust_leader)
    assert "Every school in the trust I can see" in client.get(reverse("pastoral:termly_report")).content.decode()
    response = client.post(reverse("pastoral:termly_report"), data)
    assert response.status_code == 302
    assert GeneratedFile.objects.get(owner=trust_leader).parameters["school"] == "trust"
