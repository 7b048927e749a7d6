"""What the register should say while a pupil is suspended (statutory rules §3.4), for the attendance cross-check.

`E` until provision is arranged; from the day provision starts, the code of that provision: `B`
(school-arranged, supervised), `D` (dual registered) or `K` (arranged by the LA).
"""

import datetime

from django.db.models import Q
from django.urls import reverse

from pastoral.attendance.expectations import Expectation

from .models import Suspension
from .selectors import suspensions_visible_to

NO_PROVISION = ("E",)
PROVISION = ("B", "D", "K")
ONE_DAY = datetime.timedelta(days=1)


def suspension_expectations(user, school, start, end):
    suspensions = (
        suspensions_visible_to(user)
        .filter(school=school, status=Suspension.Status.FINALISED, voided_at__isnull=True, start_date__lte=end)
        .exclude(kind=Suspension.Kind.LUNCHTIME)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
    )
    found = []
    for suspension in suspensions:
        link = reverse("behaviour:suspension_detail", args=[suspension.code])
        last = suspension.end_date or end
        label = suspension.get_kind_display().lower()
        provision = suspension.provision_start
        first = suspension.start_date
        if suspension.start_session == Suspension.Session.PM:
            found.append(Expectation(suspension.pupil_id, first, first, NO_PROVISION, f"{label}: E", link, "PM"))
            first += ONE_DAY
        if first > last:
            continue
        if provision and provision <= last:
            if provision > first:
                found.append(
                    Expectation(suspension.pupil_id, first, provision - ONE_DAY, NO_PROVISION, f"{label}: E", link)
                )
            found.append(
                Expectation(
                    suspension.pupil_id,
                    max(provision, first),
                    last,
                    PROVISION,
                    f"{label} with provision: B, D or K",
                    link,
                )
            )
        else:
            found.append(Expectation(suspension.pupil_id, first, last, NO_PROVISION, f"{label}, no provision: E", link))
    return found


def seed_suspension_marks(school, staff_by_role, pupils, rng, term):
    """Demo: suspended days carry E in the demo register, except one pupil in provision whose marks stayed E
    after the provision started (B, D or K expected), so the attendance cross-check has a mismatch to show."""
    from pastoral.attendance.models import AttendanceMark, Counts

    suspensions = list(
        Suspension.objects.filter(school=school, status=Suspension.Status.FINALISED, voided_at__isnull=True)
        .exclude(kind=Suspension.Kind.LUNCHTIME)
        .order_by("start_date", "pk")
    )
    for index, suspension in enumerate(suspensions):
        last = suspension.end_date or suspension.start_date
        marks = AttendanceMark.objects.filter(
            pupil_id=suspension.pupil_id, date__gte=suspension.start_date, date__lte=last
        )
        marks.update(code="E", counts=Counts.AUTHORISED, note="")
        if index == 0 and last > suspension.start_date:
            # The AP placement from the second day: the register should say B, but it still says E.
            Suspension.objects.filter(pk=suspension.pk).update(
                provision_start=suspension.start_date + ONE_DAY,
                provision="Off-site placement at the Northfield Learning Centre",
                provision_by="The school",
            )
