"""Open safeguarding case actions in the pupil profile's summary header (through the core's profile_summary
registry), for those who read every concern of the pupil's school: one count, nothing about the concerns."""

from pastoral.accounts import access
from pastoral.profile_summary import Figure

from .models import CaseAction
from .selectors import VIEW, concerns_visible_to


def open_case_actions_figure(user, pupil, weeks):
    if not access.has_school_perm(user, pupil.school_id, VIEW):
        return []
    concerns = concerns_visible_to(user).filter(pupils=pupil)
    count = CaseAction.objects.filter(concern__in=concerns, done_at__isnull=True).count()
    return [Figure("safeguarding", count, group="actions")] if count else []
