"""What the register should say while a pupil is at alternative provision (the core's expectations registry).

For each active placement the school may see, every timetabled session from its start to its end (or the day
asked) should carry the placement's code: B, D or K. A session the provider marked absent should not, so those
sessions are left out; the school codes the absence itself.
"""

import datetime

from django.urls import reverse

from pastoral.attendance.expectations import Expectation

from .models import AttendanceReturn, Placement
from .selectors import placements_visible_to

ONE_DAY = datetime.timedelta(days=1)


def placement_expectations(user, school, start, end):
    placements = list(
        placements_visible_to(user)
        .filter(school=school, status__in=(Placement.Status.ACTIVE, Placement.Status.ENDED), start__lte=end)
        .exclude(attendance_code="")
        .exclude(started_at__isnull=True)
        .select_related("provider")
    )
    if not placements:
        return []
    absent = set(
        AttendanceReturn.objects.filter(
            placement__in=placements, date__gte=start, date__lte=end, mark=AttendanceReturn.Mark.ABSENT
        ).values_list("placement_id", "date", "session")
    )
    found = []
    for placement in placements:
        last = min(d for d in (end, placement.planned_end, placement.ended_on) if d is not None)
        day = max(start, placement.start)
        link = reverse("provision:ap_placement_detail", args=[placement.code])
        reason = f"at alternative provision ({placement.provider.name}): {placement.attendance_code}"
        while day <= last:
            for session in placement.sessions_on(day):
                if (placement.pk, day, session) not in absent:
                    found.append(
                        Expectation(placement.pupil_id, day, day, (placement.attendance_code,), reason, link, session)
                    )
            day += ONE_DAY
    return found
