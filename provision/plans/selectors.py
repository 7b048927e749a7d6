"""Reads for support plans. Every list, panel, card, export, report line and task reads through
`plans_visible_to(user)` (the full plans) or `card_plans_visible_to(user)` (the card's few fields).

Who sees what:
- writers (headteacher, DSL, deputy DSL, pastoral lead, pastoral staff, SENCo) read every plan of their school,
  drafts and ended plans included;
- other staff who read pupils (teachers and TAs, first aiders, AP coordinators) read the plans shared with them by
  name or through a role they hold in the school, once agreed (never drafts), ended ones included;
- every member of staff who reads pupils sees the "How to support me" card of the plans in force;
- trust leaders see counts only (the termly report), never a plan.
"""

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from pastoral import breakglass
from pastoral.accounts import access
from pastoral.models import Membership, User

from .kinds import CARD_KINDS, DEFAULT_REVIEW_WEEKS, Kind
from .models import PlanAcknowledgement, PlanReviewInterval, PlanShare, SupportPlan


def _shared_with(user, besides=()):
    """Q for the plans shared with `user`: by name, or with a role they hold in the plan's school (other than the
    schools `besides`)."""
    shared = [s for s in access.schools_with_perm(user, "provision.view_shared_plan") if s not in besides]
    if not shared:
        return Q(pk__in=[])
    roles_by_school = access.school_roles(user)
    by_name = PlanShare.objects.filter(plan=OuterRef("pk"), user_id=user.pk)
    condition = Q(Exists(by_name))
    for school_id in shared:
        roles = [str(role) for role in roles_by_school.get(school_id, ())]
        by_role = PlanShare.objects.filter(plan=OuterRef("pk"), role__in=roles)
        condition |= Q(school_id=school_id) & Q(Exists(by_role))
    return Q(school_id__in=shared) & ~Q(status=SupportPlan.Status.DRAFT) & condition


# The break-glass record kind (pastoral.breakglass): one support plan, opened read-only in an emergency.
KIND = "provision.support_plan"


def _readers_q(user):
    """The plan's access list: None when the user reads no plan anywhere."""
    writers = access.schools_with_perm(user, "provision.view_plan")
    if not writers and not access.schools_with_perm(user, "provision.view_shared_plan"):
        return None
    # A share in a school whose plans the user reads anyway adds nothing: looked for only elsewhere.
    if not [s for s in access.schools_with_perm(user, "provision.view_shared_plan") if s not in writers]:
        return Q(school_id__in=writers)
    return Q(school_id__in=writers) | _shared_with(user, besides=writers)


def plans_visible_to(user):
    condition = _readers_q(user)
    glass = breakglass.granted(user, KIND)
    if glass is not None:
        condition = glass if condition is None else condition | glass
    if condition is None:
        return SupportPlan.objects.none()
    return SupportPlan.objects.filter(condition)


def can_read_plan(user, plan):
    """On the plan's access list (without any break-glass opening); a query only for those it is shared with."""
    if access.has_school_perm(user, plan.school_id, "provision.view_plan"):
        return True
    if not access.has_school_perm(user, plan.school_id, "provision.view_shared_plan"):
        return False
    return SupportPlan.objects.filter(_shared_with(user), pk=plan.pk).exists()


def card_plans_visible_to(user):
    """The plans in force whose key strategies every member of staff who reads the pupil may see on the card."""
    return SupportPlan.objects.filter(
        school_id__in=access.schools_with_perm(user, "provision.view_plan_card"),
        status__in=SupportPlan.IN_FORCE,
        kind__in=CARD_KINDS,
    )


def get_plan_for_user(user, code):
    """The plan, or 404 to anyone outside its school, or 403 to its school's staff who may not read it."""
    plan = SupportPlan.objects.select_related("pupil", "school", "created_by", "activated_by", "ended_by").filter(
        code=code
    )
    plan = plan.first()
    if plan is not None and plans_visible_to(user).filter(pk=plan.pk).exists():
        breakglass.note_read(user, KIND, plan)
        return plan
    breakglass.refuse(
        user,
        plan,
        code,
        None,
        allowed_to_know=plan is not None and access.is_member_of(user, plan.school_id),
        noun="plan",
        kind_name=KIND,
    )


def get_writable_plan(user, code):
    plan = get_plan_for_user(user, code)
    if not can_write(user, plan.school_id):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    return plan


def can_write(user, school):
    return access.has_school_perm(user, school, "provision.write_plan")


def review_weeks(school, kind):
    interval = PlanReviewInterval.objects.filter(school=school, kind=kind).values_list("weeks", flat=True).first()
    return interval or DEFAULT_REVIEW_WEEKS[Kind(kind)]


def review_weeks_for_school(school):
    weeks = {Kind(kind): value for kind, value in DEFAULT_REVIEW_WEEKS.items()}
    for kind, value in PlanReviewInterval.objects.filter(school=school).values_list("kind", "weeks"):
        weeks[Kind(kind)] = value
    return weeks


def default_review_date(school, kind, start=None):
    return (start or timezone.localdate()) + timezone.timedelta(weeks=review_weeks(school, kind))


def readers_of(plan, on=None):
    """Active staff the plan is shared with (named, or holding a shared role in its school now)."""
    on = on or timezone.localdate()
    roles = list(plan.shares.exclude(role="").values_list("role", flat=True))
    named = plan.shares.filter(user__isnull=False).values("user_id")
    by_role = (
        Membership.objects.filter(
            school_id=plan.school_id, role__in=roles, starts_on__lte=on, approved_at__isnull=False
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
        .values("user_id")
    )
    return User.objects.filter(is_active=True).filter(Q(pk__in=named) | Q(pk__in=by_role)).distinct()


def outstanding_readers(plan):
    """Staff the plan is shared with who have not acknowledged its current version."""
    done = PlanAcknowledgement.objects.filter(plan=plan, version=plan.version).values("user_id")
    return readers_of(plan).exclude(pk__in=done).order_by("last_name", "first_name")


def acknowledged_current(plan):
    return (
        PlanAcknowledgement.objects.filter(plan=plan, version=plan.version)
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    )


def is_shared_with(user, plan):
    return readers_of(plan).filter(pk=user.pk).exists()


def has_acknowledged(user, plan):
    return PlanAcknowledgement.objects.filter(plan=plan, user=user, version=plan.version).exists()


def shared_unacknowledged(user, school, plans=None):
    """Plans in force shared with `user` whose current version they have not acknowledged, of `plans` (every
    plan of the school unless given): the dashboard's probe asks this before the visible-to selector."""
    done = PlanAcknowledgement.objects.filter(plan=OuterRef("pk"), user_id=user.pk, version=OuterRef("version"))
    roles = [str(role) for role in access.school_roles(user).get(school.pk, ())]
    shared = PlanShare.objects.filter(plan=OuterRef("pk")).filter(Q(user_id=user.pk) | Q(role__in=roles))
    plans = SupportPlan.objects.all() if plans is None else plans
    return plans.filter(school=school, status__in=SupportPlan.IN_FORCE).filter(Exists(shared)).exclude(Exists(done))


def plans_to_acknowledge(user, school):
    """Plans in force shared with `user` whose current version they have not acknowledged."""
    return (
        shared_unacknowledged(user, school, plans_visible_to(user))
        .select_related("pupil")
        .order_by("pupil__legal_last_name", "pk")
    )


def plans_counted_for(user):
    """Plans of the schools whose counts the user may see (the termly report): never shown one by one."""
    return SupportPlan.objects.filter(school_id__in=access.schools_with_perm(user, "provision.view_plan_counts"))


def outstanding_counts(plans, on=None):
    """{plan id: readers who have not acknowledged its current version} for a page of plans, in three queries
    however many plans: their shares, the current members of the shared roles, and the receipts."""
    plans = [plan for plan in plans if plan.status in SupportPlan.IN_FORCE]
    if not plans:
        return {}
    on = on or timezone.localdate()
    ids = [plan.pk for plan in plans]
    named, roles = {}, {}
    shares = PlanShare.objects.filter(plan_id__in=ids).filter(Q(user__isnull=True) | Q(user__is_active=True))
    for plan_id, user_id, role in shares.values_list("plan_id", "user_id", "role"):
        if user_id:
            named.setdefault(plan_id, set()).add(user_id)
        else:
            roles.setdefault(plan_id, set()).add(role)
    holders = {}
    wanted = set().union(*roles.values()) if roles else set()
    if wanted:
        current = (
            Membership.objects.filter(
                school_id__in={plan.school_id for plan in plans},
                role__in=wanted,
                starts_on__lte=on,
                approved_at__isnull=False,
                user__is_active=True,
            )
            .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
            .values_list("school_id", "role", "user_id")
        )
        for school_id, role, user_id in current:
            holders.setdefault((school_id, role), set()).add(user_id)
    done = {}
    receipts = PlanAcknowledgement.objects.filter(plan_id__in=ids).values_list("plan_id", "user_id", "version")
    for plan_id, user_id, version in receipts:
        done.setdefault((plan_id, version), set()).add(user_id)
    counts = {}
    for plan in plans:
        readers = set(named.get(plan.pk, set()))
        for role in roles.get(plan.pk, ()):
            readers |= holders.get((plan.school_id, role), set())
        counts[plan.pk] = len(readers - done.get((plan.pk, plan.version), set()))
    return counts
