"""Removals' section of the termly report, with disproportionality."""

from django.db.models import Count

from pastoral.files import charts
from pastoral.files.reports import Section, Table, comparison_table
from pastoral.models import YearGroup

from ..analytics.selectors import SANCTION_SOURCES, disproportionality, roll_for, sanctions_for
from ..report_sections import _disproportionality_parts, _filters, _per_school

REMOVALS = SANCTION_SOURCES[0]
# Counted on the removal's date, not its id: the school's removals index holds the date, the pupil and the void
# mark, so the counts read that index alone.
ROWS = "removed_at"


def build_removals(user, schools, start, end, previous_start, previous_end):
    filters = _filters(schools, start, end)
    removals = sanctions_for(REMOVALS, user, filters)
    now = removals.aggregate(removals=Count(ROWS), pupils=Count("pupil_id", distinct=True))
    then = sanctions_for(REMOVALS, user, _filters(schools, previous_start, previous_end)).aggregate(
        removals=Count(ROWS), pupils=Count("pupil_id", distinct=True)
    )
    section = Section(
        "Removals from class",
        headlines=[("Removals", now["removals"]), ("Pupils removed", now["pupils"])],
    )
    section.tables.append(
        comparison_table(
            "Removals against the previous period",
            [("Removals", now["removals"], then["removals"]), ("Pupils removed", now["pupils"], then["pupils"])],
        )
    )
    years = removals.values("pupil__year_group").annotate(n=Count(ROWS)).order_by("pupil__year_group")
    section.charts.append(
        charts.bar_chart(
            "Removals by year group",
            [(YearGroup(row["pupil__year_group"]).label, row["n"]) for row in years],
            label_header="Year group",
            value_header="Removals",
        )
    )
    chart, table = _disproportionality_parts(
        "Removals", "removed", disproportionality(roll_for(user, filters), removals.values("pupil_id"))
    )
    section.charts.append(chart)
    section.tables.append(table)
    if len(schools) > 1:
        per_school = _per_school(schools, removals, removals=Count(ROWS), pupils=Count("pupil_id", distinct=True))
        section.tables.append(
            Table(
                "Removals by school",
                ["School", "Removals", "Pupils removed"],
                [
                    (
                        school.name,
                        per_school.get(school.pk, {}).get("removals", 0),
                        per_school.get(school.pk, {}).get("pupils", 0),
                    )
                    for school in schools
                ],
            )
        )
    return section
