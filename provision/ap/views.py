"""Views for alternative provision: fetch → form → service → message → redirect."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from pastoral.accounts import access
from pastoral.accounts.schools import current_school
from pastoral.exceptions import PastoralError
from pastoral.files import uploads
from pastoral.forms import add_service_errors
from pastoral.lists import keyset_page

from ..plans.kinds import Kind
from . import dashboard as ap_dashboard
from . import selectors, services
from .forms import (
    AccountForm,
    AgreeForm,
    CheckForm,
    DocumentForm,
    EndForm,
    ObjectiveForm,
    PlacementEditForm,
    PlacementForm,
    ProviderForm,
    ReviewForm,
    SchoolSettingsForm,
    ShareForm,
    SiteForm,
)
from .models import DueDiligenceCheck, Placement, ProgressReport, Provider, ProviderAccount


def _school_with(request, *perms):
    school = current_school(request)
    if school is None or not any(access.has_school_perm(request.user, school, perm) for perm in perms):
        raise PermissionDenied
    return school


def _file(record, field, name):
    stored = getattr(record, field)
    if not stored:
        raise Http404("No document")
    content_type = getattr(record, f"{field}_type")
    return uploads.file_response(
        stored, content_type=content_type, filename=uploads.download_name(name or "document", content_type)
    )


# Dashboard, register and settings ---------------------------------------------------------------------------------


@login_required
def dashboard(request):
    school = _school_with(request, selectors.VIEW)
    context = ap_dashboard.dashboard_context(request.user, school)
    context["can_manage"] = selectors.can_manage(request.user, school)
    return render(request, "provision/ap/dashboard.html", context)


@login_required
def provider_list(request):
    school = _school_with(request, selectors.VIEW)
    providers = selectors.providers_visible_to(request.user).filter(trust_id=school.trust_id)
    rows = list(providers.order_by("name", "pk"))
    checks = selectors.latest_checks([p.pk for p in rows])
    for provider in rows:
        provider.expired, provider.missing = selectors.check_state(checks.get(provider.pk, {}))
    context = {
        "providers": rows,
        "warnings": selectors.registration_warnings(providers),
        "can_manage": selectors.can_manage(request.user, school),
    }
    return render(request, "provision/ap/provider_list.html", context)


@login_required
def provider_create(request):
    school = _school_with(request, selectors.MANAGE)
    form = ProviderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            provider = services.provider_save(actor=request.user, provider=form.instance, school=school)
        except (PastoralError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Provider added. Now record its due-diligence checks.")
            return redirect("provision:ap_provider_detail", code=provider.code)
    return render(request, "provision/ap/form.html", {"form": form, "title": "Add a provider", "multipart": False})


@login_required
def provider_detail(request, code):
    provider = selectors.get_provider_for_user(request.user, code)
    checks = list(provider.checks.select_related("checked_by"))
    latest = selectors.latest_checks([provider.pk]).get(provider.pk, {})
    expired, missing = selectors.check_state(latest)
    school = current_school(request)
    placements = (
        selectors.placements_visible_to(request.user)
        .filter(provider=provider)
        .select_related("pupil", "school")
        .order_by("-start")[:100]
    )
    context = {
        "provider": provider,
        "sites": list(provider.sites.all()),
        "checks": checks,
        "expired": [DueDiligenceCheck.Kind(k).label for k in expired],
        "missing": [DueDiligenceCheck.Kind(k).label for k in missing],
        "placements": list(placements),
        "accounts": list(provider.accounts.select_related("user")),
        "warning": next((w for w in selectors.registration_warnings(Provider.objects.filter(pk=provider.pk))), None),
        "can_manage": selectors.providers_managed_by(request.user).filter(pk=provider.pk).exists()
        and school is not None
        and selectors.can_manage(request.user, school),
    }
    return render(request, "provision/ap/provider_detail.html", context)


@login_required
def provider_edit(request, code):
    provider = selectors.get_managed_provider(request.user, code)
    form = ProviderForm(request.POST or None, instance=provider)
    if request.method == "POST" and form.is_valid():
        try:
            services.provider_save(actor=request.user, provider=form.instance)
        except (PastoralError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Provider saved.")
            return redirect("provision:ap_provider_detail", code=provider.code)
    title = f"Change {provider.name}"
    return render(request, "provision/ap/form.html", {"form": form, "title": title, "provider": provider})


@login_required
def site_create(request, code):
    provider = selectors.get_managed_provider(request.user, code)
    form = SiteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.site_add(actor=request.user, provider=provider, **form.cleaned_data)
        except (PastoralError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Site added.")
            return redirect("provision:ap_provider_detail", code=provider.code)
    context = {"form": form, "title": f"Add a site of {provider.name}", "provider": provider}
    return render(request, "provision/ap/form.html", context)


@login_required
def check_create(request, code):
    provider = selectors.get_managed_provider(request.user, code)
    initial = {"kind": request.GET.get("kind")} if request.GET.get("kind") in DueDiligenceCheck.Kind.values else {}
    form = CheckForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.check_record(actor=request.user, provider=provider, **form.cleaned_data)
        except (PastoralError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Check recorded.")
            return redirect("provision:ap_provider_detail", code=provider.code)
    context = {"form": form, "title": f"Record a check of {provider.name}", "provider": provider, "multipart": True}
    return render(request, "provision/ap/form.html", context)


@login_required
def check_document(request, code, check_code):
    provider = selectors.get_provider_for_user(request.user, code)
    check = get_object_or_404(DueDiligenceCheck, provider=provider, code=check_code)
    return _file(check, "document", check.document_name)


@login_required
def account_create(request, code):
    school = _school_with(request, selectors.MANAGE)
    provider = selectors.get_managed_provider(request.user, code)
    initial = {"email": provider.email}
    form = AccountForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.provider_account_create(actor=request.user, provider=provider, school=school, **form.cleaned_data)
        except (PastoralError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                "Account made. Once a headteacher or trust DSL approves it, send the contact the password link.",
            )
            return redirect("provision:ap_provider_detail", code=provider.code)
    context = {"form": form, "title": f"An account for {provider.name}'s contact", "provider": provider}
    return render(request, "provision/ap/form.html", context)


@login_required
@require_POST
def account_send_link(request, code, account_code):
    provider = selectors.get_managed_provider(request.user, code)
    account = get_object_or_404(
        ProviderAccount.objects.select_related("user", "provider"), provider=provider, code=account_code
    )
    try:
        services.account_send_link(actor=request.user, account=account)
        messages.success(request, "The link to choose a password is on its way.")
    except PastoralError as exc:
        messages.error(request, str(exc))
    return redirect("provision:ap_provider_detail", code=provider.code)


@login_required
def ap_settings(request):
    school = _school_with(request, selectors.MANAGE)
    found = selectors.school_settings(school)
    initial = {
        "return_cutoff": found.return_cutoff,
        "review_weeks": found.review_weeks,
        "check_valid_months": selectors.check_months(school.trust_id),
    }
    form = SchoolSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.school_settings_save(
            actor=request.user, school=school, return_cutoff=data["return_cutoff"], review_weeks=data["review_weeks"]
        )
        services.trust_settings_save(
            actor=request.user, trust=school.trust, check_valid_months=data["check_valid_months"]
        )
        messages.success(request, "Settings saved.")
        return redirect("provision:ap_dashboard")
    return render(request, "provision/ap/form.html", {"form": form, "title": "Alternative provision settings"})


@login_required
def trust_view(request):
    """Every placement of the trust's schools and the spend, for trust leaders."""
    if not access.has_any_school_perm(request.user, selectors.TRUST):
        raise PermissionDenied
    placements = (
        Placement.objects.filter(school_id__in=access.schools_with_perm(request.user, selectors.TRUST))
        .select_related("pupil", "school", "provider")
        .order_by("-start", "-pk")
    )
    listing = keyset_page(request, placements)
    context = {"page": listing, "spend": ap_dashboard.spend_by_school(request.user)}
    return render(request, "provision/ap/trust.html", context)


# Placements -----------------------------------------------------------------------------------------------------


@login_required
def placement_list(request):
    school = _school_with(request, selectors.VIEW)
    rows = (
        selectors.placements_visible_to(request.user)
        .filter(school=school)
        .select_related("pupil", "provider")
        .order_by("-start", "-pk")
    )
    status = request.GET.get("status")
    if status in Placement.Status.values:
        rows = rows.filter(status=status)
    listing = keyset_page(request, rows)
    context = {
        "page": listing,
        "status": status,
        "statuses": Placement.Status.choices,
        "can_manage": selectors.can_manage(request.user, school),
    }
    return render(request, "provision/ap/placement_list.html", context)


@login_required
def placement_create(request):
    school = _school_with(request, selectors.MANAGE)
    providers = selectors.providers_managed_by(request.user).filter(trust_id=school.trust_id).order_by("name")
    initial = {
        "review_weeks": selectors.school_settings(school).review_weeks,
        "start": timezone.localdate(),
        "attendance_code": Placement.Code.B,
    }
    if request.GET.get("pupil"):
        initial["pupil"] = request.GET["pupil"]
    form = PlacementForm(request.POST or None, user=request.user, school=school, providers=providers, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            placement = services.placement_create(actor=request.user, **form.service_kwargs())
        except (PastoralError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Placement proposed. Add the agreement and what is shared, then agree it.")
            return redirect("provision:ap_placement_detail", code=placement.code)
    return render(request, "provision/ap/placement_form.html", {"form": form})


@login_required
def placement_detail(request, code):
    placement = selectors.get_placement_for_user(request.user, code)
    services.placement_viewed(actor=request.user, placement=placement)
    can_manage = selectors.can_manage(request.user, placement.school_id)
    today = timezone.localdate()
    context = {
        "placement": placement,
        "objectives": list(placement.objectives.all()),
        "shared": list(placement.information_shared.select_related("shared_by")),
        "returns": list(placement.returns.select_related("submitted_by")[:40]),
        "reviews": list(placement.reviews.select_related("reviewed_by").prefetch_related("progress__objective")),
        "reports": list(placement.progress_reports.select_related("submitted_by")),
        "can_manage": can_manage,
        "problems": services.start_problems(placement) if placement.status == Placement.Status.AGREED else [],
        "review_overdue": placement.review_overdue(today),
    }
    if can_manage and placement.status != Placement.Status.ENDED:
        context.update(
            objective_form=ObjectiveForm(),
            share_form=ShareForm(),
            agreement_form=DocumentForm(),
            agree_form=AgreeForm() if placement.status == Placement.Status.PROPOSED else None,
        )
    return render(request, "provision/ap/placement_detail.html", context)


def _post_form(request, code, form_class, action, success):
    placement = selectors.get_managed_placement(request.user, code)
    form = form_class(request.POST, request.FILES or None)
    if form.is_valid():
        try:
            action(placement, form.cleaned_data)
            messages.success(request, success)
        except (PastoralError, ValidationError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.error(request, "Check the form: " + "; ".join(e for errs in form.errors.values() for e in errs))
    return redirect("provision:ap_placement_detail", code=placement.code)


@login_required
@require_POST
def objective_create(request, code):
    def action(placement, data):
        services.objective_add(actor=request.user, placement=placement, **data)

    return _post_form(request, code, ObjectiveForm, action, "Objective added.")


@login_required
@require_POST
def share_create(request, code):
    def action(placement, data):
        services.information_shared(actor=request.user, placement=placement, **data)

    return _post_form(request, code, ShareForm, action, "Recorded what was shared.")


@login_required
@require_POST
def agreement_upload(request, code):
    def action(placement, data):
        services.agreement_upload(actor=request.user, placement=placement, document=data["document"])

    return _post_form(request, code, DocumentForm, action, "Agreement uploaded.")


@login_required
def agreement_file(request, code):
    placement = selectors.get_placement_for_user(request.user, code)
    return _file(placement, "agreement", placement.agreement_name)


@login_required
@require_POST
def placement_agree(request, code):
    def action(placement, data):
        services.placement_agree(actor=request.user, placement=placement, **data)

    return _post_form(request, code, AgreeForm, action, "Placement agreed. Start it on its first day.")


@login_required
@require_POST
def placement_start(request, code):
    placement = selectors.get_managed_placement(request.user, code)
    try:
        services.placement_start(actor=request.user, placement=placement)
        messages.success(request, "The placement is active. The provider's returns are now expected.")
    except PastoralError as exc:
        messages.error(request, str(exc))
    return redirect("provision:ap_placement_detail", code=placement.code)


@login_required
def placement_end(request, code):
    placement = selectors.get_managed_placement(request.user, code)
    if placement.status == Placement.Status.ENDED:
        raise Http404("Already ended")
    from ..plans.models import SupportPlan

    plans = SupportPlan.objects.filter(pupil=placement.pupil, kind=Kind.REINTEGRATION).exclude(
        status=SupportPlan.Status.ENDED
    )
    form = EndForm(request.POST or None, plans=plans)
    if request.method == "POST" and form.is_valid():
        try:
            services.placement_end(actor=request.user, placement=placement, **form.cleaned_data)
        except (PastoralError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The placement has ended. The provider no longer sees the pupil.")
            return redirect("provision:ap_placement_detail", code=placement.code)
    context = {"form": form, "title": f"End the placement at {placement.provider}", "placement": placement}
    return render(request, "provision/ap/form.html", context)


@login_required
def placement_review(request, code):
    placement = selectors.get_managed_placement(request.user, code)
    if not placement.is_current:
        raise Http404("Only a current placement is reviewed")
    form = ReviewForm(request.POST or None, objectives=placement.objectives.all())
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.review_record(
                actor=request.user,
                placement=placement,
                held_on=data["held_on"],
                attendees=data["attendees"],
                decision=data["decision"],
                notes=data["notes"],
                progress=form.progress(),
            )
        except (PastoralError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Review recorded.")
            if data["decision"] == "end":
                return redirect("provision:ap_placement_end", code=placement.code)
            return redirect("provision:ap_placement_detail", code=placement.code)
    context = {"form": form, "title": f"Review the placement at {placement.provider}", "placement": placement}
    return render(request, "provision/ap/form.html", context)


@login_required
def report_document(request, code, report_code):
    placement = selectors.get_placement_for_user(request.user, code)
    report = get_object_or_404(ProgressReport, placement=placement, code=report_code)
    return _file(report, "document", report.document_name)


def week_start(day):
    return day - datetime.timedelta(days=day.weekday())


@login_required
def placement_edit(request, code):
    placement = selectors.get_placement_for_user(request.user, code)
    if not selectors.can_manage(request.user, placement.school_id):
        raise PermissionDenied
    if placement.status == Placement.Status.ENDED:
        raise PermissionDenied
    form = PlacementEditForm(request.POST or None, placement=placement)
    if request.method == "POST" and form.is_valid():
        try:
            services.placement_update(actor=request.user, placement=placement, fields=form.changed_fields())
        except (PastoralError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Placement updated.")
            return redirect("provision:ap_placement_detail", code=placement.code)
    return render(request, "provision/ap/placement_edit.html", {"form": form, "placement": placement})
