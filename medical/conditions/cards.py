"""The medical alert beside the pupil (pastoral.pupil_cards): the one-line alert only, for every member of staff
of the pupil's school, on the profile and beside the pupil chosen in the quick log, incident and intervention
forms. It reads the pupil's own alert line, which the conditions keep up to date, so it costs no query."""

from pastoral.accounts import access
from pastoral.pupil_cards import PupilCard

from ..selectors import VIEW_ALERTS


def medical_alert_card(user, pupil):
    if not pupil.medical_alert or not access.has_school_perm(user, pupil.school_id, VIEW_ALERTS):
        return None
    return PupilCard("Medical alert", "pastoral/cards/_text.html", {"text": pupil.medical_alert}, tone="danger")
