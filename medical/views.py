"""What the medical sub-areas' views share: the school check."""

from django.core.exceptions import PermissionDenied

from pastoral.accounts import access
from pastoral.accounts.schools import current_school


def school_with(request, *perms):
    """The school the user is working in, if their role there carries any of `perms`."""
    school = current_school(request)
    if school is None or not any(access.has_school_perm(request.user, school, perm) for perm in perms):
        raise PermissionDenied
    return school


def require(user, school, perm):
    if not access.has_school_perm(user, school, perm):
        raise PermissionDenied
