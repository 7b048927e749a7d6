"""The data-protection lead's dashboard panel: open subject access requests, overdue first."""

from django.urls import reverse
from django.utils import timezone

from ..accounts import access
from ..dashboard import Panel
from . import selectors
from .permissions import MANAGE

SHOWN = 8


def sar_panel(request, school):
    if school is None or not access.has_school_perm(request.user, school, MANAGE):
        return None
    today = timezone.localdate()
    live = list(
        selectors.open_requests(selectors.requests_visible_to(request.user).filter(school=school))
        .select_related("pupil")
        .order_by("due_on", "id")[:50]
    )
    if not live:
        return None
    live.sort(key=lambda sar: sar.deadline)
    overdue = [sar for sar in live if sar.is_overdue(today)]
    return Panel(
        "Subject access requests",
        "pastoral/sar/_panel.html",
        {"rows": live[:SHOWN], "overdue": len(overdue), "today": today, "url": reverse("pastoral:sar_list")},
    )
