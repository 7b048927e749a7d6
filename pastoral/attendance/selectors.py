"""What attendance a user may see: marks of pupils in schools where they hold `pastoral.view_attendance`."""

from django.core.exceptions import PermissionDenied

from ..accounts import access
from ..accounts.schools import current_school
from ..models import Pupil
from .models import AttendanceMark
from .permissions import VIEW


def marks_visible_to(user):
    return AttendanceMark.objects.filter(school_id__in=access.schools_with_perm(user, VIEW))


def pupils_visible_to(user):
    """Pupils whose attendance the user may read."""
    return Pupil.objects.filter(school_id__in=access.schools_with_perm(user, VIEW))


def may_view(user, school):
    return access.has_school_perm(user, school, VIEW)


def school_for(request, perm=VIEW):
    """The school chosen in the switcher, or 403 when the user's role there does not allow `perm`."""
    school = current_school(request)
    if school is None or not access.has_school_perm(request.user, school, perm):
        raise PermissionDenied
    return school


def alerts_visible_to(user):
    """Alerts in schools where the user acts on attendance (manage_attendance)."""
    from .models import AttendanceAlert
    from .permissions import MANAGE

    return AttendanceAlert.objects.filter(school_id__in=access.schools_with_perm(user, MANAGE))


def get_alert_for_user(user, code):
    """The alert, 404 outside the user's schools, 403 for staff of its school who do not act on attendance."""
    from django.http import Http404

    from .models import AttendanceAlert
    from .permissions import MANAGE

    alert = AttendanceAlert.objects.select_related("pupil", "school").filter(code=code).first()
    if alert is None:
        raise Http404("No such alert")
    if access.has_school_perm(user, alert.school_id, MANAGE):
        return alert
    if access.is_member_of(user, alert.school_id):
        raise PermissionDenied
    raise Http404("No such alert")


def part_time_visible_to(user):
    from .models import PartTimeTimetable

    return PartTimeTimetable.objects.filter(school_id__in=access.schools_with_perm(user, VIEW))
