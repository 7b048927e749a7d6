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
    from django.utils import timezone

    from pastoral import audit
    from pastoral.lists import filtered

    from .filters import event_filter

    school = generated_file.school
    events = filtered(event_filter(user, school, exports.as_query_dict(generated_file.parameters)))
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
    register_list_exports()


# Lists and analytics ---------------------------------------------------------------
# Each list kind takes its rows from the list's own `*_visible_to(user)` selector, with the same
# filters (the page's query string) and the same voided-record rule as the page.

CSV = "text/csv; charset=utf-8"


def _local(value, fmt="%Y-%m-%d %H:%M"):
    from django.utils import timezone

    return timezone.localtime(value).strftime(fmt) if value else ""


def _day(value):
    return value.isoformat() if value else ""


def _yes(value):
    return "Yes" if value else "No"


def _voided(record):
    return f"Voided: {record.void_reason}" if record.voided_at else ""


def _finish_list(generated_file, user, *, action, name, headers, rows):
    """Audit the export of a list and return it as CSV."""
    from django.utils import timezone

    from pastoral import audit

    audit.record(
        action,
        actor=user,
        school=generated_file.school,
        data={"filters": generated_file.parameters, "rows": len(rows)},
    )
    return exports.Built(f"{name}-{timezone.localdate():%Y%m%d}.csv", CSV, exports.csv_bytes(headers, rows))


def build_analytics_csv(generated_file, user):
    """The analytics page's event rows with its filters, over the schools the owner may analyse now."""
    from pastoral import access
    from pastoral.models import School

    from . import analytics
    from .analytics_forms import AnalyticsFilterForm

    ids = access.schools_with_perm(user, "behaviour.view_analytics")
    schools = list(School.objects.filter(id__in=ids).order_by("name"))
    if not schools:
        raise ExportRefused("You may no longer see behaviour analytics.")
    query = exports.as_query_dict(generated_file.parameters)
    form = AnalyticsFilterForm(query or None, schools=schools, current=generated_file.school)
    if form.is_bound and not form.is_valid():
        raise ExportRefused("The filters of this export are not valid any more; ask for it again from the page.")
    filters = form.filters()
    events = analytics.events_for(user, filters)
    exports.progress(generated_file, 20)
    rows = list(analytics.csv_rows(events))
    services.analytics_export(actor=user, schools=form.chosen_schools(), filters=filters, rows=len(rows))
    content = exports.csv_bytes(analytics.CSV_HEADER, rows)
    return exports.Built(f"behaviour-{filters.start}-to-{filters.end}.csv", CSV, content)


REMOVAL_COLUMNS = [
    "When",
    "Pupil",
    "Year",
    "Form",
    "From lesson / period",
    "Removed to",
    "Minutes",
    "Reason",
    "Parents told",
    "Recorded by",
    "Voided",
]


def removal_rows(user, school):
    from pastoral.lists import filtered

    from .filters import removal_filter

    return filtered(removal_filter(user, school, None))


def build_removals_csv(generated_file, user):
    rows = [
        [
            _local(r.removed_at),
            r.pupil.display_name,
            r.pupil.get_year_group_display(),
            r.pupil.form,
            r.lesson,
            r.removed_to,
            r.duration_minutes,
            r.reason,
            _yes(r.parents_told),
            str(r.recorded_by),
            _voided(r),
        ]
        for r in removal_rows(user, generated_file.school).iterator(chunk_size=500)
    ]
    return _finish_list(
        generated_file, user, action="behaviour.removals.exported", name="removals", headers=REMOVAL_COLUMNS, rows=rows
    )


RESTORATIVE_COLUMNS = ["Held on", "Pupils", "Incidents", "Repair", "What was agreed", "Follow up on", "Recorded by"]
RESTORATIVE_COLUMNS.append("Voided")


def restorative_rows(user, school):
    from pastoral.lists import filtered

    from .filters import restorative_filter

    return filtered(restorative_filter(user, school, None))


def build_restorative_csv(generated_file, user):
    rows = [
        [
            _day(m.held_on),
            "; ".join(p.display_name for p in m.pupils.all()),
            m.incident_count,
            m.get_repair_happened_display(),
            m.agreed,
            _day(m.follow_up_on),
            str(m.recorded_by),
            _voided(m),
        ]
        for m in restorative_rows(user, generated_file.school)
    ]
    return _finish_list(
        generated_file,
        user,
        action="behaviour.restorative.exported",
        name="restorative-meetings",
        headers=RESTORATIVE_COLUMNS,
        rows=rows,
    )


INCIDENT_COLUMNS = ["Recorded", "Pupils", "The behaviour", "Dysregulated", "Anyone injured", "Parents informed"]
INCIDENT_COLUMNS += ["Open actions", "Overdue actions", "Recorded by", "Voided"]


def incident_rows(user, school, parameters):
    from pastoral.lists import filtered

    from .filters import incident_filter

    return filtered(incident_filter(user, school, exports.as_query_dict(parameters)))


def build_incidents_csv(generated_file, user):
    rows = [
        [
            _local(i.created_at),
            "; ".join(p.display_name for p in i.pupils.all()),
            i.behaviour,
            i.get_dysregulated_display(),
            _yes(i.injuries),
            _yes(i.parents_informed),
            i.open_actions,
            i.overdue_actions,
            str(i.recorded_by),
            _voided(i),
        ]
        for i in incident_rows(user, generated_file.school, generated_file.parameters)
    ]
    return _finish_list(
        generated_file,
        user,
        action="behaviour.incidents.exported",
        name="incidents",
        headers=INCIDENT_COLUMNS,
        rows=rows,
    )


BULLYING_COLUMNS = ["When", "Type", "Prejudice related", "Victims", "Perpetrators", "Outcome", "Recorded by", "Voided"]


def bullying_rows(user, school):
    from pastoral.lists import filtered

    from .filters import bullying_filter

    return filtered(bullying_filter(user, school, None))


def build_bullying_csv(generated_file, user):
    rows = []
    for record in bullying_rows(user, generated_file.school):
        people = list(record.involvements.all())
        rows.append(
            [
                _day(record.occurred_on),
                "; ".join(record.type_labels()),
                _yes(record.prejudice_related),
                "; ".join(item.pupil.display_name for item in people if item.role == "victim"),
                "; ".join(item.pupil.display_name for item in people if item.role == "perpetrator"),
                record.get_outcome_display(),
                str(record.recorded_by),
                _voided(record),
            ]
        )
    return _finish_list(
        generated_file, user, action="behaviour.bullying.exported", name="bullying", headers=BULLYING_COLUMNS, rows=rows
    )


SUSPENSION_COLUMNS = ["First day", "Last day", "Pupil", "Year", "Form", "Type", "Length", "Reasons", "Status"]
SUSPENSION_COLUMNS += ["Decided by", "Governors' tasks open", "Voided"]


def suspension_rows(user, school, parameters):
    """The suspension list with the page's filters (status, type, term)."""
    from pastoral.lists import filtered

    from .suspensions.filters import suspension_filter, with_list_columns

    filterset = suspension_filter(user, school, exports.as_query_dict(parameters))
    if filterset.is_bound and not filterset.is_valid():
        raise ExportRefused("The filters of this export are not valid any more; ask for it again from the page.")
    return with_list_columns(filtered(filterset))


def build_suspensions_csv(generated_file, user):
    rows = [
        [
            _day(s.start_date),
            _day(s.end_date),
            s.pupil.display_name,
            s.pupil.get_year_group_display(),
            s.pupil.form,
            s.get_kind_display(),
            s.length_label,
            "; ".join(f"{r.census_code} {r.label}" for r in s.reasons.all()),
            s.get_status_display(),
            str(s.decided_by or ""),
            s.open_tasks,
            _voided(s),
        ]
        for s in suspension_rows(user, generated_file.school, generated_file.parameters)
    ]
    return _finish_list(
        generated_file,
        user,
        action="behaviour.suspensions.exported",
        name="suspensions",
        headers=SUSPENSION_COLUMNS,
        rows=rows,
    )


LIST_KINDS = [
    # name, label, permission, build, audit action, audit sentence
    (
        "behaviour.analytics_csv",
        "Behaviour analytics rows (CSV)",
        "behaviour.view_analytics",
        build_analytics_csv,
        None,
        None,
    ),
    (
        "behaviour.removals_csv",
        "Removals from class (CSV)",
        "behaviour.view_event",
        build_removals_csv,
        "behaviour.removals.exported",
        "exported the removals list",
    ),
    (
        "behaviour.restorative_csv",
        "Restorative meetings (CSV)",
        "behaviour.view_event",
        build_restorative_csv,
        "behaviour.restorative.exported",
        "exported the restorative meetings list",
    ),
    (
        "behaviour.incidents_csv",
        "Incidents (CSV)",
        "behaviour.view_event",
        build_incidents_csv,
        "behaviour.incidents.exported",
        "exported the incident list",
    ),
    (
        "behaviour.bullying_csv",
        "Bullying register (CSV)",
        "behaviour.view_bullying",
        build_bullying_csv,
        "behaviour.bullying.exported",
        "exported the bullying register",
    ),
    (
        "behaviour.suspensions_csv",
        "Suspensions and exclusions (CSV)",
        "behaviour.view_suspension",
        build_suspensions_csv,
        "behaviour.suspensions.exported",
        "exported the suspensions list",
    ),
]


def register_list_exports():
    from pastoral import audit

    for name, label, permission, build, action, sentence in LIST_KINDS:
        exports.register(name, label=label, permission=permission, fmt="csv", build=build)
        if action:
            audit.describe(action, sentence)
    from .interventions.exports import register_exports as register_intervention_exports
    from .suspensions.letters import register_exports as register_letter_exports

    register_intervention_exports()
    register_letter_exports()
