"""Home dashboard panel: the viewer's own open incident follow-up actions, overdue first; and the pupil's open
actions in the profile's summary header."""

from pastoral.accounts import access
from pastoral.dashboard import Panel
from pastoral.profile_summary import Figure

from .models import FollowUpAction
from .selectors import follow_up_actions_visible_to

LIMIT = 10


def my_follow_up_actions_probe(request, school):
    if school is None or not access.has_school_perm(request.user, school, "behaviour.record_event"):
        return None
    return FollowUpAction.objects.filter(owner=request.user, done_at__isnull=True, incident__school=school)


def my_follow_up_actions_panel(request, school):
    user = request.user
    if school is None or not access.has_school_perm(user, school, "behaviour.record_event"):
        return None
    actions = list(
        follow_up_actions_visible_to(user)
        .filter(owner=user, done_at__isnull=True, incident__school=school, incident__voided_at__isnull=True)
        .select_related("incident")
        .order_by("due_on", "pk")[: LIMIT + 1]
    )
    if not actions:
        return None
    return Panel(
        "My incident follow-up actions",
        "behaviour/panels/_follow_up_actions.html",
        {"actions": actions[:LIMIT], "more": len(actions) > LIMIT},
    )


def open_follow_up_actions_figure(user, pupil, weeks):
    """The pupil's open incident follow-up actions, for the profile's summary header: one count."""
    if not access.has_school_perm(user, pupil.school_id, "behaviour.view_event"):
        return []
    count = (
        follow_up_actions_visible_to(user)
        .filter(incident__pupils=pupil, done_at__isnull=True, incident__voided_at__isnull=True)
        .distinct()
        .count()
    )
    return [Figure("incident follow-up", count, group="actions")] if count else []
