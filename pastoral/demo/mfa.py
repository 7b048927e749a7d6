"""Demo: a two-factor reset for a deputy DSL waiting for approval, so the head's approvals page shows one."""

from ..accounts.roles import Role
from ..models import MfaResetRequest


def seed_mfa_reset_request(school, staff_by_role, pupils, rng, term):
    admins = staff_by_role.get(Role.IT_ADMIN, [])
    deputies = [user for user in staff_by_role.get(Role.DEPUTY_DSL, []) if user.is_active]
    if not admins or not deputies:
        return
    holder = deputies[0]
    if MfaResetRequest.objects.filter(user=holder).exists():
        return
    # Made directly rather than through services.staff_reset_mfa: seeding sends no email and writes no audit.
    MfaResetRequest.objects.create(
        user=holder, school=school, requested_by=admins[0], reason="New phone; old one handed in to IT"
    )
