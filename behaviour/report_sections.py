"""What the behaviour sub-areas' sections of the termly report share.

Each sub-area's `report_sections.py` builds its sections from the requesting user's own selectors
(`events_visible_to`, `removals_visible_to`, `suspensions_visible_to`, `restrictive_interventions_visible_to`,
`training_visible_to`), aggregated in PostgreSQL; voided records never count. No section names a child.
"""

from pastoral.files import charts
from pastoral.files.reports import Table

from .analytics.selectors import Filters

TOP = 10


def _filters(schools, start, end):
    return Filters(school_ids=[school.pk for school in schools], start=start, end=end)


def _per_school(schools, queryset, **aggregates):
    """{school_id: {aggregate: value}} in one grouped query."""
    return {row["school_id"]: row for row in queryset.values("school_id").annotate(**aggregates).order_by()}


def _disproportionality_parts(title, verb, figures):
    """A chart (share of roll against share of affected pupils) and its full table."""
    groups = [group for group in figures["groups"] if group.roll]
    chart = charts.column_chart(
        f"{title}: share of roll and of pupils {verb}",
        [(group.label, group.roll_share, group.affected_share) for group in groups],
        series=["% of roll", f"% of pupils {verb}"],
        label_header="Group",
    )
    if not figures["affected"]:
        chart.rows = []
    table = Table(
        f"{title}: disproportionality ({figures['affected']} of {figures['roll']} pupils {verb})",
        ["Group", "On roll", "% of roll", f"Pupils {verb}", f"% of pupils {verb}", "Rate %", "Risk ratio"],
        [
            (
                group.label,
                group.roll,
                group.roll_share,
                group.affected,
                group.affected_share,
                group.rate,
                ("—" if group.risk_ratio is None else f"{group.risk_ratio:.2f}") + (" (over)" if group.over else ""),
            )
            for group in figures["groups"]
        ],
    )
    return chart, table
