"""Alternative provision on a pupil's chronology: placements proposed, started and ended, reviews, progress
reports and missing returns, for those who read the school's placements. Four queries, each cut in SQL."""

from django.urls import reverse

from pastoral.chronology import ChronologyItem, as_datetime

from .models import MissingReturnAlert, PlacementReview, ProgressReport
from .selectors import placements_visible_to


def ap_for_chronology(user, pupil, limit):
    placements = {
        p.pk: p
        for p in placements_visible_to(user).filter(pupil=pupil).select_related("provider").order_by("-start")[:limit]
    }
    if not placements:
        return []
    items = []

    def url(placement):
        return reverse("provision:ap_placement_detail", args=[placement.code])

    for p in placements.values():
        items.append(ChronologyItem(p.created_at, "ap", f"Alternative provision proposed: {p.provider}", "", url(p)))
        if p.started_at:
            summary = f"{'Full' if p.full_time else 'Part'}-time, code {p.attendance_code}"
            items.append(ChronologyItem(p.started_at, "ap", f"Started at {p.provider}", summary, url(p), "primary"))
        if p.ended_on:
            title = f"Alternative provision ended ({p.get_end_kind_display().lower()}): {p.provider}"
            items.append(ChronologyItem(as_datetime(p.ended_on), "ap", title, p.end_reason[:140], url(p), "dark"))
    ids = list(placements)
    for review in PlacementReview.objects.filter(placement_id__in=ids).order_by("-held_on")[:limit]:
        p = placements[review.placement_id]
        title = f"Placement reviewed: {review.get_decision_display().lower()}"
        items.append(ChronologyItem(as_datetime(review.held_on), "ap", title, str(p.provider), url(p), "info"))
    for report in ProgressReport.objects.filter(placement_id__in=ids).order_by("-dated")[:limit]:
        p = placements[report.placement_id]
        items.append(
            ChronologyItem(
                as_datetime(report.dated), "ap", f"Progress report from {p.provider}", report.text[:140], url(p), "info"
            )
        )
    for alert in MissingReturnAlert.objects.filter(placement_id__in=ids).order_by("-date")[:limit]:
        p = placements[alert.placement_id]
        title = f"No attendance return from {p.provider} by the cut-off"
        items.append(ChronologyItem(alert.raised_at, "ap", title, alert.sessions, url(p), "danger"))
    return items
