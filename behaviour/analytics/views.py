"""The behaviour analytics page (its CSV is the export kind `behaviour.analytics_csv`)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from pastoral.accounts import access
from pastoral.accounts.schools import current_school
from pastoral.files import charts
from pastoral.models import School

from . import selectors as analytics
from .forms import AnalyticsFilterForm


def _filter_form(request):
    """The filter form over the schools where the user may see analytics (403 when there are none)."""
    ids = access.schools_with_perm(request.user, "behaviour.view_analytics")
    schools = list(School.objects.filter(id__in=ids).order_by("name"))
    if not schools:
        raise PermissionDenied
    return AnalyticsFilterForm(request.GET or None, schools=schools, current=current_school(request))


def _charts(figures, heat, pupil_rows):
    """The page's charts; `pupil_rows` is None when several schools are chosen (no year-group chart then)."""
    weeks = figures.weekly()
    categories = figures.by_category()
    hour_note = (
        "Most events in this range have no period recorded, so this shows the hour of the day instead."
        if heat.mode == "hour"
        else "Period is typed by staff: the eight commonest values are shown in the order of the day, "
        "the rest as “Other”."
    )
    return {
        "weekly": charts.column_chart(
            "Events each week",
            [(monday.strftime("%-d %b"), positive, negative) for monday, positive, negative in weeks],
            series=["Positive", "Negative"],
            label_header="Week beginning",
        ),
        "heat": charts.heatmap(
            f"Events by day and {'hour' if heat.mode == 'hour' else 'period'}",
            heat.rows,
            heat.columns,
            heat.values,
            description=hour_note,
        )
        if heat.values and any(any(row) for row in heat.values)
        else charts.heatmap("Events by day and period", [], [], []),
        "location": charts.bar_chart("Events by location", figures.by_location(), label_header="Location"),
        "negative_categories": charts.bar_chart(
            "Negative events by category",
            [(row["name"], row["events"]) for row in categories if row["kind"] == "Negative"],
            label_header="Category",
            colour=charts.SECONDARY,
        ),
        "positive_categories": charts.bar_chart(
            "Positive events by category",
            [(row["name"], row["events"]) for row in categories if row["kind"] == "Positive"],
            label_header="Category",
        ),
        "ratio": charts.stacked_bar_chart(
            "Positive and negative events by year group",
            analytics.ratio_by_year(pupil_rows),
            series=["Positive", "Negative"],
            label_header="Year",
        )
        if pupil_rows is not None
        else None,
    }


def _sanction_charts(user, filters):
    sections = []
    for source, figures in analytics.sanction_disproportionality(user, filters):
        chart = charts.column_chart(
            f"{source.label}: share of the roll and of pupils {source.verb}",
            [(group.label, group.roll_share, group.affected_share) for group in figures["groups"]],
            series=["% of roll", f"% of pupils {source.verb}"],
            label_header="Group",
        )
        sections.append({"source": source, "figures": figures, "chart": chart if figures["affected"] else None})
    return sections


@login_required
def analytics_page(request):
    form = _filter_form(request)
    filters = form.filters()
    schools = form.chosen_schools()
    figures = analytics.figures_for(request.user, filters)
    # Figures about single pupils (pupils involved, the ten with most negative points, year groups) are for a
    # school's own staff: across a trust they are the schools compared instead. They are also the one part
    # no daily count can hold, so a trust's year would otherwise group 870,000 events by pupil on every view.
    single = len(schools) == 1
    pupil_rows = analytics.per_pupil(figures.events) if single else None
    top = analytics.top_pupils(pupil_rows) if single else []
    context = {
        "form": form,
        "filters": filters,
        "schools": schools,
        "single_school": single,
        "totals": {**figures.totals(), "pupils": len(pupil_rows) if single else None},
        "charts": _charts(figures, figures.heat_map(), pupil_rows),
        "by_role": figures.by_role(),
        "top_pupils": top,
        "top_chart": charts.bar_chart(
            "Negative points of the ten pupils with the most",
            [(row["name"], row["negative_points"]) for row in top],
            label_header="Pupil",
            value_header="Negative points",
            colour=charts.SECONDARY,
        )
        if single
        else None,
        "sanctions": _sanction_charts(request.user, filters),
        "comparison": analytics.school_comparison(request.user, filters) if len(schools) > 1 else None,
        "sanction_sources": analytics.SANCTION_SOURCES,
        "query": request.GET.urlencode(),
    }
    return render(request, "behaviour/analytics.html", context)
