"""The pastoral lead's panel of today's removals whose parents are not yet told (the behaviour advice expects
parents to hear of a removal on the day)."""

from django.urls import reverse

from pastoral import dashboard
from pastoral.accounts import access

from .models import Removal
from .selectors import removals_visible_to, untold_today

PANEL_ROWS = 10


def untold_removals_probe(request, school):
    if school is None or not access.has_school_perm(request.user, school, "behaviour.view_alerts"):
        return None
    return untold_today(Removal.objects.all(), school)


def untold_removals_panel(request, school):
    if not access.has_school_perm(request.user, school, "behaviour.view_alerts"):
        return None
    untold = list(
        untold_today(removals_visible_to(request.user), school).select_related("pupil").order_by("removed_at")[:50]
    )
    if not untold:
        return None
    return dashboard.Panel(
        "Removals today: parents not told",
        "behaviour/removals/_untold_panel.html",
        {
            "rows": untold[:PANEL_ROWS],
            "count": len(untold),
            "url": reverse("behaviour:removal_list") + "?parents=untold",
        },
    )
