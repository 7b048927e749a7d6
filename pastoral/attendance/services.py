"""Writes for attendance records kept in this app: part-time timetables."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from .. import audit
from ..accounts import access
from .models import PartTimeTimetable
from .permissions import MANAGE


def part_time_create(*, actor, pupil, reason, attends, start, review_on, end, agreed_with_parents, agreed_on=None):
    if not access.has_school_perm(actor, pupil.school_id, MANAGE):
        raise PermissionDenied
    timetable = PartTimeTimetable(
        school_id=pupil.school_id,
        pupil=pupil,
        reason=reason,
        attends=sorted(attends),
        start=start,
        review_on=review_on,
        end=end,
        agreed_with_parents=agreed_with_parents,
        agreed_on=agreed_on,
        created_by=actor,
    )
    with transaction.atomic():
        timetable.full_clean()
        timetable.save()
        audit.record("pastoral.attendance.part_time_created", actor=actor, obj=timetable, pupil=pupil)
    return timetable
