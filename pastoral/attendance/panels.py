"""Attendance on the home dashboard: open statutory alerts, by kind, for whoever acts on attendance."""

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from ..accounts import access
from ..dashboard import Panel
from .checks import overdue_reviews
from .models import AttendanceAlert, PartTimeTimetable
from .permissions import MANAGE
from .selectors import alerts_visible_to, part_time_visible_to


def alerts_probe(request, school):
    if school is None or not access.has_school_perm(request.user, school, MANAGE):
        return None
    return [
        AttendanceAlert.objects.filter(school=school, done_at__isnull=True),
        overdue_reviews(PartTimeTimetable.objects.filter(school=school), timezone.localdate()),
    ]


def alerts_panel(request, school):
    if school is None or not access.has_school_perm(request.user, school, MANAGE):
        return None
    counts = dict(
        alerts_visible_to(request.user)
        .filter(school=school, done_at__isnull=True)
        .values_list("kind")
        .annotate(n=Count("pk"))
        .values_list("kind", "n")
    )
    rows = [
        (reverse("pastoral:attendance_alerts") + f"?kind={kind}", label, counts[kind])
        for kind, label in AttendanceAlert.Kind.choices
        if counts.get(kind)
    ]
    overdue = overdue_reviews(part_time_visible_to(request.user).filter(school=school), timezone.localdate()).count()
    if overdue:
        rows.append(
            (
                reverse("pastoral:part_time_list") + "?status=review_overdue",
                "Part-time timetable reviews overdue",
                overdue,
            )
        )
    if not rows:
        return None
    return Panel("Attendance alerts", "pastoral/attendance/_alerts_panel.html", {"rows": rows})
