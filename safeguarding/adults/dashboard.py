"""The case manager's panel on the home page: open cases and allegations still waiting for the LADO."""

from django.db.models import Count, Q

from pastoral.dashboard import Panel

from . import selectors
from .models import AdultCase


def adult_cases_panel(request, school):
    user = request.user
    if school is None or not selectors.manages_in(user, school):
        return None
    open_cases = selectors.cases_visible_to(user).filter(school=school, status=AdultCase.Status.OPEN)
    counts = open_cases.aggregate(
        open_count=Count("pk"),
        awaiting_lado=Count("pk", filter=Q(kind=AdultCase.Kind.ALLEGATION, lado_referred_on__isnull=True)),
    )
    return Panel("Concerns about adults", "safeguarding/adults/_home_panel.html", counts)
