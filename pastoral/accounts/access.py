"""School-scoped permission checks.

`schools_with_perm(user, "pastoral.view_pupil")` is the building block of every
visibility selector. Memberships are read once per request and cached on the
user object, so checks inside loops cost no queries. Each school's changes to its
roles' permissions (School.role_permissions, see role_catalogue) come with the
memberships' schools, so they cost no query either.
"""

from django.utils import timezone

from .role_catalogue import effective_permissions
from .roles import Role, known_permissions

_CACHE_ATTR = "_pastoral_school_roles"
_CHANGES_CACHE_ATTR = "_pastoral_role_changes"
_PERMS_CACHE_ATTR = "_pastoral_school_perms"
_SCOPE_CACHE_ATTR = "_pastoral_approval_scope"
_TRUST_CACHE_ATTR = "_pastoral_trust_roles"
_SCHOOLS_CACHE_ATTR = "_pastoral_member_schools"


def _check_name(perm):
    if perm not in known_permissions():
        raise ValueError(f"Unknown permission {perm!r}")


def current_memberships(user):
    """Current, approved roles: a role awaiting approval (roles.APPROVAL_ROLES) gives nothing yet."""
    from ..models import Membership

    today = timezone.localdate()
    return (
        Membership.objects.filter(user=user, starts_on__lte=today, user__is_active=True, approved_at__isnull=False)
        .exclude(ends_on__lt=today)
        .select_related("school", "trust")
    )


def school_roles(user):
    """{school_id: {Role, …}} for the user's current memberships (cached per request)."""
    if not user or not user.is_authenticated or not user.is_active:
        return {}
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    from ..models import School

    result = {}
    trust_roles = {}
    changes = {}
    schools = {}
    for membership in current_memberships(user):
        if membership.school_id:
            result.setdefault(membership.school_id, set()).add(Role(membership.role))
            changes[membership.school_id] = membership.school.role_permissions
            schools[membership.school_id] = membership.school
        else:
            trust_roles.setdefault(membership.trust_id, set()).add(Role(membership.role))
    if trust_roles:
        for school in School.objects.filter(trust_id__in=trust_roles):
            result.setdefault(school.pk, set()).update(trust_roles[school.trust_id])
            changes[school.pk] = school.role_permissions
            schools[school.pk] = school
    setattr(user, _CACHE_ATTR, result)
    setattr(user, _SCHOOLS_CACHE_ATTR, schools)
    setattr(user, _TRUST_CACHE_ATTR, trust_roles)
    setattr(user, _CHANGES_CACHE_ATTR, changes)
    setattr(user, _PERMS_CACHE_ATTR, {})
    return result


def member_schools(user):
    """The School rows of the user's current roles, by name (read with school_roles: no query of their own)."""
    school_roles(user)
    return sorted(getattr(user, _SCHOOLS_CACHE_ATTR, {}).values(), key=lambda school: (school.name, school.pk))


def trust_roles(user):
    """{trust_id: {Role, …}} for the user's current trust-wide memberships only (read with school_roles)."""
    if not user or not user.is_authenticated or not user.is_active:
        return {}
    school_roles(user)  # fills both caches
    return getattr(user, _TRUST_CACHE_ATTR, {})


def can_add_schools(user, trust=None):
    """True if `user` may add a school to `trust` (to any trust when None): a current trust-wide trust leader."""
    from .roles import SCHOOL_ADDERS

    held = trust_roles(user)
    trust_ids = [getattr(trust, "pk", trust)] if trust is not None else list(held)
    return any(held.get(trust_id, set()) & SCHOOL_ADDERS for trust_id in trust_ids)


def forget(user):
    """Drop the cached roles (after a membership changes in the same request)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)
    for attr in (_SCOPE_CACHE_ATTR, _TRUST_CACHE_ATTR, _CHANGES_CACHE_ATTR, _PERMS_CACHE_ATTR, _SCHOOLS_CACHE_ATTR):
        if hasattr(user, attr):
            delattr(user, attr)


def perms_in_school(user, school_id):
    """The user's permissions in one school: each role's defaults with the school's approved changes."""
    roles = school_roles(user).get(school_id)
    if not roles:
        return frozenset()
    cache = getattr(user, _PERMS_CACHE_ATTR)
    perms = cache.get(school_id)
    if perms is None:
        changes = getattr(user, _CHANGES_CACHE_ATTR).get(school_id) or {}
        perms = frozenset().union(*(effective_permissions(role, changes.get(role.value)) for role in roles))
        cache[school_id] = perms
    return perms


def has_school_perm(user, school, perm):
    _check_name(perm)
    school_id = getattr(school, "pk", school)
    return perm in perms_in_school(user, school_id)


def schools_with_perm(user, perm):
    """Ids of the schools where the user holds `perm` through a current role."""
    _check_name(perm)
    return [school_id for school_id in school_roles(user) if perm in perms_in_school(user, school_id)]


def has_any_school_perm(user, perm):
    return bool(schools_with_perm(user, perm))


def is_member_of(user, school):
    return getattr(school, "pk", school) in school_roles(user)


def sees_pupil_data(user):
    """True if any current role gives access to pupil records (MFA is then mandatory)."""
    return has_any_school_perm(user, "pastoral.view_pupil")


def approval_scope(user):
    """(school ids, trust ids) where the user may approve roles awaiting approval.

    School roles are approved by a current headteacher or DSL of that school;
    a trust-wide request (roles.TRUST_APPROVED_ROLES) by a current trust DSL or
    a headteacher of any school of the trust. Both also need the `pastoral.approve_roles` permission.
    """
    from .roles import SCHOOL_APPROVERS, TRUST_APPROVERS

    cached = getattr(user, _SCOPE_CACHE_ATTR, None)
    if cached is not None:
        return cached
    roles = school_roles(user)
    allowed = set(schools_with_perm(user, "pastoral.approve_roles"))
    school_ids = sorted(s for s, held in roles.items() if s in allowed and held & SCHOOL_APPROVERS)
    # The School rows came with the roles (school_roles): no query for their trusts.
    schools = getattr(user, _SCHOOLS_CACHE_ATTR, {})
    trust_ids = sorted(
        {schools[s].trust_id for s, held in roles.items() if s in allowed and held & TRUST_APPROVERS and s in schools}
    )
    if user and user.is_authenticated:
        setattr(user, _SCOPE_CACHE_ATTR, (school_ids, trust_ids))  # the page and panel ask twice
    return school_ids, trust_ids


def can_approve(user, membership):
    """True if `user` may approve (or decline) this pending role: in scope, and neither its holder nor its granter."""
    from .roles import TRUST_APPROVED_ROLES

    if membership.approved_at is not None or user.pk in (membership.user_id, membership.granted_by_id):
        return False
    school_ids, trust_ids = approval_scope(user)
    if membership.role in TRUST_APPROVED_ROLES:
        return membership.trust_id in trust_ids
    return membership.school_id in school_ids


def mfa_reset_needs_approval(user):
    """True if `user` holds (or is waiting for) a role that reads pupils (roles.APPROVAL_ROLES) in any
    school or trust: resetting their two-factor then waits for an approver, like granting the role did."""
    from django.utils import timezone

    from ..models import Membership
    from .roles import APPROVAL_ROLES

    return (
        Membership.objects.filter(user=user, role__in=APPROVAL_ROLES).exclude(ends_on__lt=timezone.localdate()).exists()
    )


def is_trust_admin(user, trust_id):
    """True if `user` holds a current trust-wide IT admin role in this trust: the only staff who may end
    trust-wide roles, since one school's administrator must not cut off the trust's leads."""
    from .roles import Role

    return current_memberships(user).filter(role=Role.IT_ADMIN, school__isnull=True, trust_id=trust_id).exists()


def can_end_membership(user, membership):
    """A school role: an administrator of that school. A trust-wide role: a trust-level administrator."""
    if membership.school_id is None:
        return is_trust_admin(user, membership.trust_id)
    return has_school_perm(user, membership.school_id, "pastoral.manage_staff")


def open_roles_split(actor, user):
    """The user's roles that have not ended, as (those `actor` may end, those held out of their reach)."""
    from ..models import Membership

    open_roles = Membership.objects.filter(user=user).exclude(ends_on__lt=timezone.localdate())
    mine, kept = [], []
    for membership in open_roles.select_related("school", "trust"):
        (mine if can_end_membership(actor, membership) else kept).append(membership)
    return mine, kept


def get_or_refuse(queryset, user, code, perm, noun, *, refused=None):
    """The record with this code, or 404 to anyone outside its school and 403 to its staff whose role stops them.

    Staff of the record's own school already know the school's records exist, so they are told
    "not allowed"; anyone else gets "not found", so other schools' records never reveal themselves.
    For sensitive records `refused` names the audit action that records each refusal (see audit.record_refusal).
    """
    record = queryset.filter(code=code).first()
    if record is not None and has_school_perm(user, record.school_id, perm):
        return record
    known = record is not None and is_member_of(user, record.school_id)
    refuse(user, record, code, refused, allowed_to_know=known, noun=noun)


def refuse(user, record, code, refused_action, *, allowed_to_know, noun="record"):
    """Raise 403 (to staff of the record's school) or 404 (to anyone else), auditing it if `refused_action` is set."""
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    from .. import audit

    if refused_action:
        audit.record_refusal(refused_action, actor=user, obj=record, code=code, status=403 if allowed_to_know else 404)
    if allowed_to_know:
        raise PermissionDenied
    raise Http404(f"No such {noun}")


def subject_access_reader(user, school):
    """A reader of every record of one school, for building a subject access pack and nothing else.

    A subject access response holds everything the school keeps about the pupil, whatever the data-protection
    lead's own role may read, so the pack's builder reads each area's records through the same
    `*_visible_to(user)` selectors the pages use, as a copy of `user` that holds every permission in `school`
    (and nothing anywhere else). The copy is made by the pack's Celery task only, after it has checked that
    `user` still holds pastoral.manage_sar there; it is never put on a request or saved.
    """
    import copy

    from .roles import Role

    school_id = getattr(school, "pk", school)
    reader = copy.copy(user)
    forget(reader)
    roles = {Role.HEADTEACHER, Role.DSL}
    setattr(reader, _CACHE_ATTR, {school_id: roles})
    setattr(reader, _TRUST_CACHE_ATTR, {})
    setattr(reader, _CHANGES_CACHE_ATTR, {school_id: {}})
    setattr(reader, _PERMS_CACHE_ATTR, {school_id: known_permissions()})
    setattr(reader, _SCOPE_CACHE_ATTR, ([], []))
    reader.subject_access_reader = True
    return reader
