import uuid

from django import template
from django.urls import reverse

from pastoral import pupil_cards

register = template.Library()

# The fragment URL with a placeholder code; the page's script puts the chosen pupil's code in its place.
PLACEHOLDER = uuid.UUID(int=0)


@register.inclusion_tag("pastoral/_pupil_cards_beside.html", takes_context=True)
def pupil_cards_beside(context, pupils, field):
    """The cards of `pupils` (the ones already chosen), in a box that static/js/pupil_cards.js refills from
    /pupils/<code>/cards/ whenever the form's `field` inputs (the pupil picker's hidden codes) change."""
    user = context["request"].user
    chosen = [pupil for pupil in (pupils or []) if pupil is not None]
    return {
        "entries": [{"pupil": pupil, "cards": pupil_cards.cards_for(user, pupil)} for pupil in chosen],
        "field": field,
        "url": reverse("pastoral:pupil_cards", args=[PLACEHOLDER]),
        "placeholder": PLACEHOLDER,
    }
