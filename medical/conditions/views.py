"""Views for medical conditions: fetch → form → service → redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pastoral import selectors as core_selectors
from pastoral.exceptions import PastoralError
from pastoral.forms import add_service_errors
from pastoral.lists import list_page
from pastoral.pupils.picker import pupil_results

from ..selectors import MANAGE, RECORD, VIEW, can_record
from ..services import record_read
from ..views import require, school_with
from . import selectors, services
from .filters import condition_filter
from .forms import ConditionForm, ConditionTypeForm, VoidForm
from .models import ConditionType


def form_page(request, form, *, title, submit, cancel, crumbs=(), intro="", status=None):
    context = {"form": form, "title": title, "submit": submit, "cancel": cancel, "crumbs": crumbs, "intro": intro}
    return render(request, "medical/form.html", context, status=status or (400 if form.errors else 200))


MEDICAL = ("Medical", "medical:overview")


@login_required
def pupil_picker(request):
    """Type-ahead for the medical forms; each match shows its one-line alert."""
    school = school_with(request, RECORD)
    pupils = core_selectors.on_roll(core_selectors.pupils_visible_to(request.user).filter(school=school))
    return pupil_results(request, school, pupils, where="medical picker")


@login_required
def condition_list(request):
    school = school_with(request, VIEW)
    listing = list_page(request, condition_filter(request.user, school, request.GET))
    record_read(actor=request.user, action="medical.conditions.listed", school=school)
    return render(request, "medical/condition_list.html", listing.context(can_record=can_record(request.user, school)))


@login_required
def condition_create(request):
    school = school_with(request, RECORD)
    initial = {}
    if request.GET.get("pupil"):
        pupil = core_selectors.get_pupil_for_user(request.user, request.GET["pupil"])
        if pupil.school_id == school.pk:
            initial["pupil"] = pupil
    form = ConditionForm(request.POST or None, user=request.user, school=school, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            condition = services.condition_record(actor=request.user, school=school, **form.cleaned_data)
        except (PastoralError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Condition recorded. Its alert now shows to every member of staff.")
            return redirect("medical:condition_detail", code=condition.code)
    return form_page(
        request,
        form,
        title="Record a medical condition",
        submit="Record condition",
        cancel=reverse("medical:condition_list"),
        crumbs=[MEDICAL, ("Conditions", "medical:condition_list")],
    )


@login_required
def condition_detail(request, code):
    condition = selectors.get_condition_for_user(request.user, code)
    record_read(actor=request.user, action="medical.condition.viewed", obj=condition, pupil=condition.pupil)
    editable = can_record(request.user, condition.school_id) and not condition.voided_at
    context = {"condition": condition, "can_edit": editable, "void_form": VoidForm() if editable else None}
    return render(request, "medical/condition_detail.html", context)


@login_required
def condition_edit(request, code):
    condition = selectors.get_condition_for_user(request.user, code)
    require(request.user, condition.school_id, RECORD)
    initial = {f: getattr(condition, f) for f in services.FIELDS}
    form = ConditionForm(
        request.POST or None, user=request.user, school=condition.school, editing=True, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.condition_change(actor=request.user, condition=condition, **form.cleaned_data)
        except (PastoralError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Condition updated.")
            return redirect("medical:condition_detail", code=condition.code)
    return form_page(
        request,
        form,
        title=f"Change {condition.name} for {condition.pupil.display_name}",
        submit="Save changes",
        cancel=reverse("medical:condition_detail", args=[condition.code]),
        crumbs=[MEDICAL, ("Conditions", "medical:condition_list")],
    )


@login_required
@require_POST
def condition_void(request, code):
    condition = selectors.get_condition_for_user(request.user, code)
    require(request.user, condition.school_id, RECORD)
    form = VoidForm(request.POST)
    if form.is_valid():
        try:
            services.condition_void(actor=request.user, condition=condition, reason=form.cleaned_data["reason"])
            messages.success(request, "Condition voided. It stays on the record, marked as voided.")
        except PastoralError as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, "Give a reason for voiding this condition.")
    return redirect("medical:condition_detail", code=condition.code)


@login_required
def condition_type_list(request):
    school = school_with(request, MANAGE)
    types = selectors.condition_types_for(school)
    return render(request, "medical/condition_type_list.html", {"types": types})


@login_required
def condition_type_edit(request, code=None):
    school = school_with(request, MANAGE)
    condition_type = get_object_or_404(ConditionType, school=school, code=code) if code else None
    initial = {"name": condition_type.name, "active": condition_type.active} if condition_type else {}
    form = ConditionTypeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.condition_type_save(
                actor=request.user, school=school, condition_type=condition_type, **form.cleaned_data
            )
        except (PastoralError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The list of conditions is updated.")
            return redirect("medical:condition_type_list")
    return form_page(
        request,
        form,
        title="Change a condition on the list" if condition_type else "Add a condition to the list",
        submit="Save",
        cancel=reverse("medical:condition_type_list"),
        crumbs=[MEDICAL, ("Conditions list", "medical:condition_type_list")],
    )
