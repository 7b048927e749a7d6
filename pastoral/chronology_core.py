from django.urls import reverse

from .chronology import ChronologyItem, as_datetime


def pupil_milestones(user, pupil):
    """Admission and leaving; the pupil has already been fetched through the selector."""
    items = []
    url = reverse("pastoral:pupil_detail", args=[pupil.code])
    if pupil.admission_date:
        items.append(
            ChronologyItem(as_datetime(pupil.admission_date), "pastoral", "Admitted", pupil.school.name, url, "success")
        )
    if pupil.leaving_date:
        items.append(ChronologyItem(as_datetime(pupil.leaving_date), "pastoral", "Left the school", "", url, "dark"))
    return items
