"""Medical care's section of the termly report, built from each sub-area's figures: counts only, from the
schools where the reader sees medical figures (`medical.view_counts`), so a trust leader gets the numbers and
never a child's record."""

import datetime

from django.utils import timezone

from pastoral.accounts import access
from pastoral.files.reports import Section, Table, comparison_table

from .first_aid.report_sections import accident_figures, accidents_by_location
from .medication.report_sections import dose_figures
from .plans.report_sections import plan_figures
from .selectors import COUNTS


def _bounds(start, end):
    low = timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))
    high = timezone.make_aware(datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min))
    return low, high


def _schools(user, schools):
    allowed = set(access.schools_with_perm(user, COUNTS))
    return [s.pk for s in schools if s.pk in allowed]


def _figures(school_ids, start, end):
    low, high = _bounds(start, end)
    figures = {}
    for part in (plan_figures, dose_figures, accident_figures):
        figures.update(part(school_ids, start, end, low, high))
    return figures


def build_medical(user, schools, start, end, previous_start, previous_end):
    school_ids = _schools(user, schools)
    now = _figures(school_ids, start, end)
    then = _figures(school_ids, previous_start, previous_end)
    section = Section(
        "Medical care",
        headlines=[
            ("Healthcare plans in place", now["in_place"]),
            ("Reviews on time", now["on_time"]),
            ("Doses given", now["given"]),
            ("Accidents", now["accidents"]),
        ],
        notes=[
            "Counts only. Plans are those active at the end of the period; a review due on the last day is on time."
        ],
    )
    section.tables.append(
        comparison_table(
            "Medical care against the previous period",
            [
                ("Healthcare plans in place", now["in_place"], then["in_place"]),
                ("Plan reviews on time", now["on_time"], then["on_time"]),
                ("Plan reviews overdue", now["overdue"], then["overdue"]),
                ("Plans reviewed in the period", now["reviewed"], then["reviewed"]),
                ("Doses given", now["given"], then["given"]),
                ("Doses refused or missed", now["missed"], then["missed"]),
                ("Doses given without in-date training (flagged)", now["flagged"], then["flagged"]),
                ("Accidents", now["accidents"], then["accidents"]),
                ("Head injuries", now["head"], then["head"]),
                ("Taken to hospital or ambulance called", now["hospital"], then["hospital"]),
                ("Flagged as possibly RIDDOR-reportable", now["riddor"], then["riddor"]),
            ],
        )
    )
    section.charts.append(accidents_by_location(school_ids, *_bounds(start, end)))
    if len(schools) > 1:
        rows = []
        for school in schools:
            figures = _figures([school.pk] if school.pk in school_ids else [], start, end)
            rows.append((school.name, figures["in_place"], figures["overdue"], figures["given"], figures["accidents"]))
        section.tables.append(
            Table(
                "Medical care by school",
                ["School", "Plans in place", "Reviews overdue", "Doses given", "Accidents"],
                rows,
            )
        )
    return section
