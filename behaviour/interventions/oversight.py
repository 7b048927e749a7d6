"""Figures for the leads' oversight page: every number is read from `restrictive_interventions_visible_to`."""

import datetime

from django.db.models import Count, F, Q
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, TruncMonth
from django.utils import timezone

from pastoral.dates import iso_date, iso_datetime
from pastoral.files import charts
from pastoral.models import Pupil

from .models import RestrictiveIntervention
from .selectors import StaffInvolved, current, restrictive_interventions_visible_to

DURATION_BANDS = [
    (0, 4, "band_0", "Under 5 min"),
    (5, 9, "band_5", "5–9 min"),
    (10, 19, "band_10", "10–19 min"),
    (20, 29, "band_20", "20–29 min"),
]
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
HOURS = list(range(8, 17))


def default_period(today=None):
    today = today or timezone.localdate()
    return today - datetime.timedelta(days=364), today


def records_for(user, school, start, end):
    return current(restrictive_interventions_visible_to(user).filter(school=school)).filter(
        occurred_on__gte=start, occurred_on__lte=end
    )


def _pupil_name(values):
    first = values["pupil__preferred_first_name"] or values["pupil__legal_first_name"]
    last = values["pupil__preferred_last_name"] or values["pupil__legal_last_name"]
    return f"{first} {last}"


def figures(user, school, start, end):
    records = records_for(user, school, start, end)
    type_labels = dict(RestrictiveIntervention.Type.choices)
    sen_labels = dict(Pupil.SEN.choices)

    months = records.annotate(month=TruncMonth("occurred_on")).values("month").annotate(n=Count("pk"))
    by_month = {row["month"]: row["n"] for row in months}
    month_rows, month = [], start.replace(day=1)
    while month <= end:
        month_rows.append((f"{month:%b %y}", by_month.get(month, 0)))
        month = (month + datetime.timedelta(days=32)).replace(day=1)

    pupils = (
        records.values(
            "pupil__code",
            "pupil__legal_first_name",
            "pupil__legal_last_name",
            "pupil__preferred_first_name",
            "pupil__preferred_last_name",
        )
        .annotate(n=Count("pk"))
        .order_by("-n", "pupil__legal_last_name")[:15]
    )
    staff = (
        StaffInvolved.objects.filter(restrictiveintervention__in=records)
        .values("user__first_name", "user__last_name")
        .annotate(n=Count("restrictiveintervention", distinct=True))
        .order_by("-n", "user__last_name")[:15]
    )
    types = records.values("intervention_type").annotate(n=Count("pk")).order_by("-n")
    techniques = records.values("technique__name").annotate(n=Count("pk")).order_by("-n", "technique__name")
    locations = records.values("location__name").annotate(n=Count("pk")).order_by("-n", "location__name")
    sen = records.values("sen_status").annotate(n=Count("pk")).order_by("sen_status")
    grid = (
        records.annotate(day=ExtractIsoWeekDay("occurred_on"), hour=ExtractHour("started_at"))
        .values("day", "hour")
        .annotate(n=Count("pk"))
    )
    cells = [[0] * (len(HOURS) + 2) for _ in DAYS[:5]]
    for row in grid:
        if row["day"] > 5:
            continue
        column = 0 if row["hour"] < HOURS[0] else len(HOURS) + 1 if row["hour"] > HOURS[-1] else row["hour"] - 7
        cells[row["day"] - 1][column] += row["n"]
    band_filters = {
        key: Count("pk", filter=Q(duration_minutes__gte=low, duration_minutes__lte=high))
        for low, high, key, _label in DURATION_BANDS
    }
    totals = records.aggregate(
        total=Count("pk"),
        **band_filters,
        longer=Count("pk", filter=Q(duration_minutes__gte=30)),
        injured=Count("pk", filter=Q(injuries=True)),
        uninjured=Count("pk", filter=Q(injuries=False)),
        withheld_count=Count("pk", filter=Q(withheld=True)),
        outstanding=Count("pk", filter=Q(parent_reported_at__isnull=True, withheld=False)),
        reported=Count("pk", filter=Q(parent_reported_at__isnull=False)),
        reported_same_day=Count("pk", filter=Q(parent_reported_at__date=F("occurred_on"))),
        no_pupil_debrief=Count("pk", filter=Q(pupil_debrief_on__isnull=True)),
        no_staff_debrief=Count("pk", filter=Q(staff_debrief_on__isnull=True)),
        unreviewed=Count("pk", filter=Q(reviewed_at__isnull=True)),
    )
    total = totals["total"]
    same_day_share = round(100 * totals["reported_same_day"] / total) if total else 0
    report_rows = [
        ("Told the same day", totals["reported_same_day"]),
        ("Told later", totals["reported"] - totals["reported_same_day"]),
        ("Withheld (risk of harm)", totals["withheld_count"]),
        ("Not yet told", totals["outstanding"]),
    ]
    hour_labels = ["Before 8", *[f"{hour:02d}:00" for hour in HOURS], "After 16"]
    result = {
        "total": total,
        "same_day_share": same_day_share,
        "totals": totals,
        "charts": [
            charts.column_chart("Interventions by month", month_rows, label_header="Month"),
            charts.bar_chart(
                "Interventions by pupil (top 15)",
                [(_pupil_name(row), row["n"]) for row in pupils],
                label_header="Pupil",
            ),
            charts.bar_chart(
                "Interventions by member of staff involved (top 15)",
                [(f"{row['user__first_name']} {row['user__last_name']}", row["n"]) for row in staff],
                label_header="Staff",
            ),
            charts.bar_chart(
                "Interventions by type",
                [(type_labels.get(row["intervention_type"], row["intervention_type"]), row["n"]) for row in types],
                label_header="Type",
            ),
            charts.bar_chart(
                "Interventions by hold or technique",
                [(row["technique__name"] or "None recorded", row["n"]) for row in techniques],
                label_header="Technique",
            ),
            charts.bar_chart(
                "Interventions by location",
                [(row["location__name"] or "Other", row["n"]) for row in locations],
                label_header="Location",
            ),
            charts.heatmap(
                "Interventions by day and time started",
                DAYS[:5],
                hour_labels,
                cells,
                description="Rows are weekdays; columns are the hour the intervention started.",
            ),
            charts.bar_chart(
                "Interventions by SEN status at the time",
                [(sen_labels.get(row["sen_status"], row["sen_status"]), row["n"]) for row in sen],
                label_header="SEN status",
            ),
            charts.column_chart(
                "How long interventions lasted",
                [(label, totals[key]) for _low, _high, key, label in DURATION_BANDS]
                + [("30 min or more", totals["longer"])],
                label_header="Duration",
            ),
            charts.bar_chart(
                "Injuries",
                [("Someone injured", totals["injured"]), ("No injury", totals["uninjured"])],
                label_header="Injury",
            ),
            charts.bar_chart("Telling parents", report_rows, label_header="Parent report"),
        ],
    }
    if not total:
        for chart in result["charts"]:
            chart.rows = []
    return result


CSV_HEADERS = [
    "Reference",
    "Date",
    "Start",
    "End",
    "Minutes",
    "Pupil",
    "UPN",
    "Year group",
    "Age",
    "SEN status at the time",
    "Type",
    "Hold or technique",
    "Location",
    "Staff involved",
    "Injury",
    "Parents told",
    "Withheld",
    "Pupil debrief",
    "Staff debrief",
    "Signed off",
    "Proportionate",
    "In line with training",
]


def csv_rows(user, school, start, end):
    records = (
        records_for(user, school, start, end)
        .select_related("pupil", "technique", "location")
        .prefetch_related("staff_involved")
        .order_by("occurred_on", "started_at")
    )

    def yes_no(value):
        return "" if value is None else ("Yes" if value else "No")

    for record in records:
        yield [
            str(record.code),
            record.occurred_on.isoformat(),
            record.started_at.strftime("%H:%M"),
            record.ended_at.strftime("%H:%M"),
            record.duration_minutes,
            record.pupil.display_name,
            record.pupil.upn,
            record.pupil.get_year_group_display(),
            record.age,
            record.get_sen_status_display(),
            record.get_intervention_type_display(),
            record.technique.name if record.technique else "",
            record.location.name if record.location else record.location_detail,
            "; ".join(sorted(str(user) for user in record.staff_involved.all())),
            yes_no(record.injuries),
            iso_datetime(record.parent_reported_at),
            yes_no(record.withheld),
            record.pupil_debrief_on.isoformat() if record.pupil_debrief_on else "",
            record.staff_debrief_on.isoformat() if record.staff_debrief_on else "",
            iso_date(record.reviewed_at),
            yes_no(record.proportionate),
            yes_no(record.in_line_with_training),
        ]
