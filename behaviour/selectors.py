"""What the behaviour sub-areas' selectors share: the academic year and the pupil columns of ranked rows."""

import datetime

from django.utils import timezone

from pastoral.models import AcademicYear, YearGroup


def academic_year_start(school, day=None):
    """Points run from the start of the school's academic year; without a calendar, from 1 September."""
    day = day or timezone.localdate()
    year = AcademicYear.objects.filter(school=school, start__lte=day, end__gte=day).first()
    if year is not None:
        return year.start
    return datetime.date(day.year if day.month >= 9 else day.year - 1, 9, 1)


PUPIL_FIELDS = [
    "pupil__code",
    "pupil__legal_first_name",
    "pupil__legal_last_name",
    "pupil__preferred_first_name",
    "pupil__preferred_last_name",
    "pupil__year_group",
    "pupil__form",
    "pupil__house",
]


def _pupil_row(values):
    first = values["pupil__preferred_first_name"] or values["pupil__legal_first_name"]
    last = values["pupil__preferred_last_name"] or values["pupil__legal_last_name"]
    return {
        "pupil": values["pupil__code"],
        "name": f"{first} {last}",
        "year_group": YearGroup(values["pupil__year_group"]).label,
        "form": values["pupil__form"],
        "house": values["pupil__house"],
    }
