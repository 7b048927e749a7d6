"""The leads' dashboard panel and digest lines for physical interventions."""

from django.urls import reverse

from pastoral import dashboard
from pastoral.accounts import access
from pastoral.files.digest import DigestLine

from .selectors import attention_counts, can_see_all, expiring_training


def _rows(user, school):
    counts = attention_counts(user, school)
    base = reverse("behaviour:intervention_list")
    rows = [
        ("Parents not yet told (and no decision to withhold)", counts["parents"], f"{base}?show=parents"),
        ("Debriefs overdue (due within 2 school days)", counts["debriefs"], f"{base}?show=debriefs"),
        ("Awaiting sign-off", counts["review"], f"{base}?show=review"),
        ("Staff named without in-date positive-handling training", counts["untrained"], f"{base}?show=untrained"),
    ]
    if access.has_school_perm(user, school, "behaviour.view_training"):
        rows.append(
            (
                "Training expiring in the next 60 days",
                expiring_training(user, school).count(),
                reverse("behaviour:training_expiring"),
            )
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
