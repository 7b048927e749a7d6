"""Pages for suspensions and permanent exclusions: fetch, form, service, redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from pastoral.accounts import access
from pastoral.exceptions import PastoralError
from pastoral.forms import add_service_errors
from pastoral.lists import list_page

from ..views import _require, _school_with
from . import selectors, services
from .filters import suspension_filter, with_list_columns
from .forms import (
    GovernorsReviewForm,
    GovernorTaskForm,
    NotificationForm,
    ReintegrationForm,
    ReviewPanelForm,
    SuspensionCancelForm,
    SuspensionForm,
    SuspensionVoidForm,
)
from .models import GovernorsReview, GovernorTask, Suspension, SuspensionNotification


def _perms(user, school_id):
    return {
        "can_record": access.has_school_perm(user, school_id, "behaviour.record_suspension"),
        "can_decide": access.has_school_perm(user, school_id, "behaviour.decide_suspension"),
    }


@login_required
def suspension_list(request):
    school = _school_with(request, "behaviour.view_suspension")
    listing = list_page(request, suspension_filter(request.user, school, request.GET), then=with_list_columns)
    return render(request, "behaviour/suspension_list.html", listing.context(**_perms(request.user, school.pk)))


@login_required
def suspension_create(request):
    school = _school_with(request, "behaviour.record_suspension")
    form = SuspensionForm(request.POST or None, user=request.user, school=school)
    if request.method == "POST" and form.is_valid():
        try:
            suspension = services.suspension_save_draft(actor=request.user, school=school, **form.service_values())
        except (PastoralError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Draft saved. The headteacher finalises the decision.")
            return redirect("behaviour:suspension_detail", code=suspension.code)
    return render(request, "behaviour/suspension_form.html", {"form": form, "suspension": None})


@login_required
def suspension_edit(request, code):
    suspension = selectors.get_suspension_for_user(request.user, code)
    _require(request.user, suspension.school_id, "behaviour.record_suspension")
    if not suspension.is_draft or suspension.voided_at:
        messages.error(request, "Only a draft can be changed.")
        return redirect("behaviour:suspension_detail", code=suspension.code)
    form = SuspensionForm(request.POST or None, user=request.user, school=suspension.school, instance=suspension)
    if request.method == "POST" and form.is_valid():
        values = form.service_values()
        values.pop("submission_key", None)
        try:
            services.suspension_save_draft(
                actor=request.user, school=suspension.school, suspension=suspension, **values
            )
        except (PastoralError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Draft saved.")
            return redirect("behaviour:suspension_detail", code=suspension.code)
    return render(request, "behaviour/suspension_form.html", {"form": form, "suspension": suspension})


def _panel_follows(suspension, review):
    """An independent review panel may follow a permanent exclusion the board upheld."""
    upheld = review is not None and review.outcome == GovernorsReview.Outcome.UPHOLD
    return upheld and suspension.kind == Suspension.Kind.PERMANENT


def _panel_initial(review):
    fields = ["panel_requested_on", "panel_met_on", "panel_outcome", "reconsidered_on", "reconsidered_outcome"]
    return {name: getattr(review, name) for name in fields} if review else {}


def _cancel_recipients(assessment):
    """[(recipient, why, label)]: everyone told of the decision, and the governing board, hear of its cancellation."""
    recipients = [(recipient, why) for recipient, why, _notified in assessment.required]
    governors = SuspensionNotification.Recipient.GOVERNORS
    if governors not in {recipient for recipient, _why in recipients}:
        recipients.append((governors, "The board is told of every cancellation"))
    return [(recipient, why, SuspensionNotification.Recipient(recipient).label) for recipient, why in recipients]


def _detail(request, suspension, *, status=200, **forms):
    user = request.user
    perms = _perms(user, suspension.school_id)
    if suspension.voided_at and not perms["can_decide"] and not perms["can_record"]:
        raise PermissionDenied
    notifications = list(suspension.notifications.select_related("recorded_by"))
    assessment = selectors.assess(
        suspension,
        decided_on=suspension.decided_at.date() if suspension.decided_at else None,
        notified={n.recipient for n in notifications},
    )
    reasons = list(suspension.reasons.all())
    blockers = selectors.finalise_blockers(suspension, assessment, len(reasons)) if suspension.is_draft else []
    if not access.has_school_perm(user, suspension.school_id, "pastoral.view_safeguarding_flags"):
        # "Has a social worker" follows from the child-protection and child-in-need flags, which this
        # reader may not see: drop that line, its notifications and the blockers (they are for the deciders).
        social_worker = SuspensionNotification.Recipient.SOCIAL_WORKER
        assessment.required = [row for row in assessment.required if row[0] != social_worker]
        notifications = [n for n in notifications if n.recipient != social_worker]
        blockers = []
    tasks = list(suspension.governor_tasks.select_related("done_by"))
    review = GovernorsReview.objects.filter(suspension=suspension).select_related("recorded_by").first()
    finalised = suspension.status == Suspension.Status.FINALISED and not suspension.voided_at
    open_record = perms["can_record"] and not suspension.voided_at
    can_void = not suspension.voided_at and (perms["can_decide"] or (perms["can_record"] and suspension.is_draft))
    context = {
        "suspension": suspension,
        "assessment": assessment,
        "blockers": blockers,
        "reasons": reasons,
        "incidents": selectors.suspension_incidents(user, suspension),
        "notifications": notifications,
        "tasks": [(task, forms.get(f"task_{task.pk}") or GovernorTaskForm(task=task)) for task in tasks],
        "meetings": list(suspension.reintegration_meetings.select_related("recorded_by")),
        "notify_form": forms.get("notify_form") or (NotificationForm() if open_record else None),
        "reintegration_form": forms.get("reintegration_form")
        or (
            ReintegrationForm()
            if open_record and not suspension.is_draft and suspension.kind != Suspension.Kind.PERMANENT
            else None
        ),
        "void_form": forms.get("void_form") or (SuspensionVoidForm() if can_void else None),
        "review": review,
        "panel_deadline": services.panel_deadline(review, selectors.terms_of(suspension.school_id))
        if _panel_follows(suspension, review)
        else None,
        "governors_form": forms.get("governors_form")
        or (GovernorsReviewForm() if perms["can_record"] and finalised and review is None else None),
        "panel_form": forms.get("panel_form")
        or (
            ReviewPanelForm(initial=_panel_initial(review))
            if perms["can_record"] and _panel_follows(suspension, review)
            else None
        ),
        "cancel_form": forms.get("cancel_form")
        or (
            SuspensionCancelForm(initial={"returns_on": timezone.localdate()})
            if perms["can_decide"]
            and not suspension.is_draft
            and not suspension.voided_at
            and not suspension.cancelled_at
            else None
        ),
        # Once cancelled, who must be told of the cancellation (with its reason) and whether they have been since.
        "cancel_told": [
            (
                label,
                why,
                any(n.recipient == recipient and n.notified_at >= suspension.cancelled_at for n in notifications),
            )
            for recipient, why, label in _cancel_recipients(assessment)
        ]
        if suspension.cancelled_at
        else [],
        # The reintegration plan lives with the other support plans (provision); the link names only its URL.
        "can_plan_reintegration": not suspension.is_draft
        and not suspension.voided_at
        and suspension.kind != Suspension.Kind.PERMANENT
        and access.has_school_perm(user, suspension.school_id, "provision.write_plan"),
        "finalise_errors": forms.get("finalise_errors", []),
        **perms,
    }
    return render(request, "behaviour/suspension_detail.html", context, status=status)


@login_required
def suspension_detail(request, code):
    return _detail(request, selectors.get_suspension_for_user(request.user, code))


@login_required
@require_POST
def suspension_finalise(request, code):
    suspension = selectors.get_suspension_for_user(request.user, code)
    _require(request.user, suspension.school_id, "behaviour.decide_suspension")
    try:
        services.suspension_finalise(actor=request.user, suspension=suspension)
    except services.SuspensionRefused as exc:
        return _detail(request, suspension, status=400, finalise_errors=exc.problems)
    except PastoralError as exc:
        return _detail(request, suspension, status=400, finalise_errors=[str(exc)])
    messages.success(request, "Decision finalised.")
    return redirect("behaviour:suspension_detail", code=suspension.code)


@login_required
@require_POST
def governors_review_add(request, code):
    suspension = selectors.get_suspension_for_user(request.user, code)
    _require(request.user, suspension.school_id, "behaviour.record_suspension")
    form = GovernorsReviewForm(request.POST)
    if form.is_valid():
        try:
            services.governors_review_record(actor=request.user, suspension=suspension, **form.cleaned_data)
        except PastoralError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The governing board's decision is recorded.")
            return redirect("behaviour:suspension_detail", code=suspension.code)
    return _detail(request, suspension, status=400, governors_form=form)


@login_required
@require_POST
def review_panel_save(request, code):
    suspension = selectors.get_suspension_for_user(request.user, code)
    _require(request.user, suspension.school_id, "behaviour.record_suspension")
    form = ReviewPanelForm(request.POST)
    if form.is_valid():
        try:
            services.review_panel_record(actor=request.user, suspension=suspension, **form.cleaned_data)
        except PastoralError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The independent review panel is recorded.")
            return redirect("behaviour:suspension_detail", code=suspension.code)
    return _detail(request, suspension, status=400, panel_form=form)


@login_required
@require_POST
def suspension_cancel(request, code):
    suspension = selectors.get_suspension_for_user(request.user, code)
    _require(request.user, suspension.school_id, "behaviour.decide_suspension")
    form = SuspensionCancelForm(request.POST)
    if form.is_valid():
        try:
            services.suspension_cancel(actor=request.user, suspension=suspension, **form.cleaned_data)
        except PastoralError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Cancelled. Tell parents, the governing board and the local authority why.")
            return redirect("behaviour:suspension_detail", code=suspension.code)
    return _detail(request, suspension, status=400, cancel_form=form)


@login_required
@require_POST
def suspension_void(request, code):
    suspension = selectors.get_suspension_for_user(request.user, code)
    _require(request.user, suspension.school_id, "behaviour.record_suspension")
    form = SuspensionVoidForm(request.POST)
    if not form.is_valid():
        return _detail(request, suspension, status=400, void_form=form)
    try:
        services.suspension_void(actor=request.user, suspension=suspension, reason=form.cleaned_data["reason"])
    except PastoralError as exc:
        form.add_error(None, str(exc))
        return _detail(request, suspension, status=400, void_form=form)
    messages.success(request, "Voided. It stays on the record, marked as voided.")
    return redirect("behaviour:suspension_detail", code=suspension.code)


@login_required
@require_POST
def suspension_notification_add(request, code):
    suspension = selectors.get_suspension_for_user(request.user, code)
    _require(request.user, suspension.school_id, "behaviour.record_suspension")
    form = NotificationForm(request.POST)
    if form.is_valid():
        try:
            services.notification_record(actor=request.user, suspension=suspension, **form.cleaned_data)
        except PastoralError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Notification recorded.")
            return redirect("behaviour:suspension_detail", code=suspension.code)
    return _detail(request, suspension, status=400, notify_form=form)


@login_required
@require_POST
def suspension_reintegration_add(request, code):
    suspension = selectors.get_suspension_for_user(request.user, code)
    _require(request.user, suspension.school_id, "behaviour.record_suspension")
    form = ReintegrationForm(request.POST)
    if form.is_valid():
        try:
            services.reintegration_record(actor=request.user, suspension=suspension, **form.cleaned_data)
        except PastoralError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Reintegration meeting recorded.")
            return redirect("behaviour:suspension_detail", code=suspension.code)
    return _detail(request, suspension, status=400, reintegration_form=form)


@login_required
@require_POST
def governor_task_complete(request, code):
    task = (
        selectors.governor_tasks_visible_to(request.user)
        .select_related("suspension__pupil", "suspension__school", "school")
        .filter(code=code)
        .first()
    )
    if task is None:
        # Staff of the school whose role stops them get 403; anyone else learns nothing.
        other = GovernorTask.objects.filter(code=code).values_list("school_id", flat=True).first()
        if other is not None and access.is_member_of(request.user, other):
            raise PermissionDenied
        raise Http404("No such task")
    _require(request.user, task.school_id, "behaviour.decide_suspension")
    form = GovernorTaskForm(request.POST, task=task)
    if form.is_valid():
        try:
            services.governor_task_complete(actor=request.user, task=task, note=form.cleaned_data["note"])
        except PastoralError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Governors' task marked done.")
            return redirect("behaviour:suspension_detail", code=task.suspension.code)
    return _detail(request, task.suspension, status=400, **{f"task_{task.pk}": form})
