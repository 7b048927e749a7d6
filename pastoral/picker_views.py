"""The search endpoints of the core pickers (pastoral.pickers): pupils on roll and staff, in the current school."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from . import selectors
from .accounts import access
from .accounts.roles import Role
from .accounts.schools import current_school
from .models import Membership
from .pickers import STAFF, search_response
from .pupils.picker import pupil_results

PICKER_PERM = "pastoral.view_pupil"


def _school(request):
    school = current_school(request)
    if school is None or not access.has_school_perm(request.user, school, PICKER_PERM):
        raise PermissionDenied
    return school


@login_required
def pupil_picker(request):
    """Pupils on roll in the current school that the user sees."""
    school = _school(request)
    pupils = selectors.on_roll(selectors.pupils_visible_to(request.user).filter(school=school))
    return pupil_results(request, school, pupils, where="picker")


@login_required
def staff_picker(request):
    """Staff with a current role in the current school; with `?role=` (repeated), only holders of those roles,
    for a field that chooses among a team (a case owner from the DSL team, say)."""
    school = _school(request)
    today = timezone.localdate()
    here = Membership.objects.filter(school=school, starts_on__lte=today, approved_at__isnull=False)
    here = here.exclude(ends_on__lt=today)
    if "role" in request.GET:
        here = here.filter(role__in=[role for role in request.GET.getlist("role") if role in Role.values])
    staff = selectors.colleagues_visible_to(request.user).filter(id__in=here.values("user_id"))
    return search_response(request, STAFF, staff, school)
