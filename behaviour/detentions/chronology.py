"""Detentions on a pupil's chronology: each detention when it was set (with how it ended), and each notice home."""

from django.urls import reverse

from pastoral import presence
from pastoral.chronology import ChronologyItem, as_window
from pastoral.dates import uk_date
from pastoral.voiding import hide_voided_unless

from .models import DetentionNotice
from .selectors import detentions_visible_to

TONES = {"attended": "success", "missed": "danger", "excused": "secondary", "rescheduled": "secondary"}


def detentions_for_chronology(user, pupil, limit):
    window = as_window(limit)
    detentions = detentions_visible_to(user).filter(pupil=pupil).select_related("session__type", "set_by")
    detentions = hide_voided_unless(detentions, user, pupil.school_id, "behaviour.manage_detentions")
    items = []
    for detention in window.rows(detentions, when="set_at", text=("reason", "escalation_note"), label="Detention"):
        session = detention.session
        title = (
            f"Detention set: {session.type.name}, {uk_date(session.date)} ({detention.get_status_display().lower()})"
        )
        summary = f"{detention.reason[:140]} — set by {detention.set_by}".lstrip(" —")
        if detention.escalation_note:
            summary += f". Missed: {detention.escalation_note}"
        tone = TONES.get(detention.status, "warning")
        if detention.voided_at:
            title, tone = f"Voided – {title}", "dark"
        url = reverse("behaviour:detention_detail", args=[detention.code])
        items.append(
            ChronologyItem(detention.set_at, "behaviour", title, summary, url, tone, key=window.key(detention.pk))
        )
    if not presence.has(pupil, DetentionNotice, "detention__pupil"):
        return items
    notices = DetentionNotice.objects.filter(
        detention__in=detentions_visible_to(user).filter(pupil=pupil, voided_at__isnull=True)
    ).select_related("detention__session__type", "recorded_by")
    for notice in window.rows(notices, when="recorded_at", text=("note",), sub="notice", label="Detention notice"):
        detention = notice.detention
        sent = f"sent {uk_date(notice.sent_at)}" if notice.sent_at else "waiting to send"
        title = f"Detention notice to parents: {notice.get_method_display().split(' (')[0].lower()}, {sent}"
        session = detention.session
        summary = f"For the {session.type.name} on {uk_date(session.date)}; recorded by {notice.recorded_by}"
        url = reverse("behaviour:detention_detail", args=[detention.code])
        items.append(
            ChronologyItem(
                notice.recorded_at, "behaviour", title, summary, url, "info", key=window.key(notice.pk, "notice")
            )
        )
    return items
