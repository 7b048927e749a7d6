"""Reads. Every list, search, export and task gets its rows from a `*_visible_to(user)` here."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .accounts import access
from .accounts.roles import SCHOOL_ADDERS, Role
from .models import AuditEntry, FamilyContact, Membership, Professional, Pupil, PupilNote, School, Trust, User


def schools_visible_to(user):
    return School.objects.filter(id__in=list(access.school_roles(user))).select_related("trust")


def pupils_visible_to(user):
    return Pupil.objects.filter(school_id__in=access.schools_with_perm(user, "pastoral.view_pupil"))


def contacts_visible_to(user):
    return FamilyContact.objects.filter(pupil__in=pupils_visible_to(user))


def professionals_visible_to(user):
    """Professionals of pupils the user sees; social-care ones (a social worker says "CIN/CP") only
    where the user holds `pastoral.view_safeguarding_flags`."""
    flagged = access.schools_with_perm(user, "pastoral.view_safeguarding_flags")
    return Professional.objects.filter(pupil__in=pupils_visible_to(user)).filter(
        ~Q(kind__in=Professional.SOCIAL_CARE_KINDS) | Q(pupil__school_id__in=flagged)
    )


# Voided contact-log entries, like voided behaviour events, stay visible to those who may void them
# (to review the correction) and drop out for every other reader of the pupil.
NOTE_VOID_PERM = "pastoral.change_pupil"


def notes_visible_to(user):
    correctors = access.schools_with_perm(user, NOTE_VOID_PERM)
    return PupilNote.objects.filter(pupil__in=pupils_visible_to(user)).filter(
        Q(voided_at__isnull=True) | Q(pupil__school_id__in=correctors)
    )


def get_note_for_user(user, pupil, note_code):
    """A contact-log entry of `pupil` (already fetched for `user`): a voided one is 403 to readers who may not void."""
    note = get_object_or_404(PupilNote.objects.select_related("author", "voided_by"), pupil=pupil, code=note_code)
    if note.voided_at and not access.has_school_perm(user, pupil.school_id, NOTE_VOID_PERM):
        raise PermissionDenied
    return note


def audit_entries_visible_to(user):
    from . import audit

    entries = AuditEntry.objects.filter(school_id__in=access.schools_with_perm(user, "pastoral.view_audit"))
    for prefix in sorted(audit.PRIVATE_PREFIXES):
        entries = entries.exclude(action__startswith=prefix)
    return entries


def memberships_visible_to(user):
    """Roles an IT admin may see and manage: those in the schools (and trusts) they administer."""
    school_ids = access.schools_with_perm(user, "pastoral.manage_staff")
    trust_ids = School.objects.filter(id__in=school_ids).values("trust_id")
    return Membership.objects.filter(Q(school_id__in=school_ids) | Q(school__isnull=True, trust_id__in=trust_ids))


def staff_holding(school, roles, on=None):
    """Active staff with a current membership in `school` in one of `roles`."""
    on = on or timezone.localdate()
    current = Membership.objects.filter(
        school=school, role__in=roles, starts_on__lte=on, approved_at__isnull=False
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
    return User.objects.filter(is_active=True, id__in=current.values("user_id")).order_by("last_name", "first_name")


def staff_visible_to(user):
    return User.objects.filter(memberships__in=memberships_visible_to(user)).distinct()


def colleagues_visible_to(user):
    """Active staff with a current role in a school where the user reads pupils: who a pupil record may name
    (staff involved, facilitators, people a plan is shared with). Never a school the user does not work in."""
    school_ids = access.schools_with_perm(user, "pastoral.view_pupil")
    current = _current(Membership.objects.filter(school_id__in=school_ids))
    return User.objects.filter(is_active=True, id__in=current.values("user_id"))


def trusts_adding_schools(user):
    """The trusts where the user may add a school (roles.SCHOOL_ADDERS, held trust-wide)."""
    ids = [trust_id for trust_id, roles in access.trust_roles(user).items() if roles & SCHOOL_ADDERS]
    return Trust.objects.filter(id__in=ids)


def _current(memberships, on=None):
    on = on or timezone.localdate()
    return memberships.filter(starts_on__lte=on, approved_at__isnull=False).exclude(ends_on__lt=on)


def trust_schools_for(user):
    """The schools of the trusts where the user adds schools, with `heads` (current headteacher roles) and
    `pupils_on_roll`: three queries however many schools."""
    today = timezone.localdate()
    heads = _current(Membership.objects.filter(role=Role.HEADTEACHER), today).select_related("user")
    on_roll_now = Q(pupils__leaving_date__isnull=True) | Q(pupils__leaving_date__gte=today)
    return (
        School.objects.filter(trust__in=trusts_adding_schools(user))
        .select_related("trust")
        .annotate(pupils_on_roll=Count("pupils", filter=on_roll_now))
        .prefetch_related(Prefetch("memberships", queryset=heads.order_by("user__last_name"), to_attr="heads"))
        .order_by("trust__name", "name")
    )


def trust_staff_for(user):
    """Active staff with a current role in a trust where the user adds schools: who may be named a new head
    (not the user: nobody appoints themselves)."""
    current = _current(Membership.objects.filter(trust__in=trusts_adding_schools(user)))
    staff = User.objects.filter(is_active=True, id__in=current.values("user_id")).exclude(pk=user.pk)
    return staff.order_by("last_name", "first_name")


def on_roll(queryset, on=None):
    on = on or timezone.localdate()
    return queryset.filter(Q(leaving_date__isnull=True) | Q(leaving_date__gte=on))


NAME_FIELDS = ("legal_first_name", "legal_last_name", "preferred_first_name", "preferred_last_name")


def pupil_search(queryset, text):
    """Every word must match a name (legal or preferred, accent-insensitive), or the text is a UPN prefix."""
    words = (text or "").split()[:4]
    if not words:
        return queryset.none()
    names = Q()
    for word in words:
        any_name = Q()
        for field in NAME_FIELDS:
            any_name |= Q(**{f"{field}__unaccent__icontains": word})
        names &= any_name
    return queryset.filter(names | Q(upn__istartswith=words[0]))


def get_pupil_for_user(user, code, perm="pastoral.view_pupil"):
    """The pupil, or 404 if the user has no way to know it exists, or 403 if their role stops them.

    Staff of the pupil's own school without the permission get 403; anyone
    else gets 404 so records of other schools never reveal themselves.
    """
    try:
        pupil = Pupil.objects.select_related("school", "keyworker").get(code=code)
    except (Pupil.DoesNotExist, ValidationError) as exc:
        # Codes also arrive from query strings (?pupil=...), where a mangled one is simply no pupil.
        raise Http404("No such pupil") from exc
    if access.has_school_perm(user, pupil.school_id, perm):
        return pupil
    if access.has_school_perm(user, pupil.school_id, "pastoral.view_pupil") or access.is_member_of(
        user, pupil.school_id
    ):
        raise PermissionDenied
    raise Http404("No such pupil")


def pupil_profile_data(pupil, user):
    return {
        "contacts": list(pupil.contacts.all()),
        "professionals": list(professionals_visible_to(user).filter(pupil=pupil)),
    }


def memberships_awaiting_approval(user):
    """Roles awaiting approval in the user's approval scope (includes ones they may not approve
    because they hold or granted them: use `approvals_for` for the actionable list)."""
    from .accounts.roles import TRUST_APPROVED_ROLES

    school_ids, trust_ids = access.approval_scope(user)
    today = timezone.localdate()
    return (
        Membership.objects.filter(approved_at__isnull=True, user__is_active=True)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .filter(
            (Q(school_id__in=school_ids) & ~Q(role__in=TRUST_APPROVED_ROLES))
            | Q(role__in=TRUST_APPROVED_ROLES, trust_id__in=trust_ids)
        )
    )


def approvals_for(user):
    """The pending roles this user may approve: not their own, not ones they granted."""
    return (
        memberships_awaiting_approval(user)
        .exclude(user=user)
        .exclude(granted_by=user)
        .select_related("user", "school", "trust", "granted_by")
        .order_by("starts_on", "pk")
    )


def role_approvers(membership):
    """Active staff who may approve this pending role (for the request email); excludes holder and granter."""
    from .accounts.roles import SCHOOL_APPROVERS, TRUST_APPROVED_ROLES, TRUST_APPROVERS

    on = timezone.localdate()
    current = Membership.objects.filter(starts_on__lte=on, approved_at__isnull=False).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=on)
    )
    if membership.role in TRUST_APPROVED_ROLES:
        current = current.filter(trust_id=membership.trust_id, role__in=TRUST_APPROVERS)
    else:
        current = current.filter(school_id=membership.school_id, role__in=SCHOOL_APPROVERS)
    return (
        User.objects.filter(is_active=True, id__in=current.values("user_id"))
        .exclude(pk__in=[membership.user_id, membership.granted_by_id or 0])
        .order_by("last_name", "first_name")
    )


def _memberships_in_approval_scope(school_ids, trust_ids):
    """Not-ended memberships an approver with this scope answers for (school roles; trust-wide roles)."""
    today = timezone.localdate()
    return Membership.objects.exclude(ends_on__lt=today).filter(
        Q(school_id__in=school_ids) | Q(school__isnull=True, trust_id__in=trust_ids)
    )


def mfa_resets_awaiting_approval(user):
    """Two-factor resets waiting for approval for people holding a role in the user's approval scope
    (includes the user's own and ones they asked for: use `mfa_reset_approvals_for` for the actionable list)."""
    from .models import MfaResetRequest

    school_ids, trust_ids = access.approval_scope(user)
    if not school_ids and not trust_ids:
        return MfaResetRequest.objects.none()
    held = _memberships_in_approval_scope(school_ids, trust_ids)
    return MfaResetRequest.objects.filter(
        approved_at__isnull=True, declined_at__isnull=True, user__is_active=True, user_id__in=held.values("user_id")
    )


def mfa_reset_approvals_for(user):
    """The pending two-factor resets this user may approve: not their own, not ones they asked for."""
    return (
        mfa_resets_awaiting_approval(user)
        .exclude(user=user)
        .exclude(requested_by=user)
        .select_related("user", "school", "requested_by")
        .order_by("created", "pk")
    )


def can_approve_mfa_reset(user, reset_request):
    """Same rule as `access.can_approve`: a headteacher or DSL of one of the person's schools (a trust DSL or a
    head in the trust for a trust-wide role); never the person themself nor whoever asked for the reset."""
    if not reset_request.pending or user.pk in (reset_request.user_id, reset_request.requested_by_id):
        return False
    return mfa_resets_awaiting_approval(user).filter(pk=reset_request.pk).exists()


def mfa_reset_approvers(reset_request):
    """Active headteachers, DSLs and trust DSLs who may approve this reset (for the request email)."""
    from .accounts.roles import SCHOOL_APPROVERS, TRUST_APPROVERS

    on = timezone.localdate()
    held = Membership.objects.filter(user_id=reset_request.user_id).exclude(ends_on__lt=on)
    school_ids = [s for s in held.values_list("school_id", flat=True) if s]
    trust_ids = list(held.filter(school__isnull=True).values_list("trust_id", flat=True))
    current = Membership.objects.filter(starts_on__lte=on, approved_at__isnull=False).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=on)
    )
    current = current.filter(
        Q(school_id__in=school_ids, role__in=SCHOOL_APPROVERS) | Q(trust_id__in=trust_ids, role__in=TRUST_APPROVERS)
    )
    return (
        User.objects.filter(is_active=True, id__in=current.values("user_id"))
        .exclude(pk__in=[reset_request.user_id, reset_request.requested_by_id or 0])
        .order_by("last_name", "first_name")
    )
