"""The "Outcome measures" card beside the pupil: the latest Star and SDQ figures, with links to the measures,
pupil voice and (for those who request it) the annual-review pack. At most two queries: the Star readings and the
questionnaires are read only when the request's presence check (pastoral.presence) found the pupil has any."""

from django.urls import reverse

from pastoral import presence
from pastoral.accounts import access as core_access
from pastoral.dates import uk_date
from pastoral.pupil_cards import PupilCard

from . import access, sdq
from .models import SdqResponse, StarReading
from .selectors import pupil_star_series, sdq_visible_to

# The card always shows (its links lead to recording the first measure), so it declares no sources of its own;
# it asks the same one-query presence check whether there is anything to read.
_SOURCES = {"star": presence.declare([(StarReading, "pupil")]), "sdq": presence.declare([(SdqResponse, "pupil")])}


def outcomes_card(user, pupil):
    if not access.can_read(user, pupil):
        return None
    lines = []
    found = presence.present(pupil, _SOURCES)
    for series in pupil_star_series(user, pupil) if "star" in found else ():
        if series.moved_forward is None:
            lines.append(f"{series.label}: baseline {uk_date(series.baseline.taken_on)}")
        else:
            lines.append(
                f"{series.label}: moved forward in {series.areas_forward} of {len(series.spec.areas)} areas since "
                "the baseline"
            )
    latest = {}
    responses = sdq_visible_to(user).filter(pupil=pupil) if "sdq" in found else SdqResponse.objects.none()
    for response in responses.order_by("completed_on", "pk"):
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
