"""Support plans on a pupil's chronology: each version saved, agreement, review, end and acknowledgement, for
those who may read the plan (plans_visible_to). Two queries, each ordered and cut in SQL: the pupil's plans, and
one UNION of versions, reviews and acknowledgements.

A text chooses the plans (title, who it was agreed with, why it ended); the plans (few for any pupil) are read
whole and their agreement and end checked against the window by the chronology, and each part of the UNION takes
the window's date range and cursor in SQL."""

from dataclasses import replace

from django.db.models import CharField, F, IntegerField, Q, Value
from django.urls import reverse

from pastoral.chronology import LONGEST_PAGE, ChronologyItem, as_window

from .models import PlanAcknowledgement, PlanReview, PlanVersion, SupportPlan
from .selectors import plans_visible_to

COLUMNS = ("when", "what", "plan_id", "n", "first", "last", "extra", "key")


def _rows(model, plan_ids, window, *, when, what, n, person, extra):
    rows = window.filter(model.objects.filter(plan_id__in=plan_ids), when=when, sub=what)
    return rows.annotate(
        when=F(when),
        what=Value(what, output_field=CharField()),
        n=F(n) if n else Value(0, output_field=IntegerField()),
        first=F(f"{person}__first_name"),
        last=F(f"{person}__last_name"),
        extra=F(extra) if extra else Value("", output_field=CharField()),
        key=F("pk"),
    ).values(*COLUMNS)


def plans_for_chronology(user, pupil, limit):
    window = as_window(limit)
    visible = plans_visible_to(user).filter(pupil=pupil).select_related("ended_by")
    if window.text:
        text = window.text
        visible = visible.filter(
            Q(title__icontains=text) | Q(agreed_with__icontains=text) | Q(end_reason__icontains=text)
        )
    plans = {plan.pk: plan for plan in visible.order_by("-created_at")[:LONGEST_PAGE]}
    if not plans:
        return []
    items = []

    def url(plan):
        return reverse("provision:plan_detail", args=[plan.code])

    for plan in plans.values():
        if plan.activated_at:
            summary = f"Agreed with {plan.agreed_with[:120]}"
            title = f"{plan.short_kind} agreed: {plan.title}"
            key = window.key(plan.pk, "agreed")
            items.append(ChronologyItem(plan.activated_at, "plans", title, summary, url(plan), "success", key=key))
        if plan.status == SupportPlan.Status.ENDED and plan.ended_at:
            title = f"{plan.short_kind} ended: {plan.title}"
            key = window.key(plan.pk, "ended")
            items.append(
                ChronologyItem(plan.ended_at, "plans", title, plan.end_reason[:140], url(plan), "dark", key=key)
            )
    ids = list(plans)
    # The text already chose the plans.
    dated = replace(window, text="")
    versions = _rows(
        PlanVersion, ids, dated, when="saved_at", what="version", n="number", person="saved_by", extra="note"
    )
    reviews = _rows(
        PlanReview, ids, dated, when="created_at", what="review", n="version", person="reviewed_by", extra="outcome"
    )
    acks = _rows(
        PlanAcknowledgement, ids, dated, when="acknowledged_at", what="ack", n="version", person="user", extra=None
    )
    outcomes = dict(PlanReview.Outcome.choices)
    # "ack" < "review" < "version", as their streams sort in the chronology's order.
    order = ("when", "what", "key") if window.newer else ("-when", "-what", "-key")
    for row in versions.union(reviews, acks, all=True).order_by(*order)[: window.limit]:
        plan = plans[row["plan_id"]]
        key = window.key(row["key"], row["what"])
        who = f"{row['first']} {row['last']}".strip()
        if row["what"] == "version":
            title = f"{plan.short_kind}: {plan.title} (version {row['n']})"
            summary = f"Saved by {who}" + (f": {row['extra']}" if row["extra"] else "")
            items.append(ChronologyItem(row["when"], "plans", title, summary, url(plan), "info", key=key))
        elif row["what"] == "review":
            title = f"{plan.short_kind} reviewed: {outcomes.get(row['extra'], row['extra']).lower()}"
            items.append(ChronologyItem(row["when"], "plans", title, f"By {who}", url(plan), "primary", key=key))
        else:
            title = f"{plan.short_kind} read and understood (version {row['n']})"
            items.append(ChronologyItem(row["when"], "plans", title, f"By {who}", url(plan), "secondary", key=key))
    return items
