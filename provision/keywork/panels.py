"""The keyworker's dashboard panel: the pupils on their caseload whose agreed contact is overdue."""

from django.urls import reverse

from pastoral import dashboard
from pastoral.accounts import access

from . import selectors


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
