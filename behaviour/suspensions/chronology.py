"""Suspensions on the pupil's chronology."""

from django.urls import reverse

from pastoral.chronology import ChronologyItem, as_datetime, as_window

from .selectors import sees_voided, suspensions_visible_to


def suspensions_for_chronology(user, pupil, limit):
    window = as_window(limit)
    suspensions = suspensions_visible_to(user).filter(pupil=pupil).prefetch_related("reasons")
    if not sees_voided(user, pupil.school_id):
        suspensions = suspensions.filter(voided_at__isnull=True)
    items = []
    for suspension in window.rows(suspensions, when="start_date", is_date=True, text=("summary",)):
        title = str(suspension)
        codes = ", ".join(reason.census_code for reason in suspension.reasons.all())
        summary = f"Reasons: {codes or 'none yet'}. {suspension.summary[:120]}"
        tone = "danger"
        if suspension.is_draft:
            title, tone = f"Draft – {title}", "secondary"
        if suspension.voided_at:
            title, tone = f"Voided – {title}", "dark"
        url = reverse("behaviour:suspension_detail", args=[suspension.code])
        when = as_datetime(suspension.start_date)
        items.append(ChronologyItem(when, "behaviour", title, summary, url, tone, key=window.key(suspension.pk)))
    return items
