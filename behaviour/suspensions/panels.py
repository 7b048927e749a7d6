"""The headteacher's governors' tasks panel on the dashboard, and the suspensions' lines of the weekly trend email."""

from django.db.models import Count, Q
from django.urls import reverse

from pastoral.accounts import access
from pastoral.dashboard import Panel
from pastoral.files.weekly_trend import trend_line, weekly_counts

from .models import GovernorTask, Suspension
from .selectors import open_governor_tasks, suspensions_visible_to


def governor_tasks_probe(request, school):
    if school is None or not access.has_school_perm(request.user, school, "behaviour.decide_suspension"):
        return None
    return GovernorTask.objects.filter(school=school, done_at__isnull=True)


def governor_tasks_panel(request, school):
    """Open governors' tasks, soonest deadline first, for whoever decides suspensions (the headteacher)."""
    if school is None or not access.has_school_perm(request.user, school, "behaviour.decide_suspension"):
        return None
    tasks = list(open_governor_tasks(request.user, school)[:10])
    if not tasks:
        return None
    return Panel("Governors' tasks after suspensions", "behaviour/panels/_governor_tasks.html", {"tasks": tasks})


def suspension_lines(user, school, today, trend):
    suspensions = suspensions_visible_to(user).filter(
        school=school, voided_at__isnull=True, status=Suspension.Status.FINALISED
    )
    counts = weekly_counts(suspensions, "start_date", trend.weeks, as_datetime=False)
    trend.trends.append(trend_line("Suspensions and exclusions starting", counts))
    tasks = open_governor_tasks(user, school).aggregate(
        open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today))
    )
    path = reverse("behaviour:suspension_list")
    trend.outstanding.append(("Governors' tasks open", tasks["open"], path))
    trend.outstanding.append(("Governors' tasks overdue", tasks["overdue"], path))
