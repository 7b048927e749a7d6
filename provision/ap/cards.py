"""The pupil profile's alternative provision card: where the pupil is placed and when."""

from django.urls import reverse

from pastoral.pupil_cards import PupilCard

from .models import Placement
from .selectors import placements_visible_to


def ap_card(user, pupil):
    placements = list(
        placements_visible_to(user)
        .filter(pupil=pupil, status__in=Placement.CURRENT)
        .select_related("provider", "site")
        .order_by("start")
    )
    if not placements:
        return None
    rows = [
        {
            "placement": p,
            "url": reverse("provision:ap_placement_detail", args=[p.code]),
        }
        for p in placements
    ]
    headline = tuple(f"AP: {p.provider}" for p in placements)
    return PupilCard(
        "Alternative provision", "provision/ap/_card.html", {"rows": rows}, tone="warning", headline=headline
    )
