"""Views for the emergency card, the school's medical settings and the medical register."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render

from pastoral.accounts import access
from pastoral.forms import add_service_errors

from ..selectors import MANAGE, VIEW
from ..services import record_read
from ..views import school_with
from . import selectors, services
from .forms import RegisterForm, SettingsForm
from .models import settings_for


@login_required
def emergency_card(request):
    school = school_with(request, VIEW, MANAGE)
    config = settings_for(school)
    can_manage = access.has_school_perm(request.user, school, MANAGE)
    form = SettingsForm(request.POST or None, instance=config) if can_manage else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.settings_change(actor=request.user, school=school, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Emergency card and settings saved.")
                return redirect("medical:emergency_card")
    return render(
        request,
        "medical/emergency_card.html",
        {"config": config, "school": school, "form": form},
        status=400 if form is not None and form.errors else 200,
    )


@login_required
def medical_register(request):
    school = school_with(request, VIEW)
    form = RegisterForm(request.GET or None)
    pupils = []
    if form.is_bound and form.is_valid():
        pupils = selectors.register_pupils(
            request.user,
            school,
            year_group=form.cleaned_data["year_group"],
            form_name=form.cleaned_data["form_name"],
            upns=form.upn_list(),
        )
        record_read(actor=request.user, action="medical.register.viewed", school=school, data={"pupils": len(pupils)})
    return render(request, "medical/register.html", {"form": form, "pupils": pupils, "query": request.GET.urlencode()})
