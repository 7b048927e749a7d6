"""Views for behaviour: fetch → form → service → redirect."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from pastoral import audit
from pastoral import selectors as core_selectors
from pastoral import services as core_services
from pastoral.accounts import access
from pastoral.accounts.schools import current_school
from pastoral.exceptions import PastoralError
from pastoral.files import charts
from pastoral.files.uploads import download_name, file_response
from pastoral.forms import add_service_errors
from pastoral.lists import list_page
from pastoral.models import Pupil

from . import selectors, services
from .filters import bullying_filter, event_filter, incident_filter, removal_filter, restorative_filter
from .forms import (
    AttachmentForm,
    BullyingForm,
    BullyingOutcomeForm,
    BullyingVoidForm,
    CategoryForm,
    EventEditForm,
    FollowUpForm,
    IncidentForm,
    IncidentVoidForm,
    MilestoneForm,
    PatternsFilterForm,
    QuickLogForm,
    RemovalForm,
    RemovalVoidForm,
    RestorativeMeetingForm,
    RestorativeVoidForm,
    RewardsFilterForm,
    VoidForm,
)
from .models import BehaviourCategory, RewardMilestone

PAGE_SIZE = 50


def _school_with(request, perm):
    """The school the user is working in, if their role there carries `perm`."""
    school = current_school(request)
    if school is None or not access.has_school_perm(request.user, school, perm):
        raise PermissionDenied
    return school


def _require(user, school, perm):
    if not access.has_school_perm(user, school, perm):
        raise PermissionDenied


@login_required
def quick_log(request):
    school = _school_with(request, "behaviour.record_event")
    initial = {}
    pupil_code = request.GET.get("pupil")
    if pupil_code:
        pupil = core_selectors.get_pupil_for_user(request.user, pupil_code)
        if pupil.school_id == school.pk:
            initial["pupils"] = [pupil]
    form = QuickLogForm(request.POST or None, user=request.user, school=school, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        del data["upns"]
        try:
            events = services.event_record_many(actor=request.user, school=school, **data)
        except (PastoralError, ValidationError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, f"Logged for {len(events)} pupil{'s' if len(events) != 1 else ''}.")
            if len(events) == 1:
                return redirect("behaviour:event_detail", code=events[0].code)
            return redirect("behaviour:event_list")
    return render(request, "behaviour/event_quick_log.html", {"form": form, "chosen": form.chosen_pupils()})


@login_required
def pupil_picker(request):
    """Type-ahead for the quick log and the removal, intervention and suspension forms: buttons that choose a pupil."""
    school = current_school(request)
    perms = ("behaviour.record_event", "behaviour.record_intervention", "behaviour.record_suspension")
    if school is None or not any(access.has_school_perm(request.user, school, perm) for perm in perms):
        raise PermissionDenied
    text = request.GET.get("q", "").strip()
    results = []
    if len(text) >= 2:
        pupils = core_selectors.on_roll(core_selectors.pupils_visible_to(request.user).filter(school=school))
        results = list(core_selectors.pupil_search(pupils, text).order_by("legal_last_name", "legal_first_name")[:10])
        core_services.pupil_search_record(
            actor=request.user, school=school, text=text, results=results, where="behaviour picker"
        )
    return render(request, "behaviour/_pupil_picker_results.html", {"results": results, "q": text})


@login_required
def event_detail(request, code):
    event = selectors.get_event_for_user(request.user, code)
    can_void = access.has_school_perm(request.user, event.school_id, "behaviour.void_event")
    if event.voided_at and not can_void:
        # Voided events stay visible to those who can void, so mistakes can be reviewed, not to everyone.
        raise PermissionDenied
    context = {
        "event": event,
        "linked": selectors.events_visible_to(request.user)
        .filter(group=event.group)
        .exclude(pk=event.pk)
        .select_related("pupil"),
        "staff": list(event.staff_involved.all()),
        "revisions": list(event.revisions.select_related("changed_by")),
        "can_record": not event.voided_at
        and access.has_school_perm(request.user, event.school_id, "behaviour.record_event"),
        "can_edit": not event.voided_at and services.can_change_event(request.user, event),
        "void_form": VoidForm() if can_void and not event.voided_at else None,
        "meetings": list(
            selectors.restorative_meetings_visible_to(request.user)
            .filter(incidents=event, voided_at__isnull=True)
            .order_by("held_on")
        ),
        "removals": list(
            selectors.removals_visible_to(request.user)
            .filter(event=event, voided_at__isnull=True)
            .order_by("removed_at")
        ),
        "incident": selectors.incident_for_group(request.user, event.group),
    }
    return render(request, "behaviour/event_detail.html", context)


@login_required
def event_edit(request, code):
    event = selectors.get_event_for_user(request.user, code)
    if event.voided_at or not services.can_change_event(request.user, event):
        raise PermissionDenied
    form = EventEditForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        fresh = selectors.get_event_for_user(request.user, code)
        data = dict(form.cleaned_data)
        staff = data.pop("staff_involved")
        try:
            services.event_update(actor=request.user, event=fresh, changes=data, staff_involved=staff)
            messages.success(request, "Saved. The change is kept in the event's history.")
        except (PastoralError, ValidationError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return redirect("behaviour:event_detail", code=event.code)
    return render(request, "behaviour/event_form.html", {"event": event, "form": form})


@login_required
@require_POST
def event_void(request, code):
    event = selectors.get_event_for_user(request.user, code)
    _require(request.user, event.school_id, "behaviour.void_event")
    form = VoidForm(request.POST)
    if not form.is_valid():
        context = {"event": event, "void_form": form, "linked": [], "staff": [], "revisions": []}
        return render(request, "behaviour/event_detail.html", context, status=400)
    try:
        services.event_void(actor=request.user, event=event, reason=form.cleaned_data["reason"])
        messages.success(request, "Event voided. It stays on the record, marked as voided.")
    except PastoralError as exc:
        messages.error(request, str(exc))
    return redirect("behaviour:event_detail", code=event.code)


@login_required
def event_list(request):
    school = _school_with(request, "behaviour.view_event")
    listing = list_page(request, event_filter(request.user, school, request.GET))
    context = listing.context(
        can_record=access.has_school_perm(request.user, school, "behaviour.record_event"),
        can_see_bullying=access.has_school_perm(request.user, school, "behaviour.view_bullying"),
        can_manage_categories=access.has_school_perm(request.user, school, "behaviour.manage_categories"),
    )
    return render(request, "behaviour/event_list.html", context)


@login_required
def category_list(request):
    school = _school_with(request, "behaviour.manage_categories")
    categories = selectors.categories_for(school)
    return render(request, "behaviour/category_list.html", {"categories": categories, "school": school})


@login_required
def category_form(request, code=None):
    school = _school_with(request, "behaviour.manage_categories")
    category = get_object_or_404(selectors.categories_for(school), code=code) if code else BehaviourCategory()
    form = CategoryForm(request.POST or None, instance=category, school=school)
    if request.method == "POST" and form.is_valid():
        form.instance.school = school
        services.category_save(actor=request.user, category=form.instance, changed=audit.changes(form))
        messages.success(request, "Category saved.")
        return redirect("behaviour:category_list")
    return render(request, "behaviour/category_form.html", {"form": form, "category": category})


# Each rewards section's CSV columns as (heading, row key), in the order the page shows them.
REWARD_COLUMNS = {
    "pupils": [("Pupil", "name"), ("Year", "year_group"), ("Form", "form"), ("House", "house")]
    + [("Positive events", "events"), ("Points", "points")],
    "forms": [("Year", "year_group"), ("Form", "form"), ("Pupils", "pupils"), ("Points", "points")],
    "houses": [("House", "house"), ("Pupils", "pupils"), ("Points", "points")],
    "milestones": [("Pupil", "name"), ("Year", "year_group"), ("Form", "form"), ("House", "house")]
    + [("Milestone", "milestone"), ("Threshold", "threshold"), ("Points before", "before"), ("Points now", "points")],
}


def _reward_periods(school, data):
    today = timezone.localdate()
    week_start, week_end = selectors.week_so_far(today)
    return {
        "start": data.get("start") or selectors.academic_year_start(school, today),
        "end": data.get("end") or today,
        "crossed_start": data.get("crossed_start") or week_start,
        "crossed_end": data.get("crossed_end") or week_end,
    }


def _reward_rows(user, school, section, data, periods):
    start, end = periods["start"], periods["end"]
    if section == "pupils":
        filters = {"year_group": data.get("year_group"), "form": data.get("form") or ""}
        return selectors.pupil_points(user, school, start, end, **filters)
    if section == "forms":
        return selectors.form_points(user, school, start, end)
    if section == "houses":
        return selectors.house_points(user, school, start, end)
    return selectors.milestones_crossed(school, user, periods["crossed_start"], periods["crossed_end"])


@login_required
def rewards(request):
    school = _school_with(request, "behaviour.view_event")
    form = RewardsFilterForm(request.GET or None, school=school)
    data = form.cleaned_data if form.is_valid() else {}
    periods = _reward_periods(school, data)
    query = request.GET.copy()
    query.pop("format", None)
    query.pop("section", None)
    context = {
        "school": school,
        "form": form,
        "query": query.urlencode(),
        "sections": {name: _reward_rows(request.user, school, name, data, periods) for name in REWARD_COLUMNS},
        "can_manage": access.has_school_perm(request.user, school, "behaviour.manage_categories"),
        **periods,
    }
    return render(request, "behaviour/rewards.html", context)


@login_required
def milestone_list(request):
    school = _school_with(request, "behaviour.manage_categories")
    milestones = selectors.milestones_for(school)
    return render(request, "behaviour/milestone_list.html", {"milestones": milestones, "school": school})


@login_required
def milestone_form(request, code=None):
    school = _school_with(request, "behaviour.manage_categories")
    milestone = get_object_or_404(selectors.milestones_for(school), code=code) if code else RewardMilestone()
    form = MilestoneForm(request.POST or None, instance=milestone, school=school)
    if request.method == "POST" and form.is_valid():
        form.instance.school = school
        services.milestone_save(actor=request.user, milestone=form.instance, changed=audit.changes(form))
        messages.success(request, "Milestone saved.")
        return redirect("behaviour:milestone_list")
    return render(request, "behaviour/milestone_form.html", {"form": form, "milestone": milestone})


def _event_to_link(request, school):
    """The event named by ?event=, if it is this school's and still stands; its pupil is pre-chosen."""
    code = request.GET.get("event")
    if not code:
        return None
    try:
        code = uuid.UUID(code)
    except ValueError:
        raise Http404("No such event") from None
    event = selectors.get_event_for_user(request.user, code)
    if event.school_id != school.pk or event.voided_at:
        raise Http404("No such event")
    return event


@login_required
def removal_create(request):
    school = _school_with(request, "behaviour.record_event")
    event = _event_to_link(request, school)
    initial = {"pupil": event.pupil, "lesson": event.period} if event else {}
    form = RemovalForm(request.POST or None, user=request.user, school=school, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            removal = services.removal_record(actor=request.user, school=school, event=event, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except PastoralError as exc:
            form.add_error(None, str(exc))
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
    context = {"removal": removal, "void_form": RemovalVoidForm() if can_void and not removal.voided_at else None}
    return render(request, "behaviour/removal_detail.html", context)


@login_required
@require_POST
def removal_void(request, code):
    removal = selectors.get_removal_for_user(request.user, code)
    _require(request.user, removal.school_id, "behaviour.void_event")
    form = RemovalVoidForm(request.POST)
    if not form.is_valid():
        return render(request, "behaviour/removal_detail.html", {"removal": removal, "void_form": form}, status=400)
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


@login_required
def restorative_create(request):
    school = _school_with(request, "behaviour.record_event")
    event = _event_to_link(request, school)
    initial = {"incidents": [event]} if event else {}
    form = RestorativeMeetingForm(request.POST or None, user=request.user, school=school, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.restorative_meeting_record(actor=request.user, school=school, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except PastoralError as exc:
            form.add_error(None, str(exc))
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
        "incidents": selectors.events_visible_to(request.user)
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


# Incidents with detail, follow-up actions, attachments and bullying records.


@login_required
def incident_create(request, code):
    """Incident detail for an event and the events logged with it (reached from the event page)."""
    event = selectors.get_event_for_user(request.user, code)
    _require(request.user, event.school_id, "behaviour.record_event")
    if event.voided_at or event.category.kind != BehaviourCategory.Kind.NEGATIVE:
        raise Http404("No incident detail for this event")
    existing = selectors.incident_for_group(request.user, event.group)
    if existing is not None:
        return redirect("behaviour:incident_detail", code=existing.code)
    events = list(
        selectors.events_visible_to(request.user)
        .filter(group=event.group, voided_at__isnull=True)
        .select_related("pupil", "category")
    )
    pupils = [linked.pupil for linked in events]
    form = IncidentForm(request.POST or None, user=request.user, school=event.school, event_pupils=pupils)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            incident = services.incident_record(actor=request.user, event=event, **data)
        except (PastoralError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Incident detail recorded.")
            return redirect("behaviour:incident_detail", code=incident.code)
    return render(request, "behaviour/incident_form.html", {"form": form, "event": event, "events": events})


def _incident_context(request, incident, **forms):
    user = request.user
    can_record = not incident.voided_at and access.has_school_perm(user, incident.school_id, "behaviour.record_event")
    can_void = access.has_school_perm(user, incident.school_id, "behaviour.void_event")
    actions = list(incident.actions.select_related("owner", "done_by"))
    for action in actions:
        action.can_complete = can_record and services.can_complete_action(user, action, incident.school_id)
    context = {
        "incident": incident,
        "events": selectors.events_visible_to(user)
        .filter(incidents=incident)
        .select_related("pupil", "category")
        .order_by("occurred_at", "pk"),
        "pupils": incident.pupils.order_by("legal_last_name", "legal_first_name"),
        "actions": actions,
        "attachments": list(
            selectors.attachments_visible_to(request.user).filter(incident=incident).select_related("uploaded_by")
        ),
        "revisions": list(incident.revisions.select_related("changed_by")),
        "bullying": list(selectors.bullying_visible_to(user).filter(incident=incident, voided_at__isnull=True)),
        "can_record": can_record,
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
    event_pupils = list(Pupil.objects.filter(behaviour_events__incidents=incident).distinct())
    form = IncidentForm(
        request.POST or None, instance=incident, user=request.user, school=incident.school, event_pupils=event_pupils
    )
    if request.method == "POST" and form.is_valid():
        fresh = selectors.get_incident_for_user(request.user, code)
        data = dict(form.cleaned_data)
        others = data.pop("other_pupils")
        try:
            services.incident_update(actor=request.user, incident=fresh, changes=data, other_pupils=others)
        except (PastoralError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Saved. The change is kept in the incident's history.")
            return redirect("behaviour:incident_detail", code=incident.code)
    return render(request, "behaviour/incident_form.html", {"form": form, "incident": incident})


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
            selectors.events_visible_to(request.user)
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
        "events": selectors.events_visible_to(request.user)
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
    start = data.get("start") or selectors.academic_year_start(school, today)
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
    context = {"form": form, "start": start, "end": end, "patterns": patterns, "chart": chart, "school": school}
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
            services.bullying_update_outcome(actor=request.user, record=record, **form.cleaned_data)
        except (PastoralError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Outcome saved. The change is kept in the record's history.")
            return redirect("behaviour:bullying_detail", code=record.code)
    context = _bullying_context(request, record, None, outcome_form=form)
    return render(request, "behaviour/bullying_detail.html", context, status=400)
