"""Views for keywork: fetch → form → service → message → redirect."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pastoral.accounts import access
from pastoral.accounts.schools import current_school
from pastoral.dates import uk_date
from pastoral.exceptions import PastoralError
from pastoral.forms import add_service_errors
from pastoral.lists import list_page
from pastoral.pupils import leavers

from . import selectors, services
from .filters import session_filter
from .forms import FACES, AssignForm, ConcernForm, FrequencyForm, SessionForm, action_formset
from .models import KeyworkAssignment

SESSIONS_ON_PUPIL_PAGE = 50


def _school_with(request, *perms):
    school = current_school(request)
    if school is None or not any(access.has_school_perm(request.user, school, perm) for perm in perms):
        raise PermissionDenied
    return school


def _readable_plans(user, school):
    from provision.plans.selectors import plans_visible_to

    if not access.has_school_perm(user, school, "provision.view_plan"):
        return None
    return plans_visible_to(user)


@login_required
def caseload(request):
    """A keyworker's caseload: their own, or (for the leads) any keyworker's chosen from the list."""
    school = _school_with(request, selectors.KEYWORK)
    user = request.user
    keyworker = user
    manager = selectors.may_manage(user, school)
    keyworkers = list(selectors.keyworkers_in(school)) if manager else []
    if request.GET.get("keyworker") and manager:
        keyworker = next((k for k in keyworkers if str(k.code) == request.GET["keyworker"]), None)
        if keyworker is None:
            raise Http404("No such keyworker")
    plans = _readable_plans(user, school)
    rows = selectors.caseload(user, keyworker, school, plans=plans)
    context = {
        "rows": rows,
        "keyworker": keyworker,
        "keyworkers": keyworkers,
        "manager": manager,
        "faces": FACES,
        "overdue": sum(1 for row in rows if row.overdue),
        "plans_shown": plans is not None,
    }
    return render(request, "provision/keywork/caseload.html", context)


@login_required
def session_list(request):
    school = _school_with(request, selectors.KEYWORK)
    listing = list_page(request, session_filter(request.user, school, request.GET))
    return render(request, "provision/keywork/session_list.html", listing.context(faces=FACES))


@login_required
def assign(request):
    school = _school_with(request, selectors.MANAGE)
    initial = {"pupil": request.GET["pupil"]} if request.GET.get("pupil") else {}
    form = AssignForm(request.POST or None, user=request.user, school=school, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            assignment = services.assignment_create(actor=request.user, **form.cleaned_data)
        except (PastoralError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, f"{assignment.keyworker.get_full_name()} now keyworks {assignment.pupil.display_name}."
            )
            return redirect("provision:keywork_pupil", code=assignment.pupil.code)
    return render(request, "provision/keywork/assign.html", {"form": form})


@login_required
@require_POST
def assignment_end(request, code):
    assignment = selectors.get_assignment_for_manager(request.user, code)
    try:
        services.assignment_end(actor=request.user, assignment=assignment)
    except PastoralError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{assignment.keyworker.get_full_name()}'s keywork has ended.")
    return redirect("provision:keywork_pupil", code=assignment.pupil.code)


@login_required
@require_POST
def assignment_frequency(request, code):
    assignment = selectors.get_assignment_for_manager(request.user, code)
    form = FrequencyForm(request.POST)
    if form.is_valid() and assignment.current:
        services.assignment_change(actor=request.user, assignment=assignment, **form.cleaned_data)
        messages.success(request, "Agreed contact changed.")
    else:
        messages.error(request, "Choose how often they agreed to meet.")
    return redirect("provision:keywork_pupil", code=assignment.pupil.code)


@login_required
def keywork_pupil(request, code):
    """A pupil's keywork: keyworkers, sessions and open actions, for those who may read the notes."""
    pupil = selectors.get_pupil_notes_for_user(request.user, code)
    services.notes_viewed(actor=request.user, pupil=pupil)
    assignments = list(
        KeyworkAssignment.objects.filter(pupil=pupil).select_related("keyworker").order_by("-ends_on", "starts_on")
    )
    sessions = list(
        selectors.sessions_visible_to(request.user)
        .filter(pupil=pupil)
        .select_related("author")
        .order_by("-held_on", "-pk")[:SESSIONS_ON_PUPIL_PAGE]
    )
    actions = list(
        selectors.actions_visible_to(request.user)
        .filter(pupil=pupil, done_at__isnull=True)
        .select_related("owner")
        .order_by("due_on", "pk")
    )
    context = {
        "pupil": pupil,
        "assignments": assignments,
        "sessions": sessions,
        "actions": actions,
        "faces": FACES,
        "manager": selectors.may_manage(request.user, pupil.school_id),
        # Read through an emergency (break-glass) opening: no logging from here.
        "may_log": selectors.may_read_notes(request.user, pupil) and leavers.may_write(request.user, pupil),
        "frequency_form": FrequencyForm(),
    }
    return render(request, "provision/keywork/pupil.html", context)


@login_required
def session_log(request, code):
    pupil = selectors.get_pupil_notes_for_user(request.user, code, for_writing=True)
    form = SessionForm(request.POST or None)
    actions = action_formset(request.POST or None, school=pupil.school, owner=request.user)
    if request.method == "POST" and form.is_valid() and actions.is_valid():
        agreed = [item for item in (f.action() for f in actions.forms) if item]
        try:
            session = services.session_log(actor=request.user, pupil=pupil, actions=agreed, **form.cleaned_data)
        except (PastoralError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{session.get_kind_display()} with {pupil.display_name} logged.")
            return redirect("provision:keywork_session", code=session.code)
    return render(request, "provision/keywork/log.html", {"pupil": pupil, "form": form, "actions": actions})


@login_required
def session_detail(request, code):
    session = selectors.get_session_for_user(request.user, code)
    services.session_viewed(actor=request.user, session=session)
    context = {
        "session": session,
        "actions": list(session.actions.select_related("owner", "done_by")),
        "faces": FACES,
        "concern_form": ConcernForm(),
        "may_log": selectors.may_read_notes(request.user, session.pupil)
        and leavers.may_write(request.user, session.pupil),
    }
    return render(request, "provision/keywork/session.html", context)


@login_required
@require_POST
def session_concern(request, code):
    """ "This raised a safeguarding worry": the raise-a-concern form with the pupil filled in. What was discussed
    goes with it only when the author ticks the box."""
    session = selectors.get_session_for_user(request.user, code)
    if not access.has_school_perm(request.user, session.school_id, "safeguarding.raise_concern"):
        raise PermissionDenied
    query = {"pupil": str(session.pupil.code)}
    form = ConcernForm(request.POST)
    if form.is_valid() and form.cleaned_data["copy"] and session.discussion:
        query["account"] = f"During a keywork {session.get_kind_display().lower()} on {uk_date(session.held_on)}: " + (
            session.discussion
        )
    return redirect(reverse("safeguarding:concern_create") + "?" + urlencode(query))


@login_required
@require_POST
def action_done(request, code):
    action = selectors.get_action_for_user(request.user, code)
    try:
        services.action_done(actor=request.user, action=action)
    except PastoralError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Action done.")
    target = request.POST.get("next")
    if target == "session":
        return redirect("provision:keywork_session", code=action.session.code)
    return redirect("provision:keywork_pupil", code=action.pupil.code)
