"""Reads for the roles page and its approvals."""

from django.db.models import Q

from ..accounts import access, role_catalogue
from ..accounts.roles import ROLE_PERMISSIONS
from ..models import RolePermissionChange


def role_matrix(school):
    """[(area, [(perm, label, [cell, …]), …]), …] with one cell per editable role, for the roles page.

    A cell is a dict: role, default (in the role's defaults), on (in its effective permissions), pending (an
    addition awaiting approval), allowed (the guard rails let a school change it)."""
    pending = set(
        RolePermissionChange.objects.filter(school=school, approved_at__isnull=True, declined_at__isnull=True)
        .filter(granted=True)
        .values_list("role", "permission")
    )
    effective = {
        role: role_catalogue.effective_permissions(role, school.role_permissions.get(role.value))
        for role in role_catalogue.EDITABLE_ROLES
    }
    rows = []
    for area, perms in role_catalogue.areas():
        lines = []
        for perm in perms:
            cells = []
            for role in role_catalogue.EDITABLE_ROLES:
                on = perm in effective[role]
                cells.append(
                    {
                        "role": role,
                        "name": f"{role.value}:{perm}",
                        "default": perm in ROLE_PERMISSIONS[role],
                        "on": on,
                        "pending": (role.value, perm) in pending,
                        "allowed": _changeable(role, perm, on, effective[role]),
                    }
                )
            lines.append((perm, role_catalogue.label(perm), cells))
        rows.append((area, lines))
    return rows, effective


def _changeable(role, perm, on, current):
    """False for a box the guard rails would refuse to change either way (shown as fixed on the page)."""
    if on:
        return role_catalogue.change_refusal(role, perm, False, current) is None
    return perm not in role_catalogue.FIXED and role_catalogue.may_hold(role, perm)


def changes_awaiting_approval(user):
    """Pending additions in the schools where `user` approves roles (a headteacher or DSL of the school)."""
    school_ids, _trust_ids = access.approval_scope(user)
    return RolePermissionChange.objects.filter(
        school_id__in=school_ids, approved_at__isnull=True, declined_at__isnull=True
    )


def change_approvals_for(user):
    """The pending changes this user may approve: in their schools, not ones they asked for."""
    return (
        changes_awaiting_approval(user)
        .exclude(requested_by=user)
        .select_related("school", "requested_by")
        .order_by("requested_at", "pk")
    )


def can_approve_change(user, change):
    """A headteacher or DSL of the change's school who did not ask for it."""
    if not change.pending or user.pk == change.requested_by_id:
        return False
    return change.school_id in access.approval_scope(user)[0]


def recent_changes(school, limit=20):
    return (
        RolePermissionChange.objects.filter(school=school)
        .filter(Q(approved_at__isnull=False) | Q(declined_at__isnull=False))
        .select_related("requested_by", "approved_by", "declined_by")
        .order_by("-requested_at", "-pk")[:limit]
    )


def changes_awaiting_approval_in(school):
    return (
        RolePermissionChange.objects.filter(school=school, approved_at__isnull=True, declined_at__isnull=True)
        .select_related("requested_by")
        .order_by("requested_at", "pk")
    )
