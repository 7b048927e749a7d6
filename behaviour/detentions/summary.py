"""Open detentions in the pupil profile's summary line (one count query)."""

from django.urls import reverse

from pastoral.accounts import access
from pastoral.profile_summary import Figure

from .selectors import open_count


def detention_figures(user, pupil, weeks):
    if not access.has_school_perm(user, pupil.school_id, "behaviour.view_event"):
        return []
    count = open_count(user, pupil)
    if not count:
        return []
    url = reverse("behaviour:detention_pupil_list", args=[pupil.code])
    return [Figure("open detentions", count, group="actions", url=url)]
