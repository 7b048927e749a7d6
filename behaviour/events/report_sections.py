"""Behaviour points' sections of the termly report: events and trends, and rewards."""

from django.db.models import Count, Sum

from pastoral.files import charts
from pastoral.files.reports import Section, Table, comparison_table
from pastoral.models import YearGroup

from ..analytics.selectors import EVENT_ROWS, POSITIVE, events_for, figures_for, school_comparison
from ..report_sections import TOP, _filters, _per_school


def build_behaviour(user, schools, start, end, previous_start, previous_end):
    filters, before = _filters(schools, start, end), _filters(schools, previous_start, previous_end)
    figures = figures_for(user, filters)
    previous = figures_for(user, before)
    now, then = figures.totals(), previous.totals()
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
            [(f"{monday:%-d %b}", positive, negative) for monday, positive, negative in figures.weekly()],
            series=["Positive", "Negative"],
            label_header="Week beginning",
        )
    )
    categories = figures.by_category()[:TOP]
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
            f"Top {TOP} locations", figures.by_location()[:TOP], label_header="Location", value_header="Events"
        )
    )
    if len(schools) > 1:
        earlier = previous.per_school()
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
                        earlier.get(row["school"].pk, {}).get("events", 0),
                    )
                    for row in school_comparison(user, filters)
                ],
            )
        )
    return section


# --- rewards -------------------------------------------------------------------------------------------


def _reward_figures(events):
    # Counted on a column of the live-events index, not the id: every column read is in the index, so a trust's
    # term is an index-only scan instead of a visit to each event's row.
    return events.filter(POSITIVE).aggregate(
        events=Count(EVENT_ROWS), points=Sum("category__points", default=0), pupils=Count("pupil_id", distinct=True)
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
            events=Count(EVENT_ROWS),
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
