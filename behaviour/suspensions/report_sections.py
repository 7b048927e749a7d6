"""Suspensions' section of the termly report: the statutory counts and disproportionality."""

from django.db.models import Count, Q, Sum

from pastoral.dates import uk_date
from pastoral.files import charts
from pastoral.files.reports import Section, Table, comparison_table

from ..analytics.selectors import decided_suspensions_visible_to, disproportionality, roll_for
from ..report_sections import TOP, _disproportionality_parts, _filters, _per_school
from .models import GovernorTask, Suspension

FIXED = Q(kind__in=[Suspension.Kind.SUSPENSION, Suspension.Kind.LUNCHTIME])
PERMANENT = Q(kind=Suspension.Kind.PERMANENT)


def decided_in(user, schools, start, end):
    """Finalised, live suspensions and exclusions whose first day falls in the period."""
    return decided_suspensions_visible_to(user).filter(
        school_id__in=[school.pk for school in schools],
        voided_at__isnull=True,
        start_date__gte=start,
        start_date__lte=end,
    )


def statutory_counts(records):
    """The counts governors and the census ask for, in two queries."""
    figures = records.aggregate(
        suspensions=Count("pk", filter=FIXED),
        lunchtime=Count("pk", filter=Q(kind=Suspension.Kind.LUNCHTIME)),
        pupils_suspended=Count("pupil_id", distinct=True, filter=FIXED),
        units=Sum("length_units", filter=FIXED, default=0),
        permanent=Count("pk", filter=PERMANENT),
    )
    units = figures["units"]
    figures["days_lost"] = units // 2 if units % 2 == 0 else units / 2
    figures["repeat_pupils"] = (
        records.filter(FIXED).values("pupil_id").annotate(n=Count("pk")).filter(n__gte=2).order_by().count()
    )
    return figures


def _days(value):
    return f"{value:g}"


def termly_to_governors(records):
    """The suspensions the governing board hears of once a term rather than without delay: those that raised no
    "tell the board without delay" task (5 school days or fewer in the term, no missed exam). Two queries."""
    below = (
        records.filter(FIXED)
        .exclude(governor_tasks__kind=GovernorTask.Kind.NOTIFY)
        .select_related("pupil")
        .prefetch_related("reasons")
        .order_by("start_date", "pk")
    )
    # The report names no child: the reference finds the record in the app for a governor who must ask.
    rows = [
        (
            suspension.reference,
            suspension.pupil.get_year_group_display(),
            uk_date(suspension.start_date),
            suspension.length_label + (" (cancelled)" if suspension.cancelled_at else ""),
            ", ".join(f"{reason.census_code} {reason.label}" for reason in suspension.reasons.all()),
        )
        for suspension in below
    ]
    return Table(
        "For the governing board's termly report: suspensions below the trigger for telling it without delay",
        ["Reference", "Year", "First day", "Length", "Reasons"],
        rows or [("None in this period", "", "", "", "")],
    )


def build_suspensions(user, schools, start, end, previous_start, previous_end):
    records = decided_in(user, schools, start, end)
    now = statutory_counts(records)
    then = statutory_counts(decided_in(user, schools, previous_start, previous_end))
    section = Section(
        "Suspensions and permanent exclusions",
        headlines=[
            ("Suspensions", now["suspensions"]),
            ("Pupils suspended", now["pupils_suspended"]),
            ("School days lost", _days(now["days_lost"])),
            ("Pupils with repeat suspensions", now["repeat_pupils"]),
            ("Permanent exclusions", now["permanent"]),
        ],
        notes=[
            "Decided (finalised) suspensions and exclusions whose first day falls in the period; days lost count "
            "every half day of each of them (a lunchtime is half a day). A repeat suspension is a pupil suspended "
            "two or more times in the period."
        ],
    )
    section.tables.append(
        comparison_table(
            "Statutory counts against the previous period",
            [
                ("Suspensions", now["suspensions"], then["suspensions"]),
                ("of which lunchtime", now["lunchtime"], then["lunchtime"]),
                ("Pupils suspended", now["pupils_suspended"], then["pupils_suspended"]),
                ("School days lost", now["days_lost"], then["days_lost"]),
                ("Pupils with repeat suspensions", now["repeat_pupils"], then["repeat_pupils"]),
                ("Permanent exclusions", now["permanent"], then["permanent"]),
            ],
        )
    )
    reasons = (
        records.values("reasons__census_code", "reasons__label")
        .annotate(n=Count("pk", distinct=True))
        .filter(reasons__census_code__isnull=False)
        .order_by("-n", "reasons__census_code")[:TOP]
    )
    section.charts.append(
        charts.bar_chart(
            "Suspensions and exclusions by reason",
            [(f"{row['reasons__census_code']} {row['reasons__label']}", row["n"]) for row in reasons],
            label_header="Reason",
            value_header="Records",
        )
    )
    filters = _filters(schools, start, end)
    chart, table = _disproportionality_parts(
        "Suspensions and exclusions",
        "suspended or excluded",
        disproportionality(roll_for(user, filters), records.values("pupil_id")),
    )
    section.charts.append(chart)
    section.tables.append(table)
    if len(schools) == 1:
        section.tables.append(termly_to_governors(records))
    if len(schools) > 1:
        per_school = _per_school(
            schools,
            records,
            suspensions=Count("pk", filter=FIXED),
            pupils=Count("pupil_id", distinct=True, filter=FIXED),
            units=Sum("length_units", filter=FIXED, default=0),
            permanent=Count("pk", filter=PERMANENT),
        )
        rows = []
        for school in schools:
            row = per_school.get(school.pk, {})
            rows.append(
                (
                    school.name,
                    row.get("suspensions", 0),
                    row.get("pupils", 0),
                    _days((row.get("units") or 0) / 2),
                    row.get("permanent", 0),
                )
            )
        section.tables.append(
            Table(
                "Suspensions by school",
                ["School", "Suspensions", "Pupils suspended", "Days lost", "Permanent exclusions"],
                rows,
            )
        )
    return section
