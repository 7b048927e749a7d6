"""The "Keyworker" card beside the pupil: who keyworks them. Every member of staff who reads pupils sees it;
the notes themselves stay with the keyworkers and leads."""

from django.urls import reverse

from pastoral import breakglass
from pastoral.profile_summary import Figure
from pastoral.pupil_cards import PupilCard

from . import selectors


def keyworker_card(user, pupil):
    assignments = list(
        selectors.current(selectors.assignments_visible_to(user).filter(pupil=pupil))
        .select_related("keyworker")
        .order_by("starts_on", "pk")
    )
    if not assignments:
        return None
    url = reverse("provision:keywork_pupil", args=[pupil.code]) if selectors.may_read_notes(user, pupil) else ""
    # Listed as existing but not readable: a headteacher or trust DSL may open the notes in an emergency.
    emergency = ""
    if not url and breakglass.may_break_glass(user, pupil.school_id):
        emergency = reverse("pastoral:break_glass_open", args=[selectors.NOTES_KIND, pupil.code])
    context = {"assignments": assignments, "url": url, "emergency_url": emergency}
    return PupilCard("Keyworker", "provision/keywork/_card.html", context)


def open_keywork_actions_figure(user, pupil, weeks):
    """The pupil's open keywork actions, for the profile's summary header: one count, for readers of the notes."""
    count = selectors.actions_visible_to(user).filter(pupil=pupil, done_at__isnull=True).count()
    return [Figure("keywork", count, group="actions")] if count else []
