"""Demo: one safeguarding role waiting for approval, so the headteacher's home page shows the panel."""

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
