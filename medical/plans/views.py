"""Views for individual healthcare plans: fetch → form → service → redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from pastoral import selectors as core_selectors
from pastoral.exceptions import PastoralError
from pastoral.forms import add_service_errors
from pastoral.lists import list_page
from pastoral.pupils import leavers

from ..conditions.views import MEDICAL, form_page
from ..selectors import RECORD, SHARED_PLANS, VIEW, can_record
from ..services import record_read
from ..views import require, school_with
from . import selectors, services
from .filters import plan_filter
from .forms import PlanForm, ReviewForm
from .models import HealthcarePlan, default_review_date

CRUMBS = [MEDICAL, ("Healthcare plans", "medical:plan_list")]


@login_required
def plan_list(request):
    school = school_with(request, VIEW, SHARED_PLANS)
    listing = list_page(request, plan_filter(request.user, school, request.GET))
    record_read(actor=request.user, action="medical.plans.listed", school=school)
    context = listing.context(can_record=can_record(request.user, school), today=timezone.localdate())
    return render(request, "medical/plan_list.html", context)


@login_required
def plan_create(request):
    school = school_with(request, RECORD)
    pupil = None
    code = request.POST.get("pupil") or request.GET.get("pupil")
    if code:
        try:
            pupil = core_selectors.get_pupil_for_user(request.user, code)
        except (Http404, PermissionDenied):  # a bad code is simply no pupil; the picker field reports it
            pupil = None
        if pupil is not None and pupil.school_id != school.pk:
            pupil = None
    initial = {"pupil": pupil} if pupil else {}
    if pupil is not None:
        initial["ehcp_linked"] = pupil.sen_status == pupil.SEN.EHCP
        initial["conditions"] = list(pupil.medical_conditions.filter(voided_at__isnull=True))
    form = PlanForm(request.POST or None, user=request.user, school=school, pupil=pupil, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(actor=request.user, school=school, **form.cleaned_data)
        except (PastoralError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Healthcare plan saved.")
            return redirect("medical:plan_detail", code=plan.code)
    return form_page(
        request,
        form,
        title="New individual healthcare plan",
        submit="Save plan",
        cancel=reverse("medical:plan_list"),
        crumbs=CRUMBS,
        intro="DfE Template A. Family contacts come from the pupil's record. The review date is required and "
        "defaults to 12 months from today.",
    )


@login_required
def plan_detail(request, code):
    plan = selectors.get_plan_for_user(request.user, code)
    record_read(actor=request.user, action="medical.plan.viewed", obj=plan, pupil=plan.pupil)
    today = timezone.localdate()
    editable = can_record(request.user, plan.school_id) and leavers.may_write(request.user, plan.pupil)
    context = {
        "plan": plan,
        "today": today,
        "overdue": plan.review_overdue_on(today),
        "supporters": selectors.supporters_with_training(plan, today),
        "conditions": plan.conditions.select_related("condition_type"),
        "copied_to": plan.copied_to.order_by("last_name"),
        "contacts": plan.pupil.contacts.order_by("priority")[:2],
        "versions": plan.versions.select_related("replaced_by"),
        "can_edit": editable,
        "review_form": ReviewForm(initial={"reviewed_on": today, "next_review": default_review_date(today)})
        if editable and plan.status == HealthcarePlan.Status.ACTIVE
        else None,
    }
    return render(request, "medical/plan_detail.html", context)


@login_required
def plan_edit(request, code):
    plan = selectors.get_plan_for_user(request.user, code)
    require(request.user, plan.school_id, RECORD)
    form = PlanForm(
        request.POST or None, instance=plan, user=request.user, school=plan.school, pupil=plan.pupil, editing=True
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_change(actor=request.user, plan=plan, **form.cleaned_data)
        except (PastoralError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Plan updated. The earlier version is kept.")
            return redirect("medical:plan_detail", code=plan.code)
    return form_page(
        request,
        form,
        title=f"Change the healthcare plan for {plan.pupil.display_name}",
        submit="Save changes",
        cancel=reverse("medical:plan_detail", args=[plan.code]),
        crumbs=CRUMBS,
    )


@login_required
@require_POST
def plan_review(request, code):
    plan = selectors.get_plan_for_user(request.user, code)
    require(request.user, plan.school_id, RECORD)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.plan_review(actor=request.user, plan=plan, **form.cleaned_data)
            messages.success(request, "Review recorded.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except PastoralError as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, "Give the review date and the next review date.")
    return redirect("medical:plan_detail", code=plan.code)


@login_required
def plan_version(request, code, version):
    plan = selectors.get_plan_for_user(request.user, code)
    old = get_object_or_404(plan.versions, version=version)
    record_read(actor=request.user, action="medical.plan.viewed", obj=plan, pupil=plan.pupil, data={"version": version})
    labels = {f.name: f.verbose_name for f in HealthcarePlan._meta.get_fields() if hasattr(f, "verbose_name")}
    rows = [
        (labels.get(key, key).capitalize(), value)
        for key, value in old.data.items()
        if key not in ("school", "pupil", "recorded_by", "submission_key", "code")
    ]
    return render(request, "medical/plan_version.html", {"plan": plan, "old": old, "rows": rows})
