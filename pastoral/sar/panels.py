"""The data-protection lead's dashboard panel: open subject access requests, overdue first."""

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from ..accounts import access
from ..dashboard import Panel
from . import selectors
from .models import SubjectAccessRequest
from .permissions import MANAGE

SHOWN = 8


def sar_probe(request, school):
    if school is None or not access.has_school_perm(request.user, school, MANAGE):
        return None
    return selectors.open_requests(SubjectAccessRequest.objects.filter(school=school))


def review_probe(request, school):
    from .models import SarPack
    from .permissions import REVIEW_SAFEGUARDING

    if school is None or not access.has_school_perm(request.user, school, REVIEW_SAFEGUARDING):
        return None
    return SarPack.objects.filter(school=school, status=SarPack.Status.REVIEW)


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


def sar_review_panel(request, school):
    """The DSL team's: subject access packs whose safeguarding records wait for their review (one query)."""
    from .models import SarPack, SarPackItem
    from .permissions import REVIEW_SAFEGUARDING

    if school is None or not access.has_school_perm(request.user, school, REVIEW_SAFEGUARDING):
        return None
    packs = list(
        SarPack.objects.filter(
            school=school,
            status=SarPack.Status.REVIEW,
            items__area=SarPackItem.SAFEGUARDING,
            items__dsl_reviewed_at__isnull=True,
        )
        .annotate(waiting=Count("items"))
        .select_related("request__pupil")
        .order_by("request__due_on", "id")[:SHOWN]
    )
    if not packs:
        return None
    return Panel("Subject access packs to review", "pastoral/sar/_review_panel.html", {"packs": packs})
