"""Export kinds for behaviour points: the event list and the rewards page's sections as CSV."""

from django.utils import timezone

from pastoral import audit
from pastoral.dates import iso_datetime
from pastoral.files import exports
from pastoral.files.exports import ExportRefused
from pastoral.lists import filtered

from . import services
from .filters import event_filter
from .forms import RewardsFilterForm
from .selectors import reward_periods, reward_rows

# Each rewards section's CSV columns as (heading, row key), in the order the page shows them.
REWARD_COLUMNS = {
    "pupils": [("Pupil", "name"), ("Year", "year_group"), ("Form", "form"), ("House", "house")]
    + [("Positive events", "events"), ("Points", "points")],
    "forms": [("Year", "year_group"), ("Form", "form"), ("Pupils", "pupils"), ("Points", "points")],
    "houses": [("House", "house"), ("Pupils", "pupils"), ("Points", "points")],
    "milestones": [("Pupil", "name"), ("Year", "year_group"), ("Form", "form"), ("House", "house")]
    + [("Milestone", "milestone"), ("Threshold", "threshold"), ("Points before", "before"), ("Points now", "points")],
}


def build_rewards_csv(generated_file, user):
    """One section of the rewards page as CSV, with the filters the page had when the export was asked for."""
    school = generated_file.school
    parameters = dict(generated_file.parameters)
    section = parameters.get("section") or "pupils"
    if section not in REWARD_COLUMNS:
        raise ExportRefused("There is no such section of the rewards page.")
    # A scheduled run covers its own period unless the schedule fixed the dates.
    for start, end in (("start", "end"), ("crossed_start", "crossed_end")):
        if parameters.get("period_start") and not parameters.get(start):
            parameters[start], parameters[end] = parameters["period_start"], parameters["period_end"]
    form = RewardsFilterForm(exports.as_query_dict(parameters), school=school)
    if not form.is_valid():
        raise ExportRefused("The filters of this export are not valid any more; ask for it again from the page.")
    periods = reward_periods(school, form.cleaned_data)
    exports.progress(generated_file, 20)
    rows = reward_rows(user, school, section, form.cleaned_data, periods)
    exports.progress(generated_file, 70)
    start, end = ("crossed_start", "crossed_end") if section == "milestones" else ("start", "end")
    services.rewards_export(
        actor=user, school=school, section=section, start=periods[start], end=periods[end], rows=len(rows)
    )
    columns = REWARD_COLUMNS[section]
    content = exports.csv_bytes([heading for heading, _key in columns], ([row[k] for _h, k in columns] for row in rows))
    filename = f"rewards-{section}-{periods[start]:%Y%m%d}-{periods[end]:%Y%m%d}.csv"
    return exports.Built(filename, "text/csv; charset=utf-8", content)


EVENT_COLUMNS = [
    "When",
    "Pupil",
    "Year",
    "Form",
    "Type",
    "Category",
    "Points",
    "Location",
    "Period / lesson",
    "Description",
    "Action taken",
    "Recorded by",
    "Staff involved",
    "Role",
    "Voided",
]


def build_events_csv(generated_file, user):
    """The behaviour event list with the filters it had (voided events only for those who may void)."""
    school = generated_file.school
    events = filtered(event_filter(user, school, exports.as_query_dict(generated_file.parameters)))
    total = events.count() or 1
    rows = []
    for index, event in enumerate(events.iterator(chunk_size=500), start=1):
        category, pupil = event.category, event.pupil
        rows.append(
            [
                iso_datetime(event.occurred_at),
                pupil.display_name,
                pupil.get_year_group_display(),
                pupil.form,
                category.get_kind_display(),
                category.name,
                category.signed_points,
                str(event.location or ""),
                event.period,
                event.description,
                event.action_taken,
                str(event.recorded_by),
                "; ".join(str(person) for person in event.staff_involved.all()),
                event.get_role_display(),
                f"Voided: {event.void_reason}" if event.voided_at else "",
            ]
        )
        if index % 500 == 0:
            exports.progress(generated_file, 10 + 80 * index // total)
    audit.record(
        "behaviour.events.exported",
        actor=user,
        school=school,
        data={"filters": generated_file.parameters, "rows": len(rows)},
    )
    filename = f"behaviour-events-{timezone.localdate():%Y%m%d}.csv"
    return exports.Built(filename, "text/csv; charset=utf-8", exports.csv_bytes(EVENT_COLUMNS, rows))


def register_exports():
    audit.describe("behaviour.events.exported", "exported behaviour events")
    exports.register(
        "behaviour.events_csv",
        label="Behaviour events (CSV)",
        permission="behaviour.view_event",
        fmt="csv",
        build=build_events_csv,
        description="The behaviour event list with its filters.",
    )
    exports.register(
        "behaviour.rewards_csv",
        label="Reward points (CSV)",
        permission="behaviour.view_event",
        fmt="csv",
        build=build_rewards_csv,
        description="One section of the rewards page: pupils, forms, houses or milestones crossed.",
    )
