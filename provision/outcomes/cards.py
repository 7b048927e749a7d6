"""The "Outcome measures" card beside the pupil: the latest Star and SDQ figures, with links to the measures,
pupil voice and (for those who request it) the annual-review pack. Three queries."""

from django.urls import reverse

from pastoral.accounts import access as core_access
from pastoral.dates import uk_date
from pastoral.pupil_cards import PupilCard

from . import access, sdq
from .selectors import pupil_star_series, sdq_visible_to


def outcomes_card(user, pupil):
    if not access.can_read(user, pupil):
        return None
    lines = []
    for series in pupil_star_series(user, pupil):
        if series.moved_forward is None:
            lines.append(f"{series.label}: baseline {uk_date(series.baseline.taken_on)}")
        else:
            lines.append(
                f"{series.label}: moved forward in {series.areas_forward} of {len(series.spec.areas)} areas since "
                "the baseline"
            )
    latest = {}
    for response in sdq_visible_to(user).filter(pupil=pupil).order_by("completed_on", "pk"):
        latest[response.informant] = response
    for informant, response in latest.items():
        total = response.result[sdq.TOTAL]
        if total.value is not None:
            lines.append(
                f"SDQ ({sdq.INFORMANTS[informant].lower()}) {uk_date(response.completed_on)}: total "
                f"{total.value}, {total.band.lower()}"
            )
    context = {
        "lines": lines,
        "measures_url": reverse("provision:outcomes_pupil", args=[pupil.code]),
        "voice_url": reverse("provision:voice_pupil", args=[pupil.code]),
        "pack_url": reverse("provision:review_pack", args=[pupil.code])
        if core_access.has_school_perm(user, pupil.school_id, access.PACK)
        else "",
    }
    return PupilCard("Outcome measures and pupil voice", "provision/outcomes/_card.html", context)
