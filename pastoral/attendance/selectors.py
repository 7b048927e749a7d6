"""What attendance a user may see: marks of pupils in schools where they hold `pastoral.view_attendance`."""

from django.core.exceptions import PermissionDenied

from ..accounts import access
from ..accounts.schools import current_school
from ..models import Pupil
from .apps import VIEW
from .models import AttendanceMark


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
