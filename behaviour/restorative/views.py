"""Views for restorative meetings: fetch → form → service → redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from pastoral.accounts import access
from pastoral.exceptions import PastoralError
from pastoral.forms import add_service_errors
from pastoral.lists import list_page

from ..events.selectors import events_visible_to
from ..events.views import _event_to_link
from ..views import _require, _school_with
from . import selectors, services
from .filters import restorative_filter
from .forms import RestorativeMeetingForm, RestorativeVoidForm


@login_required
def restorative_create(request):
    school = _school_with(request, "behaviour.record_event")
    event = _event_to_link(request, school)
    initial = {}
    if event:
        # The events logged together with it (the other pupils of the same incident) come chosen too.
        together = events_visible_to(request.user).filter(group=event.group, voided_at__isnull=True)
        initial["incidents"] = [event, *together.exclude(pk=event.pk).order_by("occurred_at", "pk")]
    form = RestorativeMeetingForm(request.POST or None, user=request.user, school=school, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.restorative_meeting_record(actor=request.user, school=school, **form.cleaned_data)
        except (PastoralError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Restorative meeting recorded.")
            return redirect("behaviour:restorative_detail", code=meeting.code)
    return render(request, "behaviour/restorative_form.html", {"form": form, "event": event})


@login_required
def restorative_detail(request, code):
    meeting = selectors.get_restorative_meeting_for_user(request.user, code)
    can_void = access.has_school_perm(request.user, meeting.school_id, "behaviour.void_event")
    if meeting.voided_at and not can_void:
        raise PermissionDenied
    context = {
        "meeting": meeting,
        "incidents": events_visible_to(request.user)
        .filter(restorative_meetings=meeting)
        .select_related("pupil", "category")
        .order_by("occurred_at"),
        "pupils": meeting.pupils.order_by("legal_last_name", "legal_first_name"),
        "void_form": RestorativeVoidForm() if can_void and not meeting.voided_at else None,
    }
    return render(request, "behaviour/restorative_detail.html", context)


@login_required
@require_POST
def restorative_void(request, code):
    meeting = selectors.get_restorative_meeting_for_user(request.user, code)
    _require(request.user, meeting.school_id, "behaviour.void_event")
    form = RestorativeVoidForm(request.POST)
    if not form.is_valid():
        context = {"meeting": meeting, "incidents": [], "pupils": [], "void_form": form}
        return render(request, "behaviour/restorative_detail.html", context, status=400)
    try:
        services.restorative_meeting_void(actor=request.user, meeting=meeting, reason=form.cleaned_data["reason"])
        messages.success(request, "Meeting voided. It stays on the record, marked as voided.")
    except PastoralError as exc:
        messages.error(request, str(exc))
    return redirect("behaviour:restorative_detail", code=meeting.code)


@login_required
def restorative_list(request):
    school = _school_with(request, "behaviour.view_event")
    listing = list_page(request, restorative_filter(request.user, school, request.GET))
    context = listing.context(can_record=access.has_school_perm(request.user, school, "behaviour.record_event"))
    return render(request, "behaviour/restorative_list.html", context)
