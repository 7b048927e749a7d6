"""The restorative meetings list's filters, shared by the page and its CSV export."""

import django_filters
from django.db.models import Count, Prefetch

from pastoral.accounts import access
from pastoral.models import Pupil

from . import selectors


class RestorativeFilterSet(django_filters.FilterSet):
    """No filters yet: it carries the meetings the user may see to the page and its CSV export."""


def restorative_filter(user, school, data):
    meetings = selectors.restorative_meetings_visible_to(user).filter(school=school)
    if not access.has_school_perm(user, school, "behaviour.void_event"):
        meetings = meetings.filter(voided_at__isnull=True)
    meetings = (
        meetings.select_related("recorded_by")
        .prefetch_related(Prefetch("pupils", queryset=Pupil.objects.order_by("legal_last_name", "legal_first_name")))
        .annotate(incident_count=Count("incidents", distinct=True))
        .order_by("-held_on", "-pk")
    )
    return RestorativeFilterSet(data or None, meetings)
