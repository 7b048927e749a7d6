"""The home page's panel of today's detention sessions: for whoever runs one today, and for the pastoral team."""

from django.urls import reverse
from django.utils import timezone

from pastoral import dashboard
from pastoral.accounts import access

from .selectors import sessions_visible_to, with_taken


def todays_sessions_panel(request, school):
    user = request.user
    if not access.has_school_perm(user, school, "behaviour.view_event"):
        return None
    sessions = sessions_visible_to(user).filter(school=school, date=timezone.localdate())
    if not access.has_school_perm(user, school, "behaviour.manage_detentions"):
        sessions = sessions.filter(run_by=user)
    rows = list(with_taken(sessions.select_related("type")).order_by("start_time", "id")[:10])
    rows = [session for session in rows if session.taken]
    if not rows:
        return None
    return dashboard.Panel(
        "Detentions today",
        "behaviour/detentions/_today_panel.html",
        {"rows": rows, "url": reverse("behaviour:detention_day")},
    )
