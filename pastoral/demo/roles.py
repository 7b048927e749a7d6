"""Demo: one safeguarding role and one change to a role's permissions waiting for approval, so the headteacher's
and DSL's home pages show the panel."""

from ..accounts.roles import Role
from ..models import Membership


def seed_role_request(school, staff_by_role, pupils, rng, term):
    admins = staff_by_role.get(Role.IT_ADMIN, [])
    leads = [user for user in staff_by_role.get(Role.PASTORAL_LEAD, []) if user.is_active]
    if not admins or not leads:
        return
    holder = leads[0]
    if Membership.objects.filter(user=holder, school=school, role=Role.DEPUTY_DSL).exists():
        return
    # Made directly rather than through services.membership_grant: seeding sends no email and writes no audit.
    Membership.objects.create(
        user=holder, school=school, trust=school.trust, role=Role.DEPUTY_DSL, granted_by=admins[0], approved_at=None
    )


def seed_role_permission_request(school, staff_by_role, pupils, rng, term):
    """The headteacher has asked for the pastoral staff to see bullying patterns: the DSL's approvals page and
    home panel show it waiting, and the roles page marks it "awaiting approval"."""
    from ..models import RolePermissionChange

    heads = [user for user in staff_by_role.get(Role.HEADTEACHER, []) if user.is_active]
    if not heads:
        return
    RolePermissionChange.objects.get_or_create(
        school=school,
        role=Role.PASTORAL_STAFF,
        permission="behaviour.view_bullying_patterns",
        approved_at=None,
        declined_at=None,
        defaults={"granted": True, "requested_by": heads[0]},
    )
