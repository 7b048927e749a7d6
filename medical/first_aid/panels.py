"""Accidents' rows on the medical panel, and the headteacher's RIDDOR panel."""

from django.urls import reverse

from pastoral import dashboard
from pastoral.accounts import access

from ..panels import add_rows
from ..selectors import RIDDOR
from . import selectors


@add_rows
def accident_rows(user, school, today):
    rows = selectors.accidents_visible_to(user).filter(school=school)
    return [
        (
            "Accidents: parents not yet told or head-injury letter not given",
            selectors.parents_due(rows).count(),
            reverse("medical:accident_list"),
        ),
        (
            "Accidents that may be RIDDOR-reportable, not yet decided",
            selectors.riddor_pending(rows).count(),
            reverse("medical:accident_list") + "?riddor=1",
        ),
    ]


def riddor_panel(request, school):
    """For the headteacher: accidents that may be reportable under RIDDOR and wait for their decision."""
    if school is None or not access.has_school_perm(request.user, school, RIDDOR):
        return None
    pending = selectors.riddor_pending(selectors.accidents_visible_to(request.user).filter(school=school))
    return dashboard.Panel(
        "Accidents that may be RIDDOR-reportable",
        "medical/_panel.html",
        {
            "rows": [("Awaiting your decision", pending.count(), reverse("medical:accident_list") + "?riddor=1")],
            "overview": reverse("medical:overview"),
        },
    )
