"""Reads for interventions. Every list, export, report line and impact figure reads through
`groups_visible_to(user)` or `programmes_visible_to(user)`: staff of the school with view_interventions."""

from django.core.exceptions import PermissionDenied

from pastoral.accounts import access

from .models import GroupMember, InterventionGroup, Programme

VIEW = "provision.view_interventions"
RUN = "provision.run_interventions"
MANAGE = "provision.manage_programmes"


def programmes_visible_to(user):
    return Programme.objects.filter(school_id__in=access.schools_with_perm(user, VIEW))


def groups_visible_to(user):
    return InterventionGroup.objects.filter(school_id__in=access.schools_with_perm(user, VIEW))


def members_visible_to(user):
    return GroupMember.objects.filter(group__school_id__in=access.schools_with_perm(user, VIEW))


def get_group_for_user(user, code, perm=VIEW):
    rows = InterventionGroup.objects.select_related("programme", "school", "created_by")
    return access.get_or_refuse(rows, user, code, perm, "group")


def get_programme_for_user(user, code, perm=VIEW):
    return access.get_or_refuse(Programme.objects.select_related("school"), user, code, perm, "programme")


def get_member_for_user(user, code, perm=RUN):
    member = GroupMember.objects.select_related("group", "group__school", "pupil").filter(code=code).first()
    if member is not None and access.has_school_perm(user, member.group.school_id, perm):
        return member
    access.refuse(
        user,
        member,
        code,
        None,
        allowed_to_know=member is not None and access.is_member_of(user, member.group.school_id),
        noun="member",
    )


def can_run(user, school):
    return access.has_school_perm(user, school, RUN)


def require_run(user, school):
    if not can_run(user, school):
        raise PermissionDenied
