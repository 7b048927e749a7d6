"""Export kinds for behaviour analytics: the analytics page's event rows as CSV."""

from pastoral.accounts import access
from pastoral.files import exports
from pastoral.files.exports import ExportRefused
from pastoral.models import School

from ..exports import CSV, register_list_csv
from . import selectors as analytics
from .forms import AnalyticsFilterForm
from .services import analytics_export


def build_analytics_csv(generated_file, user):
    """The analytics page's event rows with its filters, over the schools the owner may analyse now."""
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
    analytics_export(actor=user, schools=form.chosen_schools(), filters=filters, rows=len(rows))
    content = exports.csv_bytes(analytics.CSV_HEADER, rows)
    return exports.Built(f"behaviour-{filters.start}-to-{filters.end}.csv", CSV, content)


def register_exports():
    register_list_csv(
        "behaviour.analytics_csv", "Behaviour analytics rows (CSV)", "behaviour.view_analytics", build_analytics_csv
    )
