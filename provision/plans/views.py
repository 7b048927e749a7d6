"""Views for support plans: fetch → form → service → message → redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from behaviour.interventions.selectors import techniques_for
from behaviour.suspensions.models import Suspension
from pastoral.accounts import access
from pastoral.accounts.schools import current_school
from pastoral.exceptions import PastoralError
from pastoral.files import uploads
from pastoral.forms import add_service_errors
from pastoral.lists import list_page
from pastoral.pupils import leavers

from . import evidence, selectors, services
from .diff import compare
from .filters import plan_filter
from .forms import (
    ActivateForm,
    EndForm,
    HazardFormSet,
    PlanContentForm,
    PlanStartForm,
    ReviewForm,
    ReviewIntervalsForm,
    ShareForm,
    StoryPageFormSet,
)
from .kinds import HAZARD_FIELDS, Kind, sections
from .models import PlanShare, StoryImage, SupportPlan


def _school_with(request, *perms):
    school = current_school(request)
    if school is None or not any(access.has_school_perm(request.user, school, perm) for perm in perms):
        raise PermissionDenied
    return school


def _technique_names(plan):
    return {str(t.code): t.name for t in techniques_for(plan.school)} if plan.kind == Kind.BSP else {}


@login_required
def plan_list(request):
    school = _school_with(request, "provision.view_plan", "provision.view_shared_plan")
    listing = list_page(request, plan_filter(request.user, school, request.GET))
    can_write = selectors.can_write(request.user, school)
    if can_write:
        # Leads see, per plan, how many readers have not yet confirmed the current version.
        counts = selectors.outstanding_counts(list(listing.page))
        for plan in listing.page:
            plan.not_yet_read = counts.get(plan.pk)
    context = listing.context(can_write=can_write, school=school)
    return render(request, "provision/plans/list.html", context)


@login_required
def plan_start(request):
    school = _school_with(request, "provision.write_plan")
    initial = {}
    if request.GET.get("kind") in Kind.values:
        initial["kind"] = request.GET["kind"]
    if request.GET.get("pupil"):
        initial["pupil"] = request.GET["pupil"]
    form = PlanStartForm(request.POST or None, user=request.user, school=school, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(actor=request.user, **form.cleaned_data)
        except (PastoralError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Draft started. Now write the plan.")
            return redirect("provision:plan_edit", code=plan.code)
    return render(request, "provision/plans/start.html", {"form": form})


@login_required
def plan_from_suspension(request, code):
    """A reintegration plan for a finalised suspension: one per suspension, started as a draft."""
    suspensions = Suspension.objects.select_related("pupil", "school")
    suspension = access.get_or_refuse(suspensions, request.user, code, "behaviour.view_suspension", "suspension")
    if not selectors.can_write(request.user, suspension.school_id):
        raise PermissionDenied
    existing = suspension.reintegration_plans.exclude(status=SupportPlan.Status.ENDED).first()
    if existing is not None:
        return redirect("provision:plan_detail", code=existing.code)
    if request.method != "POST":
        return render(request, "provision/plans/from_suspension.html", {"suspension": suspension})
    try:
        plan = services.plan_create(
            actor=request.user,
            pupil=suspension.pupil,
            kind=Kind.REINTEGRATION,
            title=f"Return after {suspension}",
            suspension=suspension,
        )
    except PastoralError as exc:
        messages.error(request, str(exc))
        return redirect("behaviour:suspension_detail", code=suspension.code)
    messages.success(request, "Reintegration plan started. Now write the goals and support.")
    return redirect("provision:plan_edit", code=plan.code)


def _detail_context(request, plan):
    user = request.user
    # A leaver's plan is read-only except for the DSL team and the head (pastoral.pupils.leavers).
    can_write = selectors.can_write(user, plan.school_id) and leavers.may_write(user, plan.pupil)
    shared = selectors.is_shared_with(user, plan)
    context = {
        "plan": plan,
        "sections": sections(plan.kind, plan.content, _technique_names(plan)),
        "can_write": can_write,
        "versions": list(plan.versions.select_related("saved_by").order_by("-number")),
        "reviews": list(plan.reviews.select_related("reviewed_by")),
        "shared_with_me": shared,
        "acknowledged": shared and selectors.has_acknowledged(user, plan),
        "story_images": {str(i.code) for i in plan.story_images.all()} if plan.kind == Kind.SOCIAL_STORY else set(),
    }
    if can_write:
        context.update(
            shares=list(plan.shares.select_related("user")),
            outstanding=list(selectors.outstanding_readers(plan)) if plan.in_force else [],
            acknowledged_by=list(selectors.acknowledged_current(plan)),
            share_form=ShareForm(school=plan.school) if plan.in_force else None,
            end_form=EndForm() if plan.status != SupportPlan.Status.ENDED else None,
        )
    return context


@login_required
def plan_detail(request, code):
    plan = selectors.get_plan_for_user(request.user, code)
    services.plan_viewed(actor=request.user, plan=plan)
    return render(request, "provision/plans/detail.html", _detail_context(request, plan))


def _content_forms(request, plan):
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    initial = PlanContentForm.initial_from(plan)
    techniques = techniques_for(plan.school, active_only=True) if plan.kind == Kind.BSP else ()
    form = PlanContentForm(data, kind=plan.kind, techniques=techniques, initial=initial)
    extra = None
    if plan.kind == Kind.RISK:
        extra = HazardFormSet(data, prefix="hazards", initial=plan.content.get("hazards") or None)
    elif plan.kind == Kind.SOCIAL_STORY:
        pages = [{"text": p.get("text", ""), "keep_image": p.get("image", "")} for p in plan.content.get("pages", [])]
        extra = StoryPageFormSet(data, files, prefix="pages", initial=pages or None)
    return form, extra


@login_required
def plan_edit(request, code):
    plan = selectors.get_writable_plan(request.user, code)
    if plan.status == SupportPlan.Status.ENDED:
        raise PermissionDenied
    form, extra = _content_forms(request, plan)
    if request.method == "POST" and form.is_valid() and (extra is None or extra.is_valid()):
        content = form.content()
        try:
            if plan.kind == Kind.RISK:
                content["hazards"] = extra.hazards()
            if plan.kind == Kind.SOCIAL_STORY:
                content["pages"] = services.story_pages(actor=request.user, plan=plan, pages=extra.pages())
            services.plan_save(
                actor=request.user,
                plan=plan,
                title=form.cleaned_data["title"],
                content=content,
                review_date=form.cleaned_data["review_date"],
                note=form.cleaned_data["note"],
            )
        except (PastoralError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Saved as a new version.")
            return redirect("provision:plan_detail", code=plan.code)
    context = {"plan": plan, "form": form, "extra": extra, "hazard_fields": HAZARD_FIELDS}
    return render(request, "provision/plans/edit.html", context)


@login_required
def plan_activate(request, code):
    plan = selectors.get_writable_plan(request.user, code)
    if plan.status != SupportPlan.Status.DRAFT:
        raise Http404("Only a draft is agreed")
    form = ActivateForm(
        request.POST or None, initial={"review_date": selectors.default_review_date(plan.school, plan.kind)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_activate(actor=request.user, plan=plan, **form.cleaned_data)
        except (PastoralError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The plan is agreed and active. Share it with the staff who need it.")
            return redirect("provision:plan_detail", code=plan.code)
    return render(request, "provision/plans/activate.html", {"plan": plan, "form": form})


@login_required
def plan_review(request, code):
    plan = selectors.get_writable_plan(request.user, code)
    if not plan.in_force:
        raise Http404("Only a plan in force is reviewed")
    found = evidence.evidence_for(request.user, plan)
    default_next = selectors.default_review_date(plan.school, plan.kind)
    form = ReviewForm(request.POST or None, initial={"next_review_date": default_next})
    if request.method == "POST" and form.is_valid():
        try:
            review = services.plan_review(
                actor=request.user, plan=plan, evidence=evidence.as_json(found), **form.cleaned_data
            )
        except (PastoralError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Review recorded.")
            if review.outcome == review.Outcome.CHANGED:
                return redirect("provision:plan_edit", code=plan.code)
            return redirect("provision:plan_detail", code=plan.code)
    context = {"plan": plan, "form": form, "evidence": found}
    return render(request, "provision/plans/review.html", context)


@login_required
def plan_versions(request, code):
    """What changed between two versions (?a=&b=; the last two by default)."""
    plan = selectors.get_plan_for_user(request.user, code)
    versions = list(plan.versions.select_related("saved_by").order_by("number"))
    numbers = [v.number for v in versions]

    def pick(name, default):
        try:
            value = int(request.GET.get(name, default))
        except ValueError:
            value = default
        return value if value in numbers else default

    b = pick("b", numbers[-1])
    a = pick("a", numbers[-2] if len(numbers) > 1 else numbers[-1])
    old = next(v for v in versions if v.number == a)
    new = next(v for v in versions if v.number == b)
    context = {
        "plan": plan,
        "versions": versions,
        "old": old,
        "new": new,
        "changes": compare(plan.kind, old, new, _technique_names(plan)),
    }
    return render(request, "provision/plans/versions.html", context)


@login_required
@require_POST
def plan_end(request, code):
    plan = selectors.get_writable_plan(request.user, code)
    form = EndForm(request.POST)
    if form.is_valid():
        try:
            services.plan_end(actor=request.user, plan=plan, reason=form.cleaned_data["reason"])
            messages.success(request, "The plan has ended. It stays readable.")
        except PastoralError as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, "Say why the plan ends.")
    return redirect("provision:plan_detail", code=plan.code)


@login_required
@require_POST
def plan_share(request, code):
    plan = selectors.get_writable_plan(request.user, code)
    form = ShareForm(request.POST, school=plan.school)
    if form.is_valid():
        try:
            added = services.plan_share(
                actor=request.user, plan=plan, users=list(form.cleaned_data["users"]), roles=form.cleaned_data["roles"]
            )
            messages.success(request, f"Shared with {len(added)} more." if added else "Already shared with them.")
        except PastoralError as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, " ".join(form.non_field_errors()) or "Choose staff or a role to share with.")
    return redirect("provision:plan_detail", code=plan.code)


@login_required
@require_POST
def plan_unshare(request, code, share_code):
    plan = selectors.get_writable_plan(request.user, code)
    share = get_object_or_404(
        PlanShare.objects.select_related("plan__pupil", "plan__school", "user"), plan=plan, code=share_code
    )
    services.plan_unshare(actor=request.user, share=share)
    messages.success(request, "No longer shared.")
    return redirect("provision:plan_detail", code=plan.code)


@login_required
@require_POST
def plan_acknowledge(request, code):
    plan = selectors.get_plan_for_user(request.user, code)
    try:
        services.plan_acknowledge(actor=request.user, plan=plan)
        messages.success(request, "Thank you: recorded as read and understood.")
    except PastoralError as exc:
        messages.error(request, str(exc))
    return redirect("provision:plan_detail", code=plan.code)


@login_required
def story_image(request, code, image_code):
    plan = selectors.get_plan_for_user(request.user, code)
    image = get_object_or_404(StoryImage, plan=plan, code=image_code)
    return uploads.file_response(
        image.file,
        content_type=image.content_type,
        filename=f"story-{image.code}{uploads.EXTENSIONS.get(image.content_type, '')}",
        inline=True,
    )


@login_required
def review_settings(request):
    school = _school_with(request, "provision.manage_plan_settings")
    weeks = selectors.review_weeks_for_school(school)
    form = ReviewIntervalsForm(request.POST or None, weeks=weeks)
    if request.method == "POST" and form.is_valid():
        services.review_intervals_save(actor=request.user, school=school, weeks=form.cleaned_data)
        messages.success(request, "Review intervals saved. They apply to plans started from now.")
        return redirect("provision:plan_list")
    return render(request, "provision/plans/settings.html", {"form": form})
