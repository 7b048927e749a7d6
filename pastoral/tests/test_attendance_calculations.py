"""The §7.3 calculations: possible sessions, rates, and the persistent and severe thresholds (inclusive)."""

import datetime
from decimal import Decimal

from pastoral.attendance import calculations
from pastoral.attendance.models import AttendanceCode
from pastoral.models import Pupil
from pastoral.tests.attendance_helpers import (
    add_marks,
    attendance_codes,  # noqa: F401
)
from pastoral.tests.factories import PupilFactory

START, END = datetime.date(2025, 9, 1), datetime.date(2026, 7, 31)


def _totals(pupil):
    return calculations.pupil_totals(pupil, START, END)


def _listed(school, percent=calculations.PERSISTENT_PERCENT):
    pupils = calculations.with_threshold_fields(
        calculations.with_totals(Pupil.objects.filter(school=school), START, END)
    )
    return set(pupils.filter(calculations.persistent_q(percent_=percent)).values_list("pk", flat=True))


def test_it_counts_18_absences_in_180_sessions_as_persistent_and_17_as_not(school):
    at_ten = PupilFactory(school=school)
    below = PupilFactory(school=school)
    add_marks(at_ten, ["/"] * 162 + ["I"] * 9 + ["O"] * 9)
    add_marks(below, ["/"] * 163 + ["I"] * 17)

    ten, nine = _totals(at_ten), _totals(below)

    assert (ten.possible, ten.absent, ten.absence_rate, ten.persistent) == (180, 18, Decimal("10.0"), True)
    assert (nine.possible, nine.absent, nine.absence_rate, nine.persistent) == (180, 17, Decimal("9.4"), False)
    assert _listed(school) == {at_ten.pk}


def test_it_counts_severe_absence_from_half_the_sessions(school):
    half = PupilFactory(school=school)
    under = PupilFactory(school=school)
    add_marks(half, ["/"] * 50 + ["G"] * 50)
    add_marks(under, ["/"] * 51 + ["G"] * 49)

    assert (_totals(half).severe, _totals(under).severe) == (True, False)
    assert _listed(school, calculations.SEVERE_PERCENT) == {half.pk}


def test_not_counted_codes_leave_both_numerator_and_denominator(school):
    pupil = PupilFactory(school=school)
    not_counted = ["D", "X", "Q", "Y1", "Y2", "Y3", "Y4", "Y5", "Y6", "Y7", "Z", "#"]
    add_marks(pupil, ["/"] * 18 + ["I"] * 2 + not_counted)

    totals = _totals(pupil)

    assert (totals.possible, totals.attended, totals.absent) == (20, 18, 2)
    assert totals.absence_rate == Decimal("10.0")
    assert set(
        AttendanceCode.objects.filter(counts="not_counted", valid_to__isnull=True).values_list("code", flat=True)
    ) == set(not_counted)


def test_late_before_the_register_closed_is_present_and_after_is_unauthorised(school):
    pupil = PupilFactory(school=school)
    add_marks(pupil, ["L", "U"])

    totals = _totals(pupil)

    assert (totals.possible, totals.attended, totals.unauthorised, totals.authorised) == (2, 1, 1, 0)


def test_approved_education_elsewhere_counts_as_attendance(school):
    pupil = PupilFactory(school=school)
    add_marks(pupil, ["B", "K", "V", "P", "W", "/", "\\", "M"], note="Offsite provision")

    totals = _totals(pupil)

    assert (totals.possible, totals.attended, totals.authorised) == (8, 7, 1)
    assert totals.attendance_rate == Decimal("87.5")


def test_only_sessions_on_roll_are_possible(school):
    pupil = PupilFactory(school=school, admission_date=datetime.date(2025, 9, 10), leaving_date=None)
    # 8 Sept (Mon) and 9 Sept (Tue) fall before admission: 4 sessions of O that must not count.
    add_marks(pupil, ["O"] * 4 + ["/"] * 6)

    totals = _totals(pupil)
    annotated = calculations.with_totals(Pupil.objects.filter(pk=pupil.pk), START, END).get()

    assert (totals.possible, totals.absent) == (6, 0)
    assert (annotated.possible, annotated.absent) == (6, 0)


def test_no_sessions_gives_no_rate_rather_than_zero(school):
    pupil = PupilFactory(school=school)

    totals = _totals(pupil)

    assert (totals.possible, totals.attendance_rate, totals.persistent) == (0, None, False)


def test_a_school_is_counted_in_one_query(school, django_assert_num_queries):
    for _ in range(5):
        add_marks(PupilFactory(school=school), ["/"] * 10 + ["N"] * 2)

    with django_assert_num_queries(1):
        rows = list(
            calculations.with_threshold_fields(
                calculations.with_totals(Pupil.objects.filter(school=school), START, END)
            ).values_list("possible", "absent")
        )

    assert rows == [(12, 2)] * 5


def test_totals_for_several_ranges_in_one_aggregate_match_each_range_counted_alone(school, django_assert_num_queries):
    pupil = PupilFactory(school=school)
    add_marks(pupil, ["/"] * 40 + ["I"] * 6 + ["O"] * 4 + ["L"] * 10 + ["D"] * 2)
    ranges = {
        "autumn": (datetime.date(2025, 9, 1), datetime.date(2025, 9, 30)),
        "october": (datetime.date(2025, 10, 1), datetime.date(2025, 10, 31)),
        "all": (START, END),
    }
    alone = {name: calculations.pupil_totals(pupil, *dates) for name, dates in ranges.items()}
    with django_assert_num_queries(1):
        together = calculations.pupil_totals_in(pupil, ranges)
    assert together == alone
    assert together["all"].possible == 60 and together["autumn"].possible + together["october"].possible == 60
