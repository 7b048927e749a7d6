"""Outcome measures' section of the termly report: counts only (the headteacher and trust leaders read it too).

For each measure, the pupils with a reading in the period and an earlier comparable one (same Star and edition,
same SDQ informant and form): how many improved between the entry and exit readings (measures_registry rules).
"""

from pastoral.accounts import access as core_access
from pastoral.files.reports import Section, Table
from provision.measures_registry import improved

from . import access, sdq, stars
from .models import SdqResponse, StarReading
from .selectors import sdq_measure, sdq_pairs, star_pairs


def _share(part, whole):
    return f"{round(100 * part / whole)}%" if whole else "—"


def _in_period(pairs, start):
    return {pupil: (a, b) for pupil, (a, b) in pairs.items() if a.pk != b.pk and _date(b) >= start}


def _date(row):
    return row.taken_on if isinstance(row, StarReading) else row.completed_on


def build_outcomes(user, schools, start, end, previous_start, previous_end):
    allowed = set(core_access.schools_with_perm(user, access.COUNTS))
    school_ids = [school.pk for school in schools if school.pk in allowed]
    rows = []
    star_pupils = StarReading.objects.filter(
        school_id__in=school_ids, taken_on__gte=start, taken_on__lte=end, voided_at__isnull=True
    ).values("pupil_id")
    for star in stars.STARS.values():
        pairs = _in_period(star_pairs(star_pupils, star.code, start, end), start)
        better = sum(1 for entry, exit_row in pairs.values() if exit_row.average > entry.average)
        forward = sum(
            1
            for entry, exit_row in pairs.values()
            if any(int(exit_row.scores.get(key, 0)) > int(entry.scores.get(key, 0)) for key in entry.scores)
        )
        rows.append([star.label, len(pairs), better, _share(better, len(pairs)), _share(forward, len(pairs))])
    sdq_pupils = SdqResponse.objects.filter(
        school_id__in=school_ids, completed_on__gte=start, completed_on__lte=end, voided_at__isnull=True
    ).values("pupil_id")
    for informant, label in sdq.INFORMANTS.items():
        pairs = _in_period(sdq_pairs(sdq_pupils, informant, start, end), start)
        better = sum(1 for a, b in pairs.values() if improved(sdq_measure(a), sdq_measure(b)))
        rows.append([f"SDQ ({label.lower()})", len(pairs), better, _share(better, len(pairs)), "—"])
    measured = sum(row[1] for row in rows)
    return Section(
        title="Outcome measures",
        headlines=[("Pupils compared with an earlier reading (per measure, summed)", measured)],
        tables=[
            Table(
                "Pupils improving on each measure",
                ["Measure", "Pupils compared", "Improved", "Share improving", "Moved forward in at least one area"],
                rows,
            )
        ],
        notes=[
            "Counts only: no pupil is named. A pupil counts for a measure when they had a reading in the period and "
            "an earlier one of the same Star and edition (or the same SDQ informant). Star: improved means a higher "
            "average across the areas; SDQ: a lower total difficulties score.",
        ],
    )
