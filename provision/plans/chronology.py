"""Support plans on a pupil's chronology: each version saved, agreement, review, end and acknowledgement, for
those who may read the plan (plans_visible_to). Two queries, each ordered and cut in SQL: the pupil's plans, and
one UNION of versions, reviews and acknowledgements."""

from django.db.models import CharField, F, IntegerField, Value
from django.urls import reverse

from pastoral.chronology import ChronologyItem

from .models import PlanAcknowledgement, PlanReview, PlanVersion, SupportPlan
from .selectors import plans_visible_to

COLUMNS = ("when", "what", "plan_id", "n", "first", "last", "extra")


def _rows(model, plan_ids, *, when, what, n, person, extra):
    return (
        model.objects.filter(plan_id__in=plan_ids)
        .annotate(
            when=F(when),
            what=Value(what, output_field=CharField()),
            n=F(n) if n else Value(0, output_field=IntegerField()),
            first=F(f"{person}__first_name"),
            last=F(f"{person}__last_name"),
            extra=F(extra) if extra else Value("", output_field=CharField()),
        )
        .values(*COLUMNS)
    )


def plans_for_chronology(user, pupil, limit):
    plans = {
        plan.pk: plan
        for plan in plans_visible_to(user)
        .filter(pupil=pupil)
        .select_related("ended_by")
        .order_by("-created_at")[:limit]
    }
    if not plans:
        return []
    items = []

    def url(plan):
        return reverse("provision:plan_detail", args=[plan.code])

    for plan in plans.values():
        if plan.activated_at:
            summary = f"Agreed with {plan.agreed_with[:120]}"
            title = f"{plan.short_kind} agreed: {plan.title}"
            items.append(ChronologyItem(plan.activated_at, "plans", title, summary, url(plan), "success"))
        if plan.status == SupportPlan.Status.ENDED and plan.ended_at:
            title = f"{plan.short_kind} ended: {plan.title}"
            items.append(ChronologyItem(plan.ended_at, "plans", title, plan.end_reason[:140], url(plan), "dark"))
    ids = list(plans)
    versions = _rows(PlanVersion, ids, when="saved_at", what="version", n="number", person="saved_by", extra="note")
    reviews = _rows(
        PlanReview, ids, when="created_at", what="review", n="version", person="reviewed_by", extra="outcome"
    )
    acks = _rows(PlanAcknowledgement, ids, when="acknowledged_at", what="ack", n="version", person="user", extra=None)
    outcomes = dict(PlanReview.Outcome.choices)
    for row in versions.union(reviews, acks, all=True).order_by("-when")[:limit]:
        plan = plans[row["plan_id"]]
        who = f"{row['first']} {row['last']}".strip()
        if row["what"] == "version":
            title = f"{plan.short_kind}: {plan.title} (version {row['n']})"
            summary = f"Saved by {who}" + (f": {row['extra']}" if row["extra"] else "")
            items.append(ChronologyItem(row["when"], "plans", title, summary, url(plan), "info"))
        elif row["what"] == "review":
            title = f"{plan.short_kind} reviewed: {outcomes.get(row['extra'], row['extra']).lower()}"
            items.append(ChronologyItem(row["when"], "plans", title, f"By {who}", url(plan), "primary"))
        else:
            title = f"{plan.short_kind} read and understood (version {row['n']})"
            items.append(ChronologyItem(row["when"], "plans", title, f"By {who}", url(plan), "secondary"))
    return items
