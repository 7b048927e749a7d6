"""What the behaviour sub-areas' views share: the school check and the pupil and incident pickers of their forms."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from pastoral import selectors as core_selectors
from pastoral.accounts import access
from pastoral.accounts.schools import current_school
from pastoral.pickers import search_response
from pastoral.pupils.picker import pupil_results

from .events.selectors import events_visible_to
from .pickers import INCIDENTS


def _school_with(request, *perms):
    """The school the user is working in, if their role there carries any of `perms`."""
    school = current_school(request)
    if school is None or not any(access.has_school_perm(request.user, school, perm) for perm in perms):
        raise PermissionDenied
    return school


def _require(user, school, perm):
    if not access.has_school_perm(user, school, perm):
        raise PermissionDenied


# The forms that choose a pupil with the picker: the quick log and removals, interventions and suspensions.
PICKER_PERMISSIONS = ("behaviour.record_event", "behaviour.record_intervention", "behaviour.record_suspension")


@login_required
def pupil_picker(request):
    """Type-ahead for the quick log and the removal, intervention and suspension forms: buttons that choose a pupil."""
    school = _school_with(request, *PICKER_PERMISSIONS)
    pupils = core_selectors.on_roll(core_selectors.pupils_visible_to(request.user).filter(school=school))
    return pupil_results(request, school, pupils, where="behaviour picker")


# The forms that choose incidents (behaviour events): restorative meetings and suspensions.
INCIDENT_PICKER_PERMISSIONS = ("behaviour.record_event", "behaviour.record_suspension")


@login_required
def incident_picker(request):
    """Type-ahead for the forms that link incidents: the school's current events the user may read."""
    school = _school_with(request, *INCIDENT_PICKER_PERMISSIONS)
    events = events_visible_to(request.user).filter(school=school, voided_at__isnull=True)
    return search_response(request, INCIDENTS, events, school)
