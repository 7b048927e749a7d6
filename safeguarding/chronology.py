"""What the general pupil chronology shows of safeguarding.

- Those who read every concern (DSL, deputies, trust DSL, head) and staff a concern was shared with:
  one line per concern with its category and a link; the detail stays on the concern page.
- SENCo and pastoral lead: one line saying a safeguarding record exists, with no date or detail,
  so they know to speak to the DSL.
- Everyone else: nothing at all.
"""

from django.urls import reverse

from pastoral.accounts import access
from pastoral.chronology import ChronologyItem, as_window

from .selectors import MARKER, concerns_visible_to


def concerns_for_chronology(user, pupil, limit):
    window = as_window(limit)
    items = []
    concerns = concerns_visible_to(user).filter(pupils=pupil).select_related("category")
    text = ("category__name", "location")
    visible = list(window.rows(concerns, when="occurred_at", text=text, label="Safeguarding concern"))
    for concern in visible:
        items.append(
            ChronologyItem(
                concern.occurred_at,
                "safeguarding",
                f"Safeguarding concern: {concern.category.name}",
                f"{concern.get_status_display()}{' · urgent' if concern.urgent else ''}",
                reverse("safeguarding:concern_detail", args=[concern.code]),
                "danger",
                key=window.key(concern.pk),
                detail=_detail(concern),
            )
        )
    if not visible and window.keeps_pinned() and access.has_school_perm(user, pupil.school_id, MARKER):
        # Undated on purpose: a date (or a place in the date order) would tell them when something happened.
        if pupil.concerns.exists():
            items.append(
                ChronologyItem(
                    None,
                    "safeguarding",
                    "A safeguarding record exists",
                    "Speak to the designated safeguarding lead.",
                    "",
                    "danger",
                    pinned=True,
                )
            )
    return items


def _detail(concern):
    """The concern's own words, for a subject access pack (the profile shows the title only)."""
    parts = [
        ("What was seen or heard", concern.account),
        ("The child's own words", concern.child_words),
        ("Immediate action taken", concern.immediate_action),
        ("Outcome", concern.outcome),
    ]
    return "\n".join(f"{label}: {text}" for label, text in parts if text)
