"""Behaviour's export kinds (registered in BehaviourConfig.ready through `register_exports`)."""

from pastoral import exports
from pastoral.exports import ExportRefused

from . import services
from .forms import RewardsFilterForm

SECTION_NAMES = {"pupils": "top pupils", "forms": "points by form", "houses": "points by house"}
SECTION_NAMES["milestones"] = "milestones crossed"


def build_rewards_csv(generated_file, user):
    """One section of the rewards page as CSV, with the filters the page had when the export was asked for."""
    from .views import REWARD_COLUMNS, _reward_periods, _reward_rows

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
    periods = _reward_periods(school, form.cleaned_data)
    exports.progress(generated_file, 20)
    rows = _reward_rows(user, school, section, form.cleaned_data, periods)
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
    "Voided",
]


def build_events_csv(generated_file, user):
    """The behaviour event list with the filters it had (voided events only for those who may void)."""
    from django.db.models import Prefetch
    from django.utils import timezone

    from pastoral import audit
    from pastoral.models import User

    from .forms import EventFilterForm
    from .views import _filtered_events

    school = generated_file.school
    form = EventFilterForm(exports.as_query_dict(generated_file.parameters), school=school)
    events = (
        _filtered_events(user, school, form)
        .select_related("pupil", "category", "location", "recorded_by")
        .prefetch_related(Prefetch("staff_involved", queryset=User.objects.only("first_name", "last_name")))
        .order_by("-occurred_at", "-pk")
    )
    total = events.count() or 1
    rows = []
    for index, event in enumerate(events.iterator(chunk_size=500), start=1):
        category, pupil = event.category, event.pupil
        rows.append(
            [
                timezone.localtime(event.occurred_at).strftime("%Y-%m-%d %H:%M"),
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
    from pastoral import audit

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
