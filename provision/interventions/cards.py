"""The "Intervention groups" card beside the pupil: the groups they are in now, with the schedule, so staff know
when the pupil is out of class."""

from django.urls import reverse

from pastoral.pupil_cards import PupilCard

from .models import InterventionGroup
from .selectors import members_visible_to


def intervention_groups_card(user, pupil):
    members = list(
        members_visible_to(user)
        .filter(pupil=pupil, left_on__isnull=True)
        .exclude(group__status=InterventionGroup.Status.FINISHED)
        .select_related("group", "group__programme")
        .order_by("group__starts_on", "pk")
    )
    if not members:
        return None
    rows = [
        {"group": m.group, "target": m.target, "url": reverse("provision:group_detail", args=[m.group.code])}
        for m in members
    ]
    return PupilCard("Intervention groups", "provision/interventions/_card.html", {"rows": rows})
