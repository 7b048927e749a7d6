"""The AP coordinator's dashboard, the home-page panel and the trust's spend: a fixed number of queries each."""

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Sum
from django.urls import reverse
from django.utils import timezone

from pastoral import dashboard
from pastoral.accounts import access

from . import selectors
from .models import AttendanceReturn, MissingReturnAlert, Placement

ROWS = 50


def dashboard_context(user, school, today=None):
    today = today or timezone.localdate()
    placements = selectors.placements_visible_to(user).filter(school=school)
    providers = selectors.providers_visible_to(user).filter(trust_id=school.trust_id)
    by_status = dict(placements.values_list("status").annotate(n=Count("pk")).order_by())
    missing = selectors.missing_returns(placements, today)
    alerts = list(
        MissingReturnAlert.objects.filter(placement__in=placements, date=today)
        .select_related("placement__pupil", "placement__provider")
        .order_by("pk")[:ROWS]
    )
    overdue = list(
        selectors.overdue_reviews(placements, today).select_related("pupil", "provider").order_by("next_review")[:ROWS]
    )
    due_soon = list(
        placements.filter(
            status__in=Placement.CURRENT,
            next_review__gte=today,
            next_review__lte=today + timezone.timedelta(days=14),
        )
        .select_related("pupil", "provider")
        .order_by("next_review")[:ROWS]
    )
    return {
        "school": school,
        "today": today,
        "by_status": [(label, by_status.get(value, 0), value) for value, label in Placement.Status.choices],
        "missing": missing,
        "alerts": alerts,
        "overdue_reviews": overdue,
        "reviews_soon": due_soon,
        "qa_due": selectors.qa_visits_due(providers, today),
        "expiring": selectors.expiring_checks(providers, today=today),
        "warnings": selectors.registration_warnings(providers),
    }


def ap_probe(request, school):
    if school is None or not access.has_school_perm(request.user, school, selectors.VIEW):
        return None
    return Placement.objects.filter(school=school, status__in=Placement.CURRENT)


def ap_panel(request, school):
    """Home page: today's missing returns, overdue reviews, expired checks and registration warnings."""
    user = request.user
    if school is None or not access.has_school_perm(user, school, selectors.VIEW):
        return None
    today = timezone.localdate()
    placements = selectors.placements_visible_to(user).filter(school=school)
    if not placements.filter(status__in=Placement.CURRENT).exists():
        return None
    providers = selectors.providers_visible_to(user).filter(trust_id=school.trust_id)
    missing = MissingReturnAlert.objects.filter(placement__in=placements, date=today, resolved_at__isnull=True)
    return dashboard.Panel(
        "Alternative provision",
        "provision/ap/_panel.html",
        {
            "missing": missing.count(),
            "overdue": selectors.overdue_reviews(placements, today).count(),
            "expired": sum(1 for c in selectors.expiring_checks(providers, within_days=0, today=today)),
            "warnings": len(selectors.registration_warnings(providers)),
            "url": reverse("provision:ap_dashboard"),
        },
    )


def _cost():
    return ExpressionWrapper(
        F("placement__cost_per_session"), output_field=DecimalField(max_digits=12, decimal_places=2)
    )


def spend_of(placements, first=None, last=None):
    """Sessions attended or marked (every returned session is paid for) × the cost per session, per placement."""
    rows = AttendanceReturn.objects.filter(placement__in=placements)
    if first:
        rows = rows.filter(date__gte=first)
    if last:
        rows = rows.filter(date__lte=last)
    return rows.aggregate(total=Sum(_cost()))["total"] or 0


def spend_by_school(user):
    schools = access.schools_with_perm(user, selectors.TRUST)
    rows = (
        AttendanceReturn.objects.filter(placement__school_id__in=schools)
        .values("placement__school__name")
        .annotate(total=Sum(_cost()), sessions=Count("pk"))
        .order_by("placement__school__name")
    )
    return [(row["placement__school__name"], row["sessions"], row["total"] or 0) for row in rows]
