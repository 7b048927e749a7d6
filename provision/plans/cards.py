"""The "How to support me" card: key strategies, triggers and what to avoid from the pupil's plans in force."""

from django.db.models import Exists, OuterRef
from django.urls import reverse

from pastoral.pupil_cards import PupilCard

from .kinds import CARD_FIELDS, spec_for
from .selectors import card_plans_visible_to, plans_visible_to


def how_to_support_me_card(user, pupil):
    readable = plans_visible_to(user).filter(pk=OuterRef("pk"))
    plans = list(card_plans_visible_to(user).filter(pupil=pupil).annotate(readable=Exists(readable)).order_by("kind"))
    if not plans:
        return None
    blocks = []
    for plan in plans:
        lines = []
        for key in CARD_FIELDS[plan.kind]:
            text = (plan.content.get(key) or "").strip()
            if text:
                spec = spec_for(plan.kind, key)
                lines.append((spec.label, text, bool(plan.content.get(f"{key}_voice"))))
        if lines:
            url = reverse("provision:plan_detail", args=[plan.code]) if plan.readable else ""
            blocks.append({"plan": plan, "lines": lines, "url": url})
    if not blocks:
        return None
    headline = tuple(dict.fromkeys(plan.short_kind for plan in plans))
    return PupilCard(
        "How to support me", "provision/plans/_card.html", {"blocks": blocks}, tone="info", headline=headline
    )
