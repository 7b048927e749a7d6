"""Subject access requests: fetch → form → service → redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from .. import selectors as core_selectors
from ..accounts import access
from ..accounts.schools import current_school
from ..exceptions import PastoralError
from ..forms import add_service_errors
from ..lists import keyset_page
from . import selectors, services
from .forms import CloseForm, ExtendForm, IdentityForm, SarForm
from .permissions import MANAGE


@login_required
def sar_list(request):
    school = current_school(request)
    if school is None or not access.has_school_perm(request.user, school, MANAGE):
        raise PermissionDenied
    requests = selectors.requests_visible_to(request.user).filter(school=school).select_related("pupil")
    show = request.GET.get("show", "open")
    if show == "open":
        requests = selectors.open_requests(requests)
    page = keyset_page(request, requests.order_by("-received_on", "-id"))
    context = {"page": page, "show": show, "today": timezone.localdate()}
    return render(request, "pastoral/sar/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def sar_create(request, code):
    pupil = core_selectors.get_pupil_for_user(request.user, code)
    if not access.has_school_perm(request.user, pupil.school_id, MANAGE):
        raise PermissionDenied
    form = SarForm(request.POST or None, initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            sar = services.sar_record(actor=request.user, school=pupil.school, pupil=pupil, **form.cleaned_data)
        except (PastoralError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Request recorded. The one-month clock runs from the day it was received.")
            return redirect("pastoral:sar_detail", code=sar.code)
    status = 400 if form.errors else 200
    return render(request, "pastoral/sar/form.html", {"form": form, "pupil": pupil}, status=status)


def _detail(request, sar, status=200, **forms):
    context = {
        "sar": sar,
        "today": timezone.localdate(),
        "identity_form": forms.get("identity_form") or IdentityForm(),
        "extend_form": forms.get("extend_form") or ExtendForm(),
        "close_form": forms.get("close_form") or CloseForm(initial={"closed_on": timezone.localdate()}),
    }
    return render(request, "pastoral/sar/detail.html", context, status=status)


@login_required
def sar_detail(request, code):
    return _detail(request, selectors.get_request_for_user(request.user, code))


def _post(request, code, form_class, name, service, done):
    sar = selectors.get_request_for_user(request.user, code)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            service(actor=request.user, request=sar, **form.cleaned_data)
        except (PastoralError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("pastoral:sar_detail", code=sar.code)
    return _detail(request, sar, status=400, **{name: form})


@login_required
@require_POST
def sar_identity(request, code):
    return _post(request, code, IdentityForm, "identity_form", services.sar_identity_checked, "Identity check saved.")


@login_required
@require_POST
def sar_extend(request, code):
    return _post(request, code, ExtendForm, "extend_form", services.sar_extend, "Deadline extended.")


@login_required
@require_POST
def sar_close(request, code):
    return _post(request, code, CloseForm, "close_form", services.sar_close, "Request closed.")
