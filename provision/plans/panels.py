"""Dashboard panels, digest lines and weekly trend lines for support plans."""

from django.db.models import Count, Exists, OuterRef, Window
from django.urls import reverse
from django.utils import timezone

from behaviour.suspensions.models import Suspension
from behaviour.suspensions.selectors import suspensions_visible_to
from pastoral import dashboard
from pastoral.files.digest import DigestLine

from . import selectors
from .models import SupportPlan

# A finalised suspension asks for a reintegration plan for this long after its first day.
REINTEGRATION_WINDOW_DAYS = 60
PANEL_ROWS = 50
PANEL_SHOWN = 10


def overdue_reviews(user, school, today=None):
    today = today or timezone.localdate()
    return (
        selectors.plans_visible_to(user)
        .filter(school=school, status__in=SupportPlan.IN_FORCE, review_date__lt=today)
        .select_related("pupil")
        .order_by("review_date", "pk")
    )


def reintegration_plans_due(user, school, today=None):
    """Finalised suspensions (not permanent exclusions) of the last 60 days without a reintegration plan."""
    today = today or timezone.localdate()
    planned = SupportPlan.objects.filter(suspension=OuterRef("pk"))
    return (
        suspensions_visible_to(user)
        .filter(
            school=school,
            voided_at__isnull=True,
            status=Suspension.Status.FINALISED,
            start_date__gte=today - timezone.timedelta(days=REINTEGRATION_WINDOW_DAYS),
        )
        .exclude(kind=Suspension.Kind.PERMANENT)
        .exclude(Exists(planned))
        .select_related("pupil")
        .order_by("start_date", "pk")
    )


def plans_panel(request, school):
    user = request.user
    if school is None or not selectors.can_write(user, school):
        return None
    # The first PANEL_SHOWN of each list, each row carrying the list's length (a window count over one school's
    # plans or recent suspensions, a few hundred rows at most): two queries however many rows, and never more
    # rows built than the panel shows.
    lists = {"overdue": overdue_reviews(user, school), "due": reintegration_plans_due(user, school)}
    shown = {name: list(rows.annotate(listed=Window(Count("pk")))[:PANEL_SHOWN]) for name, rows in lists.items()}
    counts = {name: rows[0].listed if rows else 0 for name, rows in shown.items()}

    def label(count):
        return f"{PANEL_ROWS}+" if count > PANEL_ROWS else count

    return dashboard.Panel(
        "Support plans",
        "provision/plans/_panel.html",
        {
            "overdue": shown["overdue"][:PANEL_SHOWN],
            "overdue_count": label(counts["overdue"]),
            "reintegration_due": shown["due"][:PANEL_SHOWN],
            "reintegration_count": label(counts["due"]),
            "list_url": reverse("provision:plan_list"),
        },
    )


def to_read_probe(request, school):
    """Plans in force in the school shared with the viewer (by name or role) whose current version they have not
    acknowledged, before asking which of them the viewer may read."""
    if school is None:
        return None
    return selectors.shared_unacknowledged(request.user, school)


def to_read_panel(request, school):
    if school is None:
        return None
    plans = list(selectors.plans_to_acknowledge(request.user, school)[:20])
    if not plans:
        return None
    return dashboard.Panel("Support plans to read", "provision/plans/_to_read_panel.html", {"plans": plans})


def plan_digest_lines(school, recipient, today):
    if not selectors.can_write(recipient, school):
        return []
    path = reverse("provision:plan_list")
    return [
        DigestLine(
            "Support plan reviews overdue", overdue_reviews(recipient, school, today).count(), f"{path}?review=overdue"
        ),
        DigestLine(
            "Reintegration plans due after a suspension",
            reintegration_plans_due(recipient, school, today).count(),
            path,
        ),
    ]


def plan_trend_lines(user, school, today, trend):
    path = reverse("provision:plan_list")
    trend.outstanding += [
        ("Support plans: reviews overdue", overdue_reviews(user, school, today).count(), f"{path}?review=overdue"),
        ("Support plans: reintegration plans due", reintegration_plans_due(user, school, today).count(), path),
    ]
