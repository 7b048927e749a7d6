"""Views for physical interventions and staff training: fetch → form → service → redirect."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from pastoral import audit
from pastoral import selectors as core_selectors
from pastoral.accounts import access
from pastoral.exceptions import PastoralError
from pastoral.files.uploads import EXTENSIONS, file_response
from pastoral.forms import add_service_errors
from pastoral.lists import list_page
from pastoral.paper import services as paper_services

from ..events.selectors import get_event_for_user
from ..uploads import certificate_type
from ..views import _school_with
from . import oversight, selectors, services
from .filters import intervention_filter, training_filter, with_list_columns
from .forms import (
    DebriefForm,
    InterventionVoidForm,
    OversightFilterForm,
    PaperInterventionForm,
    ParentReportForm,
    ReviewForm,
    TechniqueForm,
    TrainingForm,
    TrainingVoidForm,
    WithholdForm,
)
from .models import InterventionTechnique, StaffTraining

# -- interventions -------------------------------------------------------------


@login_required
def intervention_list(request):
    school = _school_with(request, "behaviour.view_intervention", "behaviour.record_intervention")
    calendar = selectors.debrief_calendar(school)
    filterset = intervention_filter(request.user, school, request.GET, calendar=calendar)
    listing = list_page(request, filterset, then=with_list_columns)
    shown = request.GET.get("show", "")
    context = {
        **listing.context(),
        "filters": [(key, label) for key, (label, _fn) in selectors.FILTERS.items()],
        "shown": shown,
        "shown_label": selectors.FILTERS[shown][0] if shown in selectors.FILTERS else "",
        "sees_all": selectors.can_see_all(request.user, school),
        "can_record": access.has_school_perm(request.user, school, "behaviour.record_intervention"),
        "can_manage_techniques": access.has_school_perm(request.user, school, "behaviour.manage_techniques"),
        "today": timezone.localdate(),
        "debrief_cutoff": selectors.latest_day_with_overdue_debrief(timezone.localdate(), calendar),
    }
    return render(request, "behaviour/interventions/list.html", context)


@login_required
def intervention_create(request):
    school = _school_with(request, "behaviour.record_intervention")
    event = None
    initial = {}
    if request.GET.get("event"):
        try:
            event = get_event_for_user(request.user, uuid.UUID(request.GET["event"]))
        except ValueError:
            raise Http404("No such event") from None
        if event.school_id != school.pk or event.voided_at:
            raise Http404("No such event")
        initial = {
            "pupil": event.pupil,
            "occurred_on": timezone.localdate(event.occurred_at),
            "started_at": timezone.localtime(event.occurred_at).strftime("%H:%M"),
            "location": event.location,
        }
    elif request.GET.get("pupil"):
        try:
            pupil = core_selectors.get_pupil_for_user(request.user, uuid.UUID(request.GET["pupil"]))
        except ValueError:
            raise Http404("No such pupil") from None
        if pupil.school_id != school.pk:
            raise Http404("No such pupil")
        initial = {"pupil": pupil}
    paper_school = school if request.GET.get("from_paper") == "1" else None
    form = PaperInterventionForm(
        request.POST or None,
        request.FILES or None,
        user=request.user,
        school=school,
        initial=initial,
        paper_school=paper_school,
    )
    if request.method == "POST" and form.is_valid():
        try:
            record = paper_services.save(
                form,
                actor=request.user,
                school=school,
                create=lambda: services.intervention_record(
                    actor=request.user, school=school, event=event, **form.cleaned_data
                ),
            )
        except (ValidationError, PastoralError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Intervention recorded. Now tell the parents or carers.")
            if record.recorded_late:
                messages.warning(
                    request,
                    "This was recorded after the day of the incident. Staff should record interventions "
                    "the same day; the record shows it was late.",
                )
            return redirect("behaviour:intervention_detail", code=record.code)
    has_techniques = selectors.techniques_for(school, active_only=True).exists()
    context = {"form": form, "event": event, "has_techniques": has_techniques, "card_pupils": _chosen_pupil(form)}
    return render(request, "behaviour/interventions/form.html", context)


def _chosen_pupil(form):
    """The pupil already chosen (from ?event=, ?pupil= or a sent form), for the cards beside the pupil."""
    if form.is_bound:
        return [form.cleaned_data["pupil"]] if form.cleaned_data.get("pupil") else []
    return [form.initial["pupil"]] if form.initial.get("pupil") else []


def _detail_context(request, record):
    staff = list(record.staff_involved.order_by("last_name", "first_name"))
    trained = selectors.trained_user_ids([user.pk for user in staff], record.occurred_on)
    can_review = selectors.can_review(request.user, record.school_id)
    can_act = not record.voided_at and access.has_school_perm(
        request.user, record.school_id, "behaviour.record_intervention"
    )
    due = selectors.debrief_due(record.occurred_on, selectors.debrief_calendar(record.school_id))
    return {
        "record": record,
        "staff": [(user, user.pk in trained) for user in staff],
        "untrained": [user for user in staff if user.pk not in trained],
        "witnesses": list(record.witnesses.order_by("last_name", "first_name")),
        "can_act": can_act,
        "can_review": can_review and not record.voided_at,
        "debrief_due": due,
        "debrief_overdue": timezone.localdate() > due,
        "void_form": InterventionVoidForm() if can_review and not record.voided_at else None,
    }


@login_required
def intervention_detail(request, code):
    record = selectors.get_intervention_for_user(request.user, code)
    if record.voided_at and not selectors.can_review(request.user, record.school_id):
        raise PermissionDenied
    audit.record("behaviour.intervention.viewed", actor=request.user, obj=record, pupil=record.pupil)
    return render(request, "behaviour/interventions/detail.html", _detail_context(request, record))


def _action_page(request, code, perm):
    record = selectors.get_intervention_for_user(request.user, code)
    if not access.has_school_perm(request.user, record.school_id, perm):
        raise PermissionDenied
    if record.voided_at:
        raise PermissionDenied
    return record


def _render_action(request, record, form, title, button, status=200):
    context = {"record": record, "form": form, "title": title, "button": button}
    return render(request, "behaviour/interventions/action_form.html", context, status=status)


@login_required
def intervention_parent_report(request, code):
    record = _action_page(request, code, "behaviour.record_intervention")
    if not record.parent_report_outstanding:
        messages.info(request, "Telling parents has already been recorded.")
        return redirect("behaviour:intervention_detail", code=record.code)
    form = ParentReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.intervention_report_to_parents(
                actor=request.user,
                intervention=record,
                reported_at=data["reported_at"],
                method=data["method"],
                reported_to=data["reported_to"],
                content=data["content"],
            )
        except PastoralError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Report to parents recorded.")
            return redirect("behaviour:intervention_detail", code=record.code)
    return _render_action(request, record, form, "Record telling parents or carers", "Save report to parents")


@login_required
def intervention_withhold(request, code):
    record = _action_page(request, code, "behaviour.review_intervention")
    if not record.parent_report_outstanding:
        messages.info(request, "Telling parents has already been recorded.")
        return redirect("behaviour:intervention_detail", code=record.code)
    form = WithholdForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.intervention_withhold(actor=request.user, intervention=record, reason=form.cleaned_data["reason"])
        except (PastoralError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Decision to withhold recorded.")
            return redirect("behaviour:intervention_detail", code=record.code)
    return _render_action(request, record, form, "Withhold from parents", "Record decision to withhold")


def _debrief(request, code, kind):
    record = _action_page(request, code, "behaviour.record_intervention")
    if getattr(record, f"{kind}_debrief_on"):
        messages.info(request, f"The {kind} debrief has already been recorded.")
        return redirect("behaviour:intervention_detail", code=record.code)
    form = DebriefForm(request.POST or None, kind=kind)
    if request.method == "POST" and form.is_valid():
        try:
            services.intervention_debrief(
                actor=request.user,
                intervention=record,
                kind=kind,
                held_on=form.cleaned_data["held_on"],
                notes=form.cleaned_data["notes"],
            )
        except PastoralError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{kind.capitalize()} debrief recorded.")
            return redirect("behaviour:intervention_detail", code=record.code)
    title = "Pupil debrief (pupil voice)" if kind == "pupil" else "Staff debrief"
    return _render_action(request, record, form, title, "Save debrief")


@login_required
def intervention_pupil_debrief(request, code):
    return _debrief(request, code, "pupil")


@login_required
def intervention_staff_debrief(request, code):
    return _debrief(request, code, "staff")


@login_required
def intervention_review(request, code):
    record = _action_page(request, code, "behaviour.review_intervention")
    if record.reviewed_at:
        messages.info(request, "This intervention has already been signed off.")
        return redirect("behaviour:intervention_detail", code=record.code)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.intervention_review(actor=request.user, intervention=record, **form.cleaned())
        except PastoralError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Intervention signed off.")
            return redirect("behaviour:intervention_detail", code=record.code)
    return _render_action(request, record, form, "Review and sign off", "Sign off")


@login_required
@require_POST
def intervention_void(request, code):
    record = selectors.get_intervention_for_user(request.user, code)
    if not selectors.can_review(request.user, record.school_id):
        raise PermissionDenied
    form = InterventionVoidForm(request.POST)
    if not form.is_valid():
        context = _detail_context(request, record)
        context["void_form"] = form
        return render(request, "behaviour/interventions/detail.html", context, status=400)
    try:
        services.intervention_void(actor=request.user, intervention=record, reason=form.cleaned_data["reason"])
        messages.success(request, "Record voided. It stays on file, marked as voided.")
    except PastoralError as exc:
        messages.error(request, str(exc))
    return redirect("behaviour:intervention_detail", code=record.code)


def _period(request):
    form = OversightFilterForm(request.GET or None)
    start, end = oversight.default_period()
    if form.is_bound and form.is_valid():
        start = form.cleaned_data.get("start") or start
        end = form.cleaned_data.get("end") or end
    return form, start, end


@login_required
def intervention_oversight(request):
    school = _school_with(request, "behaviour.view_intervention")
    form, start, end = _period(request)
    context = {
        "form": form,
        "start": start,
        "end": end,
        "counts": selectors.attention_counts(request.user, school),
        **oversight.figures(request.user, school, start, end),
    }
    return render(request, "behaviour/interventions/oversight.html", context)


# -- techniques ----------------------------------------------------------------


@login_required
def technique_list(request):
    school = _school_with(request, "behaviour.manage_techniques")
    return render(
        request,
        "behaviour/interventions/technique_list.html",
        {"techniques": selectors.techniques_for(school), "school": school},
    )


@login_required
def technique_form(request, code=None):
    school = _school_with(request, "behaviour.manage_techniques")
    technique = (
        get_object_or_404(selectors.techniques_for(school), code=code) if code else InterventionTechnique(school=school)
    )
    form = TechniqueForm(request.POST or None, instance=technique, school=school)
    if request.method == "POST" and form.is_valid():
        services.technique_save(actor=request.user, technique=form.instance, changed=audit.changes(form))
        messages.success(request, "Technique saved.")
        return redirect("behaviour:technique_list")
    return render(request, "behaviour/interventions/technique_form.html", {"form": form, "technique": technique})


@login_required
@require_POST
def technique_seed(request):
    school = _school_with(request, "behaviour.manage_techniques")
    services.techniques_seed_defaults(school=school, actor=request.user)
    messages.success(request, "The common Team Teach and Norfolk Steps holds have been added.")
    return redirect("behaviour:technique_list")


# -- training --------------------------------------------------------------------


@login_required
def training_list(request):
    # Staff who may record interventions see their own training here; leads see everyone's.
    school = _school_with(request, "behaviour.view_training", "behaviour.record_intervention")
    sees_all = access.has_school_perm(request.user, school, "behaviour.view_training")
    listing = list_page(request, training_filter(request.user, school, request.GET), keyset=False)
    context = {
        **listing.context(),
        "today": timezone.localdate(),
        "sees_all": sees_all,
        "can_manage": access.has_school_perm(request.user, school, "behaviour.manage_training"),
    }
    return render(request, "behaviour/interventions/training_list.html", context)


@login_required
def training_expiring(request):
    school = _school_with(request, "behaviour.view_training")
    today = timezone.localdate()
    context = {
        "records": selectors.expiring_training(request.user, school, today),
        "days": selectors.EXPIRY_WINDOW_DAYS,
        "today": today,
    }
    return render(request, "behaviour/interventions/training_expiring.html", context)


@login_required
def training_form(request, code=None):
    school = _school_with(request, "behaviour.manage_training")
    if code:
        record = get_object_or_404(selectors.training_visible_to(request.user).filter(school=school), code=code)
        if record.voided_at:
            raise PermissionDenied
    else:
        record = StaffTraining(school=school)
    form = TrainingForm(request.POST or None, request.FILES or None, instance=record, school=school)
    if request.method == "POST" and form.is_valid():
        form.instance.school = school
        try:
            services.training_save(actor=request.user, record=form.instance, changed=audit.changes(form))
        except (ValidationError, PastoralError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Training record saved.")
            return redirect("behaviour:training_list")
    void_form = TrainingVoidForm() if record.pk else None
    return render(
        request, "behaviour/interventions/training_form.html", {"form": form, "record": record, "void_form": void_form}
    )


@login_required
@require_POST
def training_void(request, code):
    record = selectors.get_training_for_user(request.user, code)
    if not access.has_school_perm(request.user, record.school_id, "behaviour.manage_training"):
        raise PermissionDenied
    form = TrainingVoidForm(request.POST)
    if form.is_valid():
        try:
            services.training_void(actor=request.user, record=record, reason=form.cleaned_data["reason"])
            messages.success(request, "Training record voided.")
        except PastoralError as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, "Give a reason for voiding this training record.")
    return redirect("behaviour:training_list")


@login_required
def training_certificate(request, code):
    record = selectors.get_training_for_user(request.user, code)
    if not record.certificate:
        raise Http404("No certificate")
    content_type = record.certificate_type or _certificate_type_of_stored(record)
    services.training_certificate_opened(actor=request.user, record=record)
    return file_response(
        record.certificate,
        content_type=content_type,
        filename=f"certificate-{record.code}{EXTENSIONS.get(content_type, '')}",
    )


def _certificate_type_of_stored(record):
    """Certificates stored before their type was recorded are checked now; one that fails is only downloadable."""
    try:
        with record.certificate.open("rb") as stored:
            return certificate_type(stored)
    except ValidationError:
        return "application/octet-stream"
