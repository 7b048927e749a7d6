"""What the behaviour sub-areas' views share: the school check and the pupil picker of their forms."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from pastoral import selectors as core_selectors
from pastoral import services as core_services
from pastoral.accounts import access
from pastoral.accounts.schools import current_school


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
    text = request.GET.get("q", "").strip()
    results = []
    if len(text) >= 2:
        pupils = core_selectors.on_roll(core_selectors.pupils_visible_to(request.user).filter(school=school))
        results = list(core_selectors.pupil_search(pupils, text).order_by("legal_last_name", "legal_first_name")[:10])
        core_services.pupil_search_record(
            actor=request.user, school=school, text=text, results=results, where="behaviour picker"
        )
    return render(request, "behaviour/_pupil_picker_results.html", {"results": results, "q": text})
