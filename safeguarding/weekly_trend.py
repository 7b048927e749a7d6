"""Safeguarding's lines of the weekly trend email: overdue counts only, never a concern's details."""

from django.urls import reverse

from pastoral.files.weekly_trend import register

from .dashboard import overdue_counts


def safeguarding_lines(user, school, today, trend):
    counts = overdue_counts(user, school)
    path = reverse("safeguarding:dashboard")
    trend.outstanding += [
        ("Safeguarding actions overdue", counts["actions"], path),
        ("Safeguarding referral follow-ups overdue", counts["referrals"], path),
        ("Child-protection file transfers overdue", counts["transfers"], path),
    ]


def register_lines():
    register("safeguarding", safeguarding_lines, order=40, permission="safeguarding.view_concerns")
