"""Restrictive interventions' section of the termly report, with staff training compliance."""

from django.db.models import Count, Q, Sum

from pastoral.files import charts
from pastoral.files.reports import Section, Table, comparison_table
from pastoral.models import School

from ..report_sections import _per_school
from .models import RestrictiveIntervention
from .selectors import (
    StaffInvolved,
    current,
    restrictive_interventions_visible_to,
    training_visible_to,
    with_untrained_count,
)


def interventions_in(user, schools, start, end):
    return current(restrictive_interventions_visible_to(user)).filter(
        school_id__in=[school.pk for school in schools], occurred_on__gte=start, occurred_on__lte=end
    )


def intervention_counts(records):
    return records.aggregate(
        total=Count("pk"),
        pupils=Count("pupil_id", distinct=True),
        minutes=Sum("duration_minutes", default=0),
        injured=Count("pk", filter=Q(injuries=True)),
        reported=Count("pk", filter=Q(parent_reported_at__isnull=False)),
        withheld=Count("pk", filter=Q(withheld=True)),
        pupil_debriefs=Count("pk", filter=Q(pupil_debrief_on__isnull=False)),
        staff_debriefs=Count("pk", filter=Q(staff_debrief_on__isnull=False)),
        reviewed=Count("pk", filter=Q(reviewed_at__isnull=False)),
    )


def _share(part, whole):
    return f"{round(100 * part / whole)}%" if whole else "—"


def build_interventions(user, schools, start, end, previous_start, previous_end):
    records = interventions_in(user, schools, start, end)
    now = intervention_counts(records)
    then = intervention_counts(interventions_in(user, schools, previous_start, previous_end))
    total = now["total"]
    all_trained = with_untrained_count(records).filter(untrained_count=0).count()
    involved = StaffInvolved.objects.filter(restrictiveintervention__in=records).values("user_id").distinct()
    ids = [school.pk for school in schools]
    in_date = training_visible_to(user).filter(
        school_id__in=ids,
        voided_at__isnull=True,
        positive_handling=True,
        completed_on__lte=end,
        expires_on__gte=end,
    )
    staff_involved = involved.count()
    involved_trained = in_date.filter(user_id__in=involved).values("user_id").distinct().count()
    trained_staff = in_date.values("user_id").distinct().count()
    section = Section(
        "Restrictive interventions",
        headlines=[
            ("Interventions", total),
            ("Minutes in total", now["minutes"]),
            ("With an injury", now["injured"]),
            ("Reported to parents", _share(now["reported"], total)),
            ("Every member of staff trained", _share(all_trained, total)),
        ],
        notes=[
            "Staff training compliance: an intervention counts as compliant when everyone named in it held in-date "
            "positive-handling training on the day. Staff in-date figures are taken on the last day of the period."
        ],
    )
    section.tables.append(
        comparison_table(
            "Restrictive interventions against the previous period",
            [
                ("Interventions", total, then["total"]),
                ("Pupils", now["pupils"], then["pupils"]),
                ("Minutes in total", now["minutes"], then["minutes"]),
                ("With an injury", now["injured"], then["injured"]),
                ("Reported to parents", now["reported"], then["reported"]),
                ("Withheld from parents (risk of harm)", now["withheld"], then["withheld"]),
                ("Pupil debriefs done", now["pupil_debriefs"], then["pupil_debriefs"]),
                ("Staff debriefs done", now["staff_debriefs"], then["staff_debriefs"]),
                ("Signed off by a lead", now["reviewed"], then["reviewed"]),
            ],
        )
    )
    section.tables.append(
        Table(
            "Staff training compliance",
            ["Measure", "Count", "Share"],
            [
                ("Interventions where every member of staff was trained", all_trained, _share(all_trained, total)),
                ("Staff involved in interventions", staff_involved, ""),
                (
                    "Staff involved with in-date positive-handling training",
                    involved_trained,
                    _share(involved_trained, staff_involved),
                ),
                ("Staff with in-date positive-handling training", trained_staff, ""),
            ],
        )
    )
    type_labels = dict(RestrictiveIntervention.Type.choices)
    types = records.values("intervention_type").annotate(n=Count("pk")).order_by("-n", "intervention_type")
    section.charts.append(
        charts.bar_chart(
            "Interventions by type",
            [(type_labels.get(row["intervention_type"], row["intervention_type"]), row["n"]) for row in types],
            label_header="Type",
            value_header="Interventions",
        )
    )
    follow_up = charts.bar_chart(
        "Parents told, debriefs and sign-off",
        [
            ("Reported to parents", now["reported"]),
            ("Withheld (risk of harm)", now["withheld"]),
            ("Pupil debrief done", now["pupil_debriefs"]),
            ("Staff debrief done", now["staff_debriefs"]),
            ("Signed off", now["reviewed"]),
        ],
        label_header="Step",
        value_header="Interventions",
    )
    if not total:
        follow_up.rows = []
    section.charts.append(follow_up)
    if len(schools) > 1:
        per_school = _per_school(schools, records, total=Count("pk"), injured=Count("pk", filter=Q(injuries=True)))
        section.tables.append(
            Table(
                "Restrictive interventions by school",
                ["School", "Interventions", "With an injury"],
                [
                    (
                        school.name,
                        per_school.get(school.pk, {}).get("total", 0),
                        per_school.get(school.pk, {}).get("injured", 0),
                    )
                    for school in School.objects.filter(pk__in=ids).order_by("name")
                ],
            )
        )
    return section
