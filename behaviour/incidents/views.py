"""Views for incidents (with follow-up actions and attachments) and bullying records: fetch → form → service →
redirect."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from pastoral.accounts import access
from pastoral.exceptions import PastoralError
from pastoral.files import charts
from pastoral.files.uploads import download_name, file_response
from pastoral.forms import add_service_errors
from pastoral.lists import list_page
from pastoral.models import Pupil
from pastoral.paper import services as paper_services

from ..events.models import BehaviourCategory
from ..events.selectors import events_visible_to, get_event_for_user
from ..events.views import _event_to_link
from ..selectors import academic_year_start
from ..views import _require, _school_with
from . import selectors, services
from .filters import bullying_filter, incident_filter
from .forms import (
    AttachmentForm,
    BullyingForm,
    BullyingOutcomeForm,
    BullyingVoidForm,
    FollowUpForm,
    IncidentForm,
    IncidentVoidForm,
    PaperIncidentForm,
    PatternsFilterForm,
)


@login_required
def incident_create(request, code):
    """Incident detail for an event and the events logged with it (reached from the event page)."""
    event = get_event_for_user(request.user, code)
    _require(request.user, event.school_id, "behaviour.record_event")
    if event.voided_at or event.category.kind != BehaviourCategory.Kind.NEGATIVE:
        raise Http404("No incident detail for this event")
    existing = selectors.incident_for_group(request.user, event.group)
    if existing is not None:
        return redirect("behaviour:incident_detail", code=existing.code)
    events = list(
        events_visible_to(request.user)
        .filter(group=event.group, voided_at__isnull=True)
        .select_related("pupil", "category")
    )
    pupils = [linked.pupil for linked in events]
    paper_school = event.school if request.GET.get("from_paper") == "1" else None
    form = PaperIncidentForm(
        request.POST or None,
        request.FILES or None,
        user=request.user,
        school=event.school,
        event_pupils=pupils,
        event_roles={linked.pupil_id: linked.role for linked in events},
        paper_school=paper_school,
    )
    if request.method == "POST" and form.is_valid():
        try:
            incident = paper_services.save(
                form,
                actor=request.user,
                school=event.school,
                create=lambda: services.incident_record(
                    actor=request.user, event=event, roles=form.pupil_roles(), **form.incident_data()
                ),
            )
        except (PastoralError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Incident detail recorded.")
            return redirect("behaviour:incident_detail", code=incident.code)
    context = {"form": form, "event": event, "events": events, "card_pupils": pupils}
    return render(request, "behaviour/incident_form.html", context)


def _incident_context(request, incident, **forms):
    user = request.user
    can_record = not incident.voided_at and access.has_school_perm(user, incident.school_id, "behaviour.record_event")
    can_void = access.has_school_perm(user, incident.school_id, "behaviour.void_event")
    actions = list(incident.actions.select_related("owner", "done_by"))
    for action in actions:
        action.can_complete = can_record and services.can_complete_action(user, action, incident.school_id)
    context = {
        "incident": incident,
        "events": events_visible_to(user)
        .filter(incidents=incident)
        .select_related("pupil", "category")
        .order_by("occurred_at", "pk"),
        "involvements": incident.involvements.select_related("pupil").order_by(
            "pupil__legal_last_name", "pupil__legal_first_name"
        ),
        "actions": actions,
        "attachments": list(
            selectors.attachments_visible_to(request.user).filter(incident=incident).select_related("uploaded_by")
        ),
        "revisions": list(incident.revisions.select_related("changed_by")),
        "bullying": list(selectors.bullying_visible_to(user).filter(incident=incident, voided_at__isnull=True)),
        "can_record": can_record,
        "can_set_detention": not incident.voided_at
        and access.has_school_perm(user, incident.school_id, "behaviour.set_detention"),
        "can_edit": can_record and services.can_change_incident(user, incident),
        "action_form": None,
        "attachment_form": None,
        "void_form": None,
    }
    if can_record:
        context["action_form"] = FollowUpForm(school=incident.school)
        context["attachment_form"] = AttachmentForm()
    if can_void and not incident.voided_at:
        context["void_form"] = IncidentVoidForm()
    context.update(forms)
    return context


@login_required
def incident_detail(request, code):
    incident = selectors.get_incident_for_user(request.user, code)
    return render(request, "behaviour/incident_detail.html", _incident_context(request, incident))


@login_required
def incident_edit(request, code):
    incident = selectors.get_incident_for_user(request.user, code)
    if incident.voided_at or not services.can_change_incident(request.user, incident):
        raise PermissionDenied
    event_pupils = list(
        Pupil.objects.filter(behaviour_events__incidents=incident).distinct().order_by("legal_last_name", "pk")
    )
    form = IncidentForm(
        request.POST or None, instance=incident, user=request.user, school=incident.school, event_pupils=event_pupils
    )
    if request.method == "POST" and form.is_valid():
        fresh = selectors.get_incident_for_user(request.user, code)
        data = form.incident_data()
        others = data.pop("other_pupils")
        reason = data.pop("change_reason", "")
        try:
            services.incident_update(
                actor=request.user,
                incident=fresh,
                changes=data,
                other_pupils=others,
                roles=form.pupil_roles(),
                reason=reason,
            )
        except (PastoralError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Saved. The change is kept in the incident's history.")
            return redirect("behaviour:incident_detail", code=incident.code)
    context = {"form": form, "incident": incident, "card_pupils": event_pupils}
    return render(request, "behaviour/incident_form.html", context)


@login_required
@require_POST
def incident_void(request, code):
    incident = selectors.get_incident_for_user(request.user, code)
    _require(request.user, incident.school_id, "behaviour.void_event")
    form = IncidentVoidForm(request.POST)
    if not form.is_valid():
        context = _incident_context(request, incident, void_form=form)
        return render(request, "behaviour/incident_detail.html", context, status=400)
    try:
        services.incident_void(actor=request.user, incident=incident, reason=form.cleaned_data["reason"])
        messages.success(request, "Incident voided. It stays on the record, marked as voided.")
    except PastoralError as exc:
        messages.error(request, str(exc))
    return redirect("behaviour:incident_detail", code=incident.code)


@login_required
@require_POST
def follow_up_create(request, code):
    incident = selectors.get_incident_for_user(request.user, code)
    _require(request.user, incident.school_id, "behaviour.record_event")
    form = FollowUpForm(request.POST, school=incident.school)
    if form.is_valid():
        try:
            services.follow_up_add(actor=request.user, incident=incident, **form.cleaned_data)
        except (PastoralError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Action added.")
            return redirect(reverse("behaviour:incident_detail", args=[incident.code]) + "#actions-heading")
    context = _incident_context(request, incident, action_form=form)
    return render(request, "behaviour/incident_detail.html", context, status=400)


@login_required
@require_POST
def follow_up_done(request, code):
    action = selectors.get_follow_up_action_for_user(request.user, code)
    if not services.can_complete_action(request.user, action, action.incident.school_id):
        raise PermissionDenied
    try:
        services.follow_up_complete(actor=request.user, action=action)
        messages.success(request, "Action marked as done.")
    except PastoralError as exc:
        messages.error(request, str(exc))
    return redirect(reverse("behaviour:incident_detail", args=[action.incident.code]) + "#actions-heading")


@login_required
@require_POST
def attachment_upload(request, code):
    incident = selectors.get_incident_for_user(request.user, code)
    _require(request.user, incident.school_id, "behaviour.record_event")
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attachment_add(
                actor=request.user,
                incident=incident,
                upload=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
                submission_key=form.cleaned_data["submission_key"],
            )
        except (PastoralError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Attachment added.")
            return redirect(reverse("behaviour:incident_detail", args=[incident.code]) + "#attachments-heading")
    context = _incident_context(request, incident, attachment_form=form)
    return render(request, "behaviour/incident_detail.html", context, status=400)


@login_required
def attachment_download(request, code):
    attachment = selectors.get_attachment_for_user(request.user, code)
    services.attachment_downloaded(actor=request.user, attachment=attachment)
    response = file_response(
        attachment.file,
        content_type=attachment.kind,
        filename=download_name(attachment.original_name, attachment.kind),
        inline=request.GET.get("inline") == "1",
    )
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response


@login_required
def incident_list(request):
    school = _school_with(request, "behaviour.view_event")
    listing = list_page(request, incident_filter(request.user, school, request.GET))
    context = listing.context(overdue_only=bool(request.GET.get("overdue")))
    return render(request, "behaviour/incident_list.html", context)


def _link_for_bullying(request, school):
    """The incident or event named by ?incident= or ?event=, to link the new record to."""
    incident, events = None, []
    try:
        incident_code = uuid.UUID(request.GET["incident"]) if request.GET.get("incident") else None
        event_code = uuid.UUID(request.GET["event"]) if request.GET.get("event") else None
    except ValueError:
        raise Http404("No such record") from None
    if incident_code:
        incident = selectors.get_incident_for_user(request.user, incident_code)
        if incident.school_id != school.pk or incident.voided_at:
            raise Http404("No such incident")
        events = list(
            events_visible_to(request.user)
            .filter(incidents=incident, voided_at__isnull=True)
            .select_related("pupil", "category")
        )
    elif event_code:
        event = _event_to_link(request, school)
        incident = selectors.incident_for_group(request.user, event.group)
        events = [event]
    return incident, events


@login_required
def bullying_create(request):
    school = _school_with(request, "behaviour.record_event")
    incident, events = _link_for_bullying(request, school)
    form = BullyingForm(request.POST or None, user=request.user, school=school)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.bullying_record(
                actor=request.user, school=school, incident=incident, events=events, **form.cleaned_data
            )
        except (PastoralError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Bullying record saved.")
            if access.has_school_perm(request.user, school, "behaviour.view_bullying"):
                return redirect("behaviour:bullying_detail", code=record.code)
            # Staff who report bullying do not see the register; the pastoral team follows it up.
            messages.info(request, "The pastoral team has been given the record to follow up.")
            return redirect("behaviour:event_list")
    context = {"form": form, "incident": incident, "events": events}
    return render(request, "behaviour/bullying_form.html", context)


@login_required
def bullying_detail(request, code):
    record = selectors.get_bullying_for_user(request.user, code)
    services.bullying_viewed(actor=request.user, record=record)
    can_void = access.has_school_perm(request.user, record.school_id, "behaviour.void_event")
    context = _bullying_context(request, record, can_void and not record.voided_at and BullyingVoidForm())
    return render(request, "behaviour/bullying_detail.html", context)


def _bullying_context(request, record, void_form, outcome_form=None):
    involvements = record.involvements.select_related("pupil").order_by("pupil__legal_last_name")
    can_change = not record.voided_at and access.has_school_perm(
        request.user, record.school_id, "behaviour.record_event"
    )
    if can_change and outcome_form is None:
        outcome_form = BullyingOutcomeForm(instance=record)
    return {
        "outcome_form": outcome_form if can_change else None,
        "revisions": list(record.revisions.select_related("changed_by")),
        "record": record,
        "victims": [item.pupil for item in involvements if item.role == "victim"],
        "perpetrators": [item.pupil for item in involvements if item.role == "perpetrator"],
        "events": events_visible_to(request.user)
        .filter(bullying=record)
        .select_related("pupil", "category")
        .order_by("occurred_at"),
        "void_form": void_form or None,
    }


@login_required
@require_POST
def bullying_void(request, code):
    record = selectors.get_bullying_for_user(request.user, code)
    _require(request.user, record.school_id, "behaviour.void_event")
    form = BullyingVoidForm(request.POST)
    if not form.is_valid():
        return render(request, "behaviour/bullying_detail.html", _bullying_context(request, record, form), status=400)
    try:
        services.bullying_void(actor=request.user, record=record, reason=form.cleaned_data["reason"])
        messages.success(request, "Record voided. It stays on file, marked as voided.")
    except PastoralError as exc:
        messages.error(request, str(exc))
    return redirect("behaviour:bullying_detail", code=record.code)


@login_required
def bullying_list(request):
    school = _school_with(request, "behaviour.view_bullying")
    listing = list_page(request, bullying_filter(request.user, school, request.GET))
    context = listing.context(
        can_record=access.has_school_perm(request.user, school, "behaviour.record_event"),
        can_see_patterns=access.has_school_perm(request.user, school, "behaviour.view_bullying_patterns"),
    )
    return render(request, "behaviour/bullying_list.html", context)


@login_required
def bullying_patterns(request):
    """Repeat victims and perpetrators for the anti-bullying lead, this academic year unless asked otherwise."""
    school = _school_with(request, "behaviour.view_bullying_patterns")
    form = PatternsFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    today = timezone.localdate()
    start = data.get("start") or academic_year_start(school, today)
    end = data.get("end") or today
    types = data.get("types") or []
    patterns = selectors.bullying_patterns(request.user, school, start, end, types=types)
    services.bullying_patterns_viewed(actor=request.user, school=school, start=start, end=end)
    chart = charts.bar_chart(
        "Bullying records by type",
        patterns["by_type"],
        label_header="Type",
        value_header="Records",
        description="A record with several types counts once under each of them.",
    )
    context = {
        "form": form,
        "start": start,
        "end": end,
        "patterns": patterns,
        "roles": selectors.role_patterns(request.user, school, start, end),
        "chart": chart,
        "school": school,
    }
    return render(request, "behaviour/bullying_patterns.html", context)


@login_required
@require_POST
def bullying_outcome(request, code):
    record = selectors.get_bullying_for_user(request.user, code)
    _require(request.user, record.school_id, "behaviour.record_event")
    if record.voided_at:
        raise PermissionDenied
    form = BullyingOutcomeForm(request.POST, instance=record)
    if form.is_valid():
        try:
            data = dict(form.cleaned_data)
            reason = data.pop("change_reason")
            services.bullying_update_outcome(actor=request.user, record=record, reason=reason, **data)
        except (PastoralError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Outcome saved. The change is kept in the record's history.")
            return redirect("behaviour:bullying_detail", code=record.code)
    context = _bullying_context(request, record, None, outcome_form=form)
    return render(request, "behaviour/bullying_detail.html", context, status=400)
