"""Alternative provision on a pupil's chronology: placements proposed, started and ended, reviews, progress
reports and missing returns, for those who read the school's placements. Four queries, each cut in SQL.

The placements (few for any pupil) are read whole and their dated moments checked against the window by the
chronology; reviews, reports and missing returns take the window's date range and cursor in SQL. A text matches
the provider's name or the end reason."""

from dataclasses import replace

from django.db.models import Q
from django.urls import reverse

from pastoral.chronology import LONGEST_PAGE, ChronologyItem, as_datetime, as_window

from .models import MissingReturnAlert, PlacementReview, ProgressReport
from .selectors import placements_visible_to


def ap_for_chronology(user, pupil, limit):
    window = as_window(limit)
    visible = placements_visible_to(user).filter(pupil=pupil).select_related("provider")
    if window.text:
        visible = visible.filter(Q(provider__name__icontains=window.text) | Q(end_reason__icontains=window.text))
    placements = {p.pk: p for p in visible.order_by("-start")[:LONGEST_PAGE]}
    if not placements:
        return []
    items = []

    def url(placement):
        return reverse("provision:ap_placement_detail", args=[placement.code])

    for p in placements.values():
        title = f"Alternative provision proposed: {p.provider}"
        items.append(ChronologyItem(p.created_at, "ap", title, "", url(p), key=window.key(p.pk, "proposed")))
        if p.started_at:
            summary = f"{'Full' if p.full_time else 'Part'}-time, code {p.attendance_code}"
            title = f"Started at {p.provider}"
            key = window.key(p.pk, "started")
            items.append(ChronologyItem(p.started_at, "ap", title, summary, url(p), "primary", key=key))
        if p.ended_on:
            title = f"Alternative provision ended ({p.get_end_kind_display().lower()}): {p.provider}"
            key = window.key(p.pk, "ended")
            items.append(
                ChronologyItem(as_datetime(p.ended_on), "ap", title, p.end_reason[:140], url(p), "dark", key=key)
            )
    ids = list(placements)
    # The text already chose the placements.
    dated = replace(window, text="")
    reviews = dated.rows(
        PlacementReview.objects.filter(placement_id__in=ids), when="held_on", is_date=True, sub="review"
    )
    for review in reviews:
        p = placements[review.placement_id]
        title = f"Placement reviewed: {review.get_decision_display().lower()}"
        when = as_datetime(review.held_on)
        key = window.key(review.pk, "review")
        items.append(ChronologyItem(when, "ap", title, str(p.provider), url(p), "info", key=key))
    reports = dated.rows(ProgressReport.objects.filter(placement_id__in=ids), when="dated", is_date=True, sub="report")
    for report in reports:
        p = placements[report.placement_id]
        title = f"Progress report from {p.provider}"
        key = window.key(report.pk, "report")
        items.append(ChronologyItem(as_datetime(report.dated), "ap", title, report.text[:140], url(p), "info", key=key))
    alerts = dated.rows(MissingReturnAlert.objects.filter(placement_id__in=ids), when="raised_at", sub="missing")
    for alert in alerts:
        p = placements[alert.placement_id]
        title = f"No attendance return from {p.provider} by the cut-off"
        key = window.key(alert.pk, "missing")
        items.append(ChronologyItem(alert.raised_at, "ap", title, alert.sessions, url(p), "danger", key=key))
    return items
