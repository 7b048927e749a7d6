"""Behaviour's sections of the termly report: events and trends, rewards, removals, suspensions with the
statutory counts and disproportionality, and restrictive interventions with staff training.

Every figure comes from the requesting user's own selectors (`events_visible_to`, `removals_visible_to`,
`suspensions_visible_to`, `restrictive_interventions_visible_to`, `training_visible_to`) and is aggregated in
PostgreSQL; voided records never count. No section names a child.
"""

from django.db.models import Count, Q, Sum

from pastoral.files import charts
from pastoral.files.reports import Section, Table, comparison_table
from pastoral.models import School, YearGroup

from .analytics import (
    POSITIVE,
    SANCTION_SOURCES,
    Filters,
    by_category,
    by_location,
    decided_suspensions_visible_to,
    disproportionality,
    events_for,
    roll_for,
    sanctions_for,
    school_comparison,
    totals,
    weekly,
)
from .interventions.selectors import (
    StaffInvolved,
    current,
    restrictive_interventions_visible_to,
    training_visible_to,
    with_untrained_count,
)
from .models import RestrictiveIntervention, Suspension

TOP = 10
REMOVALS = SANCTION_SOURCES[0]


def _filters(schools, start, end):
    return Filters(school_ids=[school.pk for school in schools], start=start, end=end)


def _names(schools):
    return {school.pk: school.name for school in schools}


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


# --- behaviour events ----------------------------------------------------------------------------------


def build_behaviour(user, schools, start, end, previous_start, previous_end):
    filters, before = _filters(schools, start, end), _filters(schools, previous_start, previous_end)
    events = events_for(user, filters)
    now, then = totals(events), totals(events_for(user, before))
    section = Section(
        "Behaviour events",
        headlines=[
            ("Behaviour events", now["events"]),
            ("Positive events", now["positive"]),
            ("Negative events", now["negative"]),
            ("Positive : negative", now["ratio"]),
        ],
    )
    section.tables.append(
        comparison_table(
            "Behaviour events against the previous period",
            [
                ("All events", now["events"], then["events"]),
                ("Positive events", now["positive"], then["positive"]),
                ("Negative events", now["negative"], then["negative"]),
                ("Positive points", now["positive_points"], then["positive_points"]),
                ("Negative points", now["negative_points"], then["negative_points"]),
            ],
        )
    )
    section.charts.append(
        charts.column_chart(
            "Events per week",
            [(f"{monday:%-d %b}", positive, negative) for monday, positive, negative in weekly(events, filters)],
            series=["Positive", "Negative"],
            label_header="Week beginning",
        )
    )
    categories = by_category(events)[:TOP]
    section.charts.append(
        charts.bar_chart(
            f"Top {TOP} categories",
            [(f"{row['name']} ({row['kind'].lower()})", row["events"]) for row in categories],
            label_header="Category",
            value_header="Events",
        )
    )
    section.charts.append(
        charts.bar_chart(
            f"Top {TOP} locations", by_location(events)[:TOP], label_header="Location", value_header="Events"
        )
    )
    if len(schools) > 1:
        previous = _per_school(schools, events_for(user, before), events=Count("pk"))
        section.tables.append(
            Table(
                "Behaviour by school",
                ["School", "Pupils", "Events", "Per 100 pupils", "Positive : negative", "Previous period"],
                [
                    (
                        row["school"].name,
                        row["pupils"],
                        row["events"],
                        "—" if row["per_100"] is None else row["per_100"],
                        row["ratio"],
                        previous.get(row["school"].pk, {}).get("events", 0),
                    )
                    for row in school_comparison(user, filters)
                ],
            )
        )
    return section


# --- rewards -------------------------------------------------------------------------------------------


def _reward_figures(events):
    return events.filter(POSITIVE).aggregate(
        events=Count("pk"), points=Sum("category__points", default=0), pupils=Count("pupil_id", distinct=True)
    )


def build_rewards(user, schools, start, end, previous_start, previous_end):
    filters = _filters(schools, start, end)
    events = events_for(user, filters)
    now = _reward_figures(events)
    then = _reward_figures(events_for(user, _filters(schools, previous_start, previous_end)))
    section = Section(
        "Rewards",
        headlines=[("Rewards", now["events"]), ("Reward points", now["points"]), ("Pupils rewarded", now["pupils"])],
    )
    section.tables.append(
        comparison_table(
            "Rewards against the previous period",
            [
                ("Rewards (positive events)", now["events"], then["events"]),
                ("Reward points", now["points"], then["points"]),
                ("Pupils rewarded", now["pupils"], then["pupils"]),
            ],
        )
    )
    positive = events.filter(POSITIVE)
    years = positive.values("pupil__year_group").annotate(points=Sum("category__points")).order_by("pupil__year_group")
    section.charts.append(
        charts.bar_chart(
            "Reward points by year group",
            [(YearGroup(row["pupil__year_group"]).label, row["points"]) for row in years],
            label_header="Year group",
            value_header="Points",
        )
    )
    houses = positive.values("pupil__house").annotate(points=Sum("category__points")).order_by("-points")
    section.charts.append(
        charts.bar_chart(
            "Reward points by house",
            [(row["pupil__house"] or "No house", row["points"]) for row in houses],
            label_header="House",
            value_header="Points",
        )
    )
    if len(schools) > 1:
        per_school = _per_school(
            schools,
            positive,
            events=Count("pk"),
            points=Sum("category__points"),
            pupils=Count("pupil_id", distinct=True),
        )
        section.tables.append(
            Table(
                "Rewards by school",
                ["School", "Rewards", "Points", "Pupils rewarded"],
                [
                    (
                        school.name,
                        per_school.get(school.pk, {}).get("events", 0),
                        per_school.get(school.pk, {}).get("points") or 0,
                        per_school.get(school.pk, {}).get("pupils", 0),
                    )
                    for school in schools
                ],
            )
        )
    return section


# --- removals ------------------------------------------------------------------------------------------


def build_removals(user, schools, start, end, previous_start, previous_end):
    filters = _filters(schools, start, end)
    removals = sanctions_for(REMOVALS, user, filters)
    now = removals.aggregate(removals=Count("pk"), pupils=Count("pupil_id", distinct=True))
    then = sanctions_for(REMOVALS, user, _filters(schools, previous_start, previous_end)).aggregate(
        removals=Count("pk"), pupils=Count("pupil_id", distinct=True)
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
    years = removals.values("pupil__year_group").annotate(n=Count("pk")).order_by("pupil__year_group")
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
        per_school = _per_school(schools, removals, removals=Count("pk"), pupils=Count("pupil_id", distinct=True))
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


# --- suspensions and permanent exclusions -----------------------------------------------------------------

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


# --- restrictive interventions and training ---------------------------------------------------------------


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


def register():
    from pastoral.files.reports import register_section

    register_section(
        "behaviour", build_behaviour, order=10, permission="behaviour.view_analytics", title="Behaviour events"
    )
    register_section("rewards", build_rewards, order=20, permission="behaviour.view_analytics", title="Rewards")
    register_section(
        "removals", build_removals, order=30, permission="behaviour.view_analytics", title="Removals from class"
    )
    register_section(
        "suspensions",
        build_suspensions,
        order=40,
        permission="behaviour.view_suspension",
        title="Suspensions and permanent exclusions",
    )
    register_section(
        "interventions",
        build_interventions,
        order=50,
        permission="behaviour.view_intervention",
        title="Restrictive interventions",
    )
