"""Writes for the safeguarding cover rota: one transaction each, audited."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from pastoral import audit
from pastoral.exceptions import PastoralError

from . import selectors
from .models import CoverSlot


@transaction.atomic
def cover_add(*, actor, school, starts_at, ends_at, phone, staff=None, name="", notes=""):
    if not selectors.may_manage_cover(actor, school):
        raise PermissionDenied
    if staff is not None and staff.pk not in {member.user.pk for member in selectors.team(school)}:
        raise PastoralError("Choose the lead DSL or a deputy of this school, or name another contact.")
    slot = CoverSlot(
        school=school,
        starts_at=starts_at,
        ends_at=ends_at,
        staff=staff,
        name=name if staff is None else "",
        phone=phone,
        notes=notes,
        created_by=actor,
    )
    slot.full_clean()
    slot.save()
    audit.record(
        "safeguarding.cover.added",
        actor=actor,
        obj=slot,
        school=school,
        data={"from": starts_at.isoformat(), "until": ends_at.isoformat(), "contact": slot.contact_name},
    )
    return slot


@transaction.atomic
def cover_cancel(*, actor, slot):
    if not selectors.may_manage_cover(actor, slot.school_id):
        raise PermissionDenied
    slot = CoverSlot.objects.select_for_update().get(pk=slot.pk)
    if slot.cancelled_at:
        raise PastoralError("This cover was already cancelled.")
    slot.cancelled_at = timezone.now()
    slot.cancelled_by = actor
    slot.save(update_fields=["cancelled_at", "cancelled_by"])
    audit.record("safeguarding.cover.cancelled", actor=actor, obj=slot, school=slot.school, data={})
    return slot
