"""Views for removals from class: fetch → form → service → redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from pastoral.accounts import access
from pastoral.exceptions import PastoralError
from pastoral.forms import add_service_errors
from pastoral.lists import list_page

from ..events.views import _event_to_link
from ..views import _require, _school_with
from . import selectors, services
from .filters import removal_filter
from .forms import ParentsToldForm, RemovalForm, RemovalVoidForm


@login_required
def removal_create(request):
    school = _school_with(request, "behaviour.record_event")
    event = _event_to_link(request, school)
    initial = {"pupil": event.pupil, "lesson": event.period} if event else {}
    form = RemovalForm(request.POST or None, user=request.user, school=school, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            removal = services.removal_record(actor=request.user, school=school, event=event, **form.cleaned_data)
        except (PastoralError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Removal recorded.")
            return redirect("behaviour:removal_detail", code=removal.code)
    return render(request, "behaviour/removal_form.html", {"form": form, "event": event})


@login_required
def removal_detail(request, code):
    removal = selectors.get_removal_for_user(request.user, code)
    can_void = access.has_school_perm(request.user, removal.school_id, "behaviour.void_event")
    if removal.voided_at and not can_void:
        raise PermissionDenied
    return render(request, "behaviour/removal_detail.html", _detail_context(request, removal))


def _detail_context(request, removal, **forms):
    can_void = access.has_school_perm(request.user, removal.school_id, "behaviour.void_event")
    can_record = access.has_school_perm(request.user, removal.school_id, "behaviour.record_event")
    live = not removal.voided_at
    return {
        "removal": removal,
        "void_form": forms.get("void_form", RemovalVoidForm() if can_void and live else None),
        "told_form": forms.get(
            "told_form", ParentsToldForm() if can_record and live and not removal.parents_told else None
        ),
    }


@login_required
@require_POST
def removal_parents_told(request, code):
    removal = selectors.get_removal_for_user(request.user, code)
    _require(request.user, removal.school_id, "behaviour.record_event")
    form = ParentsToldForm(request.POST)
    if form.is_valid():
        try:
            services.removal_parents_told(actor=request.user, removal=removal, **form.cleaned_data)
        except (PastoralError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Recorded that parents or carers were told.")
            return redirect("behaviour:removal_detail", code=removal.code)
    context = _detail_context(request, removal, told_form=form)
    return render(request, "behaviour/removal_detail.html", context, status=400)


@login_required
@require_POST
def removal_void(request, code):
    removal = selectors.get_removal_for_user(request.user, code)
    _require(request.user, removal.school_id, "behaviour.void_event")
    form = RemovalVoidForm(request.POST)
    if not form.is_valid():
        return render(
            request, "behaviour/removal_detail.html", _detail_context(request, removal, void_form=form), status=400
        )
    try:
        services.removal_void(actor=request.user, removal=removal, reason=form.cleaned_data["reason"])
        messages.success(request, "Removal voided. It stays on the record, marked as voided.")
    except PastoralError as exc:
        messages.error(request, str(exc))
    return redirect("behaviour:removal_detail", code=removal.code)


@login_required
def removal_list(request):
    school = _school_with(request, "behaviour.view_event")
    listing = list_page(request, removal_filter(request.user, school, request.GET))
    context = listing.context(can_record=access.has_school_perm(request.user, school, "behaviour.record_event"))
    return render(request, "behaviour/removal_list.html", context)
