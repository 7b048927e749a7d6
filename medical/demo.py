"""What the medical sub-areas' demo seeders share. Each sub-area seeds its own records (registered in its
`apps.register()`, run in the order of `MedicalConfig`'s sub-areas), so together they show every state worth
seeing: an overdue plan review, arrangements due, expiring and low stock, a lapsed agreement, a refused dose
with parents not yet told, a head injury whose letter is still to give and an accident flagged for RIDDOR."""

import uuid

from pastoral.accounts.roles import Role


def code(rng):
    return uuid.UUID(int=rng.getrandbits(128))


def medic_of(staff_by_role):
    """The school's medical lead (or, failing one, its pastoral lead), or None."""
    medics = staff_by_role.get(Role.MEDICAL_LEAD) or staff_by_role.get(Role.PASTORAL_LEAD) or []
    return medics[0] if medics else None


def witness_for(staff_by_role, medic):
    staff = [u for role, users in staff_by_role.items() if role != Role.TRUST_LEADER for u in users]
    return next((u for u in staff if u.pk != medic.pk), medic)
