import datetime

from django.urls import reverse
from django.utils import timezone

from pastoral.chronology import ChronologyItem, as_window
from pastoral.voiding import hide_voided_unless

from .selectors import restrictive_interventions_visible_to


def interventions_for_chronology(user, pupil, limit):
    """Only the viewer's visible records: leads and the SENCo see all, other staff those they were part of."""
    window = as_window(limit)
    records = restrictive_interventions_visible_to(user).filter(pupil=pupil).select_related("recorded_by")
    records = hide_voided_unless(records, user, pupil.school_id, "behaviour.review_intervention")
    items = []
    # Dated by day and started_at: the window bounds the day in SQL and the chronology checks the exact time.
    records = window.filter(records, when="occurred_on", is_date=True, text=("rationale",), loose=True)
    if window.newer:
        records = records.order_by("occurred_on", "started_at", "id")
    else:
        records = records.order_by("-occurred_on", "-started_at", "-id")
    for record in records[: window.limit]:
        title = f"Physical intervention: {record.get_intervention_type_display()} ({record.duration_minutes} min)"
        summary = f"{record.rationale[:140]} — recorded by {record.recorded_by}"
        tone = "danger"
        tags = ("parents not yet told",) if record.parent_report_outstanding else ()
        if record.voided_at:
            title, tone = f"Voided – {title}", "dark"
        when = timezone.make_aware(datetime.datetime.combine(record.occurred_on, record.started_at))
        url = reverse("behaviour:intervention_detail", args=[record.code])
        items.append(ChronologyItem(when, "behaviour", title, summary, url, tone, tags, key=window.key(record.pk)))
    return items
