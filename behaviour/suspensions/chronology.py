"""Suspensions on the pupil's chronology, and the headteacher's governors' tasks panel on the dashboard."""

from django.urls import reverse

from pastoral import access
from pastoral.chronology import ChronologyItem, as_datetime
from pastoral.dashboard import Panel

from .selectors import open_governor_tasks, sees_voided, suspensions_visible_to


def suspensions_for_chronology(user, pupil):
    suspensions = suspensions_visible_to(user).filter(pupil=pupil).prefetch_related("reasons")
    if not sees_voided(user, pupil.school_id):
        suspensions = suspensions.filter(voided_at__isnull=True)
    items = []
    for suspension in suspensions:
        title = str(suspension)
        codes = ", ".join(reason.census_code for reason in suspension.reasons.all())
        summary = f"Reasons: {codes or 'none yet'}. {suspension.summary[:120]}"
        tone = "danger"
        if suspension.is_draft:
            title, tone = f"Draft – {title}", "secondary"
        if suspension.voided_at:
            title, tone = f"Voided – {title}", "dark"
        url = reverse("behaviour:suspension_detail", args=[suspension.code])
        items.append(ChronologyItem(as_datetime(suspension.start_date), "behaviour", title, summary, url, tone))
    return items


def governor_tasks_panel(request, school):
    """Open governors' tasks, soonest deadline first, for whoever decides suspensions (the headteacher)."""
    if school is None or not access.has_school_perm(request.user, school, "behaviour.decide_suspension"):
        return None
    tasks = list(open_governor_tasks(request.user, school)[:10])
    if not tasks:
        return None
    return Panel("Governors' tasks after suspensions", "behaviour/panels/_governor_tasks.html", {"tasks": tasks})
