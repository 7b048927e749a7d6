import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from behaviour.analytics import selectors as analytics
from behaviour.models import BehaviourEvent
from conftest import make_staff
from pastoral.accounts.roles import Role
from pastoral.models import AuditEntry
from pastoral.tests.export_helpers import ask, download, export_csv, latest
from pastoral.tests.factories import PupilFactory

from .factories import BehaviourCategoryFactory, BehaviourEventFactory, LocationFactory, RemovalFactory

MON = datetime.date(2026, 10, 5)
START = datetime.date(2026, 10, 5)
END = datetime.date(2026, 10, 25)


def at(day, hour=10, minute=30):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def day(offset):
    return MON + datetime.timedelta(days=offset)


def filters_for(*schools, start=START, end=END, **kwargs):
    return analytics.Filters(school_ids=[school.pk for school in schools], start=start, end=end, **kwargs)


@pytest.fixture
def praise(school):
    return BehaviourCategoryFactory(school=school, name="Excellent work", kind="positive", points=3)


@pytest.fixture
def disruption(school):
    return BehaviourCategoryFactory(school=school, name="Disruption", kind="negative", points=2)


@pytest.fixture
def defiance(school):
    return BehaviourCategoryFactory(school=school, name="Defiance", kind="negative", points=3)


@pytest.fixture
def ann(school):
    return PupilFactory(school=school, legal_first_name="Ann", legal_last_name="Able", sen_status="K", year_group=7)


@pytest.fixture
def ben(school):
    return PupilFactory(school=school, legal_first_name="Ben", legal_last_name="Bold", gender="M", year_group=9)


def log(pupil, category, when, **kwargs):
    return BehaviourEventFactory(pupil=pupil, category=category, occurred_at=when, **kwargs)


@pytest.fixture
def term_of_events(school, ann, ben, praise, disruption, defiance):
    """Week of 5 Oct: Ann 2 praise, Ben 1 disruption; week of 12 Oct: Ben 1 defiance, Ann 1 disruption."""
    corridor = LocationFactory(school=school, name="Corridor")
    canteen = LocationFactory(school=school, name="Canteen")
    log(ann, praise, at(day(0), 9), period="P1", location=corridor)
    log(ann, praise, at(day(0), 9, 40), period=" p1 ", location=corridor)
    log(ben, disruption, at(day(2), 12, 30), period="Lunch", location=canteen)
    log(ben, defiance, at(day(9), 11), period="P3")
    log(ann, disruption, at(day(10), 14), period="P5", location=corridor)
    # Never counted: voided, outside the range, another school's.
    log(ben, defiance, at(day(3)), voided_at=at(day(4)))
    log(ben, defiance, at(day(-1)))
    log(ben, defiance, at(day(21)))


def test_it_counts_events_per_week_including_empty_weeks(school, headteacher, term_of_events):
    events = analytics.events_for(headteacher, filters_for(school))
    assert analytics.weekly(events, filters_for(school)) == [
        (datetime.date(2026, 10, 5), 2, 1),
        (datetime.date(2026, 10, 12), 0, 2),
        (datetime.date(2026, 10, 19), 0, 0),
    ]


def test_it_totals_and_gives_the_positive_to_negative_ratio(school, headteacher, term_of_events):
    figures = analytics.totals(analytics.events_for(headteacher, filters_for(school)))
    assert figures["events"] == 5
    assert (figures["positive"], figures["negative"]) == (2, 3)
    assert (figures["positive_points"], figures["negative_points"]) == (6, 7)
    assert figures["ratio"] == "0.7 : 1"
    assert analytics.ratio_text(4, 0) == "no negative events"


def test_the_heat_map_groups_periods_case_blind_in_the_order_of_the_day(school, headteacher, term_of_events):
    heat = analytics.heat_map(analytics.events_for(headteacher, filters_for(school)))
    assert heat.mode == "period"
    assert heat.rows == ["Mon", "Tue", "Wed", "Thu", "Fri"]
    assert heat.columns == ["P1", "P3", "Lunch", "P5"]
    # Ann's two P1 praise on Monday; Ben at lunch and in P3 on two Wednesdays; Ann in P5 on Thursday.
    assert heat.values == [[2, 0, 0, 0], [0, 0, 0, 0], [0, 1, 1, 0], [0, 0, 0, 1], [0, 0, 0, 0]]
    assert heat.values[0][heat.columns.index("P1")] == 2


def test_the_heat_map_keeps_the_commonest_periods_and_puts_the_rest_in_other(school, headteacher, ben, disruption):
    for number in range(1, 11):
        for _ in range(11 - number):
            log(ben, disruption, at(day(0), 8), period=f"P{number}")
    log(ben, disruption, at(day(1), 8), period="")
    heat = analytics.heat_map(analytics.events_for(headteacher, filters_for(school)))
    assert heat.columns == ["P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8", "Other", "Not recorded"]
    assert heat.values[0] == [10, 9, 8, 7, 6, 5, 4, 3, 2 + 1, 0]
    assert heat.values[1][-1] == 1


def test_the_heat_map_uses_hours_when_most_events_have_no_period(school, headteacher, ben, disruption):
    log(ben, disruption, at(day(0), 9), period="")
    log(ben, disruption, at(day(0), 9, 50), period="")
    log(ben, disruption, at(day(4), 13), period="P5")
    heat = analytics.heat_map(analytics.events_for(headteacher, filters_for(school)))
    assert heat.mode == "hour"
    assert heat.columns == ["09:00", "13:00"]
    assert heat.values[0] == [2, 0]
    assert heat.values[4] == [0, 1]


def test_it_counts_by_location_category_and_year(school, headteacher, term_of_events):
    events = analytics.events_for(headteacher, filters_for(school))
    assert analytics.by_location(events) == [("Corridor", 3), ("Canteen", 1), ("Not recorded", 1)]
    assert [(row["name"], row["kind"], row["events"], row["points"]) for row in analytics.by_category(events)] == [
        ("Disruption", "Negative", 2, 4),
        ("Excellent work", "Positive", 2, 6),
        ("Defiance", "Negative", 1, 3),
    ]
    assert analytics.ratio_by_year(analytics.per_pupil(events)) == [("Year 7", 2, 1), ("Year 9", 0, 2)]


def test_it_ranks_pupils_by_negative_points(school, headteacher, term_of_events):
    rows = analytics.top_pupils(analytics.per_pupil(analytics.events_for(headteacher, filters_for(school))))
    assert [(row["name"], row["negative_points"], row["negative_events"], row["positive_points"]) for row in rows] == [
        ("Ben Bold", 5, 2, 0),
        ("Ann Able", 2, 1, 6),
    ]


def test_filters_narrow_every_figure(school, headteacher, term_of_events, ann, ben, praise, disruption, teacher):
    def count(**kwargs):
        return analytics.totals(analytics.events_for(headteacher, filters_for(school, **kwargs)))["events"]

    assert count(year_group=7) == 3
    assert count(kind="negative") == 3
    assert count(category="Disruption") == 2
    assert count(location="Corridor") == 3
    assert count(sen="K") == 3
    assert count(gender="M") == 2
    assert count(pupil_premium=True) == 0
    assert count(start=day(7)) == 2
    involved = log(ben, disruption, at(day(11)))
    involved.staff_involved.add(teacher)
    log(ann, praise, at(day(11)), recorded_by=teacher)
    assert count(staff=teacher) == 2


def test_other_schools_events_are_never_counted(school, sister_school, headteacher, other_school_dsl, trust_leader):
    pupil = PupilFactory(school=school)
    outsider = PupilFactory(school=sister_school)
    log(pupil, BehaviourCategoryFactory(school=school, kind="negative"), at(day(1)))
    log(outsider, BehaviourCategoryFactory(school=sister_school, kind="negative"), at(day(1)))
    # Asking for a school you cannot see gives nothing, even with its id.
    assert analytics.totals(analytics.events_for(other_school_dsl, filters_for(school)))["events"] == 0
    assert analytics.totals(analytics.events_for(headteacher, filters_for(school, sister_school)))["events"] == 1
    assert analytics.totals(analytics.events_for(trust_leader, filters_for(school, sister_school)))["events"] == 2


@pytest.fixture
def roll(school):
    """Ten pupils: two with SEN support, one EHCP, three pupil premium, one looked after; six girls, four boys."""
    pupils = [
        PupilFactory(school=school, sen_status="K", gender="F", pupil_premium=True),
        PupilFactory(school=school, sen_status="K", gender="M"),
        PupilFactory(school=school, sen_status="E", gender="M", pupil_premium=True, looked_after=True),
    ]
    pupils += [PupilFactory(school=school, gender="F" if n < 5 else "M", pupil_premium=n == 0) for n in range(7)]
    return pupils


def figures_by_label(figures):
    return {group.label: group for group in figures["groups"]}


def test_disproportionality_compares_each_group_with_the_rest_of_the_roll(school, roll):
    from pastoral.models import Pupil

    affected = Pupil.objects.filter(pk__in=[roll[0].pk, roll[3].pk]).values("pk")
    figures = analytics.disproportionality(Pupil.objects.filter(school=school), affected)
    assert (figures["roll"], figures["affected"]) == (10, 2)
    groups = figures_by_label(figures)
    sen = groups["SEN support"]
    assert (sen.roll, sen.roll_share, sen.affected, sen.affected_share, sen.rate) == (2, 20.0, 1, 50.0, 50.0)
    # 1 of 2 SEN support pupils against 1 of the other 8: 0.5 / 0.125.
    assert sen.risk_ratio == 4.0
    assert not sen.over  # one pupil is too few to mark the group
    assert analytics.GroupFigures("G", 10, 10.0, 3, 30.0, 30.0, 1.5).over
    pp = groups["Pupil premium"]
    assert (pp.roll, pp.affected, pp.risk_ratio) == (3, 2, None)  # nobody outside the group was affected
    ehcp = groups["EHCP"]
    assert (ehcp.roll, ehcp.affected, ehcp.rate, ehcp.risk_ratio) == (1, 0, 0.0, 0.0)
    female = groups["Female"]
    assert (female.roll, female.affected, female.risk_ratio) == (6, 2, None)
    male = groups["Male"]
    assert (male.roll_share, male.affected_share, male.risk_ratio) == (40.0, 0.0, 0.0)


def test_disproportionality_compares_the_census_ethnic_groups(school, roll):
    from pastoral.models import Pupil
    from pastoral.pupils.ethnicity import ensure_census_categories

    ensure_census_categories()  # the migration's rows, in case a transactional test flushed them

    # Three Black pupils (two affected), two White (none), the rest not recorded.
    for pupil, code in zip(roll[:5], ["BAFR", "BCRB", "BOTH", "WBRI", "WIRI"], strict=True):
        pupil.ethnicity_id = code
        pupil.save(update_fields=["ethnicity"])
    affected = Pupil.objects.filter(pk__in=[roll[0].pk, roll[1].pk, roll[7].pk]).values("pk")
    groups = figures_by_label(analytics.disproportionality(Pupil.objects.filter(school=school), affected))
    black = groups["Ethnicity: Black / African / Caribbean / Black British"]
    # 2 of 3 against 1 of the other 7.
    assert (black.roll, black.affected, black.rate, black.risk_ratio) == (3, 2, 66.7, 4.67)
    white = groups["Ethnicity: White"]
    assert (white.roll, white.affected, white.risk_ratio) == (2, 0, 0.0)
    assert groups["Ethnicity: Chinese"].roll == 0


def test_removals_feed_the_disproportionality_figures(school, roll, headteacher, teacher):
    RemovalFactory(pupil=roll[0], removed_at=at(day(1)), recorded_by=teacher)
    RemovalFactory(pupil=roll[0], removed_at=at(day(2)), recorded_by=teacher)
    RemovalFactory(pupil=roll[5], removed_at=at(day(3)), recorded_by=teacher)
    RemovalFactory(pupil=roll[6], removed_at=at(day(3)), recorded_by=teacher, voided_at=at(day(4)))
    RemovalFactory(pupil=roll[7], removed_at=at(day(40)), recorded_by=teacher)
    (source, figures), _suspensions = analytics.sanction_disproportionality(headteacher, filters_for(school))
    assert source.key == "removals"
    assert (figures["roll"], figures["affected"]) == (10, 2)
    sen = figures_by_label(figures)["SEN support"]
    assert (sen.affected, sen.risk_ratio) == (1, 4.0)


def test_the_roll_leaves_out_pupils_who_left_before_the_range(school, roll, headteacher):
    roll[9].leaving_date = day(-1)
    roll[9].save()
    assert analytics.roll_for(headteacher, filters_for(school)).count() == 9


def test_decided_suspensions_are_compared_with_the_roll_and_drafts_are_not(school, roll, headteacher, teacher):
    from behaviour.models import Suspension

    def suspend(pupil, status, **extra):
        return Suspension.objects.create(
            school=school,
            pupil=pupil,
            start_date=day(1),
            length_units=2,
            summary="Assault",
            status=status,
            recorded_by=headteacher,
            **extra,
        )

    suspend(roll[1], Suspension.Status.FINALISED)
    suspend(roll[2], Suspension.Status.DRAFT)
    suspend(roll[3], Suspension.Status.FINALISED, voided_at=at(day(2)))
    RemovalFactory(pupil=roll[1], removed_at=at(day(1)), recorded_by=teacher)
    results = analytics.sanction_disproportionality(headteacher, filters_for(school))
    assert [(source.key, figures["affected"]) for source, figures in results] == [("removals", 1), ("suspensions", 1)]
    [row] = analytics.school_comparison(headteacher, filters_for(school))
    assert row["sanctions"] == [1, 1]


# --- the rising-behaviour alert --------------------------------------------------------------------------

TODAY = datetime.date(2026, 11, 20)


def negatives(pupil, category, *, recent, earlier):
    for n in range(recent):
        log(pupil, category, at(TODAY - datetime.timedelta(days=n % 13)))
    for n in range(earlier):
        log(pupil, category, at(TODAY - datetime.timedelta(days=15 + n % 80)))


def test_the_alert_flags_pupils_at_twice_their_own_baseline(school, dsl, disruption, praise):
    at_boundary = PupilFactory(school=school, legal_first_name="Edge")
    just_below = PupilFactory(school=school, legal_first_name="Below")
    new_trouble = PupilFactory(school=school, legal_first_name="New")
    too_few = PupilFactory(school=school, legal_first_name="Few")
    # 3 in the fortnight against 9 in the 12 weeks before (1.5 a fortnight): exactly twice, flagged.
    negatives(at_boundary, disruption, recent=3, earlier=9)
    # 3 against 10 (1.67 a fortnight): under twice, not flagged.
    negatives(just_below, disruption, recent=3, earlier=10)
    # 3 with nothing before: flagged.
    negatives(new_trouble, disruption, recent=3, earlier=0)
    # 2 with nothing before: too few to flag, and positive events never count.
    negatives(too_few, disruption, recent=2, earlier=0)
    negatives(too_few, praise, recent=5, earlier=0)
    rows = analytics.rising_pupils(dsl, school, today=TODAY)
    assert [(row["name"].split()[0], row["recent"], row["earlier"], row["baseline"]) for row in rows] == [
        ("New", 3, 0, 0.0),
        ("Edge", 3, 9, 1.5),
    ]


def test_the_alert_ignores_voided_events_leavers_and_events_beyond_twelve_weeks(school, dsl, disruption):
    pupil = PupilFactory(school=school)
    negatives(pupil, disruption, recent=2, earlier=0)
    log(pupil, disruption, at(TODAY), voided_at=at(TODAY))
    assert analytics.rising_pupils(dsl, school, today=TODAY) == []
    log(pupil, disruption, at(TODAY))
    # Events more than 14 days + 12 weeks ago are not part of the baseline.
    for _ in range(20):
        log(pupil, disruption, at(TODAY - datetime.timedelta(days=14 + 85)))
    assert len(analytics.rising_pupils(dsl, school, today=TODAY)) == 1
    pupil.leaving_date = TODAY - datetime.timedelta(days=1)
    pupil.save()
    assert analytics.rising_pupils(dsl, school, today=TODAY) == []


def test_the_home_page_shows_the_alert_to_behaviour_leads_only(
    client, as_user, school, pastoral_lead, teacher, disruption, django_assert_max_num_queries
):
    pupil = PupilFactory(school=school, legal_first_name="Rising", legal_last_name="Star")
    for _ in range(4):
        log(pupil, disruption, timezone.now() - datetime.timedelta(hours=1))
    as_user(pastoral_lead)
    body = client.get(reverse("pastoral:home")).content.decode()
    assert "Negative behaviour rising" in body and "Rising Star" in body
    for _ in range(12):
        other = PupilFactory(school=school)
        for _ in range(3):
            log(other, disruption, timezone.now() - datetime.timedelta(hours=1))
    # The support plans panels add three: overdue reviews, reintegration plans due, plans to read; the removals
    # panel one (today's removals with parents not told); the behaviour rules four (the school's rising rule, the
    # rule alerts and letters waiting, the lead's tasks from rules).
    with django_assert_max_num_queries(28):
        body = client.get(reverse("pastoral:home")).content.decode()
    assert "And 3 more." in body
    as_user(teacher)
    assert "Negative behaviour rising" not in client.get(reverse("pastoral:home")).content.decode()


# --- the page and the CSV ---------------------------------------------------------------------------------


def test_the_page_shows_the_figures_and_charts(client, as_user, headteacher, term_of_events):
    as_user(headteacher)
    response = client.get(reverse("behaviour:analytics"), {"start": START, "end": END})
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("<svg") >= 7
    assert "0.7 : 1" in body
    assert "Ben Bold" in body and "Removals from class: 0 of" in body
    assert "Schools compared" not in body
    assert response.context["totals"]["events"] == 5
    assert response.context["totals"]["pupils"] == 2


def test_a_trust_leader_compares_the_schools(
    client, as_user, trust_leader, school, sister_school, term_of_events, teacher, django_assert_max_num_queries
):
    outsider = PupilFactory(school=sister_school)
    log(outsider, BehaviourCategoryFactory(school=sister_school, kind="negative"), at(day(1)))
    RemovalFactory(pupil=outsider, removed_at=at(day(1)), recorded_by=teacher)
    as_user(trust_leader)
    with django_assert_max_num_queries(33):
        response = client.get(reverse("behaviour:analytics"), {"school": "all", "start": START, "end": END})
    assert response.status_code == 200
    rows = {row["school"].name: row for row in response.context["comparison"]}
    assert (rows["Northfield Academy"]["events"], rows["Northfield Academy"]["pupils"]) == (5, 2)
    assert rows["Northfield Academy"]["per_100"] == 250.0
    assert rows["Riverside Primary"]["sanctions"] == [1, 0]
    assert rows["Riverside Primary"]["ratio"] == "0.0 : 1"
    body = response.content.decode()
    assert "Schools compared" in body
    # Across schools the page compares schools: no pupil is named and no per-pupil figure is computed.
    assert "Choose one school to see pupils involved" in body
    assert response.context["top_pupils"] == [] and response.context["totals"]["pupils"] is None
    assert "Ben Bold" not in body and response.context["charts"]["ratio"] is None
    one = client.get(reverse("behaviour:analytics"), {"school": str(sister_school.code), "start": START})
    assert one.context["totals"]["events"] == 1 and one.context["comparison"] is None
    assert one.context["totals"]["pupils"] == 1 and len(one.context["top_pupils"]) == 1


def test_the_page_costs_the_same_queries_as_events_grow(
    client, as_user, headteacher, school, ann, disruption, django_assert_max_num_queries
):
    as_user(headteacher)
    log(ann, disruption, at(day(1)), period="P1")
    client.get(reverse("behaviour:analytics"), {"start": START, "end": END})
    with django_assert_max_num_queries(27) as few:
        client.get(reverse("behaviour:analytics"), {"start": START, "end": END})
    for n in range(40):
        pupil = PupilFactory(school=school, year_group=7 + n % 5, form=f"{7 + n % 5}X")
        log(pupil, disruption, at(day(n % 14), 9 + n % 6), period=f"P{n % 6}", location=LocationFactory(school=school))
        RemovalFactory(pupil=pupil, removed_at=at(day(n % 14)), recorded_by=headteacher)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("behaviour:analytics"), {"start": START, "end": END})
    assert response.context["totals"]["events"] == 41


def test_bad_dates_are_reported_beside_the_field(client, as_user, headteacher):
    as_user(headteacher)
    response = client.get(reverse("behaviour:analytics"), {"start": "2026-10-20", "end": "2026-10-01"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "This must be on or after the start date." in body
    assert 'aria-describedby="id_end-error"' in body and 'id="id_end-error"' in body
    assert 'value="2026-10-20"' in body


def test_an_export_with_bad_dates_fails_with_a_clear_reason(
    client, as_user, headteacher, django_capture_on_commit_callbacks, generated_root
):
    as_user(headteacher)
    ask(client, django_capture_on_commit_callbacks, "behaviour.analytics_csv", "start=2026-10-20&end=2026-10-01")
    generated_file = latest(headteacher, "behaviour.analytics_csv")
    assert generated_file.status == "failed" and "not valid" in generated_file.error


def test_the_csv_holds_the_filtered_rows_safely_and_is_audited(
    client,
    as_user,
    pastoral_lead,
    school,
    term_of_events,
    ben,
    django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
    generated_root,
):
    sneaky = BehaviourCategoryFactory(school=school, name="=HYPERLINK(1)", kind="negative", points=1)
    log(ben, sneaky, at(day(11), 15), period="@SUM(A1)")
    as_user(pastoral_lead)
    query = f"start={START}&end={END}&kind=negative"
    # The request, the outbox's bookkeeping (row, publish, claim, done) and the eager build: a fixed cost.
    with django_assert_max_num_queries(48):
        ask(client, django_capture_on_commit_callbacks, "behaviour.analytics_csv", query)
    response, content = download(client, latest(pastoral_lead, "behaviour.analytics_csv"))
    rows = list(csv.reader(io.StringIO(content.decode())))
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="behaviour-2026-10-05-to-2026-10-25.csv"' in response["Content-Disposition"]
    assert rows[0] == analytics.CSV_HEADER
    assert len(rows) == 5
    assert rows[1][:11] == [
        "2026-10-07T12:30:00+01:00",
        "Northfield Academy",
        "Ben",
        "Bold",
        "Year 9",
        "8A",
        "Negative",
        "Disruption",
        "-2",
        "Canteen",
        "Lunch",
    ]
    assert rows[-1][7] == "'=HYPERLINK(1)" and rows[-1][10] == "'@SUM(A1)"
    assert rows[-1][12:] == ["No SEN", "No", "No", "Male", "Involved"]
    entry = AuditEntry.objects.get(action="behaviour.analytics.exported")
    assert (entry.actor, entry.school, entry.data["rows"]) == (pastoral_lead, school, 4)
    assert entry.data["filters"] == {"kind": "negative"}


def test_the_csv_never_includes_another_schools_rows(
    client, as_user, other_school_dsl, term_of_events, django_capture_on_commit_callbacks, generated_root
):
    as_user(other_school_dsl)
    rows = export_csv(
        client,
        django_capture_on_commit_callbacks,
        other_school_dsl,
        "behaviour.analytics_csv",
        f"start={START}&end={END}",
    )
    assert rows == [analytics.CSV_HEADER]


@pytest.fixture
def generated_root(settings, tmp_path):
    settings.GENERATED_FILES_ROOT = tmp_path / "generated"


def test_a_school_code_the_user_cannot_see_falls_back_to_their_own(
    client, as_user, other_school_dsl, school, term_of_events
):
    as_user(other_school_dsl)
    response = client.get(reverse("behaviour:analytics"), {"school": str(school.code), "start": START, "end": END})
    assert response.context["totals"]["events"] == 0
    assert response.context["schools"] == [other_school_dsl.memberships.get().school]


def test_the_behaviour_page_links_analytics_for_those_who_may_see_it(client, as_user, pastoral_lead, teacher):
    as_user(pastoral_lead)
    assert reverse("behaviour:analytics") in client.get(reverse("behaviour:event_list")).content.decode()
    as_user(teacher)
    assert reverse("behaviour:analytics") not in client.get(reverse("behaviour:event_list")).content.decode()
    assert client.get(reverse("behaviour:analytics")).status_code == 403


def test_a_trust_leader_sees_analytics_but_not_the_alert(trust_leader, pastoral_staff, school):
    from pastoral.accounts import access

    assert access.has_school_perm(trust_leader, school, "behaviour.view_analytics")
    assert not access.has_school_perm(trust_leader, school, "behaviour.view_alerts")
    assert not access.has_school_perm(pastoral_staff, school, "behaviour.view_analytics")
    senco = make_staff(school, Role.SENCO, "senco2")
    assert not access.has_school_perm(senco, school, "behaviour.view_analytics")


def test_voided_events_stay_out_of_every_figure(school, headteacher, ann, disruption):
    log(ann, disruption, at(day(1)), voided_at=at(day(2)))
    events = analytics.events_for(headteacher, filters_for(school))
    assert analytics.totals(events)["events"] == 0
    assert BehaviourEvent.objects.count() == 1


def test_the_counts_read_from_the_covering_index_equal_the_raw_rows(school, pupil):
    import random

    from behaviour.analytics.selectors import by_category, totals
    from behaviour.models import BehaviourEvent

    from .factories import BehaviourCategoryFactory, BehaviourEventFactory

    rng = random.Random(7)
    categories = [BehaviourCategoryFactory(school=school, kind=kind) for kind in ("positive", "negative", "negative")]
    for _ in range(60):
        BehaviourEventFactory(pupil=pupil, category=rng.choice(categories))
    live = BehaviourEvent.objects.filter(school=school, voided_at__isnull=True)
    raw = list(live.select_related("category"))
    figures = totals(live)
    assert figures["events"] == len(raw)
    assert figures["positive"] == sum(e.category.kind == "positive" for e in raw)
    assert figures["negative"] == sum(e.category.kind == "negative" for e in raw)
    assert {row["name"]: row["events"] for row in by_category(live)} == {
        c.name: sum(e.category_id == c.pk for e in raw) for c in categories if any(e.category_id == c.pk for e in raw)
    }
