"""Views for behaviour points (quick log, events, categories, rewards and milestones): fetch → form → service →
redirect."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pastoral import audit
from pastoral import selectors as core_selectors
from pastoral.accounts import access
from pastoral.exceptions import PastoralError
from pastoral.lists import list_page

from ..detentions.selectors import detentions_visible_to
from ..detentions.services import suggest_url
from ..incidents.selectors import incident_for_group
from ..removals.selectors import removals_visible_to
from ..restorative.selectors import restorative_meetings_visible_to
from ..views import _require, _school_with
from . import selectors, services
from .exports import REWARD_COLUMNS
from .filters import event_filter
from .forms import (
    CategoryForm,
    EventEditForm,
    MilestoneForm,
    PhraseForm,
    QuickLogForm,
    RewardsFilterForm,
    VoidForm,
)
from .models import BehaviourCategory, BehaviourPhrase, RewardMilestone

LAST_PLACE_KEY = "behaviour.quick_log.last_place"


@login_required
def quick_log(request):
    school = _school_with(request, "behaviour.record_event")
    initial = {}
    pupil_code = request.GET.get("pupil")
    if pupil_code:
        pupil = core_selectors.get_pupil_for_user(request.user, pupil_code)
        if pupil.school_id == school.pk:
            initial["pupils"] = [pupil]
    # Where and when the last log was: most logs between lessons repeat them.
    last = request.session.get(LAST_PLACE_KEY, {}).get(str(school.code), {})
    initial.update({key: value for key, value in last.items() if value})
    form = QuickLogForm(request.POST or None, user=request.user, school=school, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        del data["phrase"]
        try:
            events = services.event_record_many(actor=request.user, school=school, **data)
        except (PastoralError, ValidationError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            places = request.session.get(LAST_PLACE_KEY, {})
            location = data.get("location")
            places[str(school.code)] = {"location": str(location.code) if location else "", "period": data["period"]}
            request.session[LAST_PLACE_KEY] = places
            messages.success(request, f"Logged for {len(events)} pupil{'s' if len(events) != 1 else ''}.")
            if len(events) == 1:
                return redirect("behaviour:event_detail", code=events[0].code)
            return redirect("behaviour:event_list")
    return render(request, "behaviour/event_quick_log.html", {"form": form, "chosen": form.chosen_pupils()})


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
            restorative_meetings_visible_to(request.user)
            .filter(incidents=event, voided_at__isnull=True)
            .order_by("held_on")
        ),
        "removals": list(
            removals_visible_to(request.user).filter(event=event, voided_at__isnull=True).order_by("removed_at")
        ),
        "incident": incident_for_group(request.user, event.group),
        "detentions": list(
            detentions_visible_to(request.user)
            .filter(event=event, voided_at__isnull=True)
            .select_related("session__type")
            .order_by("starts_at")
        ),
        "detention_url": suggest_url(event)
        if not event.voided_at and access.has_school_perm(request.user, event.school_id, "behaviour.set_detention")
        else "",
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
        reason = data.pop("change_reason")
        try:
            services.event_update(actor=request.user, event=fresh, changes=data, staff_involved=staff, reason=reason)
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


@login_required
def phrase_list(request):
    school = _school_with(request, "behaviour.manage_categories")
    phrases = selectors.phrases_for(school).order_by("category__kind", "category__name", "order", "text")
    return render(request, "behaviour/phrase_list.html", {"phrases": phrases, "school": school})


@login_required
def phrase_form(request, code=None):
    school = _school_with(request, "behaviour.manage_categories")
    phrase = get_object_or_404(selectors.phrases_for(school), code=code) if code else BehaviourPhrase()
    form = PhraseForm(request.POST or None, instance=phrase, school=school)
    if request.method == "POST" and form.is_valid():
        form.instance.school = school
        services.phrase_save(actor=request.user, phrase=form.instance, changed=audit.changes(form))
        messages.success(request, "Phrase saved.")
        return redirect("behaviour:phrase_list")
    return render(request, "behaviour/phrase_form.html", {"form": form, "phrase": phrase})


@login_required
def rewards(request):
    school = _school_with(request, "behaviour.view_event")
    form = RewardsFilterForm(request.GET or None, school=school)
    data = form.cleaned_data if form.is_valid() else {}
    periods = selectors.reward_periods(school, data)
    query = request.GET.copy()
    query.pop("format", None)
    query.pop("section", None)
    context = {
        "school": school,
        "form": form,
        "query": query.urlencode(),
        "sections": {name: selectors.reward_rows(request.user, school, name, data, periods) for name in REWARD_COLUMNS},
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
