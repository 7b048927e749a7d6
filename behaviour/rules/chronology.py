"""Behaviour rule hits and the letters home they made, on a pupil's chronology."""

from django.urls import reverse

from pastoral.chronology import ChronologyItem, as_window

from .models import BehaviourRuleLetter
from .selectors import hits_visible_to


def rule_letters_for_chronology(user, pupil, limit):
    """Letters home sent after a behaviour rule was reached (the sending is what the chronology records)."""
    window = as_window(limit)
    letters = BehaviourRuleLetter.objects.filter(
        hit__in=hits_visible_to(user).filter(pupil=pupil), sent_at__isnull=False
    ).select_related("hit__rule", "sent_by")
    items = []
    for letter in window.rows(letters, when="sent_at", text=("subject",)):
        title = f"Letter home sent ({letter.get_sent_how_display().lower()}): {letter.subject}"
        summary = f"After the behaviour rule “{letter.hit.rule.name}” — sent by {letter.sent_by}"
        url = reverse("behaviour:rule_hit_detail", args=[letter.hit.code])
        items.append(
            ChronologyItem(letter.sent_at, "behaviour", title, summary, url, "info", key=window.key(letter.pk))
        )
    return items
