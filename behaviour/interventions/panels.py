"""The leads' dashboard panel, digest lines and weekly trend lines for physical interventions."""

from django.urls import reverse

from pastoral import dashboard
from pastoral.accounts import access
from pastoral.files.digest import DigestLine
from pastoral.files.weekly_trend import trend_line, weekly_counts

from .selectors import attention_counts, can_see_all, current, expiring_training, restrictive_interventions_visible_to


def _rows(user, school):
    training = access.has_school_perm(user, school, "behaviour.view_training")
    counts = attention_counts(user, school, also={"expiring": expiring_training(user, school)} if training else None)
    base = reverse("behaviour:intervention_list")
    rows = [
        ("Parents not yet told (and no decision to withhold)", counts["parents"], f"{base}?show=parents"),
        ("Debriefs overdue (due within 2 school days)", counts["debriefs"], f"{base}?show=debriefs"),
        ("Awaiting sign-off", counts["review"], f"{base}?show=review"),
        ("Staff named without in-date positive-handling training", counts["untrained"], f"{base}?show=untrained"),
    ]
    if training:
        rows.append(
            ("Training expiring in the next 60 days", counts["expiring"], reverse("behaviour:training_expiring"))
        )
    return rows


def interventions_panel(request, school):
    if school is None or not can_see_all(request.user, school):
        return None
    return dashboard.Panel(
        "Physical interventions", "behaviour/interventions/_panel.html", {"rows": _rows(request.user, school)}
    )


def intervention_digest_lines(school, recipient, today):
    if not can_see_all(recipient, school):
        return []
    return [DigestLine(label, count, path) for label, count, path in _rows(recipient, school)]


def intervention_lines(user, school, today, trend):
    records = current(restrictive_interventions_visible_to(user).filter(school=school))
    counts = weekly_counts(records, "occurred_on", trend.weeks, as_datetime=False)
    trend.trends.append(trend_line("Physical interventions", counts))
    attention = attention_counts(user, school, today)
    path = reverse("behaviour:intervention_list")
    trend.outstanding += [
        ("Physical interventions: parents not yet told", attention["parents"], f"{path}?show=parents"),
        ("Physical interventions: debriefs overdue", attention["debriefs"], f"{path}?show=debriefs"),
        ("Physical interventions: awaiting sign-off", attention["review"], f"{path}?show=review"),
    ]
