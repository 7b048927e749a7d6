"""Support plans on a pupil's chronology: each version saved, agreement, review, end and acknowledgement, for
those who may read the plan (plans_visible_to). Each source is ordered and cut in SQL."""

from django.urls import reverse

from pastoral.chronology import ChronologyItem

from .models import PlanAcknowledgement, PlanReview, PlanVersion, SupportPlan
from .selectors import plans_visible_to


def plans_for_chronology(user, pupil, limit):
    plans = plans_visible_to(user).filter(pupil=pupil)
    items = []

    def url(plan):
        return reverse("provision:plan_detail", args=[plan.code])

    versions = PlanVersion.objects.filter(plan__in=plans).select_related("plan", "saved_by").order_by("-saved_at")
    for version in versions[:limit]:
        plan = version.plan
        title = f"{plan.short_kind}: {version.title} (version {version.number})"
        summary = f"Saved by {version.saved_by}" + (f": {version.note}" if version.note else "")
        items.append(ChronologyItem(version.saved_at, "plans", title, summary, url(plan), "info"))
    agreed = plans.filter(activated_at__isnull=False).select_related("activated_by").order_by("-activated_at")
    for plan in agreed[:limit]:
        summary = f"Agreed with {plan.agreed_with[:120]}"
        items.append(
            ChronologyItem(
                plan.activated_at, "plans", f"{plan.short_kind} agreed: {plan.title}", summary, url(plan), "success"
            )
        )
    ended = plans.filter(status=SupportPlan.Status.ENDED).select_related("ended_by").order_by("-ended_at")
    for plan in ended[:limit]:
        items.append(
            ChronologyItem(
                plan.ended_at,
                "plans",
                f"{plan.short_kind} ended: {plan.title}",
                plan.end_reason[:140],
                url(plan),
                "dark",
            )
        )
    reviews = PlanReview.objects.filter(plan__in=plans).select_related("plan", "reviewed_by").order_by("-created_at")
    for review in reviews[:limit]:
        plan = review.plan
        title = f"{plan.short_kind} reviewed: {review.get_outcome_display().lower()}"
        items.append(
            ChronologyItem(review.created_at, "plans", title, f"By {review.reviewed_by}", url(plan), "primary")
        )
    acks = (
        PlanAcknowledgement.objects.filter(plan__in=plans).select_related("plan", "user").order_by("-acknowledged_at")
    )
    for ack in acks[:limit]:
        plan = ack.plan
        title = f"{plan.short_kind} read and understood (version {ack.version})"
        items.append(ChronologyItem(ack.acknowledged_at, "plans", title, f"By {ack.user}", url(plan), "secondary"))
    return items
