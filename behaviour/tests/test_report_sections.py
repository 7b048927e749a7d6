"""Behaviour's sections of the termly report: figures from the requester's rows, in a fixed number of queries."""

import datetime

from django.db.models import Count, Sum

from behaviour.events.report_sections import build_behaviour
from behaviour.interventions.report_sections import build_interventions
from behaviour.models import BehaviourEvent, RestrictiveIntervention, Suspension
from behaviour.suspensions.report_sections import build_suspensions
from behaviour.tests.factories import BehaviourCategoryFactory, BehaviourEventFactory
from conftest import make_staff
from pastoral.accounts.roles import Role
from pastoral.tests.factories import PupilFactory
from pastoral.tests.termly_helpers import SPRING, SUMMER, at, calendar, seed


def _rows(table):
    return {row[0]: row[1:] for row in table.rows}


def test_it_compares_behaviour_with_the_previous_term_in_a_fixed_number_of_queries(
    headteacher, pastoral_lead, school, django_assert_max_num_queries
):
    calendar(school)
    seed(school, pastoral_lead, headteacher, events=9)
    with django_assert_max_num_queries(8):
        section = build_behaviour(headteacher, [school], *SUMMER, *SPRING)
    live = BehaviourEvent.objects.filter(school=school, voided_at__isnull=True)
    now = live.filter(occurred_at__date__range=SUMMER).count()
    before = live.filter(occurred_at__date__range=SPRING).count()
    assert _rows(section.tables[0])["All events"] == (
        now,
        before,
        f"+{now - before} (+{100 * (now - before) / before:.0f}%)",
    )
    weekly = section.charts[0]
    assert sum(row[1] + row[2] for row in weekly.rows) == now
    assert (
        dict(section.charts[2].rows)["Corridor"]
        == live.filter(occurred_at__date__range=SUMMER, location__name="Corridor").count()
    )


def test_it_gives_the_statutory_suspension_counts(headteacher, pastoral_lead, school):
    calendar(school)
    seed(school, pastoral_lead, headteacher)
    section = build_suspensions(headteacher, [school], *SUMMER, *SPRING)
    decided = Suspension.objects.filter(school=school, status="finalised", voided_at__isnull=True)
    fixed = decided.filter(start_date__range=SUMMER).exclude(kind="permanent")
    rows = _rows(section.tables[0])
    assert rows["Suspensions"][0] == fixed.count() == 3
    assert rows["of which lunchtime"][0] == fixed.filter(kind="lunchtime").count() == 1
    assert rows["Pupils suspended"][0] == fixed.values("pupil").distinct().count() == 2
    assert rows["School days lost"][0] == fixed.aggregate(units=Sum("length_units"))["units"] / 2 == 3
    repeat = fixed.values("pupil").annotate(n=Count("pk")).filter(n__gte=2).count()
    assert rows["Pupils with repeat suspensions"][0] == repeat == 1
    assert rows["Permanent exclusions"][0] == decided.filter(start_date__range=SUMMER, kind="permanent").count() == 1
    # The draft suspension is no decision: the previous term has just the one decided suspension.
    assert rows["Suspensions"][1] == 1
    disproportionality = _rows(section.tables[1])
    assert disproportionality["SEN support"][2] == 1  # one SEN-support pupil suspended


def test_a_voided_suspension_does_not_count(headteacher, pastoral_lead, school):
    calendar(school)
    seed(school, pastoral_lead, headteacher)
    Suspension.objects.filter(school=school, kind="lunchtime").update(voided_at=at(SUMMER[1]), void_reason="Wrong")
    section = build_suspensions(headteacher, [school], *SUMMER, *SPRING)
    assert _rows(section.tables[0])["Suspensions"][0] == 2


def test_intervention_figures_and_training_compliance(headteacher, pastoral_lead, school):
    calendar(school)
    seed(school, pastoral_lead, headteacher)
    section = build_interventions(headteacher, [school], *SUMMER, *SPRING)
    records = RestrictiveIntervention.objects.filter(school=school, occurred_on__range=SUMMER)
    rows = _rows(section.tables[0])
    assert rows["Interventions"][0] == records.count() == 2
    assert rows["With an injury"][0] == records.filter(injuries=True).count() == 1
    assert rows["Reported to parents"][0] == 1 and rows["Pupil debriefs done"][0] == 1
    training = _rows(section.tables[1])
    # The pastoral lead is trained, the headteacher (named in the second) is not.
    assert training["Interventions where every member of staff was trained"] == (1, "50%")
    assert training["Staff involved in interventions"][0] == 2
    assert training["Staff involved with in-date positive-handling training"] == (1, "50%")


def test_staff_who_only_record_see_only_their_own_interventions(headteacher, pastoral_lead, school):
    calendar(school)
    seed(school, pastoral_lead, headteacher)
    teacher = make_staff(school, Role.TEACHER, "teacher2")
    section = build_interventions(teacher, [school], *SUMMER, *SPRING)
    assert _rows(section.tables[0])["Interventions"][0] == 0


def test_a_trust_roll_up_has_a_row_per_school(trust_leader, headteacher, pastoral_lead, school, sister_school):
    calendar(school)
    seed(school, pastoral_lead, headteacher)
    pupil = PupilFactory(school=sister_school)
    category = BehaviourCategoryFactory(school=sister_school)
    for _ in range(4):
        BehaviourEventFactory(pupil=pupil, category=category, occurred_at=at(SUMMER[0] + datetime.timedelta(days=1)))
    section = build_behaviour(trust_leader, [school, sister_school], *SUMMER, *SPRING)
    per_school = _rows(section.tables[1])
    assert per_school["Riverside Primary"][1] == 4
    assert (
        per_school["Northfield Academy"][1]
        == BehaviourEvent.objects.filter(school=school, voided_at__isnull=True, occurred_at__date__range=SUMMER).count()
    )


def test_the_governors_termly_list_holds_the_suspensions_below_the_trigger(headteacher, pastoral_lead, school):
    from behaviour.models import GovernorTask

    calendar(school)
    seed(school, pastoral_lead, headteacher)
    fixed = list(
        Suspension.objects.filter(school=school, status="finalised", start_date__range=SUMMER)
        .exclude(kind="permanent")
        .order_by("start_date", "pk")
    )
    told_at_once = fixed[0]
    GovernorTask.objects.create(
        school=school, suspension=told_at_once, kind="notify", reason="over 5 school days", due_on=SUMMER[0]
    )
    section = build_suspensions(headteacher, [school], *SUMMER, *SPRING)
    (table,) = [t for t in section.tables if t.title.startswith("For the governing board's termly report")]
    listed = [row[2] for row in table.rows]
    assert len(table.rows) == len(fixed) - 1
    assert {row[0] for row in table.rows} == {s.reference for s in fixed[1:]}  # references, never names
    assert sorted(listed) == sorted(s.start_date.strftime("%-d %b %Y") for s in fixed[1:])
    # Across several schools the list of named pupils is left out (counts only).
    assert not any(
        t.title.startswith("For the governing board")
        for t in build_suspensions(headteacher, [school, school], *SUMMER, *SPRING).tables
    )
