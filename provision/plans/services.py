"""Writes for support plans: keyword-only `<entity>_<action>` functions, one transaction each, audited."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from pastoral import audit
from pastoral.accounts import access
from pastoral.accounts.roles import Role
from pastoral.exceptions import PastoralError
from pastoral.pupils.leavers import require_writable
from pastoral.selectors import staff_holding

from . import selectors
from .kinds import Kind
from .models import PlanAcknowledgement, PlanReview, PlanShare, PlanVersion, SupportPlan

WRITE = "provision.write_plan"


def _require(actor, school, perm=WRITE):
    if not access.has_school_perm(actor, school, perm):
        raise PastoralError("You do not have permission to do that in this school.")


def _locked(plan):
    return SupportPlan.objects.select_for_update().select_related("pupil", "school").get(pk=plan.pk)


def _snapshot(plan, actor, note):
    return PlanVersion.objects.create(
        plan=plan,
        number=plan.version,
        title=plan.title,
        content=plan.content,
        review_date=plan.review_date,
        note=note,
        saved_by=actor,
    )


@transaction.atomic
def plan_create(*, actor, pupil, kind, title, content=None, review_date=None, suspension=None):
    """A draft plan, version 1. The review date defaults from the school's setting for the kind."""
    school = pupil.school
    _require(actor, school)
    require_writable(actor, pupil)
    if kind == Kind.REINTEGRATION and suspension is None:
        raise PastoralError("A reintegration plan is made from a finalised suspension.")
    if suspension is not None:
        if kind != Kind.REINTEGRATION:
            raise PastoralError("Only a reintegration plan follows a suspension.")
        if suspension.pupil_id != pupil.pk or suspension.voided_at or suspension.is_draft:
            raise PastoralError("A reintegration plan follows a finalised suspension of this pupil.")
        if suspension.kind == suspension.Kind.PERMANENT:
            raise PastoralError("A permanently excluded pupil does not return, so there is no reintegration plan.")
    plan = SupportPlan(
        school=school,
        pupil=pupil,
        kind=kind,
        title=title,
        content=content or {},
        review_date=review_date or selectors.default_review_date(school, kind),
        suspension=suspension,
        created_by=actor,
    )
    plan.full_clean()
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError as exc:
        raise PastoralError("This suspension already has a reintegration plan.") from exc
    _snapshot(plan, actor, "First draft")
    audit.record(
        "provision.plan.created", actor=actor, obj=plan, pupil=pupil, data={"kind": kind, "version": plan.version}
    )
    return plan


@transaction.atomic
def plan_save(*, actor, plan, title, content, review_date, note=""):
    """Saves the content as a new version; an active plan's readers are asked to acknowledge it again."""
    _require(actor, plan.school)
    plan = _locked(plan)
    require_writable(actor, plan.pupil)
    if plan.status == SupportPlan.Status.ENDED:
        raise PastoralError("An ended plan stays as it was. Start a new plan instead.")
    if review_date < timezone.localdate() and plan.status != SupportPlan.Status.DRAFT:
        raise PastoralError("The next review cannot be in the past.")
    if title == plan.title and content == plan.content and review_date == plan.review_date:
        return plan
    changed = sorted(
        [key for key in set(content) | set(plan.content) if content.get(key) != plan.content.get(key)]
        + (["title"] if title != plan.title else [])
        + (["review_date"] if review_date != plan.review_date else [])
    )
    plan.title, plan.content, plan.review_date = title, content, review_date
    plan.version += 1
    if plan.status == SupportPlan.Status.REVIEW_DUE and review_date > timezone.localdate():
        plan.status = SupportPlan.Status.ACTIVE
    plan.full_clean()
    plan.save()
    _snapshot(plan, actor, note)
    audit.record(
        "provision.plan.saved",
        actor=actor,
        obj=plan,
        pupil=plan.pupil,
        data={"version": plan.version, "changed": changed},
    )
    return plan


@transaction.atomic
def plan_activate(*, actor, plan, agreed_on, agreed_with, parents_part, pupil_part, review_date):
    """Draft → active: agreed with whom, when, and how the parents and pupil took part."""
    _require(actor, plan.school)
    plan = _locked(plan)
    require_writable(actor, plan.pupil)
    if plan.status != SupportPlan.Status.DRAFT:
        raise PastoralError("Only a draft plan can be agreed.")
    if agreed_on > timezone.localdate():
        raise PastoralError("The plan cannot be agreed on a future date.")
    if review_date <= timezone.localdate():
        raise PastoralError("The first review must be after today.")
    in_force = SupportPlan.objects.filter(pupil=plan.pupil, kind=plan.kind, status__in=SupportPlan.IN_FORCE)
    if in_force.exists():
        raise PastoralError(
            f"{plan.pupil.display_name} already has a {plan.short_kind.lower()} in force. End it, or change it, first."
        )
    plan.status = SupportPlan.Status.ACTIVE
    plan.agreed_on, plan.agreed_with = agreed_on, agreed_with
    plan.parents_part, plan.pupil_part = parents_part, pupil_part
    plan.review_date = review_date
    plan.activated_at, plan.activated_by = timezone.now(), actor
    plan.full_clean()
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError as exc:  # two agreements at once: the constraint keeps one in force
        raise PastoralError("Another plan of this kind has just been agreed for this pupil.") from exc
    audit.record(
        "provision.plan.activated",
        actor=actor,
        obj=plan,
        pupil=plan.pupil,
        data={"agreed_on": agreed_on.isoformat(), "review_date": review_date.isoformat(), "version": plan.version},
    )
    return plan


@transaction.atomic
def plan_review(*, actor, plan, outcome, notes, next_review_date=None, pupil_view="", parents_view="", evidence=None):
    """A review of a plan in force: kept, changed (then edited as a new version) or ended."""
    _require(actor, plan.school)
    plan = _locked(plan)
    require_writable(actor, plan.pupil)
    if not plan.in_force:
        raise PastoralError("Only a plan in force is reviewed.")
    today = timezone.localdate()
    if outcome != PlanReview.Outcome.ENDED and (next_review_date is None or next_review_date <= today):
        raise PastoralError("Choose the next review date, after today.")
    review = PlanReview.objects.create(
        plan=plan,
        reviewed_on=today,
        due_on=plan.review_date,
        outcome=outcome,
        notes=notes,
        pupil_view=pupil_view,
        parents_view=parents_view,
        next_review_date=next_review_date if outcome != PlanReview.Outcome.ENDED else None,
        version=plan.version,
        evidence=evidence or {},
        reviewed_by=actor,
    )
    if outcome == PlanReview.Outcome.ENDED:
        _end(plan, actor, f"Ended at review: {notes}"[:2000])
    else:
        plan.status = SupportPlan.Status.REVIEWED
        plan.review_date = next_review_date
        plan.save(update_fields=["status", "review_date", "updated_at"])
    audit.record(
        "provision.plan.reviewed",
        actor=actor,
        obj=plan,
        pupil=plan.pupil,
        data={"outcome": outcome, "due_on": review.due_on.isoformat(), "version": plan.version},
    )
    return review


def _end(plan, actor, reason):
    plan.status = SupportPlan.Status.ENDED
    plan.ended_at, plan.ended_by, plan.end_reason = timezone.now(), actor, reason
    plan.save(update_fields=["status", "ended_at", "ended_by", "end_reason", "updated_at"])


@transaction.atomic
def plan_end(*, actor, plan, reason):
    """Ends a plan (a draft that was never agreed, or one in force). It stays readable."""
    _require(actor, plan.school)
    plan = _locked(plan)
    require_writable(actor, plan.pupil)
    if plan.status == SupportPlan.Status.ENDED:
        raise PastoralError("This plan has already ended.")
    if not reason.strip():
        raise PastoralError("Say why the plan ends.")
    _end(plan, actor, reason)
    audit.record("provision.plan.ended", actor=actor, obj=plan, pupil=plan.pupil, data={"reason": reason})
    return plan


@transaction.atomic
def plan_share(*, actor, plan, users=(), roles=()):
    """Shares an agreed plan with named staff of its school and with role groups; each will be asked to read it."""
    _require(actor, plan.school)
    if not plan.in_force:
        raise PastoralError("Share a plan once it is agreed and in force.")
    staff = set(
        staff_holding(plan.school, list(Role)).filter(pk__in=[u.pk for u in users]).values_list("pk", flat=True)
    )
    if any(user.pk not in staff for user in users):
        raise PastoralError("Share only with staff of this school.")
    added = []
    for user in users:
        _, made = PlanShare.objects.get_or_create(plan=plan, user=user, defaults={"shared_by": actor})
        if made:
            added.append(user.get_username())
    for role in roles:
        _, made = PlanShare.objects.get_or_create(plan=plan, role=role, user=None, defaults={"shared_by": actor})
        if made:
            added.append(f"role:{role}")
    if added:
        audit.record("provision.plan.shared", actor=actor, obj=plan, pupil=plan.pupil, data={"with": added})
    return added


@transaction.atomic
def plan_unshare(*, actor, share):
    plan = share.plan
    _require(actor, plan.school)
    label = share.user.get_username() if share.user_id else f"role:{share.role}"
    share.delete()
    audit.record("provision.plan.unshared", actor=actor, obj=plan, pupil=plan.pupil, data={"with": label})


@transaction.atomic
def plan_acknowledge(*, actor, plan):
    """ "Read and understood" for the plan's current version, once; a second click changes nothing."""
    if not plan.in_force:
        raise PastoralError("Only a plan in force is acknowledged.")
    if not selectors.is_shared_with(actor, plan):
        raise PastoralError("This plan has not been shared with you.")
    ack, made = PlanAcknowledgement.objects.get_or_create(plan=plan, user=actor, version=plan.version)
    if made:
        audit.record(
            "provision.plan.acknowledged", actor=actor, obj=plan, pupil=plan.pupil, data={"version": plan.version}
        )
    return ack


@transaction.atomic
def review_due_now(*, plan_kind, pupil, reason, actor=None):
    """Brings the review of the pupil's plan of this kind in force forward to today (a restraint, a suspension)."""
    plan = (
        SupportPlan.objects.select_for_update()
        .filter(pupil=pupil, kind=plan_kind, status__in=SupportPlan.IN_FORCE)
        .first()
    )
    today = timezone.localdate()
    if plan is None or (plan.status == SupportPlan.Status.REVIEW_DUE and plan.review_date <= today):
        return plan
    plan.status = SupportPlan.Status.REVIEW_DUE
    plan.review_date = min(plan.review_date, today)
    plan.save(update_fields=["status", "review_date", "updated_at"])
    audit.record("provision.plan.review_brought_forward", actor=actor, obj=plan, pupil=pupil, data={"reason": reason})
    return plan


@transaction.atomic
def review_intervals_save(*, actor, school, weeks):
    from .models import PlanReviewInterval

    _require(actor, school, "provision.manage_plan_settings")
    for kind, value in weeks.items():
        PlanReviewInterval.objects.update_or_create(school=school, kind=kind, defaults={"weeks": value})
    audit.record("provision.settings.changed", actor=actor, school=school, data={str(k): v for k, v in weeks.items()})


def plan_viewed(*, actor, plan):
    """Reads of a plan are audited: they hold what a child finds hard and, for some, risk information."""
    audit.record("provision.plan.viewed", actor=actor, obj=plan, pupil=plan.pupil, data={"version": plan.version})


@transaction.atomic
def story_pages(*, actor, plan, pages):
    """The social story's pages as kept in its content; each new picture is stored (checked by content) first."""
    from .models import StoryImage

    _require(actor, plan.school)
    kept = {str(code) for code in plan.story_images.values_list("code", flat=True)}
    result = []
    for text, upload, content_type, keep in pages:
        image = ""
        if upload is not None:
            stored = StoryImage(plan=plan, content_type=content_type, uploaded_by=actor)
            stored.file.save(upload.name, upload, save=False)
            stored.save()
            image = str(stored.code)
            audit.record("provision.story_image.uploaded", actor=actor, obj=plan, pupil=plan.pupil)
        elif keep in kept:
            image = keep
        result.append({"text": text, "image": image})
    return result
