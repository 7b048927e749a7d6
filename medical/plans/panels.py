"""Healthcare plans' rows on the medical lead's panel: overdue reviews and arrangements due."""

from django.urls import reverse

from ..conditions.selectors import arrangements_due
from ..panels import add_rows
from .selectors import overdue_reviews, plans_visible_to


@add_rows
def plan_rows(user, school, today):
    due = arrangements_due(user, school, today)
    return [
        (
            "Healthcare plan reviews overdue",
            overdue_reviews(plans_visible_to(user).filter(school=school), today).count(),
            reverse("medical:plan_list") + "?overdue=1",
        ),
        ("Arrangements due within 2 weeks (no active plan yet)", len(due), reverse("medical:overview")),
    ]
