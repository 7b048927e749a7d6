"""The keyworker's dashboard panel: the pupils on their caseload whose agreed contact is overdue."""

from django.urls import reverse

from pastoral import dashboard
from pastoral.accounts import access

from . import selectors
from .models import KeyworkAssignment


def caseload_probe(request, school):
    """Only a keyworker with a current assignment in the school has a caseload to show."""
    if school is None or not access.has_school_perm(request.user, school, selectors.KEYWORK):
        return None
    return selectors.current(KeyworkAssignment.objects.filter(keyworker=request.user, school=school))


def caseload_panel(request, school):
    user = request.user
    if school is None or not access.has_school_perm(user, school, selectors.KEYWORK):
        return None
    rows = selectors.caseload(user, user, school)
    if not rows:
        return None
    overdue = [row for row in rows if row.overdue]
    return dashboard.Panel(
        "My keywork caseload",
        "provision/keywork/_panel.html",
        {
            "overdue": overdue[:10],
            "overdue_count": len(overdue),
            "total": len(rows),
            "url": reverse("provision:caseload"),
        },
    )
