"""Writes for a school's changes to what its roles may do (see pastoral.accounts.role_catalogue).

Additions wait for a second person: a headteacher or DSL of the school other than whoever asked, as a role
that reads pupils does. Removals narrow access, so they apply at once (still audited, and guarded: nobody
takes "Raise a safeguarding concern" from staff, nor the case work from the DSL). Re-adding a removed
permission is an addition, so it waits for approval like any other.
"""

from django.db import transaction
from django.utils import timezone

from .. import audit, outbox
from ..accounts import access, role_catalogue
from ..accounts.roles import ROLE_PERMISSIONS, Role
from ..exceptions import PastoralError
from ..models import RolePermissionChange, School


def _lock(school):
    return School.objects.select_for_update().get(pk=school.pk)


def _effective(school, role):
    return role_catalogue.effective_permissions(role, school.role_permissions.get(role.value))


def _rewrite(school):
    """School.role_permissions from the approved changes: for each role and permission the latest decides."""
    latest = {}
    approved = RolePermissionChange.objects.filter(school=school, approved_at__isnull=False)
    for role, perm, granted in approved.order_by("approved_at", "pk").values_list("role", "permission", "granted"):
        latest[(role, perm)] = granted
    result = {}
    for (role, perm), granted in sorted(latest.items()):
        if granted == (perm in ROLE_PERMISSIONS[Role(role)]):
            continue  # back to the default
        result.setdefault(role, {"granted": [], "removed": []})["granted" if granted else "removed"].append(perm)
    school.role_permissions = result
    school.save(update_fields=["role_permissions"])


@transaction.atomic
def role_permissions_change(*, actor, school, changes):
    """Ask for changes to the school's roles: `changes` is [(Role, permission, granted), …], all or nothing.

    Returns the RolePermissionChange rows: additions pending, removals already applied."""
    if not access.has_school_perm(actor, school, "pastoral.manage_roles"):
        raise PastoralError("You do not fit the roles of this school.")
    school = _lock(school)
    # Each role's permissions once every change asked for here applies, so that taking away "View pupil
    # records" together with every permission that needs it is judged on the result, not one at a time.
    current = {role: _effective(school, role) for role, _perm, _granted in changes}
    after = {role: set(perms) for role, perms in current.items()}
    for role, perm, granted in changes:
        (after[role].add if granted else after[role].discard)(perm)
    problems = []
    for role, perm, granted in changes:
        refusal = role_catalogue.change_refusal(role, perm, granted, current[role], after[role])
        if refusal is None and granted:
            waiting = RolePermissionChange.objects.filter(
                school=school, role=role, permission=perm, approved_at__isnull=True, declined_at__isnull=True
            )
            if waiting.exists():
                refusal = f"{role.label} gaining “{role_catalogue.label(perm)}” is already awaiting approval."
        if refusal:
            problems.append(refusal)
    if problems:
        raise PastoralError(" ".join(problems))
    now = timezone.now()
    made = []
    for role, perm, granted in changes:
        change = RolePermissionChange(
            school=school, role=role, permission=perm, granted=granted, requested_by=actor, requested_at=now
        )
        if not granted:
            change.approved_at = now  # a removal applies at once
        change.save()
        data = {"role": role.value, "permission": perm}
        action = "pastoral.role_permission.requested" if granted else "pastoral.role_permission.removed"
        audit.record(action, actor=actor, obj=change, school=school, data=data)
        made.append(change)
    if any(not granted for _role, _perm, granted in changes):
        _rewrite(school)
    additions = [change.pk for change in made if change.granted]
    if additions:
        outbox.enqueue("pastoral.tasks.notify_role_change_approvers_task", additions)
    return made


def _pending_for_update(change):
    locked = RolePermissionChange.objects.select_for_update().select_related("school").get(pk=change.pk)
    if locked.approved_at is not None:
        raise PastoralError("This change has already been approved.")
    if locked.declined_at is not None:
        raise PastoralError("This change has already been declined.")
    return locked


@transaction.atomic
def role_permission_approve(*, actor, change):
    """A headteacher or DSL of the school other than whoever asked signs off an addition; it applies now."""
    from .selectors import can_approve_change

    school = _lock(change.school)
    change = _pending_for_update(change)
    if actor.pk == change.requested_by_id:
        raise PastoralError("You asked for this change, so someone else must approve it.")
    if not can_approve_change(actor, change):
        raise PastoralError("You cannot approve changes to this school's roles.")
    # The guard rails again: the role may have changed since the request.
    refusal = role_catalogue.change_refusal(
        Role(change.role), change.permission, True, _effective(school, Role(change.role))
    )
    if refusal:
        raise PastoralError(refusal)
    change.approved_at = timezone.now()
    change.approved_by = actor
    change.save(update_fields=["approved_at", "approved_by"])
    audit.record(
        "pastoral.role_permission.approved",
        actor=actor,
        obj=change,
        school=school,
        data={"role": change.role, "permission": change.permission, "requested_by": change.requested_by_id},
    )
    _rewrite(school)
    access.forget(actor)
    return change


@transaction.atomic
def role_permission_decline(*, actor, change, reason):
    """Refuse an addition: kept as declined (never deleted), with the reason, in the audit log too."""
    from .selectors import can_approve_change

    reason = (reason or "").strip()
    if not reason:
        raise PastoralError("Give a reason for declining.")
    change = _pending_for_update(change)
    if not can_approve_change(actor, change):
        raise PastoralError("You cannot decline this change.")
    change.declined_at = timezone.now()
    change.declined_by = actor
    change.decline_reason = reason
    change.save(update_fields=["declined_at", "declined_by", "decline_reason"])
    audit.record(
        "pastoral.role_permission.declined",
        actor=actor,
        obj=change,
        school=change.school,
        data={"role": change.role, "permission": change.permission, "reason": reason},
    )
    return change
